"""Clinics and bookings through the pages, at desktop and phone width, under the real CSP with axe.

An OH administrator sets up a clinic and books a waiting case into one of its slots; the employee, with no
sign-in, moves it by the single-use link in their confirmation; the administrator sees the new time at once; the
e-mail (with its calendar invitation), the SMS (through GOV.UK Notify's real client against a fake Notify server on
loopback) and the reminder before the appointment are checked, with no health detail in any of them; and a second
booking of a slot someone else has just taken is refused with a clear message. Every page is checked at 1280 and
320 px (axe with every rule set, any impact; CSP; no sideways scroll); screenshots go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from http.server import HTTPServer

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from browser_tests.conftest import at_each_width, sign_in, sign_out
from clinics import tasks
from clinics.models import Booking, Slot
from clinics.tests.conftest import Diary
from clinics.tests.test_self_booking_and_reminders import HEALTH_WORDS, NOTIFY_KEY, FakeNotify
from notifications import tasks as outbox
from notifications.models import Channel, OutboxMessage
from organisations.tests.factories import confirmed_totp_device
from referrals.models import Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "sam.patel@example.nhs.uk"


@pytest.fixture
def notify(settings):
    """A fake GOV.UK Notify on loopback; the portal's Notify client sends its SMS there."""
    FakeNotify.received = []
    server = HTTPServer(("127.0.0.1", 0), FakeNotify)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.GOVUK_NOTIFY_API_KEY = NOTIFY_KEY
    settings.GOVUK_NOTIFY_BASE_URL = f"http://127.0.0.1:{server.server_address[1]}"
    settings.GOVUK_NOTIFY_SMS_TEMPLATE_ID = "sms-template"
    settings.GOVUK_NOTIFY_FOR_EMAIL = False
    yield FakeNotify.received
    server.shutdown()
    server.server_close()


def _deliver_all() -> None:
    for message in OutboxMessage.objects.filter(status="pending").order_by("pk"):
        outbox.deliver_message(message.pk)


def _change_token(template: str) -> str:
    message = OutboxMessage.objects.filter(template=template, channel=Channel.EMAIL).order_by("-pk").first()
    assert message is not None, f"no {template} e-mail queued"
    return str(message.context["change_link"]).rstrip("/").rsplit("/", 1)[-1]


def _no_health_detail(*texts: str) -> None:
    for text in texts:
        assert not any(word in text.lower() for word in HEALTH_WORDS), text


def _go(page: Page, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def _a_listed_slot(page: Page, *, days_ahead: int = 3, not_pk: int | None = None) -> int:
    """The soonest slot the page lists that starts at least `days_ahead` days from now (so that it can still be
    moved by the employee, and reminded of, whatever the hour the test runs), other than `not_pk`."""
    values = [int(v) for v in page.locator("input[name='slot']").evaluate_all("els => els.map(e => e.value)")]
    assert values, f"{page.url} lists no slots"
    later = Slot.objects.filter(pk__in=values, start__gte=timezone.now() + timedelta(days=days_ahead))
    found = later.exclude(pk=not_pk).order_by("start").values_list("pk", flat=True).first()
    assert found is not None, f"{page.url} lists no slot {days_ahead} days ahead"
    return found


def test_a_clinic_built_a_case_booked_moved_by_link_reminded_and_a_double_booking_refused(page: Page, world, notify):
    diary = Diary(world)
    confirmed_totp_device(diary.oh_admin)
    diary.clinician.profession = "Physiotherapist"
    diary.clinician.save()
    case = diary.case(email=EMAIL, phone="07700 900123")
    other_case = diary.case(email="", phone="07700 900456")
    third_case = diary.case(email="", phone="07700 900789")
    mail.outbox.clear()

    # The OH administrator sets up a clinic: every weekday, 9 to 12, 30-minute slots, from today.
    sign_in(page, diary.oh_admin)
    page.goto("/clinics/")
    expect(page.locator("main")).to_contain_text("Your service has no clinics yet")
    at_each_width(page, "clinics-list-empty")
    _go(page, "a:has-text('Set up a clinic')")
    at_each_width(page, "clinics-new")
    _go(page, "button:has-text('Set up the clinic')")  # nothing filled in: the error summary
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter a name for the clinic")
    at_each_width(page, "clinics-new-errors")
    page.fill("#id_name", "Physiotherapy, Outpatients, weekdays")
    page.select_option("#id_clinician", str(diary.clinician.pk))
    page.check("input[name='practitioner_type'][value='physiotherapist']")
    page.check("input[name='modality'][value='face_to_face']")
    page.fill("#id_location", "Outpatients, room 4")
    for day in range(5):
        page.check(f"input[name='weekdays'][value='{day}']")
    page.fill("#id_start_time", "9am")
    page.fill("#id_end_time", "12:00")
    page.select_option("#id_slot_minutes", "30")
    today = timezone.localdate()
    page.fill("#id_starts_on_0", str(today.day))
    page.fill("#id_starts_on_1", str(today.month))
    page.fill("#id_starts_on_2", str(today.year))
    _go(page, "button:has-text('Set up the clinic')")
    expect(page.locator(".nhsuk-error-summary")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("is set up, with its slots for the next 12 weeks")
    expect(page.locator("main .nhsuk-tag--green").first).to_have_text("Free")
    assert Slot.objects.filter(clinic__name="Physiotherapy, Outpatients, weekdays").count() > 100
    at_each_width(page, "clinics-detail")

    # It books the case into a free slot.
    page.goto(f"/clinics/book/referral/{case.pk}/")
    expect(page.locator("h1")).to_have_text("Book an appointment")
    at_each_width(page, "clinics-book")
    booked_pk = _a_listed_slot(page, days_ahead=5)
    page.check(f"input[name='slot'][value='{booked_pk}']")
    _go(page, "button:has-text('Book this slot')")
    expect(page.locator(".nhsuk-error-summary")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("Appointment booked. The details and a calendar invitation")
    booking = Booking.objects.get(referral=case)
    assert booking.slot_id == booked_pk
    case.refresh_from_db()
    assert case.status == Status.APPOINTMENT_BOOKED
    at_each_width(page, "clinics-booking")

    # What reached the employee: an e-mail with the calendar invitation, an SMS through Notify; no health detail.
    _deliver_all()
    [email] = [m for m in mail.outbox if m.to == [EMAIL]]
    [(name, content, kind)] = email.attachments
    assert name == "appointment.ics" and kind.startswith("text/calendar")
    assert "METHOD:REQUEST" in content and "BEGIN:VEVENT" in content
    when = f"{timezone.localtime(booking.start):%A %d %B %Y at %H:%M}"
    [(path, sms)] = [(p, b) for p, b in notify if b["phone_number"] == "+447700900123"]
    assert path == "/v2/notifications/sms" and sms["template_id"] == "sms-template"
    assert when in sms["personalisation"]["body"]
    _no_health_detail(email.subject, email.body, content, json.dumps(sms))
    sign_out(page)

    # The employee moves it by the link in the confirmation, with no sign-in.
    token = _change_token("clinics_booking_confirmed")
    page.goto(f"/clinics/my-appointment/{token}/")
    expect(page.locator("h1")).to_have_text("Your appointment")
    expect(page.locator("main")).to_contain_text("Move it to another time")
    at_each_width(page, "clinics-self-service")
    moved_pk = _a_listed_slot(page, not_pk=booked_pk)
    page.check(f"input[name='slot'][value='{moved_pk}']")
    _go(page, "button:has-text('Move my appointment')")
    expect(page.locator("h1")).to_have_text("Your appointment has moved")
    at_each_width(page, "clinics-self-moved")
    booking.refresh_from_db()
    assert booking.slot_id == moved_pk
    assert booking.employee_changes == 1
    # The link was used up: a second visit is refused.
    page.goto(f"/clinics/my-appointment/{token}/")
    expect(page.locator("h1")).to_have_text("This link has been used")
    at_each_width(page, "clinics-self-used-link")

    # The new time reached the employee again, with a fresh invitation.
    _deliver_all()
    moved_mail = [m for m in mail.outbox if m.to == [EMAIL]][-1]
    [(_, moved_ics, _)] = moved_mail.attachments
    assert "SEQUENCE:1" in moved_ics
    new_when = f"{timezone.localtime(booking.start):%A %d %B %Y at %H:%M}"
    moved_sms = [b for _, b in notify if b["phone_number"] == "+447700900123"]
    assert len(moved_sms) == 2 and new_when in moved_sms[-1]["personalisation"]["body"]
    _no_health_detail(moved_mail.subject, moved_mail.body, moved_ics, json.dumps(moved_sms[-1]))

    # The reminder two days before goes by SMS, once.
    with time_machine.travel(booking.start - timedelta(days=1, hours=23), tick=False):
        assert tasks.send_booking_reminders() == 1
        assert tasks.send_booking_reminders() == 0
    _deliver_all()
    reminder = [b for _, b in notify if b["phone_number"] == "+447700900123"][-1]
    assert "Reminder" in reminder["personalisation"]["body"] and new_when in reminder["personalisation"]["body"]
    _no_health_detail(json.dumps(reminder))

    # The administrator sees the move at once: the booking's new time, and a notice.
    sign_in(page, diary.oh_admin)
    page.goto(f"/clinics/bookings/{booking.pk}/")
    expect(page.locator("main")).to_contain_text(f"{timezone.localtime(booking.start):%H:%M}")
    at_each_width(page, "clinics-booking-moved")

    # A second booking of the same slot: the page was shown while the slot was free, and someone books it first.
    page.goto(f"/clinics/book/referral/{other_case.pk}/")
    contested = _a_listed_slot(page)
    rival = page.context.new_page()
    rival.goto(f"/clinics/book/referral/{third_case.pk}/")
    rival.check(f"input[name='slot'][value='{contested}']")
    with rival.expect_navigation():
        rival.click("button:has-text('Book this slot')")
    expect(rival.locator("main")).to_contain_text("Appointment booked")
    rival.close()
    page.check(f"input[name='slot'][value='{contested}']")
    _go(page, "button:has-text('Book this slot')")
    refusal = "That time has just been booked for someone else. Choose another slot."
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(refusal)
    at_each_width(page, "clinics-double-booking-refused")
    assert Booking.objects.filter(slot_id=contested).count() == 1
    assert not Booking.objects.filter(referral=other_case).exists()

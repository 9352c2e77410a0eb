"""The employee's single-use link (book, move, cancel within the rules) and what reaches them: e-mail with the
calendar invitation through Django's mail, SMS through GOV.UK Notify's real client against a fake Notify server
on loopback, reminders before the appointment. No health detail in any of it."""

from __future__ import annotations

import json
import threading
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.test import Client

from clinics import services, tasks
from clinics.models import Booking, BookingStatus
from clinics.rules import BookingRefused
from conftest import signed_in_client
from notifications import tasks as outbox
from notifications.models import Channel, Notification, OutboxMessage
from ohwb_portal.single_use_links import LinkProblem
from referrals.models import Status

from .conftest import NOW
from .test_diary import WEDNESDAY

pytestmark = pytest.mark.django_db

NOTIFY_KEY = "test_key-26785a09-ab16-4eb0-8407-a37497a57506-3d844edf-8d35-48ac-975b-e847b4f122b0"
HEALTH_WORDS = ("musculoskeletal", "physio", "mental", "diagnos", "porter")


class FakeNotify(BaseHTTPRequestHandler):
    received: list[tuple[str, dict]] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeNotify.received.append((self.path, body))
        answer = json.dumps({"id": "740e5834-3a29-46b4-9a6f-16142fde533a", "reference": body.get("reference")})
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(answer.encode())

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def notify(settings):
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


def _deliver_all():
    for message in OutboxMessage.objects.filter(status="pending"):
        outbox.deliver_message(message.pk)


def _token(message: OutboxMessage, key: str = "link") -> str:
    return str(message.context[key]).rstrip("/").rsplit("/", 1)[-1]


def test_the_employee_books_by_link_and_oh_sees_it_at_once(diary):
    diary.build_clinic()
    referral = diary.case()
    raw = services.send_booking_link(referral=referral, by=diary.oh_admin)
    page = Client().get(f"/clinics/my-appointment/{raw}/")
    assert page.status_code == 200 and "Choose your appointment" in page.content.decode()
    assert page["Cache-Control"].startswith("max-age=0") or "no-cache" in page["Cache-Control"]
    # Offered: more than a day ahead, within the routine target (10 working days from Monday 30 November).
    slot = diary.slot(date(2026, 12, 2), 9)
    assert f'value="{slot.pk}"' in page.content.decode()
    done = Client().post(f"/clinics/my-appointment/{raw}/", {"slot": slot.pk, "do": "book"})
    assert "Your appointment is booked" in done.content.decode()
    referral.refresh_from_db()
    assert referral.status == Status.APPOINTMENT_BOOKED
    booking = Booking.objects.get(referral=referral)
    assert booking.by_employee and booking.slot == slot
    assert Notification.objects.filter(user=diary.oh_admin, title__contains="changed their appointment").exists()
    # The link was single use.
    with pytest.raises(LinkProblem):
        services.resolve_link(raw)
    assert Client().get(f"/clinics/my-appointment/{raw}/").status_code == 410


def test_moving_and_cancelling_by_link_within_the_rules(diary, frozen):
    diary.build_clinic()
    booking = services.book_slot(slot=diary.slot(WEDNESDAY, 10), by=diary.oh_admin, referral=diary.case())
    confirmation = OutboxMessage.objects.get(template="clinics_booking_confirmed", channel=Channel.EMAIL)
    raw = _token(confirmation, "change_link")
    target = diary.slot(date(2026, 12, 4), 9)
    services.move_by_link(raw=raw, slot=target)
    booking.refresh_from_db()
    assert (booking.slot, booking.employee_changes, booking.sequence) == (target, 1, 1)
    with pytest.raises(LinkProblem):
        services.move_by_link(raw=raw, slot=diary.slot(date(2026, 12, 4), 10))  # used
    moved = OutboxMessage.objects.get(template="clinics_booking_moved", channel=Channel.EMAIL)
    raw = _token(moved, "change_link")
    services.move_by_link(raw=raw, slot=diary.slot(date(2026, 12, 4), 10))
    raw = _token(OutboxMessage.objects.filter(template="clinics_booking_moved").order_by("-pk").first(), "change_link")
    with pytest.raises(BookingRefused, match="already been moved 2 times"):
        services.move_by_link(raw=raw, slot=diary.slot(date(2026, 12, 4), 11))
    frozen.move_to(NOW + timedelta(days=3, hours=12))  # Thursday 8pm: less than a day before Friday 10am
    with pytest.raises(BookingRefused, match="less than 24 hours"):
        services.cancel_by_link(raw=raw)


def test_cancelling_by_link_sends_a_new_link_to_choose_again(diary):
    diary.build_clinic()
    booking = services.book_slot(slot=diary.slot(WEDNESDAY, 10), by=diary.oh_admin, referral=diary.case())
    raw = _token(OutboxMessage.objects.get(template="clinics_booking_confirmed", channel=Channel.EMAIL), "change_link")
    response = Client().post(f"/clinics/my-appointment/{raw}/", {"do": "cancel"})
    assert "Your appointment is cancelled" in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED and booking.referral.status == Status.TRIAGED
    cancelled = OutboxMessage.objects.get(template="clinics_booking_cancelled", channel=Channel.EMAIL)
    again = _token(cancelled, "change_link")
    assert services.resolve_link(again).purpose == "book"


def test_a_slot_outside_the_rules_is_refused_by_link(diary):
    diary.build_clinic()
    raw = services.send_booking_link(referral=diary.case(), by=diary.oh_admin)
    too_soon = diary.slot(date(2026, 11, 30), 11)  # today: less than a day ahead
    with pytest.raises(BookingRefused):
        services.book_by_link(raw=raw, slot=too_soon)


def test_email_with_invitation_and_sms_through_notify_reach_the_employee(diary, notify):
    diary.build_clinic()
    services.book_slot(slot=diary.slot(WEDNESDAY, 10), by=diary.oh_admin, referral=diary.case())
    _deliver_all()
    [email] = [m for m in mail.outbox if m.to == ["sam.patel@example.nhs.uk"]]  # others: OH staff's notices
    [(name, content, kind)] = email.attachments
    assert name == "appointment.ics" and kind.startswith("text/calendar") and "METHOD:REQUEST" in content
    [(path, sms)] = notify
    assert path == "/v2/notifications/sms"
    assert sms["phone_number"] == "+447700900123" and sms["template_id"] == "sms-template"
    assert "Wednesday 02 December 2026 at 10:00" in sms["personalisation"]["body"]
    for text in (email.subject, email.body, content, json.dumps(sms)):
        assert not any(word in text.lower() for word in HEALTH_WORDS), text


def test_reminders_two_days_and_two_hours_before_once_each(diary, frozen, notify):
    diary.build_clinic()
    booking = services.book_slot(slot=diary.slot(WEDNESDAY, 10), by=diary.oh_admin, referral=diary.case())
    _deliver_all()
    notify.clear()
    frozen.move_to(booking.start - timedelta(days=1, hours=23))
    assert tasks.send_booking_reminders() == 1
    assert tasks.send_booking_reminders() == 0  # twice is harmless
    frozen.move_to(booking.start - timedelta(hours=1))
    assert tasks.send_booking_reminders() == 1
    _deliver_all()
    assert [body["phone_number"] for _, body in notify] == ["+447700900123", "+447700900123"]
    assert all("Reminder" in body["personalisation"]["body"] for _, body in notify)


def test_staff_without_email_get_a_letter(diary):
    diary.build_clinic()
    referral = diary.case(email="", with_user=False, phone="")
    booking = services.book_slot(slot=diary.slot(WEDNESDAY, 10), by=diary.oh_admin, referral=referral)
    assert not OutboxMessage.objects.filter(template__startswith="clinics_booking").exists()
    client = signed_in_client(diary.oh_admin)
    page = client.get(f"/clinics/bookings/{booking.pk}/").content.decode()
    assert "Print the letter" in page
    pdf = client.get(f"/clinics/bookings/{booking.pk}/letter.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")

"""Finding work: the caseload's and triage queue's search, filters, sort and overdue flag, and what each role's
home page says is waiting for them."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from conftest import signed_in_client
from organisations.roles import Role
from organisations.tests.factories import EmployeeFactory, OrganisationFactory, ServiceAssignmentFactory, member
from referrals import service_levels
from referrals.models import Appointment, Referral, Status
from referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# Wednesday 2 December 2026, mid-morning.
NOW = datetime(2026, 12, 2, 10, tzinfo=LONDON)


def sent(world, *, organisation=None, at=NOW, status=Status.SUBMITTED, last_name="Patel", **fields):
    organisation = organisation or world.trust_a
    employee = EmployeeFactory(organisation=organisation, last_name=last_name, first_name="Sam")
    return ReferralFactory(employee=employee, oh_service=world.oh_service, status=status, submitted_at=at, **fields)


def rows(response):
    """Each table row's text, keyed by the case reference it starts with."""
    html = response.content.decode()
    found = {}
    for row in html.split('<tr role="row" class="nhsuk-table__row">')[1:]:
        row = row.split("</tr>")[0]
        reference = row.split('">OH-')[1].split("<")[0]
        found[f"OH-{reference}"] = row
    return found


@pytest.fixture
def oh_admin(world):
    return signed_in_client(member(Role.OH_ADMIN, world.oh_service))


@time_machine.travel(NOW, tick=False)
def test_triage_queue_flags_a_referral_waiting_beyond_two_working_days_and_names_its_organisation(world, oh_admin):
    friday = sent(world, at=datetime(2026, 11, 27, 16, tzinfo=LONDON))  # Mon 30, Tue 1, Wed 2: 3 working days
    monday = sent(world, at=datetime(2026, 11, 30, 9, tzinfo=LONDON))  # Tue 1, Wed 2: on time

    shown = rows(oh_admin.get("/referrals/triage/"))

    assert "Triage overdue" in shown[friday.reference]
    assert "Triage overdue" not in shown[monday.reference]
    assert "Trust A" in shown[friday.reference]


@time_machine.travel(NOW, tick=False)
def test_overdue_filter_lists_only_the_overdue_and_the_count_agrees_with_the_flag(world, oh_admin):
    late = sent(world, at=datetime(2026, 11, 26, 9, tzinfo=LONDON))
    sent(world, at=datetime(2026, 12, 1, 9, tzinfo=LONDON))

    shown = rows(oh_admin.get("/referrals/triage/?overdue=on"))

    assert list(shown) == [late.reference]
    assert Referral.objects.filter(service_levels.triage_overdue()).get() == late


@time_machine.travel(NOW, tick=False)
def test_booking_is_overdue_after_ten_working_days_accepted(world, oh_admin):
    accepted = {"status": Status.TRIAGED, "priority": "routine", "practitioner_type": "oh_nurse"}
    late = sent(world, accepted_at=datetime(2026, 11, 17, 9, tzinfo=LONDON), **accepted)  # 11 working days
    on_time = sent(world, accepted_at=datetime(2026, 11, 18, 9, tzinfo=LONDON), **accepted)  # 10

    shown = rows(oh_admin.get("/referrals/caseload/?overdue=on"))

    assert list(shown) == [late.reference]
    assert "Booking overdue" in shown[late.reference]
    assert on_time.reference not in shown


def test_search_by_name_reference_or_esr_number(world, oh_admin):
    patel = sent(world, last_name="Patel")
    okafor = sent(world, last_name="Okafor")

    assert list(rows(oh_admin.get("/referrals/caseload/?q=pat"))) == [patel.reference]
    assert list(rows(oh_admin.get("/referrals/caseload/?q=sam+okaf"))) == [okafor.reference]
    assert list(rows(oh_admin.get(f"/referrals/caseload/?q={okafor.reference}"))) == [okafor.reference]
    assert list(rows(oh_admin.get(f"/referrals/triage/?q={okafor.pk}"))) == [okafor.reference]
    assert list(rows(oh_admin.get(f"/referrals/caseload/?q={patel.employee.esr_number}"))) == [patel.reference]


def test_filters_by_organisation_status_priority_and_clinician(world, oh_admin):
    gp = OrganisationFactory(name="Riverside Practice", kind="gp_practice")
    ServiceAssignmentFactory(oh_service=world.oh_service, client=gp)
    in_a = sent(world, status=Status.TRIAGED, priority="urgent", accepted_at=NOW)
    in_b = sent(world, organisation=gp, status=Status.APPOINTMENT_BOOKED, priority="routine", accepted_at=NOW)
    clinician = member(Role.CLINICIAN, world.oh_service)
    Appointment.objects.create(referral=in_b, clinician=clinician, start=timezone.now(), modality="telephone")

    assert list(rows(oh_admin.get(f"/referrals/caseload/?organisation={gp.pk}"))) == [in_b.reference]
    assert list(rows(oh_admin.get("/referrals/caseload/?status=triaged"))) == [in_a.reference]
    assert list(rows(oh_admin.get("/referrals/caseload/?priority=urgent"))) == [in_a.reference]
    assert list(rows(oh_admin.get(f"/referrals/caseload/?clinician={clinician.pk}"))) == [in_b.reference]
    assert list(rows(oh_admin.get("/referrals/caseload/?attendance=on"))) == [in_b.reference]


def test_another_services_organisation_or_clinician_is_not_offered_and_filters_nothing_in(world, oh_admin):
    theirs = ReferralFactory(
        employee=EmployeeFactory(organisation=world.trust_b),
        oh_service=world.other_oh_service,
        status=Status.SUBMITTED,
        submitted_at=NOW,
    )
    their_clinician = member(Role.CLINICIAN, world.other_oh_service)

    page = oh_admin.get(f"/referrals/caseload/?organisation={world.trust_b.pk}&clinician={their_clinician.pk}")

    assert theirs.reference not in page.content.decode()
    assert "Choose an organisation from the list" in page.content.decode()
    assert "Choose a clinician from the list" in page.content.decode()
    assert f'value="{world.trust_b.pk}"' not in page.content.decode()
    assert world.trust_b.name not in page.content.decode()


def test_sort_newest_or_waiting_longest_and_pages_keep_the_filters(world, oh_admin):
    cases = [sent(world, at=NOW - timedelta(days=n), last_name="Jones") for n in range(25)]
    newest, oldest = cases[0], cases[-1]

    first = oh_admin.get("/referrals/triage/?q=jones&sort=newest")
    assert list(rows(first))[0] == newest.reference
    assert "q=jones&amp;sort=newest&amp;page=2" in first.content.decode()
    assert list(rows(oh_admin.get("/referrals/triage/?q=jones&sort=waiting")))[0] == oldest.reference
    second = rows(oh_admin.get("/referrals/triage/?q=jones&sort=newest&page=2"))
    assert list(second)[-1] == oldest.reference
    # A wrong value in another filter does not lose the chosen order.
    assert list(rows(oh_admin.get("/referrals/triage/?q=jones&sort=newest&organisation=0")))[0] == newest.reference


def test_the_filter_words_are_the_users(world, oh_admin):
    page = oh_admin.get("/referrals/caseload/?status=nonsense&sort=sideways").content.decode()
    assert "Choose a status from the list" in page
    assert "Choose an order from the list" in page
    assert "Select a valid choice" not in page


# Home pages: what is waiting, counted in a fixed number of queries however many cases there are.


def waiting_on_home(client):
    html = client.get("/").content.decode()
    section = html.split("Waiting for you")[1].split("Your work")[0]
    return [item.split(">", 1)[1].split("</a>")[0] for item in section.split("<li>")[1:]]


@time_machine.travel(NOW, tick=False)
def test_oh_admin_home_leads_with_overdue_triage_then_new_referrals_then_attendance(world, oh_admin):
    sent(world, at=datetime(2026, 11, 26, 9, tzinfo=LONDON))
    sent(world)
    booked = sent(world, status=Status.APPOINTMENT_BOOKED, priority="routine", accepted_at=NOW)
    clinician = member(Role.CLINICIAN, world.oh_service)
    Appointment.objects.create(referral=booked, clinician=clinician, start=NOW - timedelta(hours=1), modality="video")

    assert waiting_on_home(oh_admin) == [
        "1 referral waiting for triage longer than the target",
        "2 new referrals to triage",
        "1 case with attendance to record",
    ]
    html = oh_admin.get("/").content.decode()
    assert 'href="/referrals/triage/?overdue=on"' in html
    assert 'href="/referrals/caseload/?attendance=on"' in html


def test_clinician_home_shows_their_cases_needing_a_report_and_awaiting_decision(case):
    case.accept().book().attend()
    client = signed_in_client(case.clinician)
    assert waiting_on_home(client) == ["1 case of yours assessed, with a report to write"]
    html = client.get("/").content.decode()
    assert f'href="/referrals/caseload/?clinician={case.clinician.pk}&amp;status=assessed"' in html

    case.report()
    assert waiting_on_home(client) == ["1 report of yours waiting for the employee&#x27;s decision"]
    other_clinician = signed_in_client(member(Role.CLINICIAN, case.world.oh_service))
    assert waiting_on_home(other_clinician) == []


def test_employee_home_shows_the_report_to_decide_and_manager_home_the_adjustments(case):
    case.accept().book().attend().report()
    employee = signed_in_client(case.employee_user)
    assert waiting_on_home(employee) == ["1 report waiting for your decision on sharing it with your manager"]

    case.release()
    manager = signed_in_client(case.manager)
    assert waiting_on_home(manager) == ["2 recommended adjustments to follow up (put in place or not)"]
    assert waiting_on_home(employee) == []


def test_manager_home_shows_a_returned_referral(case):
    from referrals import services

    services.return_to_manager(referral=case.referral, by=case.oh_admin, reason="Which ward?")
    assert waiting_on_home(signed_in_client(case.manager)) == ["1 referral returned to you by occupational health"]


@pytest.mark.parametrize("role", [Role.OH_ADMIN, Role.CLINICIAN, Role.MANAGER, Role.EMPLOYEE, Role.RECRUITER])
def test_home_counts_take_the_same_queries_for_many_cases_as_for_few(world, role, django_assert_max_num_queries):
    home = world.oh_service if role in (Role.OH_ADMIN, Role.CLINICIAN) else world.trust_a
    client = signed_in_client(member(role, home))
    client.get("/")  # sessions and caches warm
    with django_assert_max_num_queries(20) as few:
        client.get("/")
    for n in range(15):
        sent(world, at=NOW - timedelta(days=n))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/")

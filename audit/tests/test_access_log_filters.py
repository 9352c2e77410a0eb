"""The IG lead finds reads in the access log by who read, whose record, which case and when, and downloads what
the filters select; an employee filters who looked at their own record. Nobody else opens either, and no filter
or export reaches another organisation's rows."""

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from audit.models import AccessKind, AccessLogEntry
from audit.services import log_access
from conftest import signed_in_client
from organisations.roles import Role
from organisations.tests.factories import EmployeeFactory, UserFactory, member
from referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(timezone.datetime(2026, 3, 16, 10, 0))


class Log:
    """Reads of two staff records in trust A (by a clinician and an OH administrator) and one in trust B."""

    def __init__(self, world):
        self.world = world
        self.clinician = member(Role.CLINICIAN, world.oh_service)
        self.clinician.first_name, self.clinician.last_name = "Chris", "Reader"
        self.clinician.save()
        self.oh_admin = member(Role.OH_ADMIN, world.oh_service)
        self.oh_admin.first_name, self.oh_admin.last_name = "Olu", "Admin"
        self.oh_admin.save()
        self.ann = EmployeeFactory(
            organisation=world.trust_a, first_name="Ann", last_name="Lee", esr_number="11112222", user=UserFactory()
        )
        member(Role.EMPLOYEE, world.trust_a)  # someone else, never read
        self.ann_user = self.ann.user
        from organisations.tests.factories import MembershipFactory

        self.ann_user.active_membership = MembershipFactory(
            user=self.ann_user, organisation=world.trust_a, role=Role.EMPLOYEE
        )
        self.ann_user.save()
        self.bob = EmployeeFactory(
            organisation=world.trust_a, first_name="Bob", last_name="Khan", esr_number="33334444"
        )
        self.ann_case = ReferralFactory(employee=self.ann, oh_service=world.oh_service)
        self.bob_case = ReferralFactory(employee=self.bob, oh_service=world.oh_service)
        self.other = EmployeeFactory(organisation=world.trust_b, first_name="Ann", last_name="Lee")
        self.other_case = ReferralFactory(employee=self.other, oh_service=world.other_oh_service)
        other_clinician = member(Role.CLINICIAN, world.other_oh_service)
        with time_machine.travel(NOW - timedelta(days=10), tick=False):
            self.read(self.clinician, self.ann_case, "First assessment")
        with time_machine.travel(NOW - timedelta(days=2), tick=False):
            self.read(self.oh_admin, self.bob_case, "Booking")
        with time_machine.travel(NOW, tick=False):
            self.read(self.clinician, self.bob_case, "Review")
            self.read(other_clinician, self.other_case, "Elsewhere")

    def read(self, user, referral, reason):
        return log_access(
            user=user,
            kind=AccessKind.CLINICAL_RECORD,
            obj=referral,
            reason=reason,
            employee=referral.employee,
            oh_service=referral.oh_service,
        )

    def ig_lead(self, organisation=None):
        return signed_in_client(member(Role.IG_LEAD, organisation or self.world.trust_a))


@pytest.fixture
def log(world):
    return Log(world)


def reasons(response):
    """The reasons shown on the page, in order: which rows the filters let through."""
    html = response.content.decode()
    return [r for r in ("First assessment", "Booking", "Review", "Elsewhere") if f": {r}<" in html]


def test_every_row_carries_its_case_reference(log):
    assert set(AccessLogEntry.objects.values_list("case_reference", flat=True)) == {
        log.ann_case.reference,
        log.bob_case.reference,
        log.other_case.reference,
    }
    page = log.ig_lead().get("/audit/access-log/").content.decode()
    assert log.ann_case.reference in page and log.bob_case.reference in page


def test_unfiltered_shows_only_the_ig_leads_organisation(log):
    assert reasons(log.ig_lead().get("/audit/access-log/")) == ["First assessment", "Booking", "Review"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"reader": "chris reader"}, ["First assessment", "Review"]),
        ({"reader": "Olu"}, ["Booking"]),
        ({"reader": "nobody"}, []),
        ({"employee": "ann lee"}, ["First assessment"]),  # not trust B's Ann Lee
        ({"employee": "33334444"}, ["Booking", "Review"]),
        ({"reader": "chris", "employee": "khan"}, ["Review"]),
    ],
)
def test_filter_by_who_read_and_whose_record(log, query, expected):
    assert reasons(log.ig_lead().get("/audit/access-log/", query)) == expected


def test_filter_by_case_reference_in_any_usual_spelling(log):
    number = log.bob_case.pk
    for typed in (log.bob_case.reference, f"oh-{number}", f"OH {number:06d}"):
        assert reasons(log.ig_lead().get("/audit/access-log/", {"case": typed})) == ["Booking", "Review"], typed
    other = log.other_case.reference
    assert reasons(log.ig_lead().get("/audit/access-log/", {"case": other})) == []


def _dates(prefix, day):
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


def test_filter_by_date_range_inclusive(log):
    client = log.ig_lead()
    today = timezone.localdate(NOW)
    week_ago = today - timedelta(days=7)
    assert reasons(client.get("/audit/access-log/", _dates("date_from", week_ago))) == ["Booking", "Review"]
    assert reasons(client.get("/audit/access-log/", _dates("date_to", week_ago))) == ["First assessment"]
    both = {**_dates("date_from", today - timedelta(days=2)), **_dates("date_to", today - timedelta(days=2))}
    assert reasons(client.get("/audit/access-log/", both)) == ["Booking"]


def test_bad_dates_say_what_is_wrong_and_keep_what_was_typed(log):
    page = log.ig_lead().get("/audit/access-log/", {"date_from_0": "31", "date_from_1": "2", "date_from_2": "2026"})
    html = page.content.decode()
    assert "Start date must be a real date, for example 27 3 2026" in html
    assert 'value="31"' in html and "There is a problem" in html
    today = timezone.localdate(NOW)
    backwards = {**_dates("date_from", today), **_dates("date_to", today - timedelta(days=1))}
    html = log.ig_lead().get("/audit/access-log/", backwards).content.decode()
    assert "The end date must be the same as or after the start date" in html


def test_pages_keep_the_filters(log):
    for n in range(55):
        log.read(log.clinician, log.bob_case, f"Read {n}")
    page = log.ig_lead().get("/audit/access-log/", {"reader": "chris"}).content.decode()
    assert "57 records match these filters" in page
    assert "?reader=chris&amp;page=2" in page
    second = log.ig_lead().get("/audit/access-log/", {"reader": "chris", "page": 2}).content.decode()
    assert "First assessment" in second and "Booking" not in second


def _csv(response):
    assert response["Content-Type"].startswith("text/csv")
    assert "no-store" in response["Cache-Control"]
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_csv_holds_the_filtered_rows_in_words(log):
    response = log.ig_lead().get("/audit/access-log/export.csv", {"employee": "khan"})
    rows = _csv(response)
    assert rows[0] == [
        "When",
        "Who read it",
        "Their role",
        "Their organisation",
        "Whose record",
        "ESR number",
        "Case reference",
        "What was read",
        "Why",
    ]
    assert [row[1:] for row in rows[1:]] == [
        [
            "Chris Reader",
            "Clinician",
            "Trust A Occupational Health",
            "Bob Khan",
            "33334444",
            log.bob_case.reference,
            "Clinical record of a case",
            "Review",
        ],
        [
            "Olu Admin",
            "OH administrator",
            "Trust A Occupational Health",
            "Bob Khan",
            "33334444",
            log.bob_case.reference,
            "Clinical record of a case",
            "Booking",
        ],
    ]
    assert rows[1][0] == f"{timezone.localtime(NOW):%Y-%m-%d %H:%M:%S}"


def test_csv_cells_cannot_run_as_formulas(log):
    log.read(log.clinician, log.bob_case, '=HYPERLINK("http://evil")')
    rows = _csv(log.ig_lead().get("/audit/access-log/export.csv", {"reader": "chris"}))
    assert rows[1][-1] == '\'=HYPERLINK("http://evil")'


def test_the_export_is_logged_with_its_filters_and_not_in_itself(log, world):
    client = log.ig_lead()
    rows = _csv(client.get("/audit/access-log/export.csv", {"reader": "chris", "case": log.bob_case.reference}))
    assert len(rows) == 2
    export = AccessLogEntry.objects.get(kind=AccessKind.EXPORT)
    assert export.role == Role.IG_LEAD and export.organisation == world.trust_a
    assert export.reason == f"Access log export (CSV): who read it chris, case reference {log.bob_case.reference}"
    # The next export shows the first one (the IG lead's own organisation's reads of the log).
    again = _csv(client.get("/audit/access-log/export.csv"))
    assert any(row[-1].startswith("Access log export (CSV)") for row in again[1:])


def test_export_with_bad_filters_goes_back_to_the_page_and_exports_nothing(log):
    response = log.ig_lead().get("/audit/access-log/export.csv", {"date_from_0": "40", "date_from_1": "1"})
    assert response.status_code == 302 and response["Location"].startswith("/audit/access-log/?")
    assert not AccessLogEntry.objects.filter(kind=AccessKind.EXPORT).exists()


def test_other_organisations_ig_lead_sees_and_exports_only_its_own(log, world):
    client = log.ig_lead(world.trust_b)
    assert reasons(client.get("/audit/access-log/")) == ["Elsewhere"]
    # Trust B's own Ann Lee, never trust A's.
    assert reasons(client.get("/audit/access-log/", {"employee": "ann lee"})) == ["Elsewhere"]
    assert reasons(client.get("/audit/access-log/", {"case": log.ann_case.reference})) == []
    rows = _csv(client.get("/audit/access-log/export.csv", {"employee": "ann"}))
    assert [row[-1] for row in rows[1:]] == ["Elsewhere"]


def test_oh_services_ig_lead_sees_its_own_service_only(log, world):
    client = log.ig_lead(world.oh_service)
    assert reasons(client.get("/audit/access-log/")) == ["First assessment", "Booking", "Review"]
    rows = _csv(client.get("/audit/access-log/export.csv"))
    assert {row[-1] for row in rows[1:]} == {"First assessment", "Booking", "Review"}


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.IG_LEAD])
def test_only_the_ig_lead_may_export(log, client_for, role):
    assert client_for(role).get("/audit/access-log/export.csv").status_code == 403
    assert not AccessLogEntry.objects.filter(kind=AccessKind.EXPORT).exists()


@pytest.mark.parametrize("role", [r for r in Role.values if r not in (Role.IG_LEAD, Role.EMPLOYEE)])
def test_only_ig_lead_and_employee_open_the_log(log, client_for, role):
    assert client_for(role).get("/audit/access-log/", {"employee": "ann"}).status_code == 403


def test_anonymous_is_sent_to_sign_in(log, client):
    assert client.get("/audit/access-log/export.csv").status_code == 302


class TestEmployeesOwnLog:
    def test_filters_who_looked_and_when_but_not_whose(self, log):
        client = signed_in_client(log.ann_user)
        page = client.get("/audit/access-log/")
        assert reasons(page) == ["First assessment"]
        html = page.content.decode()
        assert 'name="employee"' not in html and "export.csv" not in html
        assert reasons(client.get("/audit/access-log/", {"reader": "olu"})) == []
        assert reasons(client.get("/audit/access-log/", {"case": log.ann_case.reference})) == ["First assessment"]
        # Asking for someone else's record changes nothing: the filter is not theirs to use.
        assert reasons(client.get("/audit/access-log/", {"employee": "khan"})) == ["First assessment"]
        today = timezone.localdate(NOW)
        assert reasons(client.get("/audit/access-log/", _dates("date_from", today - timedelta(days=3)))) == []


class TestOwnReadsOncePerDay:
    def test_employees_own_reads_are_one_row_a_day_per_record(self, log):
        with time_machine.travel(NOW, tick=True):
            first = log.read(log.ann_user, log.ann_case, "Employee read own case")
            again = [log.read(log.ann_user, log.ann_case, "Employee read own case") for _ in range(3)]
        assert {row.pk for row in again} == {first.pk}
        with time_machine.travel(NOW + timedelta(days=1), tick=True):
            next_day = log.read(log.ann_user, log.ann_case, "Employee read own case")
        assert next_day.pk != first.pk
        assert AccessLogEntry.objects.filter(user=log.ann_user).count() == 2

    def test_a_different_record_of_their_own_is_its_own_row(self, log):
        second_case = ReferralFactory(employee=log.ann, oh_service=log.world.oh_service)
        log.read(log.ann_user, log.ann_case, "Own case")
        log.read(log.ann_user, second_case, "Own case")
        assert AccessLogEntry.objects.filter(user=log.ann_user).count() == 2

    def test_the_same_record_read_on_another_page_is_its_own_row(self, log):
        log.read(log.ann_user, log.ann_case, "Viewed the case record")
        log.read(log.ann_user, log.ann_case, "Employee read own report")
        log.read(log.ann_user, log.ann_case, "Viewed the case record")
        assert AccessLogEntry.objects.filter(user=log.ann_user).count() == 2

    @pytest.mark.parametrize("reader", ["clinician", "oh_admin", "manager"])
    def test_everyone_elses_reads_are_all_kept(self, log, reader):
        user = member(Role.MANAGER, log.world.trust_a) if reader == "manager" else getattr(log, reader)
        before = AccessLogEntry.objects.filter(user=user).count()
        for _ in range(3):
            log.read(user, log.ann_case, "Looked again")
        assert AccessLogEntry.objects.filter(user=user).count() == before + 3

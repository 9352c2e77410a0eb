"""A call-off's value used: units from the portal's cases and the monthly returns, each priced by the rate in
force on its day; shown only to those who may see the supplier's rates; procurement alerted once at 80% and 100%."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import signed_in_client
from notifications.messages import render_message
from notifications.models import OutboxMessage
from organisations.roles import Role
from organisations.tests.factories import EmployeeFactory, OrganisationFactory, member
from referrals.models import Appointment, Referral
from suppliers import selectors, services, tasks
from suppliers.models import CallOff, CallOffStatus, MonthlyReturn, RateCard, SupplierStatus

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
TODAY = datetime(2026, 6, 15, 12, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def mid_june():
    with time_machine.travel(TODAY, tick=False):
        yield


def at(y, m, d):
    return datetime(y, m, d, 10, tzinfo=LONDON)


def active_call_off(dps, estimated="1000", lots=("management_referrals",)):
    """An agreement both sides signed in January, in force from February."""
    call_off = CallOff.objects.create(
        client=dps.world.trust_a,
        supplier=dps.acme,
        start_date=date(2026, 2, 1),
        end_date=date(2027, 1, 31),
        estimated_value=Decimal(estimated),
        status=CallOffStatus.ACTIVE,
        client_signatory=dps.procurement,
        supplier_signatory=dps.acme_user,
        client_signed_by=dps.procurement,
        client_signed_at=at(2026, 1, 20),
        created_by=dps.procurement,
    )
    call_off.lots.set([dps.lots[code] for code in lots])
    CallOff.objects.filter(pk=call_off.pk).update(supplier_signed_by=dps.acme_user, supplier_signed_at=at(2026, 1, 21))
    call_off.refresh_from_db()
    return call_off


@pytest.fixture
def priced(dps):
    """Management referrals at £100 to the end of March, £120 from April."""
    RateCard.objects.filter(supplier=dps.acme).delete()
    lot = dps.lots["management_referrals"]
    RateCard.objects.create(
        supplier=dps.acme,
        lot=lot,
        unit="per appointment",
        price=100,
        valid_from=date(2026, 1, 1),
        valid_to=date(2026, 3, 31),
    )
    RateCard.objects.create(supplier=dps.acme, lot=lot, unit="per appointment", price=120, valid_from=date(2026, 4, 1))
    return dps


def appointment(dps, when, *, status="attended", service_line="general_oh", organisation=None, oh_service=None):
    organisation = organisation or dps.world.trust_a
    referral = Referral.objects.create(
        organisation=organisation,
        employee=EmployeeFactory(organisation=organisation),
        reason_category="other",
        oh_service=oh_service or dps.acme.oh_service,
        service_line=service_line,
        status="appointment_booked",
        submitted_at=when,
        accepted_at=when,
    )
    clinician = member(Role.CLINICIAN, dps.acme.oh_service)
    return Appointment.objects.create(
        referral=referral, clinician=clinician, start=when, modality="video", status=status
    )


def monthly_return(call_off, dps, month, cases):
    return MonthlyReturn.objects.create(call_off=call_off, month=month, cases_handled=cases, submitted_by=dps.acme_user)


@pytest.fixture
def worked(priced):
    """£680 of £1,000 used: two appointments in March at £100, one in April at £120, a return of 3 in May at £120."""
    dps = priced
    call_off = active_call_off(dps)
    appointment(dps, at(2026, 3, 10))
    appointment(dps, at(2026, 3, 31))
    appointment(dps, at(2026, 4, 5))
    appointment(dps, at(2026, 4, 6), status="booked")  # not done yet
    appointment(dps, at(2026, 4, 7), service_line="physiotherapy")  # not a lot of this agreement
    appointment(dps, at(2026, 4, 8), oh_service=dps.world.oh_service)  # the trust's in-house service
    appointment(dps, at(2026, 1, 15))  # before the agreement started
    monthly_return(call_off, dps, date(2026, 3, 1), 40)  # a month with portal cases: the cases count
    monthly_return(call_off, dps, date(2026, 5, 1), 3)
    return call_off


class TestPricing:
    def test_units_priced_by_the_rate_in_force_on_their_day(self, worked):
        value = selectors.value_used(worked, timezone.localdate())
        assert value.used == Decimal("680") and value.estimated == Decimal("1000") and value.percent == 68.0
        assert [(m.month.month, m.units, m.value, m.cumulative, m.source) for m in value.months] == [
            (2, 0, 0, 0, "none"),
            (3, 2, 200, 200, "cases"),
            (4, 1, 120, 320, "cases"),
            (5, 3, 360, 680, "return"),
            (6, 0, 0, 680, "none"),
        ]

    def test_units_with_no_rate_in_force_are_counted_not_priced(self, priced):
        call_off = active_call_off(priced, lots=("management_referrals", "pre_employment"))
        monthly_return(call_off, priced, date(2026, 2, 1), 1)
        RateCard.objects.filter(supplier=priced.acme).update(valid_from=date(2026, 5, 1), valid_to=None)
        value = selectors.value_used(call_off, timezone.localdate())
        assert value.used == 0 and value.unpriced_units == 1

    def test_a_pre_employment_lot_counts_checks_cleared(self, priced, world):
        from assessments.models import Assessment

        RateCard.objects.create(
            supplier=priced.acme,
            lot=priced.lots["pre_employment"],
            unit="per check",
            price=50,
            valid_from=date(2026, 1, 1),
        )
        call_off = active_call_off(priced, lots=("pre_employment",))
        for cleared in (at(2026, 4, 2), None):
            Assessment.objects.create(
                organisation=world.trust_a,
                oh_service=priced.acme.oh_service,
                recruiter=member(Role.RECRUITER, world.trust_a),
                candidate_name="x",
                candidate_email="x@example.com",
                job_role="Nurse",
                status="cleared" if cleared else "questionnaire_sent",
                cleared_at=cleared,
            )
        assert selectors.value_used(call_off, timezone.localdate()).used == Decimal("50")


class TestWhoSeesIt:
    @pytest.mark.parametrize("who", ["procurement", "board", "ics_board", "admin", "acme_user"])
    def test_those_who_see_the_rates_see_the_value_and_its_chart(self, worked, who):
        dps_users = {
            "procurement": worked.client_signatory,
            "board": member(Role.BOARD, worked.client),
            "ics_board": member(Role.BOARD, worked.client.ics),
            "admin": member(Role.FRAMEWORK_ADMIN, worked.supplier.framework.operator),
            "acme_user": worked.supplier_signatory,
        }
        client = signed_in_client(dps_users[who])
        page = client.get(f"/suppliers/call-offs/{worked.pk}/")
        body = page.content.decode()
        assert page.status_code == 200 and "Value used" in body and "£680 (68.0% of the estimated value)" in body
        assert 'class="pygal-chart"' in body and "Value used by month" in body  # the chart and its data table
        start = body.index('class="pygal-chart"')
        svg = body[start : body.index("</svg>", start)]
        assert "<style" not in svg and "<script" not in svg and 'style="' not in svg  # drawn under the CSP
        api = client.get(f"/api/v1/call-offs/{worked.pk}/").json()
        assert api["value_used"]["used"] == "680.00" and api["value_used"]["percent"] == 68.0
        assert api["value_used"]["months"][3] == {
            "month": "2026-05-01",
            "units": 3,
            "value": "360.00",
            "cumulative": "680.00",
            "counted_from": "return",
        }

    def test_the_supplier_of_another_call_off_is_refused(self, worked, dps):
        client = signed_in_client(dps.beta_user)
        assert client.get(f"/suppliers/call-offs/{worked.pk}/").status_code == 404
        assert client.get(f"/api/v1/call-offs/{worked.pk}/").status_code == 404
        assert all(row["id"] != worked.pk for row in client.get("/api/v1/call-offs/").json()["results"])

    def test_another_clients_procurement_is_refused(self, worked, world):
        client = signed_in_client(member(Role.PROCUREMENT, world.trust_b))
        assert client.get(f"/suppliers/call-offs/{worked.pk}/").status_code == 404
        assert client.get(f"/api/v1/call-offs/{worked.pk}/").status_code == 404

    @pytest.mark.parametrize(
        "role", [Role.MANAGER, Role.EMPLOYEE, Role.RECRUITER, Role.IG_LEAD, Role.OH_ADMIN, Role.CLINICIAN]
    )
    def test_other_roles_are_refused(self, worked, world, role):
        home = world.oh_service if role in (Role.OH_ADMIN, Role.CLINICIAN) else world.trust_a
        client = signed_in_client(member(role, home))
        page = client.get(f"/suppliers/call-offs/{worked.pk}/")
        assert page.status_code in (403, 404) and b"680" not in page.content
        api = client.get(f"/api/v1/call-offs/{worked.pk}/")
        assert api.status_code in (403, 404) and b"680" not in api.content

    def test_hidden_when_the_rates_are_hidden(self, worked):
        """The same rule as the rates: a rejected supplier's rates are not shown to buyers, nor is the value."""
        worked.supplier.status = SupplierStatus.REJECTED
        worked.supplier.save()
        client = signed_in_client(worked.client_signatory)
        page = client.get(f"/suppliers/call-offs/{worked.pk}/")
        assert page.status_code == 200 and b"Value used" not in page.content and b"680" not in page.content
        assert client.get(f"/api/v1/call-offs/{worked.pk}/").json()["value_used"] is None


class TestAlerts:
    def test_procurement_is_alerted_once_at_80_and_once_at_100(self, worked, dps):
        second_buyer = member(Role.PROCUREMENT, worked.client)
        member(Role.BOARD, worked.client)
        assert tasks.send_value_used_alerts() == 0  # 68%
        monthly_return(worked, dps, date(2026, 6, 1), 1)  # +£120: 80%
        assert tasks.send_value_used_alerts() == 2
        assert tasks.send_value_used_alerts() == 0
        sent = OutboxMessage.objects.filter(template="suppliers_call_off_value_used")
        assert {m.recipient for m in sent} == {dps.procurement, second_buyer}
        assert "80%" in render_message(sent.first().template, sent.first().context).subject
        MonthlyReturn.objects.filter(month=date(2026, 6, 1)).update(cases_handled=3)  # +£360: 104%
        assert tasks.send_value_used_alerts() == 2
        assert tasks.send_value_used_alerts() == 0
        again = OutboxMessage.objects.filter(template="suppliers_call_off_value_used")
        assert sorted(m.context["threshold"] for m in again) == [80, 80, 100, 100]

    def test_one_run_past_both_thresholds_sends_both(self, worked, dps):
        monthly_return(worked, dps, date(2026, 6, 1), 5)  # +£600: 128%
        assert services.value_used_alerts() == 2
        assert services.value_used_alerts() == 0

    def test_an_agreement_not_in_force_is_not_alerted(self, worked, dps):
        monthly_return(worked, dps, date(2026, 6, 1), 5)
        CallOff.objects.filter(pk=worked.pk).update(status=CallOffStatus.TERMINATED)
        assert services.value_used_alerts() == 0

    def test_alert_says_no_money_and_no_health_details(self, worked, dps):
        monthly_return(worked, dps, date(2026, 6, 1), 1)
        services.value_used_alerts()
        stored = OutboxMessage.objects.get(template="suppliers_call_off_value_used", recipient=dps.procurement)
        message = render_message(stored.template, stored.context)
        assert "£" not in message.subject + message.body and worked.reference in message.subject


def test_a_new_return_shows_at_once(worked, dps):
    """The page keeps the value for a while; a return the supplier submits is shown at once."""
    procurement = signed_in_client(dps.procurement)
    procurement.get(f"/suppliers/call-offs/{worked.pk}/")
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.submit_monthly_return(
            call_off=worked, by=dps.acme_user, month=date(2026, 6, 1), cases_handled=1, levels_met={}
        )
    assert "£800" in procurement.get(f"/suppliers/call-offs/{worked.pk}/").content.decode()


def test_no_organisation_kind_outside_the_rules_sees_it(worked):
    """A procurement user of an organisation that is not a client (no rates for it) does not see the call-off."""
    outsider = OrganisationFactory(name="Elsewhere")
    assert not selectors.may_see_value(member(Role.SUPPLIER, outsider), worked)


class TestBoardDashboard:
    def test_the_board_sees_its_agreements_value_read_from_the_cache_when_warm(self, worked):
        board = signed_in_client(member(Role.BOARD, worked.client))
        board.get("/notifications/")  # the session and unread count cached, as on any page
        first = board.get(f"/metrics/?scope={worked.client.pk}").content.decode()
        assert "Call-off agreements: value used" in first and "<strong>£680</strong> of £1,000" in first
        with CaptureQueriesContext(connection) as warm:
            assert board.get(f"/metrics/?scope={worked.client.pk}").status_code == 200
        assert not [q for q in warm.captured_queries if "suppliers_" in q["sql"]], (
            "a warm dashboard reads no agreements"
        )

    def test_the_ics_board_sees_its_members_agreements(self, worked):
        ics_board = signed_in_client(member(Role.BOARD, worked.client.ics))
        page = ics_board.get(f"/metrics/?scope={worked.client.ics.pk}").content.decode()
        assert "<strong>£680</strong> of £1,000" in page

    @pytest.mark.parametrize("role", [Role.OH_ADMIN, Role.CLINICIAN, Role.SUPPLIER])
    def test_other_dashboard_users_do_not_see_it(self, worked, world, role):
        home = {Role.SUPPLIER: world.supplier}.get(role, world.oh_service)
        page = signed_in_client(member(role, home)).get("/metrics/")
        assert page.status_code == 200 and b"value used" not in page.content and "£680".encode() not in page.content


class TestAnnualReport:
    def _report_text(self, user, scope_org):
        from pypdf import PdfReader

        from metrics import services as metrics_services
        from metrics.models import BoardReport
        from metrics.scopes import scope_for

        report = metrics_services.request_board_report(user=user, scope=scope_for(scope_org), narrative={})
        report = metrics_services.build_board_report_pdf(BoardReport.objects.get(pk=report.pk))
        return " ".join(page.extract_text() for page in PdfReader(report.pdf.path).pages)

    def test_the_trusts_report_has_its_agreements_value_used(self, worked, settings, tmp_path):
        settings.MEDIA_ROOT = str(tmp_path)
        text = self._report_text(member(Role.BOARD, worked.client), worked.client)
        assert "Call-off agreements: value used" in text
        assert "£680" in text and "£1,000" in text and "(68.0%)" in text

    def test_an_oh_services_report_has_no_agreements_value(self, worked, world, settings, tmp_path):
        settings.MEDIA_ROOT = str(tmp_path)
        text = self._report_text(member(Role.OH_ADMIN, world.oh_service), world.oh_service)
        assert "value used" not in text and "£680" not in text

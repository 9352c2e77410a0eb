"""The rollup computes each KPI for every scope and month in grouped queries (metrics.grouped): it must write
exactly the rows the per-scope computation writes, and its queries must not grow with the scopes."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.generator import LoadGenerator, Plan
from metrics import periods, rollups, selectors
from metrics.definitions import KPIS
from metrics.models import MonthlyKpi
from metrics.scopes import ScopeKind
from organisations.models import Organisation
from organisations.roles import OrganisationKind
from referrals.models import Appointment, Referral
from suppliers.models import Supplier

pytestmark = pytest.mark.django_db


def _plan(trusts: int, cases: int, seed: int) -> Plan:
    return Plan(
        cases=cases,
        ics=2,
        trusts=trusts,
        gp_practices=2,
        oh_services=3,
        employees=cases,
        assessments=cases // 4,
        injuries=cases // 20,
        suppliers=3,
        seed=seed,
    )


def rows() -> dict[tuple, tuple]:
    return {
        (row.scope_kind, row.scope_id, row.kpi, row.month): (
            row.numerator,
            row.denominator,
            row.value,
            row.distribution,
        )
        for row in MonthlyKpi.objects.all()
    }


def per_scope_rollup(months: list) -> None:
    """The rollup as it was computed before grouping: each scope and month on its own, an ICS from its members'
    stored rows."""
    scopes = selectors.all_scopes()
    for scope in scopes:
        if scope.kind != ScopeKind.ICS:
            rollups.rollup(scope, months)
    for scope in scopes:
        if scope.kind == ScopeKind.ICS:
            rollups.rollup_from_members(scope, months)


def _local_midnight(day):
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def several_scopes(db):
    """Six trusts, two GP practices, two ICSs, three OH services and two suppliers that run an OH service; and
    the edges: a case and an appointment either side of a month's first moment, a trust with three cases in one
    month only (a count shown as "<5", and months with nothing), and a trust with no cases at all."""
    LoadGenerator(_plan(trusts=6, cases=700, seed=21), log=lambda _: None).run()
    services = list(Organisation.objects.filter(kind=OrganisationKind.OH_SERVICE).order_by("pk"))
    for supplier, service in zip(Supplier.objects.order_by("pk")[:2], services, strict=False):
        supplier.oh_service = service
        supplier.save(update_fields=["oh_service"])
    ics = Organisation.objects.filter(kind=OrganisationKind.ICS).order_by("pk").first()
    small = Organisation.objects.create(name="Small trust", ods_code="ZZSMALL", kind=OrganisationKind.TRUST, ics=ics)
    Organisation.objects.create(name="Quiet trust", ods_code="ZZQUIET", kind=OrganisationKind.TRUST, ics=ics)
    recent = Referral.objects.exclude(status="draft").filter(submitted_at__gte=timezone.now() - timedelta(days=60))
    referrals = list(recent.order_by("pk")[:5])
    assert len(referrals) == 5
    Referral.objects.filter(pk__in=[r.pk for r in referrals[:3]]).update(organisation=small)
    this_month = timezone.localdate().replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    boundary = _local_midnight(last_month)
    Referral.objects.filter(pk=referrals[3].pk).update(submitted_at=boundary)
    Referral.objects.filter(pk=referrals[4].pk).update(submitted_at=boundary - timedelta(microseconds=1))
    appointments = list(Appointment.objects.order_by("pk")[:2])
    Appointment.objects.filter(pk=appointments[0].pk).update(start=boundary)
    Appointment.objects.filter(pk=appointments[1].pk).update(start=boundary - timedelta(seconds=1))


def test_the_grouped_rollup_writes_the_same_rows_as_each_scope_computed_on_its_own(several_scopes):
    months = periods.last_months(13)
    per_scope_rollup(months)
    each_on_its_own = rows()
    MonthlyKpi.objects.all().delete()
    written = rollups.rollup_all(months)
    grouped = rows()
    scopes = selectors.all_scopes()
    kinds = {scope.kind for scope in scopes}
    assert kinds == {ScopeKind.ORGANISATION, ScopeKind.OH_SERVICE, ScopeKind.ICS, ScopeKind.SUPPLIER}
    assert written == len(scopes) * 13 * len(KPIS) == len(grouped)
    differing = {
        key: (each_on_its_own.get(key), grouped.get(key))
        for key in each_on_its_own
        if each_on_its_own[key] != grouped.get(key)
    }
    assert not differing, list(differing.items())[:10]
    assert grouped == each_on_its_own
    small = Organisation.objects.get(ods_code="ZZSMALL")
    counts = [v[2] for k, v in grouped.items() if k[1] == small.pk and k[2] == "REFERRALS_RECEIVED"]
    assert sum(counts) == 3 and counts.count(0) >= 11  # a small count, and months with nothing


def test_rolling_up_this_month_alone_writes_the_rows_of_this_month(several_scopes):
    this_month = periods.last_months(1)
    per_scope_rollup(this_month)
    each_on_its_own = rows()
    MonthlyKpi.objects.all().delete()
    rollups.rollup_all(this_month)
    assert rows() == each_on_its_own


def _rollup_queries() -> int:
    with CaptureQueriesContext(connection) as captured:
        rollups.rollup_all(periods.last_months(13))
    reads = [q for q in captured.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
    return len(reads)


def test_the_queries_of_a_full_rollup_do_not_grow_with_the_scopes(db):
    LoadGenerator(_plan(trusts=2, cases=150, seed=31), log=lambda _: None).run()
    two_trusts = _rollup_queries()
    LoadGenerator(_plan(trusts=4, cases=300, seed=32), log=lambda _: None).run()  # six trusts in all
    assert Organisation.objects.filter(kind=OrganisationKind.TRUST).count() == 6
    assert _rollup_queries() == two_trusts
    assert two_trusts <= 40, two_trusts  # per KPI, not per scope or month

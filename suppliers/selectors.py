"""Reads for the DPS pages and API: suppliers, their rates and call-offs, always through `visible_to`; and a
call-off's service-level attainment, month by month (PRODUCT.md section 5).

Attainment: where the supplier runs the client's cases in the portal, each level is measured from the cases
themselves; for other months the supplier's monthly return is used. A month with neither is not counted.
Measuring from the cases needs the case records and the working-day calendar, which sit above suppliers; the
app that owns them (metrics) registers its measure when Django starts, as apps register their work links, so
suppliers import nothing above them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import F, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from commissioning.maturity.selectors import current_assessment_prefetch
from organisations.models import Organisation
from organisations.roles import Role

from .models import (
    CallOff,
    Framework,
    Lot,
    MonthlyReturn,
    ProfileChangeRequest,
    ProfileChangeRequestQuerySet,
    RateCard,
    Region,
    ServiceLevel,
    Supplier,
)


def suppliers(user: User) -> QuerySet[Supplier]:
    """The directory as this user may see it, each supplier with the rates this user may see (`visible_rates`)
    and its current maturity self-assessment (`organisation.current_maturity`)."""
    rates = RateCard.objects.visible_to(user).select_related("lot")
    return Supplier.objects.visible_to(user).prefetch_related(
        "regions",
        "lots",
        Prefetch("rates", queryset=rates, to_attr="visible_rates"),
        current_assessment_prefetch("organisation"),
    )


def can_see_rates(user: User) -> bool:
    return RateCard.objects.visible_to(user).exists()


def lots_offered_by(shown: Iterable[Supplier]) -> QuerySet[Lot]:
    return Lot.objects.filter(suppliers__in=list(shown)).distinct()


def own_supplier(user: User) -> Supplier | None:
    """The DPS profile of the supplier this user acts for, if it has applied."""
    membership = user.active_membership
    if membership is None or membership.role != Role.SUPPLIER:
        return None
    return Supplier.objects.visible_to(user).filter(organisation=membership.organisation).first()


def profile_framework(supplier: Supplier | None) -> Framework | None:
    """The DPS a profile belongs to; a first application joins the first DPS."""
    return supplier.framework if supplier else Framework.objects.order_by("pk").first()


def _people(organisation: Organisation, role: str) -> QuerySet[User]:
    """People holding `role` in the organisation, each with that membership's job title (`job_title`)."""
    return (
        User.objects.filter(memberships__organisation=organisation, memberships__role=role)
        .annotate(job_title=F("memberships__job_title"))
        .order_by("first_name", "last_name", "pk")
    )


def signatories(user: User) -> QuerySet[User]:
    """Who may sign a call-off for this user's organisation: its procurement leads."""
    membership = user.active_membership
    if membership is None:
        return User.objects.none()
    return _people(membership.organisation, Role.PROCUREMENT)


def supplier_signatories(supplier: Supplier) -> QuerySet[User]:
    """Who may be named to counter-sign for a supplier: its people on the portal."""
    return _people(supplier.organisation, Role.SUPPLIER)


def job_title(user: User | None, organisation_id: int) -> str:
    """The title a person holds where they sign, for the agreement page ("" when none is recorded)."""
    if user is None:
        return ""
    membership = user.memberships.filter(organisation_id=organisation_id).exclude(job_title="").first()
    return membership.job_title if membership else ""


def signatory(pk: int) -> User:
    """The signatory an API client names; whether they may sign is the service's rule (raise_call_off)."""
    return get_object_or_404(User, pk=pk)


def call_off_versions(user: User, call_off: CallOff) -> QuerySet[CallOff]:
    """The original and its variations, in order."""
    return (
        CallOff.objects.visible_to(user)
        .filter(variation_of=call_off.variation_of or call_off)
        .order_by("variation_number")
    )


def profile_changes(user: User) -> ProfileChangeRequestQuerySet:
    return ProfileChangeRequest.objects.visible_to(user).prefetch_related("regions", "lots")


def regions(codes: Iterable[str]) -> list[Region]:
    return list(Region.objects.filter(code__in=list(codes)))


def lots(framework: Framework, codes: Iterable[str]) -> list[Lot]:
    return list(framework.lots.filter(code__in=list(codes)))


# (call-off, level, first day of the month) -> percent of the month's cases within the level, None when none.
CaseMeasure = Callable[[CallOff, ServiceLevel, date], float | None]
_case_measure: list[CaseMeasure] = []


def measure_levels_from_cases(measure: CaseMeasure) -> None:
    """Register how a level is measured from the cases (one measure; registering again replaces it)."""
    _case_measure[:] = [measure]


@dataclass(frozen=True)
class LevelMonth:
    level: ServiceLevel
    month: date
    percent: float | None
    source: str  # cases, return, none

    @property
    def met(self) -> bool | None:
        return None if self.percent is None else self.percent >= self.level.target_percent


def _months(start: date, end: date) -> list[date]:
    months, current = [], start.replace(day=1)
    while current <= end:
        months.append(current)
        current = date(current.year + (current.month == 12), current.month % 12 + 1, 1)
    return months


def _from_cases(call_off: CallOff, level: ServiceLevel, month: date) -> float | None:
    return _case_measure[0](call_off, level, month) if _case_measure else None


def call_off_attainment(call_off: CallOff, start: date, end: date) -> list[LevelMonth]:
    returns = {r.month: r.levels_met for r in MonthlyReturn.objects.filter(call_off=call_off)}
    window_start = max(start, call_off.start_date)
    window_end = min(end, call_off.end_date)
    rows = []
    for level in call_off.service_levels.all():
        for month in _months(window_start, window_end) if window_start <= window_end else []:
            percent = _from_cases(call_off, level, month)
            source = "cases"
            if percent is None and str(level.pk) in returns.get(month, {}):
                percent, source = float(returns[month][str(level.pk)]), "return"
            rows.append(LevelMonth(level, month, percent, source if percent is not None else "none"))
    return rows


def supplier_attainment(supplier_organisation: Organisation, start: date, end: date) -> tuple[int, int]:
    """(level months met, level months measured) over the supplier's signed call-offs."""
    met = measured = 0
    for call_off in CallOff.objects.filter(
        supplier__organisation=supplier_organisation, client_signed_at__isnull=False, supplier_signed_at__isnull=False
    ):
        for row in call_off_attainment(call_off, start, end):
            if row.met is not None:
                measured += 1
                met += row.met
    return met, measured

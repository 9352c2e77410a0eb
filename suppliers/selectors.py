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
from decimal import Decimal

from django.db.models import F, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from commissioning.maturity.selectors import current_assessment_prefetch
from ohwb_portal.caching import remembered
from organisations.models import Organisation
from organisations.roles import Role

from .models import (
    CallOff,
    CallOffStatus,
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


# Value used (PRODUCT.md section 5): the units of work done under a call-off, each priced by the supplier's rate
# for its lot in force on the day it was done, against the agreement's estimated value. Units from the cases run
# in the portal are counted by the app that owns the cases (metrics registers the count, as it does the service
# levels); a month with no such units falls back to the supplier's monthly return, as attainment does.

# (call-off, first day, last day) -> {(lot code, day): units} of the cases the supplier ran for the client.
CaseActivity = Callable[[CallOff, date, date], dict[tuple[str, date], int]]
_case_activity: list[CaseActivity] = []
VALUE_CACHE_SECONDS = 10 * 60  # short: a case's activity lands without telling suppliers


def count_activity_from_cases(activity: CaseActivity) -> None:
    """Register how the units of a call-off's lots are counted from the cases (registering again replaces it)."""
    _case_activity[:] = [activity]


@dataclass(frozen=True)
class ValueMonth:
    month: date
    units: int
    value: Decimal
    cumulative: Decimal
    source: str  # cases, return, none


@dataclass(frozen=True)
class ValueUsed:
    estimated: Decimal
    used: Decimal
    months: list[ValueMonth]
    unpriced_units: int  # done on a day when no rate for their lot was in force: counted, not priced

    @property
    def percent(self) -> float | None:
        return round(float(100 * self.used / self.estimated), 1) if self.estimated else None


def _rate_on(rates: list[RateCard], lot_id: int, day: date) -> Decimal | None:
    """The price in force for a lot on a day: the latest rate started by then and not yet ended."""
    in_force = [
        r for r in rates if r.lot_id == lot_id and r.valid_from <= day and (r.valid_to is None or r.valid_to >= day)
    ]
    return max(in_force, key=lambda r: r.valid_from).price if in_force else None


def value_used(call_off: CallOff, today: date) -> ValueUsed:
    """Month by month from the start of the agreement to today (or its end), with the running total."""
    lots = {lot.code: lot.pk for lot in call_off.lots.all()}
    rates = list(RateCard.objects.filter(supplier_id=call_off.supplier_id, lot_id__in=lots.values()))
    last = min(today, call_off.end_date)
    activity = _case_activity[0](call_off, call_off.start_date, last) if _case_activity and lots else {}
    returns = {r.month: r.cases_handled for r in MonthlyReturn.objects.filter(call_off=call_off)}
    # A return does not say which lot its cases were on: they are priced at the agreement's first lot.
    return_lot = min(lots.values()) if lots else None
    months, used, unpriced = [], Decimal("0"), 0
    for month in _months(call_off.start_date, last) if call_off.start_date <= last else []:
        in_month = {key: n for key, n in activity.items() if key[1].replace(day=1) == month and key[0] in lots}
        value, units, source = Decimal("0"), 0, "none"
        if in_month:
            source = "cases"
            for (lot_code, day), count in in_month.items():
                units += count
                price = _rate_on(rates, lots[lot_code], day)
                if price is None:
                    unpriced += count
                else:
                    value += price * count
        elif month in returns and return_lot is not None:
            source, units = "return", returns[month]
            price = _rate_on(rates, return_lot, max(month, call_off.start_date))
            if price is None:
                unpriced += units
            else:
                value = price * units
        used += value
        months.append(ValueMonth(month, units, value, used, source))
    return ValueUsed(call_off.estimated_value, used, months, unpriced)


def value_cache_key(call_off_pk: int, today: date) -> str:
    return f"call-off-value:{call_off_pk}:{today.isoformat()}"


def remembered_value_used(call_off: CallOff, today: date) -> ValueUsed:
    return remembered(value_cache_key(call_off.pk, today), VALUE_CACHE_SECONDS, lambda: value_used(call_off, today))


def may_see_value(user: User, call_off: CallOff) -> bool:
    """The value used is priced by the rates, so it is shown to exactly those who may see this supplier's rates."""
    return RateCard.objects.visible_to(user).filter(supplier_id=call_off.supplier_id).exists()


@dataclass(frozen=True)
class AgreementsValue:
    count: int
    used: Decimal
    estimated: Decimal

    @property
    def percent(self) -> float | None:
        return round(float(100 * self.used / self.estimated), 1) if self.estimated else None


def active_agreements_value(clients: Q, today: date) -> AgreementsValue:
    """The value used of the agreements in force today for the clients `clients` picks (a Q on CallOff)."""
    in_force = [
        c
        for c in CallOff.objects.filter(clients, status=CallOffStatus.ACTIVE).prefetch_related("lots")
        if c.in_force_on(today)
    ]
    used = sum((value_used(c, today).used for c in in_force), Decimal("0"))
    return AgreementsValue(len(in_force), used, sum((c.estimated_value for c in in_force), Decimal("0")))

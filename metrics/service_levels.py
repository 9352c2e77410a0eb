"""A call-off's service levels measured from the cases the supplier runs in the portal, with the same working-day
counts as the KPIs; registered with suppliers.selectors, which fall back to the supplier's monthly return."""

from __future__ import annotations

from datetime import date

from django.db.models import Q

from suppliers.models import CallOff, ServiceLevel, ServiceLevelMetric

from .compute import clearances_within, first_appointments_within, reports_within
from .periods import month_end


def level_from_cases(call_off: CallOff, level: ServiceLevel, month: date) -> float | None:
    service = call_off.supplier.oh_service
    if service is None:
        return None
    cases = Q(referral__organisation=call_off.client, referral__oh_service=service)
    last = month_end(month)
    if level.metric == ServiceLevelMetric.APPOINTMENT_WITHIN:
        within, total = first_appointments_within(cases, month, last, level.working_days)
    elif level.metric == ServiceLevelMetric.REPORT_WITHIN:
        within, total = reports_within(cases, month, last, level.working_days)
    else:
        within, total = clearances_within(
            Q(organisation=call_off.client, oh_service=service), month, last, level.working_days
        )
    return round(100.0 * within / total, 1) if total else None

"""A call-off's units of work from the cases the supplier runs in the portal, by lot; registered with
suppliers.selectors, which prices them and falls back to the supplier's monthly return.

A unit of a lot: an attended appointment of one of the client's cases on the lot's service lines (management
referrals, physiotherapy, mental health), dated on the appointment; for the pre-employment lot, a clearance,
dated when it was given. Only cases the supplier's own OH service holds count.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from django.db.models import DateField, QuerySet
from django.db.models.functions import Cast, TruncDate

from assessments.models import Assessment
from referrals.models import Appointment, AppointmentStatus
from suppliers.models import LOT_SERVICE_LINES, CallOff, LotCode

from .periods import bounds


def units_from_cases(call_off: CallOff, first: date, last: date) -> dict[tuple[str, date], int]:
    service_id = call_off.supplier.oh_service_id
    if service_id is None:
        return {}
    low, high = bounds(first, last)
    units: Counter[tuple[str, date]] = Counter()
    for lot in call_off.lots.all():
        days: QuerySet[Any, Any]
        if lot.code == LotCode.PRE_EMPLOYMENT:
            days = Assessment.objects.filter(
                organisation_id=call_off.client_id, oh_service_id=service_id, cleared_at__gte=low, cleared_at__lt=high
            ).annotate(day=Cast(TruncDate("cleared_at"), DateField()))
        elif lot.code in LOT_SERVICE_LINES:
            days = Appointment.objects.filter(
                referral__organisation_id=call_off.client_id,
                referral__oh_service_id=service_id,
                referral__service_line__in=LOT_SERVICE_LINES[lot.code],
                status=AppointmentStatus.ATTENDED,
                start__gte=low,
                start__lt=high,
            ).annotate(day=Cast(TruncDate("start"), DateField()))
        else:
            continue
        units.update((lot.code, day) for day in days.values_list("day", flat=True))
    return dict(units)

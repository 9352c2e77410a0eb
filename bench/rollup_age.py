"""This month's KPI rollup made stale for a measurement, then put back exactly: what a board sees when the
10-minute rollup task is late (rows older than OHWB_KPI_FRESH_MINUTES are not used; the month is computed live)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from metrics.models import MonthlyKpi


@contextmanager
def this_months_rollup_stale() -> Iterator[int]:
    """Moves this month's rows' `computed_at` back past freshness, yields how many rows, and moves them forward by
    the same interval afterwards (whatever happened meanwhile), so their times are exactly as before."""
    shift = timedelta(minutes=settings.OHWB_KPI_FRESH_MINUTES + 1)
    rows = MonthlyKpi.objects.filter(month=timezone.localdate().replace(day=1))
    pks = list(rows.values_list("pk", flat=True))
    # update(), not save(): computed_at is auto_now, which save() would set to now.
    MonthlyKpi.objects.filter(pk__in=pks).update(computed_at=F("computed_at") - shift)
    try:
        yield len(pks)
    finally:
        MonthlyKpi.objects.filter(pk__in=pks).update(computed_at=F("computed_at") + shift)

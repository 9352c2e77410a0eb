"""Write access-log rows (PRODUCT.md section 8). Every read of clinical records, reports, answers and
exports goes through here: `log_shown` for what a page, API answer or export shows (one row per record,
bulk-created for lists), `log_access` for a single object read as itself."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time
from typing import Any

from django.utils import timezone

from organisations.models import Employee
from organisations.roles import Role

from . import clinical
from .models import AccessKind, AccessLogEntry


def _row(*, user: Any, kind: str, record: Any, reason: str, employee_id: Any, oh_service_id: Any) -> AccessLogEntry:
    membership = getattr(user, "active_membership", None)
    return AccessLogEntry(
        user=user if getattr(user, "is_authenticated", False) else None,
        role=membership.role if membership else "",
        organisation=membership.organisation if membership else None,
        kind=kind,
        object_type=record._meta.label_lower,
        object_id=str(record.pk),
        employee_id=employee_id,
        oh_service_id=oh_service_id,
        reason=reason,
        case_reference=clinical.case_reference(record),
    )


def _own_read_logged_today(row: AccessLogEntry) -> AccessLogEntry | None:
    """The row already written today for this employee's read of this part of their own record on the same
    page (the same reason), if any.

    Why an employee's own reads are logged once a day: what an IG lead needs from them is that the employee did
    look, at what, and from when (the report read before a consent decision, a dispute about what they were
    shown). The employee reloading their own case page adds nothing to that, and fifty rows of it bury the reads
    the log is for, by clinicians, managers and administrators, which are all written every time. The employee's
    first read of each record each day is kept, so "who looked at my record" still starts from a true date.
    """
    if row.role != Role.EMPLOYEE or row.employee_id is None or row.user_id is None:
        return None
    if not Employee.objects.filter(pk=row.employee_id, user_id=row.user_id).exists():
        return None
    start_of_day = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    return (
        AccessLogEntry.objects.filter(
            user_id=row.user_id,
            employee_id=row.employee_id,
            kind=row.kind,
            object_type=row.object_type,
            object_id=row.object_id,
            reason=row.reason,  # each page's read (the case page, the report before a decision) is its own
            at__gte=start_of_day,
        )
        .order_by("at")
        .first()
    )


def log_shown(*, user: Any, objects: Iterable[Any], reason: str, kind: str | None = None) -> list[AccessLogEntry]:
    """One row per record shown (a case's notes and measures are its clinical record; an adjustment answer is
    part of its report), however many of its objects are shown; objects with nothing to show are skipped."""
    rows: dict[tuple[str, str], AccessLogEntry] = {}
    for obj in objects:
        record = clinical.record_of(obj)
        if record is None:
            continue
        key = (record._meta.label_lower, str(record.pk))
        if key in rows:
            continue
        employee_id, oh_service_id = clinical.subject_ids(record)
        rows[key] = _row(
            user=user,
            kind=kind or clinical.kind_of(record) or clinical.kind_of(obj) or AccessKind.EXPORT,
            record=record,
            reason=reason,
            employee_id=employee_id,
            oh_service_id=oh_service_id,
        )
    new = [row for row in rows.values() if _own_read_logged_today(row) is None]
    return AccessLogEntry.objects.bulk_create(new) if new else []


def log_access(
    *,
    user: Any,
    kind: str,
    obj: Any,
    reason: str,
    employee: Any | None = None,
    oh_service: Any | None = None,
) -> AccessLogEntry:
    """Write the row for this read; for an employee's own record already read today, the row that says so."""
    row = _row(
        user=user,
        kind=kind,
        record=obj,
        reason=reason,
        employee_id=employee.pk if employee is not None else None,
        oh_service_id=oh_service.pk if oh_service is not None else None,
    )
    logged = _own_read_logged_today(row)
    if logged is not None:
        return logged
    row.save()
    return row

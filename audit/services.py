"""Write access-log rows (PRODUCT.md section 8). Every read of clinical records, reports, answers and
exports goes through here: `log_shown` for what a page, API answer or export shows (one row per record,
bulk-created for lists), `log_access` for a single object read as itself."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

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
    return AccessLogEntry.objects.bulk_create(rows.values()) if rows else []


def log_access(
    *,
    user: Any,
    kind: str,
    obj: Any,
    reason: str,
    employee: Any | None = None,
    oh_service: Any | None = None,
) -> AccessLogEntry:
    row = _row(
        user=user,
        kind=kind,
        record=obj,
        reason=reason,
        employee_id=employee.pk if employee is not None else None,
        oh_service_id=oh_service.pk if oh_service is not None else None,
    )
    row.save()
    return row

"""Write access-log rows. Call from every read path of clinical records, reports, answers and exports."""

from __future__ import annotations

from typing import Any

from .models import AccessLogEntry


def log_access(
    *,
    user: Any,
    kind: str,
    obj: Any,
    reason: str,
    employee: Any | None = None,
    oh_service: Any | None = None,
) -> AccessLogEntry:
    membership = getattr(user, "active_membership", None)
    return AccessLogEntry.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        role=membership.role if membership else "",
        organisation=membership.organisation if membership else None,
        kind=kind,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        employee=employee,
        oh_service=oh_service,
        reason=reason,
    )

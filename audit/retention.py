"""Retention sweeps (PRODUCT.md section 8): records past their retention period are anonymised or deleted,
and every action is logged. Periods are configurable per record type (settings.OHWB_RETENTION); which records
are due and how each is anonymised or deleted is the rule its domain registers (audit.registry).

The sweep never stops at one record: each record is processed in its own savepoint; one that fails is
rolled back, logged by id (never by content), recorded as a `failed` RetentionAction and returned in the
result, and the sweep goes on with the next.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import RetentionAction
from .registry import Retention, retention_for

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rule:
    record_type: str
    years: int
    action: str  # anonymise or delete


@dataclass(frozen=True)
class Failure:
    record_type: str
    object_id: str
    error: str  # the exception's class name: its message may quote the record's content


@dataclass
class SweepResult:
    done: dict[str, int] = field(default_factory=dict)
    failed: list[Failure] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """JSON for the Celery result and the logs."""
        return {
            "done": self.done,
            "failed": [{"record_type": f.record_type, "id": f.object_id, "error": f.error} for f in self.failed],
        }


def rules() -> list[Rule]:
    return [Rule(name, int(rule["years"]), rule["action"]) for name, rule in settings.OHWB_RETENTION.items()]


def _cutoff(years: int) -> datetime:
    return timezone.now() - timedelta(days=round(365.25 * years))


def _due(rule: Rule) -> tuple[Any, Callable[[Any], None]] | None:
    """The records a rule applies to now, and what to do with each; None for a record type no domain registered."""
    retention = retention_for(rule.record_type)
    if retention is None:
        return None
    return retention.due(_cutoff(rule.years)), partial(_retire, retention, rule.action)


def _retire(retention: Retention, action: str, record: Any) -> None:
    retention.retire(record, action)


def _claim(due: Any, pk: int) -> Any:
    """Lock one record still due, inside the caller's transaction; None if a second sweep running at the same time
    holds it or has already done it (so nothing is anonymised or logged twice)."""
    return due.select_for_update(skip_locked=True, of=("self",)).filter(pk=pk).first()


def _process(rule: Rule, due: Any, pk: int, handle: Callable[[Any], None], result: SweepResult) -> None:
    object_id = str(pk)
    try:
        with transaction.atomic():
            record = _claim(due, pk)
            if record is None:
                return  # another sweep has it, or has done it
            handle(record)
            RetentionAction.objects.create(
                record_type=rule.record_type, object_id=object_id, action=rule.action, rule_years=rule.years
            )
    except Exception as exc:  # noqa: BLE001  one record that cannot be processed must not stop the sweep
        failure = Failure(rule.record_type, object_id, type(exc).__name__)
        logger.error(
            "Retention sweep could not %s %s %s (%s); it is retried next run",
            rule.action,
            rule.record_type,
            object_id,
            failure.error,
        )
        RetentionAction.objects.create(
            record_type=rule.record_type, object_id=object_id, action="failed", rule_years=rule.years
        )
        result.failed.append(failure)
        return
    result.done[rule.record_type] += 1


def sweep(*, now: datetime | None = None) -> SweepResult:
    """Idempotent: what was anonymised is not touched again; deleted rows are gone."""
    result = SweepResult()
    for rule in rules():
        result.done[rule.record_type] = 0
        found = _due(rule)
        if found is None:
            continue
        due, handle = found
        # The ids first: each record is then locked and processed on its own, in its own savepoint.
        for pk in list(due.values_list("pk", flat=True)):
            _process(rule, due, pk, handle, result)
    return result

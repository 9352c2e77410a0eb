"""Retention sweeps (PRODUCT.md section 8): records past their retention period are anonymised or deleted,
and every action is logged. Periods are configurable per record type (settings.OHWB_RETENTION).

The sweep never stops at one record: each record is processed in its own savepoint; one that fails is
rolled back, logged by id (never by content), recorded as a `failed` RetentionAction and returned in the
result, and the sweep goes on with the next. Clinical notes are deleted, never updated (a saved note is
immutable in the database), addenda before the notes they correct.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import RetentionAction

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


def _cutoff(years: int):  # type: ignore[no-untyped-def]
    return timezone.now() - timedelta(days=round(365.25 * years))


def _delete_notes(referral) -> None:  # type: ignore[no-untyped-def]
    """An addendum PROTECTs the note it corrects: delete the notes nothing points at, then repeat.
    A note still pointed at from elsewhere is left for the final delete, which then refuses (ProtectedError)."""
    notes = referral.notes.all()
    while True:
        leaves = list(notes.filter(addenda__isnull=True).values_list("pk", flat=True))
        if not leaves:
            break
        notes.filter(pk__in=leaves).delete()
    notes.delete()


def _delete_files_after_commit(referral) -> None:  # type: ignore[no-untyped-def]
    """Files are not transactional: remove them only once the record's savepoint has committed."""
    for attachment in referral.attachments.all():
        transaction.on_commit(partial(attachment.file.storage.delete, attachment.file.name))
        attachment.delete()


def _anonymise_referral(referral) -> None:  # type: ignore[no-untyped-def]
    """Keep what the aggregate measures need (dates, categories, outcome); remove everything personal."""
    _delete_notes(referral)
    _delete_files_after_commit(referral)
    # Every report version; sent versions are frozen, so this goes through the one documented path.
    referral.reports.all().anonymise()
    for report in referral.reports.all():
        report.follow_ups.update(adjustment="(removed)", reason="")
        report.consent_decisions.update(comment="")
        report.history.all().delete()
    referral.description = referral.work_details = referral.other_questions = referral.returned_reason = ""
    referral.anonymised_at = timezone.now()
    referral.save()
    referral.history.all().delete()


def _delete_referral(referral) -> None:  # type: ignore[no-untyped-def]
    _delete_notes(referral)
    _delete_files_after_commit(referral)
    referral.delete()


def _anonymise_assessment(assessment) -> None:  # type: ignore[no-untyped-def]
    if hasattr(assessment, "response"):
        assessment.response.delete()
    assessment.candidate_name, assessment.candidate_email = "(removed)", "removed@invalid"
    assessment.adjustments = ""
    assessment.anonymised_at = timezone.now()
    assessment.save()
    assessment.history.all().delete()


def _due(rule: Rule) -> tuple[Any, Callable[[Any], None]] | None:
    """The records a rule applies to now, and what to do with each."""
    from assessments.models import Assessment
    from referrals.models import Referral

    cutoff = _cutoff(rule.years)
    if rule.record_type == "referral":
        due = Referral.objects.filter(closed_at__lt=cutoff, anonymised_at__isnull=True).order_by("pk")
        return due, _delete_referral if rule.action == "delete" else _anonymise_referral
    if rule.record_type == "pre_employment":
        return Assessment.objects.filter(cleared_at__lt=cutoff, anonymised_at__isnull=True).order_by("pk"), (
            _anonymise_assessment
        )
    return None


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


def sweep(*, now=None) -> SweepResult:  # type: ignore[no-untyped-def]
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

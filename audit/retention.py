"""Retention sweeps (PRODUCT.md section 8): records past their retention period are anonymised or deleted,
and every action is logged. Periods are configurable per record type (settings.OHWB_RETENTION)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import RetentionAction


@dataclass(frozen=True)
class Rule:
    record_type: str
    years: int
    action: str  # anonymise or delete


def rules() -> list[Rule]:
    return [Rule(name, int(rule["years"]), rule["action"]) for name, rule in settings.OHWB_RETENTION.items()]


def _cutoff(years: int):  # type: ignore[no-untyped-def]
    return timezone.now() - timedelta(days=round(365.25 * years))


def _anonymise_referral(referral) -> None:  # type: ignore[no-untyped-def]
    """Keep what the aggregate measures need (dates, categories, outcome); remove everything personal."""
    referral.notes.all().delete()
    for attachment in referral.attachments.all():
        attachment.file.delete(save=False)
        attachment.delete()
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


def sweep(*, now=None) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Idempotent: what was anonymised is not touched again; deleted rows are gone."""
    from assessments.models import Assessment
    from referrals.models import Referral

    done: dict[str, int] = {}
    for rule in rules():
        cutoff = _cutoff(rule.years)
        count = 0
        if rule.record_type == "referral":
            due = Referral.objects.filter(closed_at__lt=cutoff, anonymised_at__isnull=True)
            for referral in due.iterator():
                with transaction.atomic():
                    if rule.action == "delete":
                        RetentionAction.objects.create(
                            record_type="referral", object_id=str(referral.pk), action="delete", rule_years=rule.years
                        )
                        referral.delete()
                    else:
                        _anonymise_referral(referral)
                        RetentionAction.objects.create(
                            record_type="referral",
                            object_id=str(referral.pk),
                            action="anonymise",
                            rule_years=rule.years,
                        )
                count += 1
        elif rule.record_type == "pre_employment":
            checks = Assessment.objects.filter(cleared_at__lt=cutoff, anonymised_at__isnull=True)
            for assessment in checks.iterator():
                with transaction.atomic():
                    if hasattr(assessment, "response"):
                        assessment.response.delete()
                    assessment.candidate_name, assessment.candidate_email = "(removed)", "removed@invalid"
                    assessment.adjustments = ""
                    assessment.anonymised_at = timezone.now()
                    assessment.save()
                    assessment.history.all().delete()
                    RetentionAction.objects.create(
                        record_type="pre_employment",
                        object_id=str(assessment.pk),
                        action="anonymise",
                        rule_years=rule.years,
                    )
                count += 1
        done[rule.record_type] = count
    return done

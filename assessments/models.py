"""Pre-employment health assessments (PRODUCT.md section 4).

The recruiter starts a check; the candidate answers a questionnaire through a single-use, expiring
link (no account); a clinician reviews it and records immunisations and the clearance outcome.
The recruiter sees the outcome, adjustments and date only, never the answers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from ohwb_portal.single_use_links import hash_token as hash_token  # the one token scheme for links
from organisations.models import Organisation, active_membership
from organisations.roles import OrganisationKind, Role

if TYPE_CHECKING:  # for annotations only
    from accounts.models import User


class AssessmentStatus(models.TextChoices):
    AWAITING_QUESTIONNAIRE = "awaiting_questionnaire", "Waiting for the candidate"
    AWAITING_REVIEW = "awaiting_review", "Waiting for clinical review"
    CLEARED = "cleared", "Outcome given"
    CANCELLED = "cancelled", "Cancelled"


class ClearanceOutcome(models.TextChoices):
    FIT = "fit", "Fit"
    FIT_WITH_ADJUSTMENTS = "fit_with_adjustments", "Fit with adjustments"
    FURTHER_ASSESSMENT = "further_assessment", "Further assessment needed"
    NOT_FIT = "not_fit", "Not fit"


class AssessmentQuerySet(models.QuerySet["Assessment"]):
    def visible_to(self, user: User) -> AssessmentQuerySet:
        membership = active_membership(user)
        if membership is None:
            return self.none()
        org = membership.organisation
        if membership.role == Role.RECRUITER:
            return self.filter(organisation=org)
        if membership.role in (Role.CLINICIAN, Role.OH_ADMIN) and org.kind == OrganisationKind.OH_SERVICE:
            return self.filter(oh_service=org)
        return self.none()


class Assessment(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="assessments")
    oh_service = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="pre_employment_checks")
    recruiter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    candidate_name = models.CharField(max_length=200)
    candidate_email = models.EmailField()
    job_role = models.CharField(max_length=200)
    exposure_prone = models.BooleanField("Exposure-prone procedures (EPP)", default=False)
    start_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=30, choices=AssessmentStatus.choices, default=AssessmentStatus.AWAITING_QUESTIONNAIRE, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    questionnaire_completed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    cleared_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=30, choices=ClearanceOutcome.choices, blank=True)
    adjustments = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    anonymised_at = models.DateTimeField(null=True, blank=True, help_text="Set by the retention sweep")

    objects = AssessmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The clinics' waiting list: a service's cleared checks that need a further assessment, oldest first
            # (counted, the oldest, and the first page), read from the index alone.
            models.Index(
                fields=["oh_service", "cleared_at"],
                include=["id"],
                condition=models.Q(status=AssessmentStatus.CLEARED, outcome=ClearanceOutcome.FURTHER_ASSESSMENT),
                name="assessment_waiting_for_booking",
            ),
        ]

    def __str__(self) -> str:
        return f"Pre-employment check {self.reference}"

    @property
    def reference(self) -> str:
        return f"PE-{self.pk:06d}"


class QuestionnaireLink(models.Model):
    """Only the SHA-256 of the token is stored: a leaked database does not give working links."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Questionnaire link for {self.assessment}"


class QuestionnaireResponse(models.Model):
    assessment = models.OneToOneField(Assessment, on_delete=models.CASCADE, related_name="response")
    answers = models.JSONField(default=dict)
    saved_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Answers for {self.assessment}"

    @property
    def declarations(self) -> list[str]:
        """The questions answered 'yes': anything the clinician must look at."""
        from .questionnaire import QUESTIONS

        return [q.label for q in QUESTIONS if self.answers.get(q.name) == "yes"]


class ImmunisationState(models.TextChoices):
    NOT_REQUIRED = "not_required", "Not required for this role"
    OUTSTANDING = "outstanding", "Outstanding"
    COMPLETE = "complete", "Complete"


class Immunisations(models.Model):
    assessment = models.OneToOneField(Assessment, on_delete=models.CASCADE, related_name="immunisations")
    mmr = models.CharField("MMR", max_length=15, choices=ImmunisationState.choices)
    varicella = models.CharField(max_length=15, choices=ImmunisationState.choices)
    hepatitis_b = models.CharField("Hepatitis B", max_length=15, choices=ImmunisationState.choices)
    tb_screening = models.CharField("TB screening", max_length=15, choices=ImmunisationState.choices)
    bbv_clearance = models.CharField(
        "Blood-borne virus clearance (EPP)",
        max_length=15,
        choices=ImmunisationState.choices,
        default=ImmunisationState.NOT_REQUIRED,
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Immunisations for {self.assessment}"

"""Health surveillance programmes (PRODUCT.md section 11): who must be under a programme, when each person is due,
the recall links they answer, and the results a clinician records.

An OH service runs a programme for one client organisation (the employer whose risk assessment calls for it).
Staff are enrolled by job role or department (rules matched against the ESR staff data) or by name. Each
enrolment has a date due; a recorded result moves it on by the programme's interval, or to the date the
clinician sets. A manager sees, for their own staff, whether each is up to date, due or overdue and the outcome
category, never the results (selectors and presenters); results and screening answers are clinical and every
read of them is access-logged (audit.clinical).

Each QuerySet's `visible_to(user)` is the one place deciding who sees which rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from organisations.models import Employee, Organisation, active_membership
from organisations.roles import OH_SERVICE_ROLES, OrganisationKind, Role

if TYPE_CHECKING:  # for annotations only
    from accounts.models import User


class ProgrammeKind(models.TextChoices):
    SKIN = "skin", "Skin (wet work and glove use)"
    RESPIRATORY = "respiratory", "Respiratory (spirometry)"
    NOISE = "noise", "Noise (audiometry)"
    HAVS = "havs", "Hand-arm vibration"
    NIGHT_WORKERS = "night_workers", "Night workers"
    CUSTOM = "custom", "Another programme"


class Recording(models.TextChoices):
    QUESTIONNAIRE = "questionnaire", "Questionnaire and a finding"
    TEST_VALUES = "test_values", "Test values"
    CATEGORY = "category", "A category"


class Outcome(models.TextChoices):
    FIT = "fit", "Fit"
    FIT_WITH_RESTRICTIONS = "fit_with_restrictions", "Fit with restrictions"
    REFER = "refer", "Refer to a clinician"
    UNFIT = "unfit", "Unfit"


class Basis(models.TextChoices):
    JOB_ROLE = "job_role", "Job role"
    DEPARTMENT = "department", "Department"
    NAMED = "named", "Named by OH"


class ProgrammeQuerySet(models.QuerySet["Programme"]):
    def visible_to(self, user: User) -> ProgrammeQuerySet:
        """The OH service's own programmes for its staff and IG lead; an employer's IG lead sees the programmes
        run for the employer. Managers reach a programme's name only through their staff's enrolments."""
        membership = active_membership(user)
        if membership is None:
            return self.none()
        org, role = membership.organisation, membership.role
        if org.kind == OrganisationKind.OH_SERVICE and (role in OH_SERVICE_ROLES or role == Role.IG_LEAD):
            return self.filter(oh_service=org)
        if role == Role.IG_LEAD:
            return self.filter(organisation=org)
        return self.none()


class Programme(models.Model):
    oh_service = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="surveillance_programmes",
        limit_choices_to={"kind": OrganisationKind.OH_SERVICE},
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="surveillance_programmes_for",
        help_text="The employer whose staff are under the programme",
    )
    kind = models.CharField(max_length=20, choices=ProgrammeKind.choices)
    name = models.CharField(max_length=120)
    recording = models.CharField(max_length=20, choices=Recording.choices)
    interval_months = models.PositiveSmallIntegerField(
        "Interval in months", validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    categories = models.TextField(
        blank=True, help_text="For a programme the OH service defines: the categories a result can take, one a line"
    )
    description = models.TextField(blank=True)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProgrammeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation__name", "name"]

    def __str__(self) -> str:
        return f"{self.name}, {self.organisation}"


class EnrolmentRule(models.Model):
    """Staff whose ESR job role or department is `value` (compared without regard to case) belong under it."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="rules")
    basis = models.CharField(
        max_length=20, choices=[(Basis.JOB_ROLE, Basis.JOB_ROLE.label), (Basis.DEPARTMENT, Basis.DEPARTMENT.label)]
    )
    value = models.CharField(max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["programme", "basis", "value"], name="surveillance_one_rule_per_value")
        ]
        ordering = ["basis", "value"]

    def __str__(self) -> str:
        return f"{self.get_basis_display()}: {self.value}"


class EnrolmentQuerySet(models.QuerySet["Enrolment"]):
    def visible_to(self, user: User) -> EnrolmentQuerySet:
        """OH staff: their service's programmes. A manager: the enrolments of their own line reports at the
        organisation they act for. An employee: their own. An IG lead: as for staff records. Nobody else."""
        membership = active_membership(user)
        if membership is None:
            return self.none()
        org, role = membership.organisation, membership.role
        if role in OH_SERVICE_ROLES and org.kind == OrganisationKind.OH_SERVICE:
            return self.filter(programme__oh_service=org)
        if role == Role.MANAGER:
            return self.filter(employee__line_manager=user, programme__organisation=org)
        if role == Role.EMPLOYEE:
            return self.filter(employee__user=user, employee__organisation=org)
        if role == Role.IG_LEAD:
            if org.kind == OrganisationKind.OH_SERVICE:
                return self.filter(programme__oh_service=org)
            return self.filter(programme__organisation=org)
        return self.none()

    def active(self) -> EnrolmentQuerySet:
        return self.filter(ended_at__isnull=True)


class Enrolment(models.Model):
    """One member of staff under one programme, from `enrolled_at` until `ended_at`."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="enrolments")
    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="surveillance_enrolments")
    basis = models.CharField(max_length=20, choices=Basis.choices)
    enrolled_at = models.DateTimeField(db_index=True)
    enrolled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    first_due_on = models.DateField(help_text="When the first check was due: the date due until a result is recorded")
    due_on = models.DateField(db_index=True, help_text="When the next check is due")
    # The last result's performed date and outcome category, which the manager sees (never the result itself).
    last_checked_on = models.DateField(null=True, blank=True)
    last_outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True, db_index=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    end_reason = models.CharField(max_length=200, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True, help_text="Set by the retention sweep")

    objects = EnrolmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "employee"],
                condition=Q(ended_at__isnull=True),
                name="surveillance_one_open_enrolment",
            )
        ]
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.employee} under {self.programme.name}"

    @property
    def reference(self) -> str:
        return f"HS-{self.pk:06d}"


class RecallPurpose(models.TextChoices):
    RECALL = "recall", "Recall invitation"
    CHASER = "chaser", "Overdue reminder"
    SENT_BY_OH = "sent_by_oh", "Sent by OH"


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def visible_to(self, user: User) -> InvitationQuerySet:
        """An invitation carries the screening answers: the clinicians of the OH service that sent it. OH
        administrators see that a link went out and when it was answered through the enrolment, not the answers."""
        membership = active_membership(user)
        if membership is None:
            return self.none()
        org = membership.organisation
        if membership.role == Role.CLINICIAN and org.kind == OrganisationKind.OH_SERVICE:
            return self.filter(enrolment__programme__oh_service=org)
        return self.none()


class Invitation(models.Model):
    """A recall: a single-use link to the programme's screening questionnaire. Only the token's SHA-256 is kept
    (ohwb_portal.single_use_links); the answers are clinical and read only by the OH service's clinicians."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="invitations")
    purpose = models.CharField(max_length=20, choices=RecallPurpose.choices)
    # The date due this invitation is for, and for a chaser which reminder it is: one of each, however often
    # the recall and chaser tasks run.
    for_due_on = models.DateField()
    round = models.PositiveSmallIntegerField(default=0)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    answers = models.JSONField(default=dict, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True, db_index=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "purpose", "for_due_on", "round"],
                condition=~Q(purpose="sent_by_oh"),
                name="surveillance_one_recall_per_round",
            )
        ]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} for {self.enrolment.reference}"


class ResultQuerySet(models.QuerySet["Result"]):
    def visible_to(self, user: User) -> ResultQuerySet:
        """Results are clinical: the clinicians of the OH service that holds them, and nobody else (the manager
        sees the outcome category on the enrolment; an IG lead exports them through the subject access export)."""
        membership = active_membership(user)
        if membership is None:
            return self.none()
        org = membership.organisation
        if membership.role == Role.CLINICIAN and org.kind == OrganisationKind.OH_SERVICE:
            return self.filter(enrolment__programme__oh_service=org)
        return self.none()


class Result(models.Model):
    """One surveillance check as a clinician or OH nurse recorded it. Results are not edited: a correction is a
    later result."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="results")
    performed_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True, db_index=True)
    invitation = models.ForeignKey(
        Invitation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="results",
        help_text="The screening answers this result reviewed",
    )
    values = models.JSONField(default=dict, blank=True, help_text="Test values, e.g. spirometry in litres")
    category = models.CharField(max_length=100, blank=True)
    findings = models.TextField(blank=True)
    outcome = models.CharField(max_length=30, choices=Outcome.choices)
    restrictions = models.TextField(blank=True)
    next_due_on = models.DateField()

    objects = ResultQuerySet.as_manager()

    class Meta:
        ordering = ["-performed_on", "-recorded_at"]

    def __str__(self) -> str:
        return f"Result of {self.performed_on:%d %B %Y} for {self.enrolment.reference}"

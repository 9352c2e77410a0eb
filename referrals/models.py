"""Management referrals and self-referrals (PRODUCT.md section 3).

Life of a case:
    draft -> submitted -> triaged -> appointment_booked -> assessed -> report_drafted
          -> awaiting_consent -> released | withheld -> (follow_up_booked -> ...) -> closed
    side exits: returned_to_manager, withdrawn, dna (rebook, or after 2 DNAs return to manager)

Who sees what is decided by `ReferralQuerySet.visible_to` and the `*_visible_to` helpers below.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models, transaction
from django.db.models import Exists, OuterRef, Q
from simple_history.models import HistoricalRecords

from organisations.models import Employee, Organisation, active_membership
from organisations.roles import OrganisationKind, Role, ServiceLine

if TYPE_CHECKING:  # for annotations only
    from accounts.models import User


class ReasonCategory(models.TextChoices):
    MUSCULOSKELETAL = "musculoskeletal", "Musculoskeletal"
    MENTAL_HEALTH = "mental_health", "Mental health"
    LONG_COVID = "long_covid", "Long COVID"
    MENOPAUSE = "menopause", "Menopause"
    WORK_RELATED_STRESS = "work_related_stress", "Work-related stress"
    OTHER = "other", "Other"


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Waiting for triage"
    TRIAGED = "triaged", "Accepted, to be booked"
    APPOINTMENT_BOOKED = "appointment_booked", "Appointment booked"
    ASSESSED = "assessed", "Assessed"
    REPORT_DRAFTED = "report_drafted", "Report being written"
    AWAITING_CONSENT = "awaiting_consent", "Waiting for the employee's consent"
    RELEASED = "released", "Report released"
    WITHHELD = "withheld", "Consent withheld"
    FOLLOW_UP_BOOKED = "follow_up_booked", "Follow-up booked"
    CLOSED = "closed", "Closed"
    RETURNED_TO_MANAGER = "returned_to_manager", "Returned to the manager"
    WITHDRAWN = "withdrawn", "Withdrawn"
    DNA = "dna", "Did not attend: to rebook"


OPEN_STATUSES = frozenset(set(Status.values) - {Status.DRAFT, Status.CLOSED, Status.WITHDRAWN})
# Caseload order: urgent cases first, then the longest waiting (an index matches this expression).
URGENT_FIRST = models.Case(
    models.When(priority="urgent", then=models.Value(0)), default=models.Value(1), output_field=models.IntegerField()
)


class Kind(models.TextChoices):
    MANAGEMENT = "management", "Management referral"
    SELF = "self", "Self-referral"


class Priority(models.TextChoices):
    ROUTINE = "routine", "Routine"
    URGENT = "urgent", "Urgent"


class PractitionerType(models.TextChoices):
    OH_NURSE = "oh_nurse", "OH nurse"
    OH_PHYSICIAN = "oh_physician", "OH physician"
    PHYSIOTHERAPIST = "physiotherapist", "Physiotherapist"
    MENTAL_HEALTH = "mental_health_practitioner", "Mental health practitioner"


class ClosureOutcome(models.TextChoices):
    RETURNED_FULL = "returned_full", "Returned to work, full duties"
    RETURNED_ADJUSTED = "returned_adjusted", "Returned to work with adjustments"
    PHASED_RETURN = "phased_return", "Phased return"
    REMAINED_IN_WORK = "remained_in_work", "Remained in work"
    REDEPLOYED = "redeployed", "Redeployed"
    ILL_HEALTH_RETIREMENT = "ill_health_retirement", "Ill-health retirement"
    LEFT_EMPLOYMENT = "left_employment", "Left employment"
    NOT_KNOWN = "not_known", "Not known"


RETURNED_TO_WORK_OUTCOMES = frozenset(
    {ClosureOutcome.RETURNED_FULL, ClosureOutcome.RETURNED_ADJUSTED, ClosureOutcome.PHASED_RETURN}
)
IN_WORK_OUTCOMES = RETURNED_TO_WORK_OUTCOMES | {ClosureOutcome.REMAINED_IN_WORK, ClosureOutcome.REDEPLOYED}

# The standard questions a manager can ask (PRODUCT.md section 3).
MANAGER_QUESTIONS = {
    "fit_for_role": "Is the employee fit to do their role?",
    "adjustments": "What adjustments would help them stay at or return to work?",
    "return_date": "When are they likely to return to work, or to full duties?",
    "underlying_condition": "Is there an underlying condition that may affect their attendance?",
    "equality_act": "Are the disability provisions of the Equality Act 2010 likely to apply?",
    "work_related": "Is the condition caused or made worse by work?",
}


class ReferralQuerySet(models.QuerySet["Referral"]):
    def visible_to(self, user: User) -> ReferralQuerySet:
        """Managers: referrals they made in their organisation. Employees: their own cases.
        OH admins and clinicians: cases routed to their OH service. Everyone else: nothing."""
        membership = active_membership(user)
        if membership is None:
            return self.none()
        org = membership.organisation
        if membership.role == Role.MANAGER:
            return self.filter(organisation=org, referred_by=user, kind=Kind.MANAGEMENT)
        if membership.role == Role.EMPLOYEE:
            return self.filter(employee__user=user, organisation=org).exclude(status=Status.DRAFT, kind=Kind.MANAGEMENT)
        if membership.role in (Role.OH_ADMIN, Role.CLINICIAN) and org.kind == OrganisationKind.OH_SERVICE:
            return self.filter(oh_service=org).exclude(status=Status.DRAFT)
        return self.none()

    def open(self) -> ReferralQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def clinical_record_visible_to(self, user: Any) -> ReferralQuerySet:
        """Cases whose clinical record (notes and measures) this user may read: a clinician's, of the OH service
        serving the case. No one else, not the OH admin, the manager or the employee."""
        membership = active_membership(user)
        if membership is None or membership.role != Role.CLINICIAN:
            return self.none()
        return self.filter(oh_service_id=membership.organisation_id)


class Referral(models.Model):
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.MANAGEMENT)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="referrals")
    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="referrals")
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals_made"
    )
    oh_service = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        limit_choices_to={"kind": OrganisationKind.OH_SERVICE},
    )
    service_line = models.CharField(max_length=20, choices=ServiceLine.choices, default=ServiceLine.GENERAL_OH)
    # Blank or unknown only on a draft, which keeps whatever the manager typed; sending checks them
    # (referrals.referral_rules).
    reason_category = models.CharField(max_length=30, choices=ReasonCategory.choices, blank=True)
    absent_at_referral = models.BooleanField(null=True, default=False)
    absent_since = models.DateField(null=True, blank=True)
    manager_questions = models.JSONField(default=list, blank=True)
    other_questions = models.TextField(blank=True)
    work_details = models.TextField(blank=True)
    urgent_requested = models.BooleanField(default=False)
    employee_agreed = models.BooleanField(default=False)
    description = models.TextField(blank=True, help_text="A self-referral's own words")

    status = models.CharField(max_length=24, choices=Status.choices, default=Status.DRAFT, db_index=True)
    priority = models.CharField(max_length=10, choices=Priority.choices, blank=True)
    practitioner_type = models.CharField(max_length=30, choices=PractitionerType.choices, blank=True)
    returned_reason = models.TextField(blank=True)
    dna_count = models.PositiveSmallIntegerField(default=0)
    closure_outcome = models.CharField(max_length=30, choices=ClosureOutcome.choices, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    anonymised_at = models.DateTimeField(null=True, blank=True, help_text="Set by the retention sweep")

    objects = ReferralQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-submitted_at", "-created_at"]
        indexes = [
            models.Index(fields=["oh_service", "status"]),
            models.Index(fields=["organisation", "status"]),
            # The caseload's first page in order without sorting every open case of a large service.
            models.Index(
                models.F("oh_service"),
                URGENT_FIRST,
                models.F("submitted_at"),
                condition=Q(status__in=sorted(OPEN_STATUSES)),
                name="caseload_order",
            ),
        ]

    def __str__(self) -> str:
        return f"Referral {self.reference}"

    @property
    def reference(self) -> str:
        return f"OH-{self.pk:06d}"

    @property
    def question_texts(self) -> list[str]:
        texts = [MANAGER_QUESTIONS[code] for code in self.manager_questions if code in MANAGER_QUESTIONS]
        if self.other_questions.strip():
            texts.append(self.other_questions.strip())
        return texts


class CaseEvent(models.Model):
    """Every change of a case's status: who, when, from what to what, and why."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    from_status = models.CharField(max_length=24, choices=Status.choices)
    to_status = models.CharField(max_length=24, choices=Status.choices)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status} -> {self.to_status}"


class CaseReturnQuerySet(models.QuerySet["CaseReturn"]):
    def visible_to(self, user: Any) -> CaseReturnQuerySet:
        """As the documents: the referring manager and the OH service; the employee is not given the manager's
        replies (they may carry what the manager knows of them)."""
        membership = active_membership(user)
        if membership is None or membership.role == Role.EMPLOYEE:
            return self.none()
        return self.filter(referral__in=Referral.objects.visible_to(user))


class CaseReturn(models.Model):
    """One return of a referral to its manager (by triage, or after two missed appointments) and the manager's
    reply when they send it again. Kept whole: the case history's note is cut at 500 characters."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="returns")
    returned_at = models.DateTimeField(auto_now_add=True)
    returned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField()
    after_dnas = models.BooleanField(default=False)
    reply = models.TextField(blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CaseReturnQuerySet.as_manager()

    class Meta:
        ordering = ["returned_at", "pk"]

    def __str__(self) -> str:
        return f"Return of {self.referral}"


class AttachmentQuerySet(models.QuerySet["Attachment"]):
    def visible_to(self, user: Any) -> AttachmentQuerySet:
        """Documents of the cases a user sees, for the referring manager and the OH service; the employee is not
        given the documents their manager sent."""
        membership = active_membership(user)
        if membership is None or membership.role == Role.EMPLOYEE:
            return self.none()
        return self.filter(referral__in=Referral.objects.visible_to(user))


class Attachment(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="referrals/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = AttachmentQuerySet.as_manager()

    def __str__(self) -> str:
        return self.original_name


class Modality(models.TextChoices):
    FACE_TO_FACE = "face_to_face", "Face to face"
    TELEPHONE = "telephone", "Telephone"
    VIDEO = "video", "Video"


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    ATTENDED = "attended", "Attended"
    DNA = "dna", "Did not attend"
    CANCELLED = "cancelled", "Cancelled"


class AppointmentQuerySet(models.QuerySet["Appointment"]):
    def visible_to(self, user: Any) -> AppointmentQuerySet:
        """Appointments of the cases a user sees (which fields each role is given: referrals.presenters)."""
        return self.filter(referral__in=Referral.objects.visible_to(user))


class Appointment(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="appointments")
    clinician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments")
    start = models.DateTimeField(db_index=True)
    length_minutes = models.PositiveSmallIntegerField(default=45)
    modality = models.CharField(max_length=20, choices=Modality.choices)
    location = models.CharField(max_length=300, blank=True, help_text="Address, room, phone number or video link")
    is_follow_up = models.BooleanField(default=False)
    status = models.CharField(max_length=12, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    booked_at = models.DateTimeField(auto_now_add=True)
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)

    objects = AppointmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["start"]

    def __str__(self) -> str:
        return f"{self.get_modality_display()} appointment, {self.start:%d %b %Y %H:%M}"


class NoteLocked(Exception):
    """A saved clinical note cannot be changed; a correction is an addendum."""


NOTE_LOCKED = "A saved clinical note cannot be changed: add an addendum instead."


class ClinicalNoteQuerySet(models.QuerySet["ClinicalNote"]):
    """UPDATE is refused here and, on PostgreSQL, by the trigger of migration 0006. DELETE stays possible
    (the retention sweep deletes the notes of cases past their retention period)."""

    def visible_to(self, user: Any) -> ClinicalNoteQuerySet:
        """Notes of the cases whose clinical record this user may read (`Referral.clinical_record_visible_to`)."""
        return self.filter(referral__in=Referral.objects.clinical_record_visible_to(user))

    def update(self, **kwargs: Any) -> int:
        raise NoteLocked(NOTE_LOCKED)

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise NoteLocked(NOTE_LOCKED)

    def retention_update(self, **kwargs: Any) -> int:
        """The one documented way to UPDATE saved notes, for audit.retention only (e.g. to unlink addenda
        before deleting them). The database lets it through because this statement's transaction sets
        `ohwb.retention_sweep`; the setting is cleared again straight after."""
        with transaction.atomic(using=self.db):
            unlock = connections[self.db].vendor == "postgresql"
            if unlock:
                with connections[self.db].cursor() as cursor:
                    cursor.execute("SELECT set_config('ohwb.retention_sweep', 'on', true)")
            try:
                return super().update(**kwargs)
            finally:
                if unlock:
                    with connections[self.db].cursor() as cursor:
                        cursor.execute("SELECT set_config('ohwb.retention_sweep', 'off', true)")


class ClinicalNote(models.Model):
    """Locked once saved (model and database): a correction is a new note that is an addendum to it."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    addendum_to = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="addenda")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClinicalNoteQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Clinical note {self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise NoteLocked(NOTE_LOCKED)
        super().save(*args, **kwargs)


class MeasureStage(models.TextChoices):
    INTAKE = "intake", "At assessment"
    CLOSURE = "closure", "At closure"


class MeasuresQuerySet(models.QuerySet["Measures"]):
    def visible_to(self, user: Any) -> MeasuresQuerySet:
        """Part of the clinical record: as clinical notes."""
        return self.filter(referral__in=Referral.objects.clinical_record_visible_to(user))


class Measures(models.Model):
    """Structured measures at intake and at closure; the 0-10 work ability score feeds WORK_ABILITY_GAIN."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="measures")
    stage = models.CharField(max_length=10, choices=MeasureStage.choices)
    work_ability = models.PositiveSmallIntegerField(validators=[MinValueValidator(0), MaxValueValidator(10)])
    wellbeing = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
        help_text="Self-rated wellbeing, 0 (worst) to 10 (best)",
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = MeasuresQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["referral", "stage"], name="one_measure_per_stage")]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} measures"


class MeasuresLink(models.Model):
    """A single-use link to the employee's own work ability question, sent with the end-measures chaser: no
    sign-in, the same token scheme as the questionnaire links (ohwb_portal.single_use_links), only its hash kept."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="measures_links")
    stage = models.CharField(max_length=10, choices=MeasureStage.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Work ability link for {self.referral}"


class Fitness(models.TextChoices):
    FIT = "fit", "Fit"
    FIT_WITH_ADJUSTMENTS = "fit_with_adjustments", "Fit with adjustments"
    TEMPORARILY_UNFIT = "temporarily_unfit", "Temporarily unfit"
    UNFIT_FOR_ROLE = "unfit_for_role", "Unfit for the role"


class EqualityActLikely(models.TextChoices):
    LIKELY = "likely", "Likely to apply"
    UNLIKELY = "unlikely", "Unlikely to apply"
    UNCLEAR = "unclear", "Not possible to say yet"


class ReportState(models.TextChoices):
    """Where one version of a report stands (derived from its dates and its decisions)."""

    DRAFT = "draft", "Draft, not sent to the employee"
    AWAITING_CONSENT = "awaiting_consent", "Waiting for the employee's decision"
    SHOW_ME_FIRST = "show_me_first", "The employee is reading it before deciding"
    CORRECTIONS_ASKED = "corrections_asked", "The employee asked for factual corrections"
    WITHHELD = "withheld", "Withheld by the employee"
    RELEASED = "released", "Released to the manager"


# What the clinician writes in a report (the draft's editable fields).
REPORT_FIELDS = (
    "fitness",
    "adjustments",
    "likely_return_date",
    "answers",
    "equality_act",
    "follow_up_plan",
    "diagnosis",
    "diagnosis_consented",
)

# The content of a version: once the version is sent to the employee, none of it changes.
REPORT_CONTENT_FIELDS = ("referral_id", "version", "author_id", *REPORT_FIELDS, "sent_for_consent_at")


class ReportFrozen(Exception):
    """A version already sent to the employee (and so any released version) cannot be changed."""


class OutcomeReportQuerySet(models.QuerySet["OutcomeReport"]):
    def released_to_manager(self) -> OutcomeReportQuerySet:
        """THE rule of what a referring manager may read: versions the employee released, nothing else."""
        return self.filter(released_at__isnull=False, withheld_at__isnull=True)

    def sent_to_employee(self) -> OutcomeReportQuerySet:
        return self.filter(sent_for_consent_at__isnull=False)

    def awaiting_decision(self) -> OutcomeReportQuerySet:
        """Versions sent to the employee that are still waiting for a decision (at most one per case)."""
        return (
            self.sent_to_employee()
            .filter(released_at__isnull=True, withheld_at__isnull=True, referral__status=Status.AWAITING_CONSENT)
            .exclude(consent_decisions__choice=ConsentChoice.CORRECTIONS)
        )

    def visible_to(self, user: User) -> OutcomeReportQuerySet:
        """Report versions a user may read. Serving clinicians: every version. The employee: every version
        sent to them. The referring manager: released versions only. Everyone else: nothing."""
        membership = active_membership(user)
        if membership is None:
            return self.none()
        cases = Referral.objects.visible_to(user)
        if membership.role == Role.CLINICIAN:
            return self.filter(referral__in=cases)
        if membership.role == Role.EMPLOYEE:
            return self.filter(referral__in=cases).sent_to_employee()
        if membership.role == Role.MANAGER:
            return self.filter(referral__in=cases).released_to_manager()
        return self.none()

    def with_is_earlier(self) -> OutcomeReportQuerySet:
        """`is_earlier`: a later version of the same case's report exists (whether or not the viewer may read it)."""
        later = OutcomeReport.objects.filter(referral=OuterRef("referral"), version__gt=OuterRef("version"))
        return self.annotate(is_earlier=Exists(later))

    def latest_released(self) -> OutcomeReportQuerySet:
        """Released versions with no later released version: the one whose adjustments the manager follows up."""
        later = OutcomeReport.objects.released_to_manager().filter(
            referral=OuterRef("referral"), version__gt=OuterRef("version")
        )
        return self.released_to_manager().exclude(Exists(later))

    def anonymise(self) -> int:
        """The one documented way to change a sent version: the retention sweep removing what is personal.
        A queryset update, so it does not pass through the frozen check of `save`."""
        count = 0
        for report in self:
            count += (
                type(self)(self.model, using=self.db)
                .filter(pk=report.pk)
                .update(
                    adjustments=[f"Adjustment {n + 1}" for n in range(len(report.adjustments))],
                    answers={},
                    diagnosis="",
                    follow_up_plan="",
                    corrections_requested="",
                )
            )
        return count


class OutcomeReport(models.Model):
    """One version of a case's outcome report. Each version sent to the employee has its own decision;
    a report written after a follow-up, or after factual corrections, is a new version."""

    # No index of its own: the unique (referral, version) constraint's index starts with the case, so it serves
    # every lookup by case, and turning the old one-to-one into this key builds no index on a live table.
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="reports", db_index=False)
    version = models.PositiveIntegerField(default=1)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    fitness = models.CharField(max_length=30, choices=Fitness.choices)
    adjustments = models.JSONField(default=list, blank=True, help_text="One recommended adjustment per item")
    likely_return_date = models.DateField(null=True, blank=True)
    answers = models.JSONField(default=dict, blank=True, help_text="The answer to each of the manager's questions")
    equality_act = models.CharField(max_length=10, choices=EqualityActLikely.choices)
    follow_up_plan = models.TextField(blank=True)
    diagnosis = models.TextField(blank=True)
    diagnosis_consented = models.BooleanField(default=False)
    corrections_requested = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Indexed: the report KPIs pick a month's reports by these (a scan of every report otherwise).
    sent_for_consent_at = models.DateTimeField(null=True, blank=True, db_index=True)
    released_at = models.DateTimeField(null=True, blank=True, db_index=True)
    withheld_at = models.DateTimeField(null=True, blank=True)

    objects = OutcomeReportQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["referral", "version"]
        constraints = [models.UniqueConstraint(fields=["referral", "version"], name="one_report_per_version")]

    def __str__(self) -> str:
        return f"Outcome report {self.version} for {self.referral}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).values(*REPORT_CONTENT_FIELDS, "released_at", "withheld_at")
            before = stored.first()
            if before is not None and before["sent_for_consent_at"] is not None:
                changed = [name for name in REPORT_CONTENT_FIELDS if before[name] != getattr(self, name)]
                # A decision, once recorded, stays.
                decided = [name for name in ("released_at", "withheld_at") if before[name] != getattr(self, name)]
                decided = [name for name in decided if before[name] is not None]
                if changed or decided:
                    raise ReportFrozen(
                        f"Version {before['version']} of this report was sent to the employee and cannot be changed: "
                        "write a new version instead."
                    )
        super().save(*args, **kwargs)

    @property
    def state(self) -> str:
        if self.released_at:
            return ReportState.RELEASED
        if self.withheld_at:
            return ReportState.WITHHELD
        if self.sent_for_consent_at is None:
            return ReportState.DRAFT
        choices = {d.choice for d in self.consent_decisions.all()}
        if ConsentChoice.CORRECTIONS in choices:
            return ReportState.CORRECTIONS_ASKED
        if ConsentChoice.SHOW_ME_FIRST in choices:
            return ReportState.SHOW_ME_FIRST
        return ReportState.AWAITING_CONSENT

    def get_state_display(self) -> str:
        return str(ReportState(self.state).label)


class ConsentChoice(models.TextChoices):
    RELEASE_NOW = "release_now", "Release the report to my manager now"
    SHOW_ME_FIRST = "show_me_first", "Show me the report first"
    APPROVE = "approve", "I have read it: release it"
    CORRECTIONS = "corrections", "I have read it: it has factual errors to correct"
    WITHHOLD = "withhold", "Do not release the report"


class ConsentChannel(models.TextChoices):
    PORTAL = "portal", "In the portal"
    RECORDED_BY_CLINICIAN = "clinician", "Recorded by the clinician"


class ConsentDecision(models.Model):
    report = models.ForeignKey(OutcomeReport, on_delete=models.CASCADE, related_name="consent_decisions")
    choice = models.CharField(max_length=20, choices=ConsentChoice.choices)
    channel = models.CharField(max_length=12, choices=ConsentChannel.choices)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["decided_at", "pk"]

    def __str__(self) -> str:
        return self.get_choice_display()


class AdjustmentStatus(models.TextChoices):
    PENDING = "pending", "Not answered yet"
    IN_PLACE = "in_place", "Put in place"
    PARTLY = "partly", "Partly put in place"
    NOT_POSSIBLE = "not_possible", "Not possible"


class AdjustmentFollowUp(models.Model):
    report = models.ForeignKey(OutcomeReport, on_delete=models.CASCADE, related_name="follow_ups")
    adjustment = models.CharField(max_length=500)
    status = models.CharField(max_length=15, choices=AdjustmentStatus.choices, default=AdjustmentStatus.PENDING)
    reason = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.adjustment


class MessageSide(models.TextChoices):
    MANAGER = "manager", "Referring manager"
    OH_SERVICE = "oh_service", "Occupational health"


# A case message is a short practical note between two teams, not a letter (nor a clinical record).
CASE_MESSAGE_MAX_LENGTH = 2000


class CaseMessageQuerySet(models.QuerySet["CaseMessage"]):
    def visible_to(self, user: Any) -> CaseMessageQuerySet:
        """The messages of a management referral, for its referring manager and the OH service handling it (its
        OH admins and clinicians); the employee and everyone else: nothing (PRODUCT.md section 3)."""
        membership = active_membership(user)
        if membership is None or membership.role not in (Role.MANAGER, Role.OH_ADMIN, Role.CLINICIAN):
            return self.none()
        return self.filter(referral__in=Referral.objects.visible_to(user).filter(kind=Kind.MANAGEMENT))


class CaseMessage(models.Model):
    """A message between the referring manager and the OH service on a case: questions and practical updates,
    never clinical content. Kept as written (no edits), newest last."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    side = models.CharField(max_length=12, choices=MessageSide.choices)
    text = models.TextField(max_length=CASE_MESSAGE_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CaseMessageQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Message {self.pk} on {self.referral}"


class CaseMessagesRead(models.Model):
    """How far one person has read a case's messages: later messages from others are new to them."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["referral", "user"], name="one_read_mark_per_reader")]

    def __str__(self) -> str:
        return f"{self.user} read {self.referral} messages at {self.read_at}"

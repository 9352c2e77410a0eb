"""Inoculation injuries: sharps, splash and bite exposures to blood or body fluids (PRODUCT.md section 11).

The urgent pathway:
    reported (by the member of staff, the same day, or recorded by OH)
      -> risk assessed by an OH clinician (post-exposure prophylaxis advised within the hour where indicated,
         the source patient's blood-borne virus status requested, RIDDOR decided)
      -> follow_up: blood tests at 6, 12 and 24 weeks, booked and chased
      -> closed
    An exposure the clinician finds not significant is closed at assessment: no tests are needed.

Who sees a record is `InoculationInjuryQuerySet.visible_to`; which of its fields each role is given is
`presenters.fields_for` (the manager: the incident and the follow-up plan, never results).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from organisations.models import Employee, Organisation, active_membership
from organisations.roles import OrganisationKind, Role

if TYPE_CHECKING:  # for annotations only
    from accounts.models import User

# Post-exposure prophylaxis for HIV works best within the hour of the injury: the clock the pages show.
PEP_WITHIN = timedelta(hours=1)
# The follow-up blood tests after a significant exposure, in weeks from the injury (UKHSA guidance).
FOLLOW_UP_WEEKS = (6, 12, 24)


class InjuryKind(models.TextChoices):
    SHARPS = "sharps", "Sharps or needlestick injury"
    SPLASH = "splash", "Splash of blood or body fluid (eyes, mouth or broken skin)"
    BITE = "bite", "Bite or scratch that broke the skin"


class InjuryStatus(models.TextChoices):
    REPORTED = "reported", "Waiting for risk assessment"
    FOLLOW_UP = "follow_up", "Follow-up in progress"
    CLOSED = "closed", "Closed"


class ReportedVia(models.TextChoices):
    SELF = "self", "Reported by the member of staff"
    OH = "oh", "Recorded by occupational health"


class Risk(models.TextChoices):
    NOT_SIGNIFICANT = "not_significant", "Not a significant exposure"
    LOW = "low", "Significant exposure, low-risk source"
    HIGH = "high", "Significant exposure, high-risk or unknown source"


class HepBImmunity(models.TextChoices):
    IMMUNE = "immune", "Immune (responder to the course)"
    NON_RESPONDER = "non_responder", "Non-responder"
    INCOMPLETE = "incomplete", "Course not complete"
    NOT_IMMUNISED = "not_immunised", "Not immunised"
    NOT_KNOWN = "not_known", "Not known"


class PepAdvice(models.TextChoices):
    NOT_INDICATED = "not_indicated", "Not indicated"
    STARTED = "started", "Advised and started"
    DECLINED = "declined", "Advised and declined"


class BbvStatus(models.TextChoices):
    NEGATIVE = "negative", "Negative"
    POSITIVE = "positive", "Positive"
    NOT_TESTED = "not_tested", "Not tested (declined or not possible)"


class InoculationInjuryQuerySet(models.QuerySet["InoculationInjury"]):
    def visible_to(self, user: User) -> InoculationInjuryQuerySet:
        """Employees: their own injuries. Managers: injuries of the staff they line-manage, in their organisation.
        OH admins and clinicians: injuries routed to their OH service. Everyone else (board, recruiter,
        procurement, supplier, framework admin, IG lead, any other role): nothing."""
        membership = active_membership(user)
        if membership is None:
            return self.none()
        org = membership.organisation
        if membership.role == Role.EMPLOYEE:
            return self.filter(employee__user=user, organisation=org)
        if membership.role == Role.MANAGER:
            return self.filter(organisation=org, employee__line_manager=user)
        if membership.role in (Role.OH_ADMIN, Role.CLINICIAN) and org.kind == OrganisationKind.OH_SERVICE:
            return self.filter(oh_service=org)
        return self.none()

    def results_visible_to(self, user: User) -> InoculationInjuryQuerySet:
        """Injuries whose risk assessment and blood test results this user may read: a clinician of the OH service
        holding them, and the member of staff for their own. Never the manager or the OH administrator."""
        membership = active_membership(user)
        if membership is None:
            return self.none()
        if membership.role == Role.CLINICIAN:
            return self.visible_to(user)
        if membership.role == Role.EMPLOYEE:
            return self.visible_to(user)
        return self.none()

    def awaiting_assessment(self) -> InoculationInjuryQuerySet:
        return self.filter(status=InjuryStatus.REPORTED)


class InoculationInjury(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="inoculation_injuries")
    oh_service = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="inoculation_injury_cases",
        limit_choices_to={"kind": OrganisationKind.OH_SERVICE},
    )
    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="inoculation_injuries")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_via = models.CharField(max_length=10, choices=ReportedVia.choices)
    status = models.CharField(max_length=12, choices=InjuryStatus.choices, default=InjuryStatus.REPORTED, db_index=True)

    # The incident: what the manager is told.
    kind = models.CharField("What happened", max_length=10, choices=InjuryKind.choices)
    occurred_at = models.DateTimeField("When it happened")
    reported_at = models.DateTimeField(default=timezone.now, db_index=True)
    location = models.CharField("Where it happened", max_length=200)
    how_it_happened = models.TextField("How it happened")
    first_aid_given = models.BooleanField("Wound washed and encouraged to bleed", default=False)
    source_known = models.BooleanField("Source patient known", default=False)
    riddor_reportable = models.BooleanField(
        "RIDDOR reportable",
        null=True,
        blank=True,
        help_text="Decided at the risk assessment: the employer reports it to the HSE",
    )

    # The risk assessment and the source patient's status: clinical, for the OH clinician (and the member of staff).
    source_details = models.CharField(
        "Source patient",
        max_length=200,
        blank=True,
        help_text="Hospital number or ward and bed; never shown to the manager",
    )
    assessed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    risk = models.CharField("Risk", max_length=20, choices=Risk.choices, blank=True)
    hep_b_immunity = models.CharField("Hepatitis B immunity", max_length=20, choices=HepBImmunity.choices, blank=True)
    hep_b_booster_given = models.BooleanField("Hepatitis B booster or immunoglobulin given", default=False)
    pep_advice = models.CharField("HIV post-exposure prophylaxis", max_length=20, choices=PepAdvice.choices, blank=True)
    pep_advised_at = models.DateTimeField("Post-exposure prophylaxis advised at", null=True, blank=True)
    assessment_notes = models.TextField("Assessment notes", blank=True)
    source_requested_at = models.DateTimeField(null=True, blank=True)
    source_requested_from = models.CharField(
        "Source status asked of",
        max_length=200,
        blank=True,
        help_text="Who was asked, for example the ward's consultant",
    )
    source_recorded_at = models.DateTimeField(null=True, blank=True)
    source_hbv = models.CharField("Source hepatitis B", max_length=12, choices=BbvStatus.choices, blank=True)
    source_hcv = models.CharField("Source hepatitis C", max_length=12, choices=BbvStatus.choices, blank=True)
    source_hiv = models.CharField("Source HIV", max_length=12, choices=BbvStatus.choices, blank=True)

    closed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    anonymised_at = models.DateTimeField(null=True, blank=True, help_text="Set by the retention sweep")

    objects = InoculationInjuryQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-reported_at"]
        indexes = [
            models.Index(fields=["oh_service", "status"]),
            models.Index(fields=["organisation", "reported_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="reported") | Q(assessed_at__isnull=False),
                name="injury_assessed_before_follow_up",
            )
        ]

    def __str__(self) -> str:
        return f"Inoculation injury {self.reference}"

    @property
    def reference(self) -> str:
        return f"INJ-{self.pk:06d}"

    @property
    def pep_deadline(self) -> datetime:
        """When post-exposure prophylaxis, if indicated, should have been advised by."""
        return self.reported_at + PEP_WITHIN


class BloodTestStatus(models.TextChoices):
    TO_BOOK = "to_book", "To book"
    BOOKED = "booked", "Booked"
    DONE = "done", "Done"
    NOT_NEEDED = "not_needed", "Not needed"


class FollowUpTestQuerySet(models.QuerySet["FollowUpTest"]):
    def visible_to(self, user: User) -> FollowUpTestQuerySet:
        """A test is seen by whoever sees its injury (its results only by `results_visible_to`)."""
        return self.filter(injury__in=InoculationInjury.objects.visible_to(user))

    def outstanding(self) -> FollowUpTestQuerySet:
        return self.filter(status__in=[BloodTestStatus.TO_BOOK, BloodTestStatus.BOOKED])


class FollowUpTest(models.Model):
    """One follow-up blood test of the plan: its week, when it is due, its booking and its results."""

    injury = models.ForeignKey(InoculationInjury, on_delete=models.CASCADE, related_name="tests")
    week = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    status = models.CharField(
        max_length=12, choices=BloodTestStatus.choices, default=BloodTestStatus.TO_BOOK, db_index=True
    )
    booked_for = models.DateTimeField(null=True, blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    hbv_result = models.CharField("Hepatitis B", max_length=12, choices=BbvStatus.choices, blank=True)
    hcv_result = models.CharField("Hepatitis C", max_length=12, choices=BbvStatus.choices, blank=True)
    hiv_result = models.CharField("HIV", max_length=12, choices=BbvStatus.choices, blank=True)
    result_notes = models.TextField("Notes on the results", blank=True)
    results_recorded_at = models.DateTimeField(null=True, blank=True)
    results_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = FollowUpTestQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["injury", "week"]
        constraints = [models.UniqueConstraint(fields=["injury", "week"], name="one_test_per_week_of_the_plan")]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"{self.week}-week test for {self.injury}"

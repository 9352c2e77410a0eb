"""Clinics and bookings (PRODUCT.md section 12).

A clinic is one clinician's recurring session (days, times, slot length, place or video, practitioner type); its
slots are rows made from it for the weeks ahead (`services.generate_slots`), less the days a diary exception
(leave, training, a closure) or a bank holiday takes out. A booking holds a clinician's time: a referral's
appointment or a pre-employment further assessment, in a slot or outside one. Two bookings of one clinician never
overlap: PostgreSQL refuses it (the exclusion constraint below, on the clinician and the time range); the embedded
SQLite default relies on the same check made in `services` under a lock.

Who sees what: `visible_to` on each QuerySet; the OH service's administrators and clinicians, nobody else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators
from django.db import models
from django.db.models import Func, Q

from assessments.models import Assessment
from organisations.models import Organisation, active_membership
from organisations.roles import OrganisationKind, Role
from referrals.models import Appointment, Modality, PractitionerType, Referral

if TYPE_CHECKING:  # for annotations only
    from accounts.models import User

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


class TsTzRange(Func):
    """PostgreSQL's tstzrange(start, end): the half-open time range [start, end) a slot or booking takes."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


def _oh_service_of(user: Any) -> Organisation | None:
    """The OH service a user works in now (as its administrator or a clinician), or None."""
    membership = active_membership(user)
    if membership is None or membership.role not in (Role.OH_ADMIN, Role.CLINICIAN):
        return None
    if membership.organisation.kind != OrganisationKind.OH_SERVICE:
        return None
    return membership.organisation


class ClinicQuerySet(models.QuerySet["Clinic"]):
    def visible_to(self, user: User) -> ClinicQuerySet:
        """The clinics of the OH service a user works in (its administrators and clinicians). Everyone else: none."""
        service = _oh_service_of(user)
        return self.filter(oh_service=service) if service else self.none()

    def running_on(self, day: Any) -> ClinicQuerySet:
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day), starts_on__lte=day)


class Clinic(models.Model):
    oh_service = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="clinics",
        limit_choices_to={"kind": OrganisationKind.OH_SERVICE},
    )
    name = models.CharField(max_length=120)
    clinician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="clinics")
    practitioner_type = models.CharField(max_length=30, choices=PractitionerType.choices)
    modality = models.CharField(max_length=20, choices=Modality.choices)
    location = models.CharField(
        max_length=300, blank=True, help_text="Address and room; for video or telephone, how the employee joins"
    )
    weekdays = models.JSONField(default=list, help_text="Days it runs: 0 Monday to 4 Friday")
    start_time = models.TimeField()
    end_time = models.TimeField()
    slot_minutes = models.PositiveSmallIntegerField()
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClinicQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(start_time__lt=models.F("end_time")), name="clinic_starts_before_end"),
            models.CheckConstraint(condition=Q(slot_minutes__gte=5), name="clinic_slot_at_least_5_minutes"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def days_display(self) -> str:
        return ", ".join(WEEKDAY_NAMES[d] for d in sorted(self.weekdays) if 0 <= d < len(WEEKDAY_NAMES))


class ExceptionKind(models.TextChoices):
    LEAVE = "leave", "Leave"
    TRAINING = "training", "Training"
    CLOSED = "closed", "Clinic closed"
    OTHER = "other", "Other"


class DiaryExceptionQuerySet(models.QuerySet["DiaryException"]):
    def visible_to(self, user: User) -> DiaryExceptionQuerySet:
        service = _oh_service_of(user)
        return self.filter(oh_service=service) if service else self.none()


class DiaryException(models.Model):
    """Days a clinician does not hold clinics (leave, training) or one clinic does not run. Bank holidays need no
    row: no clinic runs on a day that is not a working day (ohwb_portal.working_days)."""

    oh_service = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    clinician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    clinic = models.ForeignKey(Clinic, null=True, blank=True, on_delete=models.CASCADE, related_name="exceptions")
    kind = models.CharField(max_length=12, choices=ExceptionKind.choices)
    first_day = models.DateField()
    last_day = models.DateField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DiaryExceptionQuerySet.as_manager()

    class Meta:
        ordering = ["first_day", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(first_day__lte=models.F("last_day")), name="diary_exception_in_order")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.first_day} to {self.last_day}"


class SlotQuerySet(models.QuerySet["Slot"]):
    def visible_to(self, user: User) -> SlotQuerySet:
        service = _oh_service_of(user)
        return self.filter(clinic__oh_service=service) if service else self.none()

    def offered(self) -> SlotQuerySet:
        """Slots the clinic still holds (not withdrawn by an exception or the clinic ending)."""
        return self.filter(withdrawn_at__isnull=True)

    def free(self) -> SlotQuerySet:
        """Offered slots that no booking of the clinician overlaps (in the slot or outside a clinic)."""
        taken = Booking.objects.holding().filter(
            clinician=models.OuterRef("clinician"), start__lt=models.OuterRef("end"), end__gt=models.OuterRef("start")
        )
        return self.offered().exclude(models.Exists(taken))


class Slot(models.Model):
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="slots")
    clinician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    start = models.DateTimeField()
    end = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        DiaryException, null=True, blank=True, on_delete=models.SET_NULL, related_name="withdrawn_slots"
    )

    objects = SlotQuerySet.as_manager()

    class Meta:
        ordering = ["start", "pk"]
        indexes = [
            models.Index(fields=["clinician", "start"]),
            models.Index(fields=["start"], name="slot_offered_start", condition=Q(withdrawn_at__isnull=True)),
        ]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "start"], name="one_slot_per_clinic_start"),
            models.CheckConstraint(condition=Q(start__lt=models.F("end")), name="slot_starts_before_end"),
            # One clinician is never in two clinics at once (PostgreSQL; migration 0001 adds it there only).
            ExclusionConstraint(
                name="slot_clinician_time_not_shared",
                expressions=[("clinician", RangeOperators.EQUAL), (TsTzRange("start", "end"), RangeOperators.OVERLAPS)],
                condition=Q(withdrawn_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.clinic} {self.start:%d %b %Y %H:%M}"

    @property
    def length_minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


class BookingStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    ATTENDED = "attended", "Attended"
    DNA = "dna", "Did not attend"
    CANCELLED = "cancelled", "Cancelled"


HOLDING_STATUSES = (BookingStatus.BOOKED, BookingStatus.ATTENDED, BookingStatus.DNA)


class BookingQuerySet(models.QuerySet["Booking"]):
    def visible_to(self, user: User) -> BookingQuerySet:
        """Bookings of the OH service a user works in; every other role: none (an employee changes their own by
        the single-use link, which stands for them)."""
        service = _oh_service_of(user)
        return self.filter(oh_service=service) if service else self.none()

    def holding(self) -> BookingQuerySet:
        """Bookings that take the clinician's time (all but cancelled ones)."""
        return self.filter(status__in=HOLDING_STATUSES)


class Booking(models.Model):
    """A clinician's time taken by one case: a referral's appointment (whose attendance referrals records, and this
    row follows) or a pre-employment further assessment (recorded here)."""

    oh_service = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    clinician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings")
    start = models.DateTimeField()
    end = models.DateTimeField()
    slot = models.ForeignKey(Slot, null=True, blank=True, on_delete=models.SET_NULL, related_name="bookings")
    appointment = models.OneToOneField(
        Appointment, null=True, blank=True, on_delete=models.CASCADE, related_name="booking"
    )
    referral = models.ForeignKey(Referral, null=True, blank=True, on_delete=models.CASCADE, related_name="bookings")
    assessment = models.ForeignKey(Assessment, null=True, blank=True, on_delete=models.CASCADE, related_name="bookings")
    modality = models.CharField(max_length=20, choices=Modality.choices)
    location = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=12, choices=BookingStatus.choices, default=BookingStatus.BOOKED)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    by_employee = models.BooleanField(default=False, help_text="Booked or last changed by the employee's own link")
    employee_changes = models.PositiveSmallIntegerField(default=0)
    sequence = models.PositiveIntegerField(default=0, help_text="The calendar invitation's SEQUENCE: one per change")
    created_at = models.DateTimeField(auto_now_add=True)
    changed_at = models.DateTimeField(auto_now=True)
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        ordering = ["start", "pk"]
        indexes = [
            models.Index(fields=["clinician", "start"]),
            models.Index(fields=["oh_service", "start"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(start__lt=models.F("end")), name="booking_starts_before_end"),
            models.CheckConstraint(
                condition=(Q(referral__isnull=False) & Q(assessment__isnull=True))
                | (Q(referral__isnull=True) & Q(assessment__isnull=False) & Q(appointment__isnull=True)),
                name="booking_for_one_case",
            ),
            # No double booking: two bookings that hold one clinician's time never overlap (PostgreSQL, with
            # btree_gist for the equality on the clinician; migration 0001 adds it there only).
            ExclusionConstraint(
                name="booking_clinician_time_not_shared",
                expressions=[("clinician", RangeOperators.EQUAL), (TsTzRange("start", "end"), RangeOperators.OVERLAPS)],
                condition=Q(status__in=HOLDING_STATUSES),
            ),
        ]

    def __str__(self) -> str:
        return f"Booking {self.pk} {self.start:%d %b %Y %H:%M}"

    @property
    def case_reference(self) -> str:
        return self.referral.reference if self.referral_id else self.assessment.reference  # type: ignore[union-attr]

    @property
    def length_minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)

    @property
    def uid(self) -> str:
        """The calendar invitation's UID: the same for every change of this booking."""
        return f"booking-{self.pk}@ohwb-portal"


class LinkPurpose(models.TextChoices):
    BOOK = "book", "Book an appointment"
    CHANGE = "change", "Move or cancel the appointment"


class BookingLink(models.Model):
    """A single-use link for the employee to book their case into a slot, or to move or cancel their booking, with
    no sign-in (ohwb_portal.single_use_links: only the token's hash is kept). Each use ends it; the confirmation
    carries a new one for the next change."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="booking_links")
    booking = models.ForeignKey(Booking, null=True, blank=True, on_delete=models.CASCADE, related_name="links")
    purpose = models.CharField(max_length=10, choices=LinkPurpose.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} link for {self.referral}"

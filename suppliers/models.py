"""The supplier framework (PRODUCT.md section 5): a Dynamic Purchasing System of SEQOHS-accredited
OH suppliers, their rate cards, and signed call-off agreements with client organisations.

Rates are commercially sensitive: `RateCardQuerySet.visible_to` decides who sees them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from simple_history.models import HistoricalRecords

from ohwb_portal.money import pounds
from organisations.models import Organisation, active_membership
from organisations.roles import CLIENT_KINDS, OrganisationKind, Role, ServiceLine

if TYPE_CHECKING:  # for annotations only
    from accounts.models import User


class LotCode(models.TextChoices):
    MANAGEMENT_REFERRALS = "management_referrals", "Management referrals"
    PRE_EMPLOYMENT = "pre_employment", "Pre-employment assessments"
    VACCINATION = "vaccination", "Vaccination"
    HEALTH_SURVEILLANCE = "health_surveillance", "Health surveillance"
    COUNSELLING = "counselling_eap", "Counselling and employee assistance"
    PHYSIOTHERAPY = "physiotherapy", "Physiotherapy"
    MENTAL_HEALTH = "mental_health", "Mental health"


# Which of a client's service lines an active call-off on a lot takes over.
LOT_SERVICE_LINES: dict[str, list[str]] = {
    LotCode.MANAGEMENT_REFERRALS: [ServiceLine.GENERAL_OH, ServiceLine.MENOPAUSE],
    LotCode.PRE_EMPLOYMENT: [ServiceLine.PRE_EMPLOYMENT],
    LotCode.PHYSIOTHERAPY: [ServiceLine.PHYSIOTHERAPY],
    LotCode.MENTAL_HEALTH: [ServiceLine.MENTAL_HEALTH],
}


class RegionCode(models.TextChoices):
    EAST = "east_of_england", "East of England"
    LONDON = "london", "London"
    MIDLANDS = "midlands", "Midlands"
    NORTH_EAST_YORKSHIRE = "north_east_yorkshire", "North East and Yorkshire"
    NORTH_WEST = "north_west", "North West"
    SOUTH_EAST = "south_east", "South East"
    SOUTH_WEST = "south_west", "South West"


class DeliveryMode(models.TextChoices):
    FACE_TO_FACE = "face_to_face", "Face to face"
    TELEPHONE = "telephone", "Telephone"
    VIDEO = "video", "Video"
    ON_SITE = "on_site", "On site at the client"


class Framework(models.Model):
    name = models.CharField(max_length=200)
    operator = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="frameworks")

    def __str__(self) -> str:
        return self.name


class Lot(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="lots")
    code = models.CharField(max_length=30, choices=LotCode.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="one_lot_per_code")]
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.get_code_display()


class Region(models.Model):
    code = models.CharField(max_length=30, choices=RegionCode.choices, unique=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.get_code_display()


class SupplierStatus(models.TextChoices):
    APPLIED = "applied", "Applied"
    ADMITTED = "admitted", "Admitted to the DPS"
    REJECTED = "rejected", "Application rejected"
    SUSPENDED = "suspended", "Suspended: accreditation lapsed"


DIRECTORY_ROLES = frozenset({Role.PROCUREMENT, Role.BOARD, Role.FRAMEWORK_ADMIN, Role.SUPPLIER})
# Who raises call-offs: the route policy, the home page card and the raise buttons all read this one set.
CALL_OFF_RAISERS = frozenset({Role.PROCUREMENT})


class SupplierQuerySet(models.QuerySet["Supplier"]):
    def visible_to(self, user: User) -> SupplierQuerySet:
        """Directory profiles (no rates): procurement, board, framework admins, and suppliers."""
        membership = active_membership(user)
        if membership is None or membership.role not in DIRECTORY_ROLES:
            return self.none()
        if membership.role == Role.FRAMEWORK_ADMIN:
            return self.filter(framework__operator=membership.organisation)
        listed = Q(status__in=[SupplierStatus.ADMITTED, SupplierStatus.SUSPENDED])
        if membership.role == Role.SUPPLIER:
            listed |= Q(organisation=membership.organisation)
        return self.filter(listed)

    def accredited_on(self, day: date) -> SupplierQuerySet:
        return self.filter(status=SupplierStatus.ADMITTED, accreditation_expires__gte=day)

    def lapsed_on(self, day: date) -> SupplierQuerySet:
        """The database form of `Supplier.accreditation_lapsed_on`, to find them without loading every row."""
        return self.filter(accreditation_expires__lt=day)


class Supplier(models.Model):
    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.PROTECT,
        related_name="supplier_profile",
        limit_choices_to={"kind": OrganisationKind.SUPPLIER},
    )
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="suppliers")
    legal_name = models.CharField(max_length=200)
    seqohs_number = models.CharField("SEQOHS accreditation number", max_length=30, blank=True)
    accreditation_expires = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=SupplierStatus.choices, default=SupplierStatus.APPLIED)
    decision_reason = models.TextField(blank=True)
    regions = models.ManyToManyField(Region, related_name="suppliers")
    lots = models.ManyToManyField(Lot, related_name="suppliers")
    # Space-separated DeliveryMode codes: filterable with __contains on SQLite and PostgreSQL alike.
    delivery_modes = models.CharField(max_length=100, blank=True)
    capacity_statement = models.TextField(blank=True)
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    oh_service = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="run_by_supplier",
        limit_choices_to={"kind": OrganisationKind.OH_SERVICE},
        help_text="The supplier's OH service that takes referrals under an active call-off",
    )

    objects = SupplierQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[regions, lots])

    class Meta:
        ordering = ["legal_name"]

    def __str__(self) -> str:
        return self.legal_name

    @property
    def delivery_mode_labels(self) -> list[str]:
        return [DeliveryMode(code).label for code in self.delivery_modes.split() if code in DeliveryMode.values]

    def accreditation_lapsed_on(self, day: date) -> bool:
        """An expiry date before `day`: the accreditation is no longer valid (no date recorded is not a lapse)."""
        return self.accreditation_expires is not None and self.accreditation_expires < day

    def accredited_on(self, day: date) -> bool:
        return bool(
            self.status == SupplierStatus.ADMITTED and self.accreditation_expires and self.accreditation_expires >= day
        )


# What an admitted supplier changes at once, and what a framework admin reviews first (PRODUCT.md s5).
IMMEDIATE_PROFILE_FIELDS = ("delivery_modes", "capacity_statement", "contact_name", "contact_email")
REVIEWED_PROFILE_FIELDS = ("legal_name", "seqohs_number", "accreditation_expires")  # and regions, lots


class ChangeStatus(models.TextChoices):
    PENDING = "pending", "Waiting for review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class ProfileChangeRequestQuerySet(models.QuerySet["ProfileChangeRequest"]):
    def visible_to(self, user: User) -> ProfileChangeRequestQuerySet:
        """The framework admins of the supplier's DPS, and the supplier itself; nobody else."""
        membership = active_membership(user)
        if membership is None:
            return self.none()
        if membership.role == Role.FRAMEWORK_ADMIN:
            return self.filter(supplier__framework__operator=membership.organisation)
        if membership.role == Role.SUPPLIER:
            return self.filter(supplier__organisation=membership.organisation)
        return self.none()

    def pending(self) -> ProfileChangeRequestQuerySet:
        return self.filter(status=ChangeStatus.PENDING)


class ProfileChangeRequest(models.Model):
    """The values an admitted supplier asks for; the supplier record keeps the approved ones until a decision."""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="profile_changes")
    legal_name = models.CharField(max_length=200)
    seqohs_number = models.CharField("SEQOHS accreditation number", max_length=30, blank=True)
    accreditation_expires = models.DateField(null=True, blank=True)
    regions = models.ManyToManyField(Region, related_name="+")
    lots = models.ManyToManyField(Lot, related_name="+")
    status = models.CharField(max_length=10, choices=ChangeStatus.choices, default=ChangeStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    objects = ProfileChangeRequestQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[regions, lots])

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["supplier"], condition=Q(status="pending"), name="one_pending_profile_change"
            )
        ]
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"Profile change for {self.supplier} ({self.get_status_display().lower()})"


class RateCardQuerySet(models.QuerySet["RateCard"]):
    def visible_to(self, user: User) -> RateCardQuerySet:
        """Commercially sensitive: procurement and board of client organisations (framework members),
        framework admins, and each supplier for its own rates only."""
        membership = active_membership(user)
        if membership is None:
            return self.none()
        org = membership.organisation
        if membership.role == Role.FRAMEWORK_ADMIN:
            return self.filter(supplier__framework__operator=org)
        if membership.role == Role.SUPPLIER:
            return self.filter(supplier__organisation=org)
        if membership.role in (Role.PROCUREMENT, Role.BOARD) and (
            org.kind in CLIENT_KINDS or org.kind == OrganisationKind.ICS
        ):
            return self.filter(supplier__status__in=[SupplierStatus.ADMITTED, SupplierStatus.SUSPENDED])
        return self.none()


class RateCard(models.Model):
    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="rates")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="rates")
    unit = models.CharField(max_length=100, help_text="For example: per assessment, per hour, per vaccination")
    price = models.DecimalField(max_digits=10, decimal_places=2)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)

    objects = RateCardQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["lot__pk", "valid_from"]

    def __str__(self) -> str:
        return f"{self.lot}: {pounds(self.price)} {self.unit}"


class SignedCallOffError(Exception):
    """Code tried to change the terms of a call-off that both sides have signed (a change is a variation)."""


# Once both sides have signed, only these columns change: the status, as the services move it on, and the
# termination reason, written once. Everything else (parties, dates, value, signatories and signatures)
# is frozen here and by the trigger in migrations/0002_signed_call_off_immutable.py.
CHANGEABLE_AFTER_SIGNING = frozenset({"status", "termination_reason"})
# The status moves a signed agreement may make: to an end, or (expired) replaced by a late variation.
SIGNED_STATUS_MOVES = {
    "active": {"expired", "terminated", "superseded"},
    "expired": {"superseded"},
}


class CallOffStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    AWAITING_CLIENT = "awaiting_client", "Awaiting client signature"
    AWAITING_SUPPLIER = "awaiting_supplier", "Awaiting supplier signature"
    ACTIVE = "active", "Active"
    EXPIRED = "expired", "Expired"
    TERMINATED = "terminated", "Terminated"
    SUPERSEDED = "superseded", "Replaced by a variation"


@dataclass(frozen=True)
class AgreementStatus:
    code: str  # a CallOffStatus, or "signed" for a signed agreement that has not started
    label: str


class CallOffQuerySet(models.QuerySet["CallOff"]):
    def visible_to(self, user: User) -> CallOffQuerySet:
        membership = active_membership(user)
        if membership is None:
            return self.none()
        org = membership.organisation
        if membership.role == Role.FRAMEWORK_ADMIN:
            return self.filter(supplier__framework__operator=org)
        if membership.role == Role.SUPPLIER:
            return self.filter(supplier__organisation=org)
        if membership.role in (Role.PROCUREMENT, Role.BOARD):
            return self.filter(Q(client=org) | Q(client__ics=org))
        return self.none()

    def fully_signed(self) -> CallOffQuerySet:
        """Signed by both sides (the supplier signs last): the terms are frozen."""
        return self.filter(supplier_signed_at__isnull=False)


class CallOff(models.Model):
    """Immutable once signed by either party: a change is a numbered variation (a new row)."""

    client = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="call_offs")
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="call_offs")
    lots = models.ManyToManyField(Lot, related_name="call_offs")
    start_date = models.DateField()
    end_date = models.DateField()
    estimated_value = models.DecimalField(max_digits=12, decimal_places=2)
    status = models.CharField(max_length=20, choices=CallOffStatus.choices, default=CallOffStatus.DRAFT)
    client_signatory = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", help_text="Named signatory for the client"
    )
    # The one person at the supplier who may counter-sign; empty only on agreements raised before people were named.
    supplier_signatory = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Named signatory for the supplier",
    )
    client_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    client_signed_at = models.DateTimeField(null=True, blank=True)
    client_declaration = models.TextField(blank=True, help_text="The words the client's signatory confirmed")
    supplier_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    supplier_signed_at = models.DateTimeField(null=True, blank=True)
    supplier_declaration = models.TextField(blank=True, help_text="The words the supplier's signatory confirmed")
    variation_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="variations")
    variation_number = models.PositiveSmallIntegerField(default=0)
    termination_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CallOffQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[lots])

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Call-off {self.reference}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            self._refuse_changes_to_signed_terms()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.pk is not None and CallOff.objects.fully_signed().filter(pk=self.pk).exists():
            raise SignedCallOffError("A signed call-off cannot be deleted.")
        return super().delete(*args, **kwargs)

    @property
    def reference(self) -> str:
        root = self.variation_of_id or self.pk
        return f"CO-{root:05d}" + (f" v{self.variation_number}" if self.variation_number else "")

    @property
    def is_signed(self) -> bool:
        return self.client_signed_at is not None or self.supplier_signed_at is not None

    def status_on(self, day: date) -> AgreementStatus:
        """Where the agreement stands on `day`: the one answer pages, API and tasks give (PRODUCT.md section 5).

        A signed agreement is stored as active; before its start date it is "signed, starts on DATE", and after its
        end date it has expired even if the nightly task has not yet recorded that."""
        if self.status == CallOffStatus.ACTIVE and self.start_date > day:
            return AgreementStatus("signed", f"Signed, starts {self.start_date.day} {self.start_date:%b %Y}")
        if self.status == CallOffStatus.ACTIVE and self.end_date < day:
            return AgreementStatus(CallOffStatus.EXPIRED, CallOffStatus.EXPIRED.label)
        return AgreementStatus(self.status, CallOffStatus(self.status).label)

    def in_force_on(self, day: date) -> bool:
        return self.status_on(day).code == CallOffStatus.ACTIVE

    def _refuse_changes_to_signed_terms(self) -> None:
        names = [f.attname for f in self._meta.concrete_fields]
        stored = CallOff.objects.fully_signed().filter(pk=self.pk).values(*names).first()
        if stored is None:
            return
        changed = [n for n in names if n not in CHANGEABLE_AFTER_SIGNING and getattr(self, n) != stored[n]]
        if changed:
            raise SignedCallOffError(
                f"The terms of a signed call-off cannot be changed ({', '.join(changed)}). Make a variation instead."
            )
        if self.termination_reason != stored["termination_reason"] and stored["termination_reason"]:
            raise SignedCallOffError("The termination reason of a signed call-off is recorded once.")
        if self.status != stored["status"] and self.status not in SIGNED_STATUS_MOVES.get(stored["status"], ()):
            raise SignedCallOffError(f"A signed call-off cannot go from {stored['status']} to {self.status}.")


def refuse_if_signed(call_off_ids: Any) -> None:
    """Lots and service levels are terms too: refuse a change to those of a signed call-off."""
    if CallOff.objects.fully_signed().filter(pk__in=list(call_off_ids)).exists():
        raise SignedCallOffError("The lots and service levels of a signed call-off cannot be changed.")


@receiver(m2m_changed, sender=CallOff.lots.through)
def _frozen_lots(sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any) -> None:
    if not action.startswith("pre_"):
        return
    if not reverse:
        refuse_if_signed([instance.pk])
    elif pk_set:
        refuse_if_signed(pk_set)
    else:  # lot.call_offs.clear()
        refuse_if_signed(instance.call_offs.values_list("pk", flat=True))


class ServiceLevelMetric(models.TextChoices):
    APPOINTMENT_WITHIN = "appointment_within", "First appointment within N working days of acceptance"
    REPORT_WITHIN = "report_within", "Report within N working days of the appointment"
    CLEARANCE_WITHIN = "clearance_within", "Pre-employment clearance within N working days"


class ServiceLevel(models.Model):
    call_off = models.ForeignKey(CallOff, on_delete=models.CASCADE, related_name="service_levels")
    metric = models.CharField(max_length=30, choices=ServiceLevelMetric.choices)
    working_days = models.PositiveSmallIntegerField()
    target_percent = models.PositiveSmallIntegerField(default=95)

    def __str__(self) -> str:
        return f"{self.get_metric_display().replace('N', str(self.working_days))} ({self.target_percent}%)"

    def save(self, *args: Any, **kwargs: Any) -> None:
        refuse_if_signed([self.call_off_id])
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        refuse_if_signed([self.call_off_id])
        return super().delete(*args, **kwargs)


class MonthlyReturn(models.Model):
    """The supplier's own figures, for call-offs whose cases are not run in the portal."""

    call_off = models.ForeignKey(CallOff, on_delete=models.CASCADE, related_name="monthly_returns")
    month = models.DateField(help_text="First day of the month")
    cases_handled = models.PositiveIntegerField()
    levels_met = models.JSONField(default=dict, help_text="Service level id -> % met that month")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["call_off", "month"], name="one_return_per_month")]
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"Return for {self.call_off} {self.month:%B %Y}"

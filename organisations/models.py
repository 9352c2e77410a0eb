"""Organisations, who serves whom, memberships and staff records (PRODUCT.md section 2).

Each model's QuerySet has `visible_to(user)`: the one place that decides which rows a
user may see, used by pages, API, exports, admin and tasks alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from .roles import CLIENT_KINDS, OH_SERVICE_ROLES, OrganisationKind, Role, ServiceLine

if TYPE_CHECKING:
    from accounts.models import User


def active_membership(user: User | None) -> Membership | None:
    if user is None or not user.is_authenticated:
        return None
    return user.active_membership


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def clients(self) -> OrganisationQuerySet:
        return self.filter(kind__in=CLIENT_KINDS)

    def served_by(self, oh_service: Organisation) -> OrganisationQuerySet:
        return self.filter(served_by__oh_service=oh_service).distinct()

    def visible_to(self, user: User) -> OrganisationQuerySet:
        """Your own organisation, the organisations it serves or is served by, its ICS and ICS members."""
        membership = active_membership(user)
        if membership is None:
            return self.none()
        org = membership.organisation
        if membership.role == Role.FRAMEWORK_ADMIN:
            return self.all()
        condition = Q(pk=org.pk) | Q(served_by__oh_service=org) | Q(serves__client=org)
        if org.kind == OrganisationKind.ICS:
            condition |= Q(ics=org)
        elif org.ics_id:
            condition |= Q(pk=org.ics_id)
        return self.filter(condition).distinct()


class Organisation(models.Model):
    name = models.CharField(max_length=200)
    ods_code = models.CharField(
        "ODS code", max_length=10, unique=True, help_text="Organisation Data Service code, for example RJ1"
    )
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)
    ics = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        limit_choices_to={"kind": OrganisationKind.ICS},
        help_text="The integrated care system a trust or GP practice belongs to",
    )
    in_house = models.BooleanField(
        default=False, help_text="For an OH service: run by a trust for itself and others, not bought in"
    )

    objects = OrganisationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_client(self) -> bool:
        return self.kind in CLIENT_KINDS


class ServiceAssignmentQuerySet(models.QuerySet["ServiceAssignment"]):
    def visible_to(self, user: User) -> ServiceAssignmentQuerySet:
        membership = active_membership(user)
        if membership is None:
            return self.none()
        if membership.role == Role.FRAMEWORK_ADMIN:
            return self.all()
        org = membership.organisation
        return self.filter(Q(oh_service=org) | Q(client=org) | Q(client__ics=org))


class ServiceAssignment(models.Model):
    """An OH service serves a client organisation for one service line; new referrals route here."""

    oh_service = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="serves",
        limit_choices_to={"kind": OrganisationKind.OH_SERVICE},
    )
    client = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="served_by")
    service_line = models.CharField(max_length=20, choices=ServiceLine.choices)
    since = models.DateField(auto_now_add=True)
    # Set while a supplier's service serves the client under a call-off: who takes the referrals back when it ends.
    previous_oh_service = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": OrganisationKind.OH_SERVICE},
        help_text="The OH service that served before a call-off took over, and serves again when it ends",
    )

    objects = ServiceAssignmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "service_line"], name="one_oh_service_per_client_line")
        ]

    def __str__(self) -> str:
        return f"{self.oh_service} serves {self.client} ({self.get_service_line_display()})"


class MembershipQuerySet(models.QuerySet["Membership"]):
    def visible_to(self, user: User) -> MembershipQuerySet:
        """Your own memberships; an IG lead also sees who belongs to their organisation."""
        membership = active_membership(user)
        if membership is None:
            return self.none()
        own = Q(user=user)
        if membership.role == Role.IG_LEAD:
            own |= Q(organisation=membership.organisation)
        return self.filter(own)


class Membership(models.Model):
    """A user holds a role in an organisation; a user may hold several."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    job_title = models.CharField(
        max_length=200,
        blank=True,
        db_default="",  # rows written without it (bulk loads) are simply untitled
        help_text="Shown beside the person's name where they sign for the organisation",
    )

    objects = MembershipQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "organisation", "role"], name="unique_membership")]
        ordering = ["organisation__name", "role"]

    def __str__(self) -> str:
        return f"{self.get_role_display()}, {self.organisation}"


class EmployeeQuerySet(models.QuerySet["Employee"]):
    def visible_to(self, user: User) -> EmployeeQuerySet:
        membership = active_membership(user)
        if membership is None:
            return self.none()
        org = membership.organisation
        role = membership.role
        if role == Role.EMPLOYEE:
            return self.filter(user=user, organisation=org)
        if role == Role.MANAGER:
            return self.filter(organisation=org)
        if role in OH_SERVICE_ROLES:
            return self.filter(organisation__served_by__oh_service=org).distinct()
        if role == Role.IG_LEAD:
            if org.kind == OrganisationKind.OH_SERVICE:
                return self.filter(organisation__served_by__oh_service=org).distinct()
            return self.filter(organisation=org)
        # recruiter, procurement, supplier, board, framework_admin: no person-level staff data.
        return self.none()


class StaffGroup(models.TextChoices):
    """ESR staff groups."""

    ADD_PROF_SCIENTIFIC = "add_prof_scientific", "Additional Professional Scientific and Technical"
    ADDITIONAL_CLINICAL = "additional_clinical", "Additional Clinical Services"
    ADMIN_CLERICAL = "admin_clerical", "Administrative and Clerical"
    ALLIED_HEALTH = "allied_health", "Allied Health Professionals"
    ESTATES_ANCILLARY = "estates_ancillary", "Estates and Ancillary"
    HEALTHCARE_SCIENTISTS = "healthcare_scientists", "Healthcare Scientists"
    MEDICAL_DENTAL = "medical_dental", "Medical and Dental"
    NURSING_MIDWIFERY = "nursing_midwifery", "Nursing and Midwifery Registered"
    STUDENTS = "students", "Students"


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    NOT_STATED = "not_stated", "Prefer not to say"


class EthnicGroup(models.TextChoices):
    WHITE = "white", "White"
    MIXED = "mixed", "Mixed or multiple ethnic groups"
    ASIAN = "asian", "Asian or Asian British"
    BLACK = "black", "Black, African, Caribbean or Black British"
    OTHER = "other", "Other ethnic group"
    NOT_STATED = "not_stated", "Prefer not to say"


class Disability(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_STATED = "not_stated", "Prefer not to say"


class AgeBand(models.TextChoices):
    UNDER_25 = "under_25", "Under 25"
    B25_34 = "25_34", "25 to 34"
    B35_44 = "35_44", "35 to 44"
    B45_54 = "45_54", "45 to 54"
    B55_64 = "55_64", "55 to 64"
    B65_PLUS = "65_plus", "65 and over"


esr_number_validator = RegexValidator(r"^\d{8}$", "An ESR employee number is 8 digits, for example 12345678.")


class Employee(models.Model):
    """A staff record, loaded from the ESR export. Equality fields are used only in aggregate."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="employees")
    esr_number = models.CharField("ESR employee number", max_length=8, validators=[esr_number_validator])
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    staff_group = models.CharField(max_length=30, choices=StaffGroup.choices)
    job_role = models.CharField(max_length=200)
    department = models.CharField(
        max_length=200,
        blank=True,
        db_default="",  # rows written without it (bulk loads, older imports) have none
        help_text="The ESR organisation (department or ward) the person works in",
    )
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    line_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="line_reports"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="employee_records",
        help_text="The portal account of this member of staff, if they have one",
    )
    sex = models.CharField(max_length=20, choices=Sex.choices, blank=True)
    ethnic_group = models.CharField(max_length=20, choices=EthnicGroup.choices, blank=True)
    disability = models.CharField(max_length=20, choices=Disability.choices, blank=True)
    age_band = models.CharField(max_length=20, choices=AgeBand.choices, blank=True)

    objects = EmployeeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "esr_number"], name="unique_esr_per_organisation")
        ]
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

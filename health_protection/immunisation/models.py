"""Staff immunisation and seasonal campaigns (PRODUCT.md section 11).

Two halves:
- each member of staff's immunisation record, held by the OH service that serves their organisation: doses,
  antibody levels, screening and evidence of immunity for hepatitis B, MMR, varicella, TB/BCG and (for maternity
  staff) pertussis, with what is due next. What the pre-employment check recorded is read from the check itself
  (`pre_employment_check`), never typed again;
- seasonal campaigns (flu, COVID-19) run by an OH service for a client organisation: clinics, vaccinators
  (the OH service's own or peer vaccinators on the wards), vaccine batches with expiry, and one outcome per
  member of staff (vaccinated, vaccinated elsewhere, declined with the reason).

Every QuerySet has `visible_to(user)`: the one place that decides who sees which rows (ADR 3). A manager and a
board member never see any of it as rows; the board sees uptake figures only (metrics).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from organisations.models import Employee, Organisation, active_membership
from organisations.roles import OrganisationKind, Role

if TYPE_CHECKING:  # for annotations only
    from accounts.models import User

OH_STAFF = (Role.CLINICIAN, Role.OH_ADMIN)


# --- the staff immunisation record ----------------------------------------------------------------------------------


class Antigen(models.TextChoices):
    HEPATITIS_B = "hepatitis_b", "Hepatitis B"
    MMR = "mmr", "MMR (measles, mumps and rubella)"
    VARICELLA = "varicella", "Varicella (chickenpox)"
    TB = "tb", "TB (BCG or screening)"
    PERTUSSIS = "pertussis", "Pertussis (whooping cough)"


class EntryKind(models.TextChoices):
    DOSE = "dose", "Vaccine dose"
    ANTIBODY = "antibody", "Antibody test"
    IMMUNITY = "immunity", "Evidence of immunity"
    SCREENING = "screening", "Screening test"


class ScreeningResult(models.TextChoices):
    NEGATIVE = "negative", "Negative"
    POSITIVE = "positive", "Positive"
    INDETERMINATE = "indeterminate", "Indeterminate"


class AntigenState(models.TextChoices):
    COMPLETE = "complete", "Complete"
    UNDER_WAY = "under_way", "Course under way"
    ACTION_NEEDED = "action_needed", "Action needed"
    REFER = "refer", "Refer to a clinician"
    NOT_RECORDED = "not_recorded", "Not recorded"
    NOT_REQUIRED = "not_required", "Not required"


class ImmunisationRecordQuerySet(models.QuerySet["ImmunisationRecord"]):
    def visible_to(self, user: User) -> ImmunisationRecordQuerySet:
        """The OH service holding the record (its clinicians, administrators and IG lead) and the member of staff
        themselves. Nobody at the employer (managers, board, the employer's IG lead) and no vaccinator."""
        membership = active_membership(user)
        if membership is None:
            return self.none()
        org, role = membership.organisation, membership.role
        if role == Role.EMPLOYEE:
            return self.filter(employee__user=user, employee__organisation=org)
        if org.kind == OrganisationKind.OH_SERVICE and role in (*OH_STAFF, Role.IG_LEAD):
            return self.filter(oh_service=org)
        return self.none()


class ImmunisationRecord(models.Model):
    """One per member of staff: who holds it, the pre-employment check it builds on, and whether the role is in
    maternity care (pertussis)."""

    employee = models.OneToOneField(Employee, on_delete=models.PROTECT, related_name="immunisation_record")
    oh_service = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="immunisation_records",
        limit_choices_to={"kind": OrganisationKind.OH_SERVICE},
    )
    # The check's own immunisation statuses are read through this link (assessments.Immunisations), not copied.
    pre_employment_check = models.ForeignKey(
        "assessments.Assessment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    maternity_role = models.BooleanField(
        "Works in maternity care", default=False, help_text="Pertussis vaccination is offered to maternity staff"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    anonymised_at = models.DateTimeField(null=True, blank=True, help_text="Set by the retention sweep")

    objects = ImmunisationRecordQuerySet.as_manager()
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Immunisation record {self.reference}"

    @property
    def reference(self) -> str:
        return f"IM-{self.pk:06d}"


class ImmunisationEntryQuerySet(models.QuerySet["ImmunisationEntry"]):
    def visible_to(self, user: User) -> ImmunisationEntryQuerySet:
        return self.filter(record__in=ImmunisationRecord.objects.visible_to(user))


class ImmunisationEntry(models.Model):
    """A dose given, an antibody level, a screening result or evidence of immunity, as OH recorded it."""

    record = models.ForeignKey(ImmunisationRecord, on_delete=models.CASCADE, related_name="entries")
    antigen = models.CharField(max_length=20, choices=Antigen.choices)
    kind = models.CharField(max_length=20, choices=EntryKind.choices)
    on = models.DateField("Date")
    antibody_level = models.DecimalField(
        "Antibody level (mIU/mL)", max_digits=7, decimal_places=1, null=True, blank=True
    )
    screening_result = models.CharField(max_length=20, choices=ScreeningResult.choices, blank=True)
    product = models.CharField("Vaccine product", max_length=200, blank=True)
    batch_number = models.CharField(max_length=50, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ImmunisationEntryQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["antigen", "on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=EntryKind.ANTIBODY) | Q(antibody_level__isnull=False), name="antibody_has_level"
            ),
            models.CheckConstraint(
                condition=~Q(kind=EntryKind.SCREENING) | ~Q(screening_result=""), name="screening_has_result"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, {self.get_antigen_display()}, {self.on}"


class AntigenStatusQuerySet(models.QuerySet["AntigenStatus"]):
    def visible_to(self, user: User) -> AntigenStatusQuerySet:
        return self.filter(record__in=ImmunisationRecord.objects.visible_to(user))

    def due_by(self, day: date) -> AntigenStatusQuerySet:
        return self.filter(next_due_on__isnull=False, next_due_on__lte=day)


class AntigenStatus(models.Model):
    """Where one antigen stands for one member of staff, and what is due next, worked out by `schedule.status_of`
    from the entries and the pre-employment check whenever either changes. Kept as a row so that the recall task
    and the due list find what is due by an indexed date, not by working every record out again."""

    record = models.ForeignKey(ImmunisationRecord, on_delete=models.CASCADE, related_name="statuses")
    antigen = models.CharField(max_length=20, choices=Antigen.choices)
    state = models.CharField(max_length=20, choices=AntigenState.choices)
    next_step = models.CharField(max_length=200, blank=True)
    next_due_on = models.DateField(null=True, blank=True, db_index=True)
    source = models.CharField(max_length=200, blank=True, help_text="Where the status comes from, in words")
    updated_at = models.DateTimeField(auto_now=True)

    objects = AntigenStatusQuerySet.as_manager()

    class Meta:
        ordering = ["record", "antigen"]
        constraints = [models.UniqueConstraint(fields=["record", "antigen"], name="one_status_per_antigen")]

    def __str__(self) -> str:
        return f"{self.get_antigen_display()}: {self.get_state_display()}"


# --- seasonal campaigns ---------------------------------------------------------------------------------------------


class CampaignKind(models.TextChoices):
    FLU = "flu", "Flu"
    COVID_19 = "covid_19", "COVID-19"


class CampaignQuerySet(models.QuerySet["Campaign"]):
    def visible_to(self, user: User) -> CampaignQuerySet:
        """The OH service running it; a vaccinator only the campaigns they are named on, acting in the campaign's
        organisation or its OH service. Nobody else (the board sees uptake figures, never a list)."""
        membership = active_membership(user)
        if membership is None:
            return self.none()
        org, role = membership.organisation, membership.role
        if role in OH_STAFF and org.kind == OrganisationKind.OH_SERVICE:
            return self.filter(oh_service=org)
        if role == Role.VACCINATOR:
            return self.filter(Q(organisation=org) | Q(oh_service=org), vaccinators__user=user).distinct()
        return self.none()


class Campaign(models.Model):
    """A season's campaign for one organisation (a trust or practice), run by the OH service that serves it: the
    national return is made per trust, from 1 September to the end of February for flu."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="vaccination_campaigns")
    oh_service = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="campaigns_run",
        limit_choices_to={"kind": OrganisationKind.OH_SERVICE},
    )
    kind = models.CharField(max_length=20, choices=CampaignKind.choices)
    starts_on = models.DateField()
    ends_on = models.DateField()
    target_percent = models.PositiveSmallIntegerField(
        "Target uptake among frontline staff (%)", default=80, help_text="The national ambition for the season"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CampaignQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind", "starts_on"], name="one_campaign_per_season"),
            models.CheckConstraint(condition=Q(ends_on__gt=models.F("starts_on")), name="campaign_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.season}, {self.organisation}"

    @property
    def season(self) -> str:
        """ "2026 to 2027": a season runs over the new year."""
        if self.starts_on.year == self.ends_on.year:
            return str(self.starts_on.year)
        return f"{self.starts_on.year} to {self.ends_on.year}"


class CampaignVaccinator(models.Model):
    """A vaccinator named on a campaign: they see its clinics and lists, and nothing else."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="vaccinators")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="vaccinating_for")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "user"], name="one_naming_per_vaccinator")]

    def __str__(self) -> str:
        return f"{self.user} vaccinates for {self.campaign}"


class VaccineProduct(models.Model):
    """Reference data: the vaccines a campaign may use (not personal data: every signed-in user may read them)."""

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=CampaignKind.choices)

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class VaccineBatchQuerySet(models.QuerySet["VaccineBatch"]):
    def visible_to(self, user: User) -> VaccineBatchQuerySet:
        membership = active_membership(user)
        if membership is None:
            return self.none()
        org, role = membership.organisation, membership.role
        if role in OH_STAFF and org.kind == OrganisationKind.OH_SERVICE:
            return self.filter(oh_service=org)
        if role == Role.VACCINATOR:
            services = Campaign.objects.visible_to(user).values("oh_service")
            return self.filter(oh_service__in=services)
        return self.none()

    def usable_on(self, day: date) -> VaccineBatchQuerySet:
        return self.filter(expires_on__gte=day)


class VaccineBatch(models.Model):
    """A batch of a product held by an OH service; a batch past its expiry date cannot be given (services)."""

    oh_service = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="vaccine_batches")
    product = models.ForeignKey(VaccineProduct, on_delete=models.PROTECT, related_name="batches")
    batch_number = models.CharField(max_length=50)
    expires_on = models.DateField("Expiry date")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    objects = VaccineBatchQuerySet.as_manager()

    class Meta:
        ordering = ["expires_on", "batch_number"]
        constraints = [
            models.UniqueConstraint(fields=["oh_service", "product", "batch_number"], name="one_batch_number")
        ]

    def __str__(self) -> str:
        return f"{self.product}, batch {self.batch_number} (expires {self.expires_on:%-d %B %Y})"


class CampaignClinicQuerySet(models.QuerySet["CampaignClinic"]):
    def visible_to(self, user: User) -> CampaignClinicQuerySet:
        return self.filter(campaign__in=Campaign.objects.visible_to(user))


class CampaignClinic(models.Model):
    """A session of a campaign: a place (a ward, a staff room, a drop-in hub), a day and the batch in use."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="clinics")
    place = models.CharField(max_length=200, help_text="For example Ward 7, or the staff room, Block B")
    on = models.DateField("Date")
    batch = models.ForeignKey(
        VaccineBatch,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The batch in use at this clinic, offered first on each vaccination",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CampaignClinicQuerySet.as_manager()

    class Meta:
        ordering = ["-on", "place"]

    def __str__(self) -> str:
        return f"{self.place}, {self.on:%-d %B %Y}"


class Outcome(models.TextChoices):
    VACCINATED = "vaccinated", "Vaccinated"
    VACCINATED_ELSEWHERE = "vaccinated_elsewhere", "Vaccinated elsewhere"
    DECLINED = "declined", "Declined"


VACCINATED_OUTCOMES = (Outcome.VACCINATED, Outcome.VACCINATED_ELSEWHERE)


class DeclineReason(models.TextChoices):
    DOES_NOT_WANT = "does_not_want", "Does not want the vaccine"
    SIDE_EFFECTS = "side_effects", "Worried about side effects"
    NOT_EFFECTIVE = "not_effective", "Does not think it works or is needed"
    MEDICAL = "medical", "Advised not to have it for a medical reason"
    LATER = "later", "Wants to have it later"
    NO_REASON = "no_reason", "Would rather not say"


class Elsewhere(models.TextChoices):
    GP = "gp", "GP practice"
    PHARMACY = "pharmacy", "Pharmacy"
    OTHER_EMPLOYER = "other_employer", "Another employer"
    OTHER = "other", "Somewhere else"


class InjectionSite(models.TextChoices):
    LEFT_ARM = "left_arm", "Left arm"
    RIGHT_ARM = "right_arm", "Right arm"


class VaccinationQuerySet(models.QuerySet["Vaccination"]):
    def visible_to(self, user: User) -> VaccinationQuerySet:
        """The OH service running the campaign (and its IG lead), the campaign's named vaccinators, and the member
        of staff themselves."""
        membership = active_membership(user)
        if membership is None:
            return self.none()
        org, role = membership.organisation, membership.role
        if role == Role.EMPLOYEE:
            return self.filter(employee__user=user, employee__organisation=org)
        if role == Role.IG_LEAD and org.kind == OrganisationKind.OH_SERVICE:
            return self.filter(campaign__oh_service=org)
        if role in (*OH_STAFF, Role.VACCINATOR):
            return self.filter(campaign__in=Campaign.objects.visible_to(user))
        return self.none()

    def vaccinated(self) -> VaccinationQuerySet:
        return self.filter(outcome__in=VACCINATED_OUTCOMES)


class Vaccination(models.Model):
    """A member of staff's outcome in one campaign: vaccinated here (with consent, product, batch, site), vaccinated
    elsewhere, or declined with the reason. One per person per campaign; a decline can later become a vaccination."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="vaccinations")
    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="campaign_vaccinations")
    outcome = models.CharField(max_length=30, choices=Outcome.choices)
    consent_given = models.BooleanField(default=False)
    decline_reason = models.CharField(max_length=30, choices=DeclineReason.choices, blank=True)
    elsewhere = models.CharField("Where", max_length=30, choices=Elsewhere.choices, blank=True)
    given_on = models.DateField("Date", db_index=True, help_text="When vaccinated, or when the decline was recorded")
    batch = models.ForeignKey(VaccineBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    site = models.CharField(max_length=20, choices=InjectionSite.choices, blank=True)
    clinic = models.ForeignKey(
        CampaignClinic, null=True, blank=True, on_delete=models.SET_NULL, related_name="vaccinations"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    objects = VaccinationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-given_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "employee"], name="one_outcome_per_campaign"),
            models.CheckConstraint(
                condition=~Q(outcome=Outcome.VACCINATED) | (Q(consent_given=True) & Q(batch__isnull=False)),
                name="vaccinated_with_consent_and_batch",
            ),
            models.CheckConstraint(
                condition=~Q(outcome=Outcome.DECLINED) | ~Q(decline_reason=""), name="declined_with_reason"
            ),
        ]
        indexes = [models.Index(fields=["campaign", "outcome", "given_on"])]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: {self.campaign}"

"""Reads for staff immunisation and campaigns, always starting from a model's `visible_to` (ADR 3), and the uptake
figures a campaign's page, the national return's CSV and the FLU_UPTAKE_FRONTLINE KPI share."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.models import User
from assessments.models import Assessment, AssessmentStatus, Immunisations
from organisations.models import Employee, Organisation
from organisations.roles import Role

from .frontline import ReturnGroup, frontline_filter, return_group
from .models import (
    VACCINATED_OUTCOMES,
    AntigenStatus,
    Campaign,
    CampaignClinic,
    CampaignKind,
    ImmunisationEntry,
    ImmunisationRecord,
    Outcome,
    Vaccination,
    VaccineBatch,
)
from .schedule import CHECK_FIELDS, CheckStatus

# --- the pre-employment check ---------------------------------------------------------------------------------------


def matching_check(employee: Employee) -> Assessment | None:
    """The member of staff's cleared pre-employment check with immunisations recorded: at their organisation, matched
    by e-mail address (a check is made before the person is on the staff), the latest if there are several."""
    if not employee.email:
        return None
    return (
        Assessment.objects.filter(
            organisation_id=employee.organisation_id,
            candidate_email__iexact=employee.email,
            status=AssessmentStatus.CLEARED,
            immunisations__isnull=False,
        )
        .order_by("-cleared_at", "-pk")
        .first()
    )


def check_statuses(assessment: Assessment | None) -> dict[str, CheckStatus]:
    """What the check recorded for each antigen, read from the check itself."""
    if assessment is None:
        return {}
    record = Immunisations.objects.filter(assessment=assessment).first()
    if record is None:
        return {}
    when = timezone.localdate(assessment.cleared_at or record.recorded_at)
    source = f"Pre-employment check {assessment.reference}, {when:%-d %B %Y}"
    return {antigen: CheckStatus(getattr(record, name), source, when) for antigen, name in CHECK_FIELDS.items()}


# --- staff records --------------------------------------------------------------------------------------------------


def staff(*, user: User, q: str = "") -> QuerySet[Employee]:
    """The staff whose immunisation records this OH user may open (the organisations their service serves), with
    each one's record if opened: searched by name, ESR number or job role."""
    found = Employee.objects.visible_to(user).select_related("organisation")
    for word in q.split()[:4]:
        found = found.filter(
            Q(first_name__istartswith=word)
            | Q(last_name__istartswith=word)
            | Q(esr_number__startswith=word)
            | Q(job_role__icontains=word)
        )
    records = ImmunisationRecord.objects.visible_to(user).filter(employee=OuterRef("pk"))
    return found.annotate(record_id=Subquery(records.values("pk")[:1])).order_by("last_name", "first_name", "pk")


def employee(*, user: User, pk: int) -> Employee | None:
    return Employee.objects.visible_to(user).select_related("organisation").filter(pk=pk).first()


def record_of(*, user: User, employee: Employee) -> ImmunisationRecord | None:
    return (
        ImmunisationRecord.objects.visible_to(user)
        .filter(employee=employee)
        .select_related("oh_service", "pre_employment_check", "employee__organisation")
        .prefetch_related(
            Prefetch("statuses", queryset=AntigenStatus.objects.order_by("antigen")),
            Prefetch(
                "entries", queryset=ImmunisationEntry.objects.select_related("recorded_by").order_by("-on", "-pk")
            ),
        )
        .first()
    )


def records(*, user: User) -> QuerySet[ImmunisationRecord]:
    return ImmunisationRecord.objects.visible_to(user).select_related("employee__organisation", "oh_service")


def own_records(*, user: User) -> QuerySet[ImmunisationRecord]:
    """The member of staff's own record (one per staff record they have)."""
    return records(user=user).prefetch_related("statuses", "entries")


def due_list(*, user: User, by_day: date) -> QuerySet[AntigenStatus]:
    """What is due by `by_day` in the records this user sees, the longest overdue first."""
    return (
        AntigenStatus.objects.visible_to(user)
        .due_by(by_day)
        .select_related("record__employee__organisation")
        .order_by("next_due_on", "pk")
    )


def recalls_due(by_day: date, *, not_before: date) -> QuerySet[AntigenStatus]:
    """For the recall task (no user: it writes only messages that say something is due)."""
    return (
        AntigenStatus.objects.due_by(by_day)
        .filter(next_due_on__gte=not_before, record__anonymised_at__isnull=True)
        .select_related("record__employee__user", "record__oh_service")
        .order_by("pk")
    )


# --- campaigns ------------------------------------------------------------------------------------------------------


def campaigns(*, user: User) -> QuerySet[Campaign]:
    return Campaign.objects.visible_to(user).select_related("organisation", "oh_service")


def clinics(*, user: User) -> QuerySet[CampaignClinic]:
    return CampaignClinic.objects.visible_to(user).select_related(
        "campaign__organisation", "campaign__oh_service", "batch"
    )


def batches(*, user: User) -> QuerySet[VaccineBatch]:
    return VaccineBatch.objects.visible_to(user).select_related("product")


def usable_batches(*, user: User, campaign: Campaign, on: date) -> QuerySet[VaccineBatch]:
    return batches(user=user).filter(oh_service=campaign.oh_service, product__kind=campaign.kind, expires_on__gte=on)


def batches_at_clinic(*, user: User, campaign: Campaign, on: date) -> QuerySet[VaccineBatch]:
    """The batches a vaccinator may pick from: the campaign's vaccine held by its service, in date first, and those
    that expired in the last two months still listed (marked), since a box of them may still be on the trolley:
    choosing one is refused by the service with the reason, rather than the batch silently missing."""
    recent = on - timedelta(days=60)
    return (
        batches(user=user)
        .filter(oh_service=campaign.oh_service, product__kind=campaign.kind, expires_on__gte=recent)
        .order_by("-expires_on", "batch_number")
    )


CLINIC_LIST_LENGTH = 30


def clinic_list(*, user: User, clinic: CampaignClinic, q: str = "") -> list[tuple[Employee, Vaccination | None]]:
    """The clinic's list: the staff of the campaign's organisation (a vaccinator reaches them only through a campaign
    they are named on: `clinic` comes from CampaignClinic.objects.visible_to), found by name or ESR number, each with
    their outcome in this campaign (or None). Two queries, however many staff there are."""
    found = Employee.objects.filter(organisation_id=clinic.campaign.organisation_id)
    words = q.split()[:4]
    if not words:
        # Nobody searched yet: those seen at this clinic, latest first, so the vaccinator sees what they did.
        seen = Vaccination.objects.filter(clinic=clinic).values("employee")
        found = found.filter(pk__in=seen)
    for word in words:
        found = found.filter(
            Q(first_name__istartswith=word) | Q(last_name__istartswith=word) | Q(esr_number__startswith=word)
        )
    people = list(
        found.only("pk", "first_name", "last_name", "esr_number", "date_of_birth", "job_role", "staff_group").order_by(
            "last_name", "first_name", "pk"
        )[:CLINIC_LIST_LENGTH]
    )
    outcomes = {
        v.employee_id: v
        for v in Vaccination.objects.filter(
            campaign_id=clinic.campaign_id, employee__in=[p.pk for p in people]
        ).select_related("campaign")  # the access log names the campaign's OH service
    }
    return [(person, outcomes.get(person.pk)) for person in people]


def campaign_person(*, campaign: Campaign, pk: int) -> Employee | None:
    """A member of staff on the campaign's list (the staff of its organisation), for a campaign the caller sees."""
    return Employee.objects.filter(organisation_id=campaign.organisation_id, pk=pk).first()


def clinic_person(*, clinic: CampaignClinic, pk: int) -> Employee | None:
    return campaign_person(campaign=clinic.campaign, pk=pk)


def outcome_of(*, campaign: Campaign, employee: Employee) -> Vaccination | None:
    return Vaccination.objects.filter(campaign=campaign, employee=employee).select_related("batch__product").first()


def own_vaccinations(*, user: User) -> QuerySet[Vaccination]:
    return Vaccination.objects.visible_to(user).select_related("campaign__organisation", "batch__product")


# --- uptake ---------------------------------------------------------------------------------------------------------


@dataclass
class GroupUptake:
    label: str
    staff: int = 0
    vaccinated: int = 0
    elsewhere: int = 0
    declined: int = 0

    @property
    def percent(self) -> float | None:
        return round(100.0 * self.vaccinated / self.staff, 1) if self.staff else None


@dataclass
class Uptake:
    """A campaign's figures on one day, cumulative from its start: frontline staff by the return's staff groups,
    and the rest."""

    campaign: Campaign
    on: date
    groups: dict[str, GroupUptake] = field(default_factory=dict)
    frontline: GroupUptake = field(default_factory=lambda: GroupUptake("All frontline staff"))
    other: GroupUptake = field(default_factory=lambda: GroupUptake("Staff who are not frontline"))

    @property
    def meets_target(self) -> bool | None:
        percent = self.frontline.percent
        return None if percent is None else percent >= self.campaign.target_percent


def _counted_on(campaign: Campaign, on: date) -> date:
    return min(on, campaign.ends_on)


def uptake(campaign: Campaign, on: date) -> Uptake:
    """Two queries: staff by staff group, and outcomes by staff group."""
    result = Uptake(campaign, on, {g: GroupUptake(str(label)) for g, label in ReturnGroup.choices})
    staff_groups = Employee.objects.filter(organisation_id=campaign.organisation_id).values("staff_group")
    for row in staff_groups.annotate(n=Count("pk")).order_by():
        _target(result, row["staff_group"]).staff += row["n"]
    outcomes = (
        Vaccination.objects.filter(campaign=campaign, given_on__lte=_counted_on(campaign, on))
        .values("employee__staff_group", "outcome")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in outcomes:
        target = _target(result, row["employee__staff_group"])
        if row["outcome"] in VACCINATED_OUTCOMES:
            target.vaccinated += row["n"]
            if row["outcome"] == Outcome.VACCINATED_ELSEWHERE:
                target.elsewhere += row["n"]
        else:
            target.declined += row["n"]
    for group in result.groups.values():
        for name in ("staff", "vaccinated", "elsewhere", "declined"):
            setattr(result.frontline, name, getattr(result.frontline, name) + getattr(group, name))
    return result


def _target(result: Uptake, staff_group: str) -> GroupUptake:
    group = return_group(staff_group)
    return result.groups[group] if group else result.other


@dataclass(frozen=True)
class WeekUptake:
    week_ending: date
    vaccinated: int
    staff: int

    @property
    def percent(self) -> float | None:
        return round(100.0 * self.vaccinated / self.staff, 1) if self.staff else None


def week_endings(campaign: Campaign, today: date) -> list[date]:
    """Each Sunday from the campaign's first week to this week (or its end), the last one cut at today."""
    last = min(today, campaign.ends_on)
    sunday = campaign.starts_on + timedelta(days=6 - campaign.starts_on.weekday())
    weeks = []
    while sunday < last:
        weeks.append(sunday)
        sunday += timedelta(days=7)
    if last >= campaign.starts_on:
        weeks.append(last)
    return weeks


def weekly_uptake(campaign: Campaign, today: date) -> list[WeekUptake]:
    """Frontline uptake at the end of each week of the campaign so far, cumulative: two queries."""
    staff = Employee.objects.filter(frontline_filter(), organisation_id=campaign.organisation_id).count()
    by_day = Counter(
        {
            row["given_on"]: row["n"]
            for row in Vaccination.objects.filter(campaign=campaign, outcome__in=VACCINATED_OUTCOMES)
            .filter(frontline_filter("employee__"))
            .values("given_on")
            .annotate(n=Count("pk"))
            .order_by()
        }
    )
    weeks, total, days = [], 0, sorted(by_day)
    for week_ending in week_endings(campaign, today):
        while days and days[0] <= week_ending:
            total += by_day[days.pop(0)]
        weeks.append(WeekUptake(week_ending, total, staff))
    return weeks


def flu_campaigns_in(campaigns_filter: Q, start: date, end: date) -> list[Campaign]:
    """For each organisation, its latest flu campaign that runs at some time between `start` and `end`."""
    latest: dict[int, Campaign] = {}
    found = Campaign.objects.filter(campaigns_filter, kind=CampaignKind.FLU, starts_on__lte=end, ends_on__gte=start)
    for campaign in found.order_by("starts_on"):
        latest[campaign.organisation_id] = campaign
    return list(latest.values())


def frontline_uptake(campaigns_filter: Q, start: date, end: date) -> tuple[int, int]:
    """(frontline staff vaccinated, frontline staff) for FLU_UPTAKE_FRONTLINE: in each organisation's flu campaign
    running in the period, cumulative from the campaign's start to the period's end (or the campaign's end)."""
    chosen = flu_campaigns_in(campaigns_filter, start, end)
    if not chosen:
        return 0, 0
    staff = Employee.objects.filter(frontline_filter(), organisation_id__in=[c.organisation_id for c in chosen]).count()
    counted = Q()
    for campaign in chosen:
        counted |= Q(campaign=campaign, given_on__lte=_counted_on(campaign, end))
    vaccinated = (
        Vaccination.objects.filter(counted, outcome__in=VACCINATED_OUTCOMES)
        .filter(frontline_filter("employee__"))
        .count()
    )
    return vaccinated, staff


def by_organisation(campaign_list: list[Campaign], on: date) -> list[Uptake]:
    return [uptake(c, on) for c in campaign_list]


def group_by_organisation(campaign_list: list[Campaign]) -> dict[str, list[Campaign]]:
    seasons: dict[str, list[Campaign]] = defaultdict(list)
    for c in campaign_list:
        seasons[f"{c.get_kind_display()} {c.season}"].append(c)
    return dict(seasons)


def campaign_clients(*, user: User) -> QuerySet[Organisation]:
    """The client organisations this OH user's service serves: whom it can run a campaign for."""
    membership = user.active_membership
    if membership is None:
        return Organisation.objects.none()
    return Organisation.objects.visible_to(user).clients().served_by(membership.organisation).order_by("name")


def vaccinator_candidates(campaign: Campaign) -> QuerySet[User]:
    """Users holding the vaccinator role at the campaign's organisation (peer vaccinators) or its OH service."""
    return (
        User.objects.filter(
            memberships__role=Role.VACCINATOR,
            memberships__organisation_id__in=[campaign.organisation_id, campaign.oh_service_id],
        )
        .exclude(vaccinating_for__campaign=campaign)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def vaccinators_of(campaign: Campaign) -> QuerySet[User]:
    return User.objects.filter(vaccinating_for__campaign=campaign).order_by("last_name", "first_name")


# --- the season on a dashboard --------------------------------------------------------------------------------------


def season_campaigns(campaigns_filter: Q, today: date) -> list[Campaign]:
    """For each organisation, its latest flu campaign that has started within the last year: this season's."""
    return flu_campaigns_in(campaigns_filter, today - timedelta(days=365), today)


@dataclass
class Season:
    """Flu uptake this season across some organisations' campaigns: by week, by staff group, and in total."""

    campaigns: list[Campaign]
    weeks: list[WeekUptake]
    groups: dict[str, GroupUptake]
    frontline: GroupUptake
    other: GroupUptake
    target_percent: int | None


def season_uptake(campaign_list: list[Campaign], today: date) -> Season:
    """Weekly frontline uptake added up across the campaigns (each counted to its own end), and the staff groups."""
    figures = [uptake(c, today) for c in campaign_list]
    groups = {g: GroupUptake(str(label)) for g, label in ReturnGroup.choices}
    frontline, other = GroupUptake("All frontline staff"), GroupUptake("Staff who are not frontline")
    for figure in figures:
        for key, group in [*figure.groups.items(), ("frontline", figure.frontline), ("other", figure.other)]:
            total = groups.get(key) or (frontline if key == "frontline" else other)
            for name in ("staff", "vaccinated", "elsewhere", "declined"):
                setattr(total, name, getattr(total, name) + getattr(group, name))
    weeks: list[WeekUptake] = []
    if campaign_list:
        start = min(c.starts_on for c in campaign_list)
        end = max(c.ends_on for c in campaign_list)
        span = Campaign(starts_on=start, ends_on=end)
        per_campaign = {c.pk: weekly_uptake(c, today) for c in campaign_list}
        for week_ending in week_endings(span, today):
            vaccinated = 0
            for c in campaign_list:
                done = [w for w in per_campaign[c.pk] if w.week_ending <= week_ending]
                vaccinated += done[-1].vaccinated if done else 0
            weeks.append(WeekUptake(week_ending, vaccinated, frontline.staff))
    targets = {c.target_percent for c in campaign_list}
    return Season(campaign_list, weeks, groups, frontline, other, targets.pop() if len(targets) == 1 else None)

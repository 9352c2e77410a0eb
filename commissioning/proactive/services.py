"""Writes: the absence extract's import, the suggestions made from it, and the line manager's decision."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import User
from ohwb_portal.refusals import ActionRefused
from organisations.esr_import import ImportResult
from organisations.models import Employee, Organisation
from organisations.roles import Role
from referrals import services as referral_services
from referrals.models import OPEN_STATUSES, Kind, Referral, Status

from .absence_file import check_absence_file
from .models import AbsenceImport, AbsenceSpell, Decision, SupportSuggestion
from .rules import Qualifying, qualifying

SPELL_FIELDS = ["assignment_number", "ends_on", "days_lost", "hours_lost", "reason_code"]


class SuggestionRefused(ActionRefused):
    pass


def import_absence_extract(
    *, organisation: Organisation, by: User, content: bytes | str, file_name: str, today: date | None = None
) -> ImportResult:
    """Check every row; if any is wrong import nothing and report them all. Otherwise add or update each spell
    (matched by member of staff and start date) and bring the suggestions up to date, in one transaction."""
    today = today or timezone.localdate()
    text = content.decode("utf-8-sig", errors="replace") if isinstance(content, bytes) else content
    checked = check_absence_file(organisation=organisation, text=text, today=today)
    result = ImportResult(problems=checked.problems)
    if not result.ok:
        return result
    with transaction.atomic():
        batch = AbsenceImport.objects.create(organisation=organisation, imported_by=by, file_name=file_name[:255])
        existing = {
            (s.employee_id, s.starts_on): s
            for s in AbsenceSpell.objects.select_for_update().filter(organisation=organisation)
        }
        to_create, to_update = [], []
        for row in checked.spells:
            spell = existing.get((row["employee"].pk, row["starts_on"]))
            if spell is None:
                to_create.append(AbsenceSpell(organisation=organisation, imported_in=batch, **row))
                continue
            for name in SPELL_FIELDS:
                setattr(spell, name, row[name])
            spell.imported_in = batch
            to_update.append(spell)
        AbsenceSpell.objects.bulk_create(to_create, batch_size=1000)
        AbsenceSpell.objects.bulk_update(to_update, [*SPELL_FIELDS, "imported_in"], batch_size=1000)
        batch.spells_created, batch.spells_updated = len(to_create), len(to_update)
        batch.save(update_fields=["spells_created", "spells_updated"])
        refresh_suggestions(organisation=organisation, today=today)
    result.created, result.updated = len(to_create), len(to_update)
    return result


def refresh_all_suggestions(*, today: date | None = None) -> int:
    """Every organisation's suggestions, as of today: between monthly extracts an ongoing absence goes on counting
    days, so someone can come to qualify without a new import. Each organisation in a transaction of its own.
    Returns how many suggestions were made."""
    organisations = Organisation.objects.filter(pk__in=AbsenceSpell.objects.values("organisation_id")).order_by("pk")
    return sum(refresh_suggestions(organisation=organisation, today=today) for organisation in organisations)


@transaction.atomic
def refresh_suggestions(*, organisation: Organisation, today: date | None = None) -> int:
    """Offer "consider a referral" to the line manager of everyone whose absence qualifies and who has no open
    case; bring an undecided suggestion's figures up to date; after a decision, offer again only for absence that
    started after it. Safe to run twice. Returns how many suggestions were made."""
    today = today or timezone.localdate()
    # An open self-referral does not count: the manager is never told of one, not even by a suggestion going away.
    open_cases = Referral.objects.filter(kind=Kind.MANAGEMENT, status__in=OPEN_STATUSES).values("employee_id")
    staff = (
        Employee.objects.filter(organisation=organisation, line_manager__isnull=False, absence_spells__isnull=False)
        .exclude(pk__in=open_cases)
        .distinct()
        .prefetch_related("absence_spells")
    )
    latest = {}
    for suggestion in SupportSuggestion.objects.filter(organisation=organisation).order_by("offered_at"):
        latest[suggestion.employee_id] = suggestion
    made = 0
    now = timezone.now()
    for employee in staff:
        figures = qualifying(employee.absence_spells.all(), today)
        if figures is None:
            continue
        previous = latest.get(employee.pk)
        if previous is not None and not previous.decision:
            _write_figures(previous, figures)
            previous.save()
            continue
        if previous is not None and previous.decided_at and figures.latest_start <= previous.decided_at.date():
            continue  # decided already, and no absence has begun since
        suggestion = SupportSuggestion(organisation=organisation, employee=employee, offered_at=now)
        _write_figures(suggestion, figures)
        suggestion.save()
        made += 1
    return made


def _write_figures(suggestion: SupportSuggestion, figures: Qualifying) -> None:
    suggestion.days_lost = figures.days_lost
    suggestion.spells = figures.spells
    suggestion.window_from = figures.window_from
    suggestion.absent_since = figures.absent_since


def _check_manager(suggestion: SupportSuggestion, by: User) -> None:
    membership = by.active_membership
    if (
        membership is None
        or membership.role != Role.MANAGER
        or suggestion.employee.line_manager_id != by.pk
        or membership.organisation_id != suggestion.organisation_id
    ):
        raise SuggestionRefused("Only the member of staff's line manager can decide on this suggestion.")


def absence_in_words(suggestion: SupportSuggestion, today: date | None = None) -> str:
    """The absence facts in neutral words, for the manager's referral (they may change them)."""
    today = today or timezone.localdate()
    days = f"{suggestion.days_lost.normalize():f}"
    spells = f"{suggestion.spells} spell{'s' if suggestion.spells != 1 else ''}"
    text = (
        f"The ESR absence record shows {days} days of absence in {spells} between "
        f"{date_format(suggestion.window_from, 'j F Y')} and {date_format(today, 'j F Y')}"
    )
    if suggestion.absent_since:
        text += f", with an absence ongoing since {date_format(suggestion.absent_since, 'j F Y')}"
    return text + ". What support would help them at work, or back to work?"


@transaction.atomic
def start_referral(*, suggestion: SupportSuggestion, by: User) -> Referral:
    """The manager takes the suggestion up: a draft referral for the member of staff, with the absence facts
    filled in, which they complete and send (the reason for the referral is theirs to give, not inferred)."""
    suggestion = SupportSuggestion.objects.select_for_update().select_related("employee").get(pk=suggestion.pk)
    _check_manager(suggestion, by)
    started = suggestion.referral if suggestion.decision == Decision.REFERRED else None
    if started is not None and started.status == Status.DRAFT:
        return started  # already started: carry on with it
    if started is not None:
        raise SuggestionRefused("A referral has been sent already: follow it under My referrals.")
    if suggestion.decision == Decision.NOT_NOW:
        raise SuggestionRefused("You decided not to refer for now; a new suggestion follows if new absence begins.")
    fields: dict[str, object] = {"other_questions": absence_in_words(suggestion)}
    if suggestion.absent_since:
        fields.update(absent_at_referral=True, absent_since=suggestion.absent_since)
    referral = referral_services.create_management_referral(
        manager=by, employee=suggestion.employee, submit=False, **fields
    )
    suggestion.decision, suggestion.referral = Decision.REFERRED, referral
    suggestion.decided_at, suggestion.decided_by = timezone.now(), by
    suggestion.save()
    return referral


@transaction.atomic
def decide_not_now(*, suggestion: SupportSuggestion, by: User, reason: str = "") -> SupportSuggestion:
    suggestion = SupportSuggestion.objects.select_for_update().select_related("employee").get(pk=suggestion.pk)
    _check_manager(suggestion, by)
    if suggestion.decision:
        raise SuggestionRefused("This suggestion has been decided already.")
    suggestion.decision, suggestion.not_now_reason = Decision.NOT_NOW, reason.strip()
    suggestion.decided_at, suggestion.decided_by = timezone.now(), by
    suggestion.save()
    return suggestion

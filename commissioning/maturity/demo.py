"""The demo services' maturity self-assessments (seed_demo); runs once.

Northfield's in-house OH service assessed itself about a year ago, and again a few months ago with higher levels in
some domains, so its board sees the levels over time (history page and annual report); the board commented on the
first while it was current, a framework admin on the second. Healthwork Ltd, the supplier with call-offs, submitted
one two months ago, so procurement sees its levels beside accreditation in the directory and the comparison. The
supplier's OH service (Healthwork OH Services) has a draft in progress, three domains rated.

Every step goes through the app's services at its moment of the story (`world.when`), so the drafts are continued,
the older submission is superseded by the newer one, and the rules apply as they do for a user's clicks. Evidence
files are small real PDFs made with WeasyPrint (the board report's engine) and checked as an upload is.
"""

from __future__ import annotations

from datetime import timedelta
from html import escape

from django.core.files.base import ContentFile

from accounts.models import User
from organisations.demo import DemoWorld, at

from . import services
from .evidence_files import file_type
from .models import Domain, Level, MaturityAssessment

D, L = Domain, Level

# Each domain's (level, evidence): the in-house service a year ago, then a few months ago.
IN_HOUSE_FIRST: dict[str, tuple[str, str]] = {
    D.LEADERSHIP: (
        L.CORE,
        "OH reports to the director of people; a quarterly OH report goes to the workforce committee.",
    ),
    D.OFFER: (
        L.ENHANCED,
        "Management referrals, pre-employment checks, vaccination, counselling through the EAP and fast-track "
        "physiotherapy, described on the intranet with how to get each.",
    ),
    D.PROACTIVE: (L.CORE, "Flu and COVID-19 campaigns each autumn; health surveillance for the staff who need it."),
    D.DATA: (L.CORE, "Referral and appointment figures from the OH system each month; no outcome measures yet."),
    D.WORKFORCE: (
        L.ENHANCED,
        "Two OH physicians, six OH nurses (four with the specialist community public health qualification), "
        "each with a yearly appraisal and a CPD plan.",
    ),
    D.QUALITY: (L.ENHANCED, "SEQOHS accredited since 2019; last assessment visit passed with two minor actions."),
    D.PARTNERSHIP: (L.CORE, "Monthly meeting with HR business partners; the EAP contract is reviewed each year."),
}
IN_HOUSE_SECOND: dict[str, tuple[str, str]] = {
    D.LEADERSHIP: (
        L.ENHANCED,
        "A board wellbeing guardian since September; the board reviews OH measures twice a year, beside its "
        "wellbeing improvement plan.",
    ),
    D.OFFER: IN_HOUSE_FIRST[D.OFFER],
    D.PROACTIVE: (
        L.ENHANCED,
        "Line managers are prompted to consider a referral from the ESR absence extract each month; menopause and "
        "musculoskeletal clinics by self-referral.",
    ),
    D.DATA: (L.CORE, "Monthly measures against targets on the portal's dashboard; outcome measures start next year."),
    D.WORKFORCE: IN_HOUSE_FIRST[D.WORKFORCE],
    D.QUALITY: (
        L.TRANSFORMATIVE,
        "SEQOHS reaccredited this year with no actions; report turnaround within 2 working days for 94% of cases; "
        "staff feedback after each appointment, reviewed each quarter (see the attached summary).",
    ),
    D.PARTNERSHIP: (
        L.ENHANCED,
        "A supplier call-off takes overflow referrals under the DPS; joint pathway with the trust's therapies team.",
    ),
}
SUPPLIER: dict[str, tuple[str, str]] = {
    D.LEADERSHIP: (L.ENHANCED, "A clinical director for each region; a monthly quality board with client reports."),
    D.OFFER: (
        L.TRANSFORMATIVE,
        "Referrals, pre-employment, vaccination, surveillance, EAP and physiotherapy, face to face, by video or phone.",
    ),
    D.PROACTIVE: (L.ENHANCED, "Health surveillance programmes and wellbeing checks run for each client on site."),
    D.DATA: (L.ENHANCED, "Service-level returns each month; a client dashboard of waits and report turnaround."),
    D.WORKFORCE: (L.ENHANCED, "Forty OH clinicians; a training academy for OH nurses new to the specialty."),
    D.QUALITY: (L.ENHANCED, "SEQOHS accredited; client satisfaction surveyed twice a year (last: 91% satisfied)."),
    D.PARTNERSHIP: (L.CORE, "Account managers meet each client's HR and OH leads each quarter."),
}
DRAFT: dict[str, tuple[str, str]] = {
    D.LEADERSHIP: (L.CORE, "The service lead reports to the supplier's regional director."),
    D.OFFER: (L.ENHANCED, "The full lot of OH services for Eastvale, by call-off."),
    D.QUALITY: (L.ENHANCED, "SEQOHS accredited through Healthwork Ltd."),
}
# (file name, title, lines) of each evidence PDF, by the domain it is attached to.
FIRST_FILE = (
    "seqohs-assessment-visit-summary.pdf",
    "SEQOHS assessment visit: summary",
    [
        "Northfield Occupational Health (in-house)",
        "Outcome: accredited, two minor actions.",
        "Actions due in 3 months.",
    ],
)
SECOND_FILES = [
    (
        "staff-feedback-quarterly-summary.pdf",
        "Staff feedback after appointments: quarterly summary",
        ["412 responses this quarter.", "93% would recommend the service.", "Actions: evening clinics on two sites."],
    ),
    (
        "seqohs-reaccreditation-letter.pdf",
        "SEQOHS reaccreditation",
        ["Northfield Occupational Health (in-house)", "Reaccredited with no actions."],
    ),
]


def _pdf(name: str, title: str, lines: list[str]) -> tuple[ContentFile, str]:
    """A one-page tagged PDF, with the type an upload of it would be given (the same check as the form's)."""
    from weasyprint import HTML  # only the demo and the reports need it

    body = "".join(f"<p>{escape(line)}</p>" for line in lines)
    head = f"<head><title>{escape(title)}</title></head>"
    html = f'<html lang="en-GB">{head}<body><h1>{escape(title)}</h1>{body}</body></html>'
    upload = ContentFile(HTML(string=html).write_pdf(pdf_variant="pdf/ua-1"), name=name)
    return upload, file_type(upload)


def _assess(
    world: DemoWorld,
    author: User,
    days_ago: int,
    ratings: dict[str, tuple[str, str]],
    files: dict[str, list[tuple[str, str, list[str]]]] | None = None,
    *,
    submit: bool = True,
) -> MaturityAssessment | None:
    """Start a draft `days_ago`, rate a domain or two each working day after it, and submit on the last day."""
    start = world.today - timedelta(days=days_ago)
    if not world.when(at(start, 9, 30)):
        return None
    draft = services.start_assessment(by=author)
    files = files or {}
    for n, (domain, (level, evidence)) in enumerate(ratings.items()):
        if not world.when(at(start + timedelta(days=n // 2), 11 + n % 2 * 3)):
            return draft
        uploads = [_pdf(*described) for described in files.get(domain, [])]
        services.rate_domain(
            assessment=draft, by=author, domain=domain, level=level, evidence=evidence, uploads=uploads
        )
    if submit and world.when(at(start + timedelta(days=len(ratings) // 2 + 1), 10)):
        return services.submit(assessment=draft, by=author)
    return draft


def _comment(world: DemoWorld, assessment: MaturityAssessment | None, by: User, days_ago: int, text: str) -> None:
    if assessment is not None and world.when(at(world.today - timedelta(days=days_ago), 15)):
        services.comment(assessment=assessment, by=by, text=text)


def seed(world: DemoWorld) -> None:
    if MaturityAssessment.objects.exists():
        return
    users = world.users
    first = _assess(world, users["oh_admin"], 372, IN_HOUSE_FIRST, {D.QUALITY: [FIRST_FILE]})
    _comment(
        world,
        first,
        users["board"],
        350,
        "Thank you. The board would like to see outcome measures in the data domain by the next assessment.",
    )
    second = _assess(world, users["oh_admin"], 110, IN_HOUSE_SECOND, {D.QUALITY: SECOND_FILES})
    _comment(
        world,
        second,
        users["framework_admin"],
        95,
        "Good progress in quality and proactive support. The staff feedback summary is a model for other services.",
    )
    _assess(world, users["supplier"], 62, SUPPLIER)
    _assess(world, users["oh_admin2"], 9, DRAFT, submit=False)

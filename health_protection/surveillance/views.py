"""Pages: the OH service's programmes, enrolments and results; the manager's view of their own staff (status and
outcome category only); the member of staff's recall questionnaire by single-use link (no account)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from audit.services import log_shown
from ohwb_portal.access import roles_required
from ohwb_portal.client_address import client_address
from ohwb_portal.refusals import shown_as_message, shown_on
from ohwb_portal.requests import AuthenticatedRequest
from ohwb_portal.single_use_links import STATUS
from organisations.roles import Role

from . import presenters, selectors, services
from .actions import allowed_actions
from .forms import EndForm, EnrolForm, ProgrammeForm, ResultForm, RuleForm, ScreeningForm
from .models import Enrolment, Programme
from .status import Status

OH = (Role.OH_ADMIN, Role.CLINICIAN)
PAGE_SIZE = 50
# Per address, for the page and the API alike: enough to answer, far too few to guess tokens.
RECALL_RATE_LIMIT = "30/10m"


def _programme(request: AuthenticatedRequest, pk: int) -> Programme:
    return get_object_or_404(selectors.programmes(user=request.user), pk=pk)


def _enrolment(request: AuthenticatedRequest, pk: int) -> Enrolment:
    return get_object_or_404(selectors.enrolments(user=request.user), pk=pk)


def _rows(enrolments: Any) -> list[tuple[Enrolment, presenters.Tag, presenters.Tag | None]]:
    return [(e, presenters.status_tag(e), presenters.outcome_tag(e)) for e in enrolments]


@roles_required(*OH)
def programmes(request: AuthenticatedRequest) -> HttpResponse:
    found = selectors.programmes(user=request.user)
    rows = [(p, presenters.compliance(p)) for p in found]
    return render(request, "surveillance/programmes.html", {"rows": rows})


@roles_required(*OH)
def new_programme(request: AuthenticatedRequest) -> HttpResponse:
    form = ProgrammeForm(request.POST or None, employers=selectors.employers(user=request.user))
    if request.method == "POST" and form.is_valid():
        with shown_on(form):
            programme = services.create_programme(by=request.user, **form.cleaned_data)
            messages.success(request, f"{programme.name} started. Add who it enrols by job role or department.")
            return redirect("surveillance:programme", programme.pk)
    return render(request, "surveillance/new_programme.html", {"form": form})


@roles_required(*OH)
def programme(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    found = _programme(request, pk)
    status = request.GET.get("status", "")
    status = status if status in Status.values else ""
    enrolments = selectors.programme_enrolments(user=request.user, programme=found, status=status)
    page = Paginator(enrolments, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "surveillance/programme.html",
        {
            "programme": found,
            "compliance": presenters.compliance(found),
            "rules": selectors.rules(found),
            "page": page,
            "rows": _rows(page.object_list),
            "status": status,
            "statuses": Status.choices,
            "actions": allowed_actions(request.user, found),
            "rule_form": RuleForm(),
            "enrol_form": EnrolForm(staff=selectors.staff_to_enrol(user=request.user, programme=found)),
        },
    )


@roles_required(*OH)
@require_POST
def add_rule(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    found = _programme(request, pk)
    form = RuleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose job role or department, and enter it as it is in the ESR staff data.")
        return redirect("surveillance:programme", found.pk)
    with shown_as_message(request):
        rule = services.add_rule(programme=found, by=request.user, **form.cleaned_data)
        messages.success(request, f"Rule added: {rule}. Enrol the staff it matches when you are ready.")
    return redirect("surveillance:programme", found.pk)


@roles_required(*OH)
@require_POST
def apply_rules(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    found = _programme(request, pk)
    with shown_as_message(request):
        count = services.apply_rules(programme=found, by=request.user)
        messages.success(
            request,
            f"{count} member{'s' if count != 1 else ''} of staff enrolled from the ESR staff data. "
            "Each is sent a recall invitation.",
        )
    return redirect("surveillance:programme", found.pk)


@roles_required(*OH)
@require_POST
def enrol(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    found = _programme(request, pk)
    form = EnrolForm(request.POST, staff=selectors.staff_to_enrol(user=request.user, programme=found))
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("surveillance:programme", found.pk)
    with shown_as_message(request):
        enrolment = services.enrol(programme=found, by=request.user, **form.cleaned_data)
        messages.success(request, f"{enrolment.employee} enrolled, first check due by {enrolment.due_on:%-d %B %Y}.")
    return redirect("surveillance:programme", found.pk)


@roles_required(*OH)
def enrolment(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    found = _enrolment(request, pk)
    results = list(selectors.results(user=request.user, enrolment=found))
    answers = list(selectors.screening_answers(user=request.user, enrolment=found))
    if results or answers:
        log_shown(user=request.user, objects=[*results, *answers], reason="Health surveillance record")
    return render(
        request,
        "surveillance/enrolment.html",
        {
            "enrolment": found,
            "status": presenters.status_tag(found),
            "outcome": presenters.outcome_tag(found),
            "results": [(r, presenters.result_rows(found.programme, r)) for r in results],
            "answers": [(i, presenters.answer_rows(found.programme, i)) for i in answers],
            "invitations": selectors.invitations_sent(found),
            "actions": allowed_actions(request.user, found),
            "end_form": EndForm(),
            "clinician": request.user.active_membership.role == Role.CLINICIAN,  # type: ignore[union-attr]
        },
    )


@roles_required(Role.CLINICIAN)
def record_result(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    found = _enrolment(request, pk)
    form = ResultForm(request.POST or None, programme=found.programme)
    if request.method == "POST" and form.is_valid():
        with shown_on(form):
            result = services.record_result(enrolment=found, by=request.user, **form.result())
            messages.success(
                request,
                f"Result recorded for {found.employee}. Next check due by {result.next_due_on:%-d %B %Y}. "
                "Their manager has been told the outcome.",
            )
            return redirect("surveillance:enrolment", found.pk)
    answers = list(selectors.screening_answers(user=request.user, enrolment=found)[:1])
    if answers:
        log_shown(user=request.user, objects=answers, reason="Health surveillance answers reviewed")
    return render(
        request,
        "surveillance/record_result.html",
        {
            "enrolment": found,
            "form": form,
            "answers": [(i, presenters.answer_rows(found.programme, i)) for i in answers],
        },
    )


@roles_required(*OH)
@require_POST
def invite(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    found = _enrolment(request, pk)
    with shown_as_message(request):
        services.invite(enrolment=found, by=request.user)
        messages.success(request, f"A new recall link has been sent to {found.employee}. Any older link stops working.")
    return redirect("surveillance:enrolment", found.pk)


@roles_required(*OH)
@require_POST
def end(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    found = _enrolment(request, pk)
    form = EndForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why they leave the programme.")
        return redirect("surveillance:enrolment", found.pk)
    with shown_as_message(request):
        services.end_enrolment(enrolment=found, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, f"{found.employee} has left {found.programme.name}. Their results are kept.")
    return redirect("surveillance:enrolment", found.pk)


@roles_required(*OH)
def worklist(request: AuthenticatedRequest) -> HttpResponse:
    review = selectors.review_queue(user=request.user)
    overdue = Paginator(selectors.overdue(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "surveillance/worklist.html",
        {
            "review": _rows(review[:PAGE_SIZE]),
            "review_count": review.count(),
            "page": overdue,
            "overdue": _rows(overdue.object_list),
        },
    )


@roles_required(Role.MANAGER)
def team(request: AuthenticatedRequest) -> HttpResponse:
    """A manager's own staff: status and the outcome category of the last check, never results."""
    status = request.GET.get("status", "")
    status = status if status in (Status.UP_TO_DATE, Status.DUE, Status.OVERDUE) else ""
    found = selectors.team(user=request.user, status=status)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "surveillance/team.html",
        {"page": page, "rows": _rows(page.object_list), "status": status, "statuses": Status.choices[:3]},
    )


@ratelimit(key=client_address, rate=RECALL_RATE_LIMIT, block=False)
def recall(request: HttpRequest, token: str) -> HttpResponse:
    """The member of staff's page: no account; the token is the key, single use, and rate limited."""
    if getattr(request, "limited", False):
        return render(request, "surveillance/link_problem.html", {"kind": "limited"}, status=429)
    try:
        invitation = services.resolve_link(token)
    except services.LinkProblem as problem:
        return render(request, "surveillance/link_problem.html", {"kind": problem.kind}, status=STATUS[problem.kind])
    enrolment = invitation.enrolment
    form = ScreeningForm(request.POST or None, programme=enrolment.programme)
    if request.method == "POST" and form.is_valid():
        services.submit_answers(raw_token=token, answers=form.cleaned_data)
        return render(request, "surveillance/recall_done.html", {"enrolment": enrolment})
    return render(
        request,
        "surveillance/recall.html",
        {"form": form, "enrolment": enrolment, "expires": invitation.expires_at},
    )

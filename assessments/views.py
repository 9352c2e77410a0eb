"""Pages: recruiter (start a check, outcome only), candidate (questionnaire by link), clinician (review)."""

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
from organisations.roles import Role

from . import presenters, selectors, services
from .filters import CheckFilter
from .forms import ClearanceForm, ImmunisationsForm, StartCheckForm
from .models import Assessment, QuestionnaireResponse
from .questionnaire import QUESTIONNAIRE_RATE_LIMIT, QuestionnaireForm


def _check(request: AuthenticatedRequest, pk: int) -> Assessment:
    return get_object_or_404(selectors.checks(user=request.user), pk=pk)


@roles_required(Role.RECRUITER)
def recruiter_list(request: AuthenticatedRequest) -> HttpResponse:
    filterset = CheckFilter(request.GET, queryset=selectors.recruiter_list(user=request.user))
    page = Paginator(filterset.qs, 25).get_page(request.GET.get("page"))
    rows = [(a, presenters.link_expiry(a)) for a in page.object_list]
    filtered = any(request.GET.get(key) for key in ("q", "status"))
    return render(
        request,
        "assessments/recruiter_list.html",
        {"filter": filterset, "page": page, "rows": rows, "filtered": filtered},
    )


@roles_required(Role.RECRUITER)
def start(request: AuthenticatedRequest) -> HttpResponse:
    form = StartCheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with shown_on(form):
            started = services.start_check(
                recruiter=request.user,
                candidate_name=data["candidate_name"],
                candidate_email=data["candidate_email"],
                job_role=data["job_role"],
                exposure_prone=data["exposure_prone"] == "yes",
                start_date=data["start_date"],
            )
            messages.success(
                request,
                f"Check {started.assessment.reference} started. The candidate has been sent "
                "a link to the health questionnaire.",
            )
            return redirect("assessments:detail", started.assessment.pk)
    return render(request, "assessments/start.html", {"form": form})


@roles_required(Role.RECRUITER, Role.CLINICIAN, Role.OH_ADMIN)
def detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    assessment = _check(request, pk)
    role = request.user.active_membership.role if request.user.active_membership else ""
    context: dict[str, Any] = {
        "assessment": assessment,
        "role": role,
        "clock": presenters.clearance_clock(assessment),
        "actions": presenters.assessment_actions(request.user, assessment),
        "link": presenters.link_expiry(assessment),
    }
    if role == Role.CLINICIAN:
        response = selectors.submitted_response(user=request.user, assessment=assessment)
        if response is not None:
            log_shown(user=request.user, objects=[response], reason="Reviewed pre-employment questionnaire")
        context["response"] = response
        context["answers"] = _answer_rows(assessment, response)
        record = getattr(assessment, "immunisations", None)
        initial = (
            {f: getattr(record, f) for f in ("mmr", "varicella", "hepatitis_b", "tb_screening", "bbv_clearance")}
            if record
            else {}
        )
        context["immunisations_form"] = ImmunisationsForm(initial=initial, exposure_prone=assessment.exposure_prone)
        context["clearance_form"] = ClearanceForm()
        context["record"] = record
    return render(request, "assessments/detail.html", context)


def _answer_rows(assessment: Assessment, response: QuestionnaireResponse | None) -> list[tuple[str, str, str]]:
    if response is None:
        return []
    form = QuestionnaireForm(exposure_prone=assessment.exposure_prone, require_all=False)
    rows = [
        (q.label, response.answers.get(q.name, ""), response.answers.get(f"{q.name}_details", ""))
        for q in form.questions
    ]
    rows.append(("Vaccinations had", "", response.answers.get("immunisation_history", "")))
    return rows


@roles_required(Role.RECRUITER, Role.OH_ADMIN)
@require_POST
def resend_link(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    assessment = _check(request, pk)
    with shown_as_message(request):
        services.resend_link(assessment=assessment, by=request.user)
        link = presenters.link_expiry(_check(request, pk))
        until = f" The new link works until {link.when}." if link else ""
        messages.success(
            request, f"A new link has been sent to {assessment.candidate_email}. The old link no longer works.{until}"
        )
    return redirect("assessments:detail", assessment.pk)


@roles_required(Role.RECRUITER, Role.OH_ADMIN)
@require_POST
def extend_link(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    assessment = _check(request, pk)
    with shown_as_message(request):
        services.extend_link(assessment=assessment, by=request.user)
        link = presenters.link_expiry(_check(request, pk))
        until = f" until {link.when}" if link else " for another week"
        messages.success(request, f"The candidate's link now works{until}. They have been told by e-mail.")
    return redirect("assessments:detail", assessment.pk)


@roles_required(Role.CLINICIAN, Role.OH_ADMIN)
def review_queue(request: AuthenticatedRequest) -> HttpResponse:
    page = Paginator(selectors.review_queue(user=request.user), 25).get_page(request.GET.get("page"))
    rows = [(a, presenters.clearance_clock(a), presenters.is_overdue(a)) for a in page.object_list]
    return render(request, "assessments/review_queue.html", {"page": page, "rows": rows})


@roles_required(Role.CLINICIAN)
def record_immunisations(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    assessment = _check(request, pk)
    form = ImmunisationsForm(request.POST, exposure_prone=assessment.exposure_prone)
    if form.is_valid():
        with shown_as_message(request):
            services.record_immunisations(assessment=assessment, by=request.user, **form.cleaned_data)
            messages.success(request, "Immunisation status saved.")
    else:
        messages.error(request, "Choose a status for every immunisation.")
    return redirect("assessments:detail", assessment.pk)


@roles_required(Role.CLINICIAN)
def clearance(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    assessment = _check(request, pk)
    form = ClearanceForm(request.POST)
    if "nothing_declared" not in request.POST and not form.is_valid():
        messages.error(request, "Choose the outcome.")
        return redirect("assessments:detail", assessment.pk)
    with shown_as_message(request):
        if "nothing_declared" in request.POST:
            services.clear_nothing_declared(assessment=assessment, by=request.user)
        else:
            services.clear(assessment=assessment, by=request.user, **form.cleaned_data)
        messages.success(request, f"Outcome recorded for {assessment.reference}. The recruiter has been told.")
        return redirect("assessments:review_queue")
    return redirect("assessments:detail", assessment.pk)


@ratelimit(key=client_address, rate=QUESTIONNAIRE_RATE_LIMIT, block=False)
def questionnaire(request: HttpRequest, token: str) -> HttpResponse:
    """The candidate's page: no account; the token is the key, single use, and rate limited."""
    if getattr(request, "limited", False):
        return render(request, "assessments/link_problem.html", {"kind": "limited"}, status=429)
    try:
        link = services.resolve_link(token)
    except services.LinkProblem as problem:
        status = {"unknown": 404, "used": 410, "expired": 410}[problem.kind]
        return render(request, "assessments/link_problem.html", {"kind": problem.kind}, status=status)
    assessment = link.assessment
    saved = selectors.saved_answers(assessment)
    submitting = "submit" in request.POST
    form = QuestionnaireForm(
        request.POST or None,
        initial=saved.answers if saved else None,
        exposure_prone=assessment.exposure_prone,
        require_all=submitting,
    )
    if request.method == "POST" and form.is_valid():
        services.save_answers(raw_token=token, answers=form.cleaned_data, submit=submitting)
        if submitting:
            return render(request, "assessments/questionnaire_done.html", {"assessment": assessment})
        messages.success(request, "Your answers are saved. Use the same link to finish later.")
        return redirect("assessments:questionnaire", token)
    return render(
        request, "assessments/questionnaire.html", {"form": form, "assessment": assessment, "expires": link.expires_at}
    )

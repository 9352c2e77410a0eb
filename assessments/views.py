"""Pages: recruiter (start a check, outcome only), candidate (questionnaire by link), clinician (review)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django_ratelimit.decorators import ratelimit

from audit.services import log_shown
from ohwb_portal.access import roles_required
from organisations.roles import Role

from . import presenters, services
from .forms import ClearanceForm, ImmunisationsForm, StartCheckForm
from .models import Assessment, AssessmentStatus, QuestionnaireResponse
from .questionnaire import QuestionnaireForm

# Per address: enough for a candidate filling the form in, far too few to guess tokens.
QUESTIONNAIRE_RATE_LIMIT = "30/10m"


def client_address(group: str, request: HttpRequest) -> str:
    """The address limits count by. Behind a proxy, set REMOTE_ADDR from the proxy's header there."""
    return str(request.META.get("REMOTE_ADDR") or "unknown")


@roles_required(Role.RECRUITER)
def recruiter_list(request: HttpRequest) -> HttpResponse:
    checks = Assessment.objects.visible_to(request.user).only(
        "pk", "candidate_name", "job_role", "status", "outcome", "cleared_at", "created_at"
    )
    page = Paginator(checks, 25).get_page(request.GET.get("page"))
    return render(request, "assessments/recruiter_list.html", {"page": page})


@roles_required(Role.RECRUITER)
def start(request: HttpRequest) -> HttpResponse:
    form = StartCheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            started = services.start_check(
                recruiter=request.user,
                candidate_name=data["candidate_name"],
                candidate_email=data["candidate_email"],
                job_role=data["job_role"],
                exposure_prone=data["exposure_prone"] == "yes",
                start_date=data["start_date"],
            )
        except services.AssessmentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"Check {started.assessment.reference} started. The candidate has been sent "
                "a link to the health questionnaire.",
            )
            return redirect("assessments:detail", started.assessment.pk)
    return render(request, "assessments/start.html", {"form": form})


@roles_required(Role.RECRUITER, Role.CLINICIAN, Role.OH_ADMIN)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_object_or_404(Assessment.objects.visible_to(request.user), pk=pk)
    role = request.user.active_membership.role  # type: ignore[union-attr]
    context: dict[str, Any] = {"assessment": assessment, "role": role, "clock": presenters.clearance_clock(assessment)}
    if role == Role.CLINICIAN:
        response = QuestionnaireResponse.objects.filter(assessment=assessment, submitted_at__isnull=False).first()
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


@roles_required(Role.CLINICIAN, Role.OH_ADMIN)
def review_queue(request: HttpRequest) -> HttpResponse:
    checks = (
        Assessment.objects.visible_to(request.user)
        .filter(status=AssessmentStatus.AWAITING_REVIEW)
        .select_related("organisation")
        .order_by("questionnaire_completed_at")
    )
    page = Paginator(checks, 25).get_page(request.GET.get("page"))
    rows = [(a, presenters.clearance_clock(a), presenters.is_overdue(a)) for a in page.object_list]
    return render(request, "assessments/review_queue.html", {"page": page, "rows": rows})


@roles_required(Role.CLINICIAN)
def record_immunisations(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_object_or_404(Assessment.objects.visible_to(request.user), pk=pk)
    form = ImmunisationsForm(request.POST, exposure_prone=assessment.exposure_prone)
    if form.is_valid():
        services.record_immunisations(assessment=assessment, by=request.user, **form.cleaned_data)
        messages.success(request, "Immunisation status saved.")
    else:
        messages.error(request, "Choose a status for every immunisation.")
    return redirect("assessments:detail", assessment.pk)


@roles_required(Role.CLINICIAN)
def clearance(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_object_or_404(Assessment.objects.visible_to(request.user), pk=pk)
    try:
        if "nothing_declared" in request.POST:
            services.clear_nothing_declared(assessment=assessment, by=request.user)
        else:
            form = ClearanceForm(request.POST)
            if not form.is_valid():
                messages.error(request, "Choose the outcome.")
                return redirect("assessments:detail", assessment.pk)
            services.clear(assessment=assessment, by=request.user, **form.cleaned_data)
    except services.AssessmentError as exc:
        messages.error(request, str(exc))
        return redirect("assessments:detail", assessment.pk)
    messages.success(request, f"Outcome recorded for {assessment.reference}. The recruiter has been told.")
    return redirect("assessments:review_queue")


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
    saved = QuestionnaireResponse.objects.filter(assessment=assessment).first()
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

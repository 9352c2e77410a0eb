"""Pages: the list of assessments, one assessment (with its domains, files and comments), a domain's form, submit,
comment, an evidence file, and a service's levels over time."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBase
from django.http.response import FileResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ohwb_portal.access import roles_required
from ohwb_portal.refusals import shown_as_message, shown_on
from ohwb_portal.requests import AuthenticatedRequest

from . import presenters, rules, selectors, services
from .forms import CommentForm, DomainForm
from .models import AUTHOR_ROLES, Domain
from .rules import Action, allowed_actions, assessing_service

READERS = sorted(rules.READERS)
AUTHORS = sorted(AUTHOR_ROLES)
COMMENTERS = sorted(rules.COMMENTERS)


@roles_required(*READERS)
def assessment_list(request: AuthenticatedRequest) -> HttpResponse:
    own = assessing_service(request.user)
    return render(
        request,
        "maturity/list.html",
        {
            "services": selectors.services(request.user),
            "can_start": own is not None,
            "draft": selectors.open_draft(request.user, own),
        },
    )


@require_POST
@roles_required(*AUTHORS)
def start(request: AuthenticatedRequest) -> HttpResponse:
    with shown_as_message(request):
        draft = services.start_assessment(by=request.user)
        return redirect("maturity:detail", draft.pk)
    return redirect("maturity:list")


def _detail_page(request: AuthenticatedRequest, pk: int, comment_form: CommentForm | None = None) -> HttpResponse:
    assessment = selectors.assessment(request.user, pk)
    actions = allowed_actions(request.user, assessment)
    return render(
        request,
        "maturity/detail.html",
        {
            "assessment": assessment,
            "actions": {action.value for action in actions},
            "comment_form": comment_form or (CommentForm() if Action.COMMENT in actions else None),
        },
        status=400 if comment_form is not None else 200,
    )


@roles_required(*READERS)
def detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _detail_page(request, pk)


@roles_required(*AUTHORS)
def edit_domain(request: AuthenticatedRequest, pk: int, domain: str) -> HttpResponse:
    assessment = selectors.assessment(request.user, pk)
    if domain not in Domain.values:
        raise Http404
    rating = next(r for r in assessment.ratings.all() if r.domain == domain)
    if Action.EDIT not in allowed_actions(request.user, assessment):
        messages.error(request, "This assessment has been submitted and can no longer be changed.")
        return redirect("maturity:detail", assessment.pk)
    form = DomainForm(
        request.POST or None, request.FILES or None, initial={"level": rating.level, "evidence": rating.evidence}
    )
    if request.method == "POST" and form.is_valid():
        with shown_on(form):
            services.rate_domain(
                assessment=assessment,
                by=request.user,
                domain=domain,
                level=form.cleaned_data["level"],
                evidence=form.cleaned_data["evidence"],
                uploads=form.cleaned_data["documents"],
            )
            messages.success(request, f"{rating.get_domain_display()} saved.")
            return redirect("maturity:detail", assessment.pk)
    return render(
        request,
        "maturity/domain_form.html",
        {"assessment": assessment, "rating": rating, "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
@roles_required(*AUTHORS)
def submit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment(request.user, pk)
    with shown_as_message(request):
        services.submit(assessment=assessment, by=request.user)
        messages.success(request, "Assessment submitted. Your clients and the framework can now see it.")
    return redirect("maturity:detail", assessment.pk)


@require_POST
@roles_required(*COMMENTERS)
def comment(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment(request.user, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        with shown_on(form):
            services.comment(assessment=assessment, by=request.user, text=form.cleaned_data["text"])
            messages.success(request, "Comment added.")
            return redirect("maturity:detail", assessment.pk)
    return _detail_page(request, pk, comment_form=form)


@roles_required(*READERS)
def evidence_file(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    document = selectors.evidence_file(request.user, pk)
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )


@roles_required(*READERS)
def history(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    service = selectors.service(request.user, pk)
    made = selectors.history(request.user, service)
    return render(
        request,
        "maturity/history.html",
        {
            "service": service,
            "assessments": made,
            "rows": presenters.level_rows(made),
        },
    )

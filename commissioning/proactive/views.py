"""Pages: the absence extract's import (IG lead or OH admin), the line manager's "consider a referral" list and
decisions, and the board's counts."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from metrics.periods import MonthRange
from metrics.scopes import scopes_visible_to
from ohwb_portal.access import roles_required
from ohwb_portal.refusals import shown_as_message, shown_on
from ohwb_portal.requests import AuthenticatedRequest
from organisations import selectors as organisation_selectors
from organisations.roles import Role

from . import selectors, services
from .absence_file import COLUMNS, REQUIRED_COLUMNS
from .board import uptake_table
from .forms import AbsenceImportForm, NotNowForm
from .models import SupportSuggestion
from .rules import thresholds


@roles_required(Role.IG_LEAD, Role.OH_ADMIN)
def absence_import(request: AuthenticatedRequest) -> HttpResponse:
    organisations = organisation_selectors.organisations_for_staff_import(user=request.user)
    if not organisations.exists():
        raise PermissionDenied
    form = AbsenceImportForm(request.POST or None, request.FILES or None, organisations=organisations)
    result, file_name = None, ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        file_name = upload.name
        result = services.import_absence_extract(
            organisation=form.cleaned_data["organisation"], by=request.user, content=upload.read(), file_name=file_name
        )
        if result.ok:
            messages.success(
                request,
                f"Imported {file_name}: {result.created} new and {result.updated} updated absence spells. "
                "Line managers now see who to consider for a referral.",
            )
            return redirect("proactive:absence_import")
    context = {
        "form": form,
        "result": result,
        "file_name": file_name,
        "columns": list(COLUMNS),
        "required": REQUIRED_COLUMNS,
        "imports": selectors.recent_imports(organisation_ids=organisations.values_list("pk", flat=True)),
        "rule": thresholds(),
    }
    return render(request, "proactive/absence_import.html", context)


@roles_required(Role.MANAGER)
def consider(request: AuthenticatedRequest) -> HttpResponse:
    context = {
        "suggestions": selectors.to_consider(user=request.user),
        "started": selectors.started(user=request.user),
        "rule": thresholds(),
    }
    return render(request, "proactive/consider.html", context)


def _suggestion(request: AuthenticatedRequest, pk: int) -> SupportSuggestion:
    found = selectors.suggestion(user=request.user, pk=pk)
    if found is None:
        raise Http404
    return found


@require_POST
@roles_required(Role.MANAGER)
def start_referral(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    suggestion = _suggestion(request, pk)
    with shown_as_message(request):
        referral = services.start_referral(suggestion=suggestion, by=request.user)
        messages.info(request, "Check the referral, choose the reason and add your questions, then send it.")
        return redirect("referrals:edit_draft", referral.pk)
    return redirect("proactive:consider")


@roles_required(Role.MANAGER)
def not_now(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    suggestion = _suggestion(request, pk)
    form = NotNowForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with shown_on(form):
            services.decide_not_now(suggestion=suggestion, by=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, f"Noted: not now for {suggestion.employee.full_name}.")
            return redirect("proactive:consider")
    return render(request, "proactive/not_now.html", {"form": form, "suggestion": suggestion})


@roles_required(Role.BOARD)
def board(request: AuthenticatedRequest) -> HttpResponse:
    scopes = scopes_visible_to(request.user)
    if not scopes:
        raise PermissionDenied
    chosen = next((s for s in scopes if str(s.organisation.pk) == request.GET.get("scope")), scopes[0])
    period = MonthRange.default()
    context = {"scopes": scopes, "scope": chosen, "table": uptake_table(chosen, period), "period": period}
    return render(request, "proactive/board.html", context)

"""Pages for inoculation injuries. Thin: look the injury up through visible_to (404 otherwise), call one service,
render what the presenters give this user's role."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from audit.services import log_shown
from ohwb_portal.access import roles_required
from ohwb_portal.refusals import shown_on
from ohwb_portal.requests import AuthenticatedRequest
from organisations.roles import Role

from . import actions, presenters, selectors, services
from .forms import AssessForm, BookTestForm, CloseForm, ReportForm, ResultForm, SourceRequestForm, SourceStatusForm
from .models import FollowUpTest, InoculationInjury

SEES_INJURIES = (Role.EMPLOYEE, Role.MANAGER, Role.OH_ADMIN, Role.CLINICIAN)
OH = (Role.OH_ADMIN, Role.CLINICIAN)
RESULTS_READ = "Read inoculation injury assessment and results"


def _injury(request: AuthenticatedRequest, pk: int) -> InoculationInjury:
    return get_object_or_404(selectors.injuries(user=request.user), pk=pk)


def _test(request: AuthenticatedRequest, injury: InoculationInjury, test_pk: int) -> FollowUpTest:
    return get_object_or_404(FollowUpTest.objects.visible_to(request.user).filter(injury=injury), pk=test_pk)


def _role(request: AuthenticatedRequest) -> str:
    membership = request.user.active_membership
    return membership.role if membership else ""


@roles_required(*SEES_INJURIES)
def injury_list(request: AuthenticatedRequest) -> HttpResponse:
    page = Paginator(selectors.injury_list(user=request.user), 25).get_page(request.GET.get("page"))
    rows = [(injury, presenters.pep_clock(injury)) for injury in page.object_list]
    return render(request, "injuries/list.html", {"page": page, "rows": rows, "role": _role(request)})


@roles_required(Role.EMPLOYEE, *OH)
def report(request: AuthenticatedRequest) -> HttpResponse:
    """The member of staff reports their own injury; OH records one for a member of staff who phoned it in."""
    own = _role(request) == Role.EMPLOYEE
    staff_record = selectors.own_staff_record(user=request.user) if own else None
    if own and staff_record is None:  # nothing to report against: the page says to phone OH instead
        return render(request, "injuries/report.html", {"form": None, "own": own})
    staff = None if own else selectors.reportable_staff(user=request.user)
    form = ReportForm(request.POST or None, staff=staff)
    if request.method == "POST" and form.is_valid():
        employee = staff_record or form.cleaned_data["employee"]
        with shown_on(form):
            injury = services.report_injury(by=request.user, employee=employee, **form.report_fields())
            messages.success(request, f"Injury {injury.reference} reported. Occupational health has been alerted.")
            return redirect("injuries:detail", injury.pk)
    return render(request, "injuries/report.html", {"form": form, "own": own})


@roles_required(*SEES_INJURIES)
def detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    injury = _injury(request, pk)
    logged = presenters.shows_clinical(request.user) and selectors.shows_results(user=request.user, injury=injury)
    if logged and presenters.has_clinical_content(injury):
        log_shown(user=request.user, objects=[injury], reason=RESULTS_READ)
    context: dict[str, Any] = {
        "injury": injury,
        "role": _role(request),
        "sections": presenters.sections(request.user, injury),
        "plan": presenters.plan(request.user, injury),
        "actions": presenters.injury_actions(request.user, injury),
        "clock": presenters.pep_clock(injury),
        "late": presenters.reported_late(injury),
        "logged": logged,
    }
    return render(request, "injuries/detail.html", context)


def _form_page(
    request: AuthenticatedRequest, injury: InoculationInjury, form: Any, *, title: str, button: str, intro: str = ""
) -> HttpResponse:
    return render(
        request,
        "injuries/form.html",
        {"injury": injury, "form": form, "title": title, "button": button, "intro": intro},
    )


@roles_required(Role.CLINICIAN)
def assess(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    injury = _injury(request, pk)
    actions.check_who(request.user, injury, "assess")
    form = AssessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with shown_on(form):
            services.assess(injury=injury, by=request.user, **form.assessment())
            messages.success(request, f"Risk assessment saved for {injury.reference}.")
            return redirect("injuries:detail", injury.pk)
    clock = presenters.pep_clock(injury)
    return _form_page(
        request,
        injury,
        form,
        title="Risk assessment",
        button="Save the risk assessment",
        intro=clock.text if clock else "",
    )


@roles_required(*OH)
def request_source(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    injury = _injury(request, pk)
    actions.check_who(request.user, injury, "request_source")
    form = SourceRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with shown_on(form):
            services.request_source_status(injury=injury, by=request.user, asked=form.cleaned_data["asked"])
            messages.success(request, "The request for the source patient's status is recorded.")
            return redirect("injuries:detail", injury.pk)
    return _form_page(
        request,
        injury,
        form,
        title="Ask for the source patient's blood-borne virus status",
        button="Record the request",
        intro="Ask the team caring for the source patient for their hepatitis B, hepatitis C and HIV status.",
    )


@roles_required(Role.CLINICIAN)
def record_source(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    injury = _injury(request, pk)
    actions.check_who(request.user, injury, "record_source")
    form = SourceStatusForm(request.POST or None)  # not filled in from the record: showing it would be a read
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with shown_on(form):
            services.record_source_status(
                injury=injury,
                by=request.user,
                hbv=data["hbv"],
                hcv=data["hcv"],
                hiv=data["hiv"],
                details=data["details"],
            )
            messages.success(request, "The source patient's status is recorded.")
            return redirect("injuries:detail", injury.pk)
    return _form_page(request, injury, form, title="Record the source patient's status", button="Save the status")


@roles_required(*OH)
def book_test(request: AuthenticatedRequest, pk: int, test_pk: int) -> HttpResponse:
    injury = _injury(request, pk)
    test = _test(request, injury, test_pk)
    actions.check_who(request.user, injury, "book_test")
    form = BookTestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with shown_on(form):
            services.book_test(test=test, by=request.user, at=form.cleaned_data["at"])
            messages.success(request, f"The {test.week}-week test is booked. The member of staff has been told.")
            return redirect("injuries:detail", injury.pk)
    return _form_page(
        request,
        injury,
        form,
        title=f"Book the {test.week}-week blood test",
        button="Book the test",
        intro=f"Due on {test.due_on:%-d %B %Y}.",
    )


@roles_required(Role.CLINICIAN)
def record_result(request: AuthenticatedRequest, pk: int, test_pk: int) -> HttpResponse:
    injury = _injury(request, pk)
    test = _test(request, injury, test_pk)
    actions.check_who(request.user, injury, "record_result")
    form = ResultForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with shown_on(form):
            services.record_result(
                test=test, by=request.user, hbv=data["hbv"], hcv=data["hcv"], hiv=data["hiv"], notes=data["notes"]
            )
            messages.success(request, f"Results of the {test.week}-week test saved.")
            return redirect("injuries:detail", injury.pk)
    return _form_page(
        request, injury, form, title=f"Results of the {test.week}-week blood test", button="Save the results"
    )


@roles_required(Role.CLINICIAN)
def close(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    injury = _injury(request, pk)
    actions.check_who(request.user, injury, "close")
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with shown_on(form):
            services.close(injury=injury, by=request.user)
            messages.success(request, f"Injury {injury.reference} closed. The manager has been told.")
            return redirect("injuries:list")
    return _form_page(
        request,
        injury,
        form,
        title="Close the follow-up",
        button="Close the follow-up",
        intro="Any blood test not yet done will be marked as not needed. The manager is told the follow-up has ended.",
    )

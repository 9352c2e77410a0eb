"""Pages for cases. Thin: look the case up through visible_to (404 otherwise), call a service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from audit.models import AccessKind
from audit.services import log_access, log_shown
from ohwb_portal.access import roles_required
from ohwb_portal.client_address import client_address
from ohwb_portal.refusals import shown_as_message, shown_on
from ohwb_portal.requests import AuthenticatedRequest
from ohwb_portal.single_use_links import STATUS, LinkProblem
from organisations.roles import Role

from . import actions, presenters, selectors, service_levels, services
from .filters import MyReferralsFilter, caseload_filter, triage_filter
from .forms import (
    AddendumForm,
    AdjustmentAnswerForm,
    AppointmentForm,
    AttendanceCorrectionForm,
    CancelAppointmentForm,
    CaseMessageForm,
    CloseForm,
    ConfirmForm,
    ConsentForm,
    ManagementReferralForm,
    MeasuresForm,
    NoteForm,
    OwnScoreForm,
    ReplyForm,
    ReportForm,
    RescheduleForm,
    ResendReferralForm,
    SelfReferralForm,
    TriageForm,
    WithdrawForm,
)
from .models import (
    AdjustmentStatus,
    Appointment,
    AppointmentStatus,
    ConsentChannel,
    ConsentChoice,
    Kind,
    MeasureStage,
    Referral,
    Status,
)

PAGE_SIZE = 20


def _case(request: AuthenticatedRequest, pk: int) -> Referral:
    return get_object_or_404(Referral.objects.visible_to(request.user).select_related("employee", "oh_service"), pk=pk)


def _page(request: AuthenticatedRequest, cases: Any) -> Any:
    return Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))


@roles_required(Role.MANAGER)
def my_referrals(request: AuthenticatedRequest) -> HttpResponse:
    """Drafts first (to continue or delete), then the referrals sent: searched, filtered, sorted, in pages."""
    found = MyReferralsFilter(request.GET or None, queryset=selectors.manager_referrals(user=request.user))
    page = _page(request, found.qs)
    drafts = selectors.manager_drafts(user=request.user)
    searched = bool(found.form.is_bound and any(request.GET.get(k) for k in ("q", "status")))
    return render(
        request,
        "referrals/my_referrals.html",
        {
            "page": page,
            "rows": presenters.case_rows(page.object_list),
            "filter": found,
            "drafts": drafts,
            "searched": searched,
            "query": found.query_string,
        },
    )


@roles_required(Role.EMPLOYEE)
def my_cases(request: AuthenticatedRequest) -> HttpResponse:
    page = _page(request, selectors.employee_cases(user=request.user))
    return render(request, "referrals/my_cases.html", {"page": page, "rows": presenters.case_rows(page.object_list)})


@roles_required(Role.OH_ADMIN, Role.CLINICIAN)
def triage_queue(request: AuthenticatedRequest) -> HttpResponse:
    found = triage_filter(user=request.user, data=request.GET)
    page = _page(request, found.qs)
    context = {
        "filter": found,
        "page": page,
        "rows": presenters.case_rows(page.object_list, organisation=True),
        "triage_within": service_levels.TRIAGE_WITHIN_WORKING_DAYS,
    }
    return render(request, "referrals/triage_queue.html", context)


@roles_required(Role.CLINICIAN, Role.OH_ADMIN)
def caseload(request: AuthenticatedRequest) -> HttpResponse:
    found = caseload_filter(user=request.user, data=request.GET)
    page = _page(request, found.qs)
    rows = presenters.case_rows(page.object_list, organisation=True)
    return render(request, "referrals/caseload.html", {"filter": found, "page": page, "rows": rows})


@roles_required(Role.MANAGER)
def new_referral(request: AuthenticatedRequest) -> HttpResponse:
    """ "Send referral" runs every check; "Save as draft" keeps whatever was typed (only the employee is needed)."""
    employees = selectors.referable_staff(user=request.user)
    sending = "save_draft" not in request.POST
    form = ManagementReferralForm(request.POST or None, request.FILES or None, employees=employees, sending=sending)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with shown_on(form):
            with transaction.atomic():
                referral = services.create_management_referral(
                    manager=request.user, employee=data["employee"], submit=False, **form.referral_fields()
                )
                if data["attachments"]:  # refused: the whole referral is rolled back with them
                    services.add_attachments(referral=referral, by=request.user, uploads=data["attachments"])
                if sending:
                    services.submit_referral(referral=referral, by=request.user)
            return _saved(request, referral)
    return render(request, "referrals/new_referral.html", {"form": form})


def _saved(request: AuthenticatedRequest, referral: Referral) -> HttpResponse:
    if referral.status == Status.DRAFT:
        messages.success(request, f"Draft {referral.reference} saved. It is listed under Drafts on this page.")
        return redirect("referrals:my_referrals")
    messages.success(request, f"Referral {referral.reference} sent to occupational health.")
    return redirect("referrals:detail", referral.pk)


def _offered(request: AuthenticatedRequest, referral: Referral, action: str) -> bool:
    """Whether the case offers this action now; if not, the reason is shown as a message (the one rule)."""
    with shown_as_message(request):
        actions.check(request.user, referral, action)
        return True
    return False


@roles_required(Role.MANAGER)
def edit_draft(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Continue a draft: save it again as it is, or send it (every check runs then)."""
    referral = _case(request, pk)
    if not _offered(request, referral, "edit_draft"):
        return redirect("referrals:detail", referral.pk)
    sending = "save_draft" not in request.POST  # so the page shows what sending needs
    form = ManagementReferralForm(
        request.POST or None,
        request.FILES or None,
        employees=selectors.referable_staff(user=request.user),
        sending=sending,
        stored=selectors.stored_attachments(referral),
        initial=ManagementReferralForm.initial_from(referral),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with shown_on(form):
            with transaction.atomic():
                services.update_draft(
                    referral=referral, by=request.user, employee=data["employee"], **form.referral_fields()
                )
                if data["attachments"]:
                    services.add_attachments(referral=referral, by=request.user, uploads=data["attachments"])
                if sending:
                    services.submit_referral(referral=referral, by=request.user)
            return _saved(request, referral)
    context = {
        "form": form,
        "referral": referral,
        "documents": selectors.attachments(user=request.user, referral=referral),
    }
    return render(request, "referrals/edit_referral.html", {**context, "mode": "draft"})


@roles_required(Role.MANAGER)
def delete_draft(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    referral = _case(request, pk)
    if not _offered(request, referral, "delete_draft"):
        return redirect("referrals:detail", referral.pk)
    form = ConfirmForm(request.POST if request.method == "POST" else None)  # a POST with no fields is still one
    if request.method == "POST" and form.is_valid():
        with shown_on(form):
            reference = referral.reference
            services.delete_draft(referral=referral, by=request.user)
            messages.success(request, f"Draft {reference} deleted.")
            return redirect("referrals:my_referrals")
    return render(
        request,
        "referrals/simple_form.html",
        {"form": form, "referral": referral, "title": "Delete this draft?", "button": "Delete the draft"},
    )


@roles_required(Role.MANAGER, Role.EMPLOYEE)
def resend(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A returned referral: change it, reply to OH's question, add documents, and send it again."""
    referral = _case(request, pk)
    if not _offered(request, referral, "resend"):
        return redirect("referrals:detail", referral.pk)
    form: ResendReferralForm | ReplyForm
    if referral.kind == Kind.MANAGEMENT:
        form = ResendReferralForm(
            request.POST or None,
            request.FILES or None,
            employees=selectors.referable_staff(user=request.user),
            stored=selectors.stored_attachments(referral),
            initial=ManagementReferralForm.initial_from(referral),
        )
    else:
        form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with shown_on(form):
            if isinstance(form, ResendReferralForm):
                services.resend_referral(
                    referral=referral,
                    by=request.user,
                    reply=data["reply"],
                    employee=data["employee"],
                    uploads=data["attachments"],
                    **form.referral_fields(),
                )
            else:
                services.resend_referral(referral=referral, by=request.user, reply=data["reply"])
            messages.success(request, f"Referral {referral.reference} sent to occupational health again.")
            return redirect("referrals:detail", referral.pk)
    context = {
        "form": form,
        "referral": referral,
        "returns": list(selectors.case_returns(user=request.user, referral=referral)),
        "documents": selectors.attachments(user=request.user, referral=referral),
    }
    return render(request, "referrals/edit_referral.html", {**context, "mode": "resend"})


@roles_required(Role.EMPLOYEE)
def self_referral(request: AuthenticatedRequest) -> HttpResponse:
    form = SelfReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with shown_on(form):
            created = services.self_refer(user=request.user, **form.cleaned_data)
            messages.success(request, f"Your self-referral {created.reference} has been sent to occupational health.")
            return redirect("referrals:detail", created.pk)
    return render(request, "referrals/self_referral.html", {"form": form})


@login_required
def detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    referral = _case(request, pk)
    user = request.user
    role = user.active_membership.role if user.active_membership else ""
    context: dict[str, Any] = {"referral": referral, "role": role, "actions": presenters.case_actions(user, referral)}
    if selectors.reads_clinical_record(user=user, referral=referral):
        log_access(
            user=user,
            kind=AccessKind.CLINICAL_RECORD,
            obj=referral,
            reason="Viewed the case record",
            employee=referral.employee,
            oh_service=referral.oh_service,
        )
        context["notes"] = selectors.note_threads(user=user, referral=referral)
        context["measures"] = {m.stage: m for m in selectors.measures(user=user, referral=referral)}
        context["note_form"] = NoteForm()
        context["measures_form"] = MeasuresForm()
    report = selectors.shown_report(user=user, referral=referral)
    if report is not None:
        log_access(
            user=user,
            kind=AccessKind.OUTCOME_REPORT,
            obj=report,
            reason="Viewed the outcome report",
            employee=referral.employee,
            oh_service=referral.oh_service,
        )
    context["report"] = report
    context["adjustment_answers"] = list(selectors.adjustment_answers(user=user, referral=referral))
    # An answer is part of its report: logged here only when that report is not the one shown (logged above).
    others = [a for a in context["adjustment_answers"] if report is None or a.report_id != report.pk]
    log_shown(user=user, objects=others, reason="Adjustment answers shown")
    # Clinicians and the employee see every version they may read; the manager only the one shown.
    versions = list(selectors.report_versions(user=user, referral=referral)) if role != Role.MANAGER else []
    context["report_versions"] = versions if len(versions) > 1 else []
    context["consent_withheld"] = referral.status == Status.WITHHELD
    appointments = list(selectors.appointments(user=user, referral=referral).select_related("clinician"))
    context["appointments"] = presenters.appointments_for(user, appointments)
    recorded = sorted((a.attendance_recorded_at, a.pk) for a in appointments if a.attendance_recorded_at is not None)
    # Only the attendance recorded last can be corrected (and only that day: actions.correct_attendance).
    context["correctable_pk"] = recorded[-1][1] if recorded else None
    context["now"] = timezone.now()
    context["events"] = referral.events.select_related("by")
    context["attachments"] = selectors.attachments(user=user, referral=referral)  # none for the employee
    context["returns"] = selectors.case_returns(user=user, referral=referral)  # none for the employee
    if "own_score" in context["actions"]:
        context["own_score_form"] = OwnScoreForm()
        context["own_score_stage"] = presenters.own_score_question(user, referral)
    context.update(_thread(request, referral, CaseMessageForm()))
    return render(request, "referrals/detail.html", context)


def _thread(request: AuthenticatedRequest, referral: Referral, form: CaseMessageForm) -> dict[str, Any]:
    """The case's messages for the two sides of it (nothing for anyone else); opening them marks them read."""
    if not selectors.reads_case_messages(user=request.user, referral=referral):
        return {"case_messages": None}
    thread = selectors.case_messages(user=request.user, referral=referral)
    services.mark_case_messages_read(referral=referral, by=request.user)
    return {"case_messages": thread, "message_form": form}


@roles_required(Role.MANAGER, Role.OH_ADMIN, Role.CLINICIAN)
def case_messages(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The case's messages on a page of their own, and where a message is sent (from the case page's form too)."""
    referral = _case(request, pk)
    if not selectors.reads_case_messages(user=request.user, referral=referral):
        raise PermissionDenied("Case messages are between the manager who made the referral and the OH service.")
    form = CaseMessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with shown_on(form):
            services.send_case_message(referral=referral, by=request.user, text=form.cleaned_data["text"])
            messages.success(request, "Message sent. The other side has been told there is a new message.")
            return redirect(services.case_messages_link(referral))
    context = {"referral": referral, "actions": presenters.case_actions(request.user, referral)}
    context.update(_thread(request, referral, form))
    return render(request, "referrals/messages.html", context)


@roles_required(Role.MANAGER, Role.OH_ADMIN, Role.CLINICIAN)
def attachment(request: AuthenticatedRequest, pk: int, attachment_pk: int) -> HttpResponseBase:
    referral = _case(request, pk)
    document = get_object_or_404(selectors.attachments(user=request.user, referral=referral), pk=attachment_pk)
    log_access(
        user=request.user,
        kind=AccessKind.CLINICAL_RECORD,
        obj=document,
        reason="Opened a referral document",
        employee=referral.employee,
        oh_service=referral.oh_service,
    )
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )


@require_POST
@roles_required(Role.MANAGER)
def submit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    referral = _case(request, pk)
    with shown_as_message(request):
        services.submit_referral(referral=referral, by=request.user)
        messages.success(request, f"Referral {referral.reference} sent to occupational health.")
    return redirect("referrals:detail", referral.pk)


@roles_required(Role.OH_ADMIN, Role.CLINICIAN)
def triage(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    referral = _case(request, pk)
    form = TriageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with shown_on(form):
            if data["decision"] == "accept":
                services.accept(
                    referral=referral,
                    by=request.user,
                    priority=data["priority"],
                    practitioner_type=data["practitioner_type"],
                )
            else:
                services.return_to_manager(referral=referral, by=request.user, reason=data["reason"])
            messages.success(request, f"Referral {referral.reference}: {referral.get_status_display().lower()}.")
            return redirect("referrals:triage_queue")
    return render(request, "referrals/triage.html", {"form": form, "referral": referral})


@login_required
def withdraw(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    referral = _case(request, pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with shown_on(form):
            services.withdraw(referral=referral, by=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, f"Referral {referral.reference} withdrawn.")
            return redirect("referrals:detail", referral.pk)
    return render(
        request,
        "referrals/simple_form.html",
        {"form": form, "referral": referral, "title": "Withdraw the referral", "button": "Withdraw"},
    )


def _appointment_form_page(request: AuthenticatedRequest, context: dict[str, Any]) -> HttpResponse:
    return render(request, "referrals/appointment_form.html", context)


def _warned(request: AuthenticatedRequest, form: AppointmentForm | RescheduleForm) -> str:
    """The weekend or bank holiday warning, once: posting the form again (having seen it) goes ahead."""
    warning = form.non_working_day()
    return "" if request.POST.get("non_working_day_seen") == warning else warning


@roles_required(Role.OH_ADMIN, Role.CLINICIAN)
def book(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    referral = _case(request, pk)
    form = AppointmentForm(request.POST or None, clinicians=selectors.clinicians_of(referral))
    warning = ""
    if request.method == "POST" and form.is_valid() and not (warning := _warned(request, form)):
        data = form.cleaned_data
        with shown_on(form):
            services.book_appointment(
                referral=referral,
                by=request.user,
                clinician=data["clinician"],
                start=data["start"],
                length_minutes=data["length_minutes"],
                modality=data["modality"],
                location=data["location"],
            )
            messages.success(request, "Appointment booked. The employee has been sent the details.")
            return redirect("referrals:detail", referral.pk)
    title = "Book an appointment"
    context = {"form": form, "referral": referral, "title": title, "button": "Book appointment", "warning": warning}
    return _appointment_form_page(request, context)


def _appointment(request: AuthenticatedRequest, referral: Referral, appointment_pk: int) -> Appointment:
    return get_object_or_404(selectors.appointments(user=request.user, referral=referral), pk=appointment_pk)


@require_POST
@roles_required(Role.OH_ADMIN, Role.CLINICIAN)
def attendance(request: AuthenticatedRequest, pk: int, appointment_pk: int) -> HttpResponse:
    """Attended is one click; "did not attend" is asked again first, as it can return the case to the manager."""
    referral = _case(request, pk)
    appointment = _appointment(request, referral, appointment_pk)
    attended = request.POST.get("attended") == "yes"
    if not attended and request.POST.get("confirmed") != "yes":
        second = referral.dna_count >= 1
        return render(
            request,
            "referrals/confirm_dna.html",
            {"referral": referral, "appointment": appointment, "second": second},
        )
    with shown_as_message(request):
        services.record_attendance(appointment=appointment, by=request.user, attended=attended)
        messages.success(request, "Recorded as attended." if attended else "Recorded as did not attend.")
    return redirect("referrals:detail", referral.pk)


@roles_required(Role.OH_ADMIN, Role.CLINICIAN)
def correct_attendance(request: AuthenticatedRequest, pk: int, appointment_pk: int) -> HttpResponse:
    referral = _case(request, pk)
    appointment = _appointment(request, referral, appointment_pk)
    to_attended = appointment.status == AppointmentStatus.DNA
    form = AttendanceCorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with shown_on(form):
            services.correct_attendance(
                appointment=appointment, by=request.user, attended=to_attended, reason=form.cleaned_data["reason"]
            )
            messages.success(request, "Attendance corrected. The change is kept in the case history.")
            return redirect("referrals:detail", referral.pk)
    change = "attended" if to_attended else "did not attend"
    return render(
        request,
        "referrals/simple_form.html",
        {"form": form, "referral": referral, "title": f"Correct to {change}", "button": "Correct attendance"},
    )


@roles_required(Role.OH_ADMIN, Role.CLINICIAN)
def reschedule(request: AuthenticatedRequest, pk: int, appointment_pk: int) -> HttpResponse:
    referral = _case(request, pk)
    appointment = _appointment(request, referral, appointment_pk)
    form = RescheduleForm(request.POST or None)
    warning = ""
    if request.method == "POST" and form.is_valid() and not (warning := _warned(request, form)):
        with shown_on(form):
            services.reschedule_appointment(
                appointment=appointment,
                by=request.user,
                start=form.cleaned_data["start"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, "Appointment moved. The employee has been sent the new time.")
            return redirect("referrals:detail", referral.pk)
    title = "Move the appointment"
    context = {"form": form, "referral": referral, "title": title, "button": "Move appointment", "warning": warning}
    context["appointment"] = appointment
    return _appointment_form_page(request, context)


@roles_required(Role.OH_ADMIN, Role.CLINICIAN)
def cancel_appointment(request: AuthenticatedRequest, pk: int, appointment_pk: int) -> HttpResponse:
    referral = _case(request, pk)
    appointment = _appointment(request, referral, appointment_pk)
    form = CancelAppointmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with shown_on(form):
            services.cancel_appointment(appointment=appointment, by=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, "Appointment cancelled. The employee has been told.")
            return redirect("referrals:detail", referral.pk)
    title = "Cancel the appointment"
    context = {"form": form, "referral": referral, "title": title, "button": "Cancel appointment"}
    context["appointment"] = appointment
    return _appointment_form_page(request, context)


@require_POST
@roles_required(Role.CLINICIAN)
def add_note(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    referral = _case(request, pk)
    if not selectors.reads_clinical_record(user=request.user, referral=referral):
        raise PermissionDenied
    form = NoteForm(request.POST)
    if form.is_valid():
        addendum_to = None
        if form.cleaned_data["addendum_to"]:
            addendum_to = get_object_or_404(
                selectors.clinical_notes(user=request.user, referral=referral), pk=form.cleaned_data["addendum_to"]
            )
        with shown_as_message(request):
            services.add_clinical_note(
                referral=referral, author=request.user, text=form.cleaned_data["text"], addendum_to=addendum_to
            )
            messages.success(request, "Note saved.")
    else:
        messages.error(request, "Write the note before saving it.")
    return redirect("referrals:detail", referral.pk)


@roles_required(Role.CLINICIAN)
def addendum(request: AuthenticatedRequest, pk: int, note_pk: int) -> HttpResponse:
    """An addendum to one saved note: the note is shown (and its reading logged) above the form."""
    referral = _case(request, pk)
    note = get_object_or_404(selectors.note_threads(user=request.user, referral=referral), pk=note_pk)
    log_access(
        user=request.user,
        kind=AccessKind.CLINICAL_RECORD,
        obj=referral,
        reason="Viewed a clinical note to add an addendum",
        employee=referral.employee,
        oh_service=referral.oh_service,
    )
    form = AddendumForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with shown_on(form):
            services.add_clinical_note(
                referral=referral, author=request.user, text=form.cleaned_data["text"], addendum_to=note
            )
            messages.success(request, "Addendum saved under the note.")
            return redirect(f"{reverse('referrals:detail', args=[referral.pk])}#note-{note.pk}")
    return render(request, "referrals/addendum.html", {"form": form, "referral": referral, "note": note})


@require_POST
@roles_required(Role.CLINICIAN)
def record_measures(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    referral = _case(request, pk)
    form = MeasuresForm(request.POST)
    if form.is_valid():
        services.record_measures(
            referral=referral,
            by=request.user,
            stage=MeasureStage.INTAKE,
            work_ability=form.cleaned_data["work_ability"],
            wellbeing=form.cleaned_data["wellbeing"],
        )
        messages.success(request, "Intake measures saved.")
    else:
        messages.error(request, "Choose a work ability score from 0 to 10.")
    return redirect("referrals:detail", referral.pk)


@roles_required(Role.EMPLOYEE)
def own_score(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The employee's own work ability score, asked at intake and at closure (its form is also on the case page)."""
    referral = _case(request, pk)
    form = OwnScoreForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with shown_on(form):
            services.record_own_score(
                referral=referral, by=request.user, work_ability=form.cleaned_data["work_ability"]
            )
            messages.success(request, "Your work ability score has been sent to occupational health. Thank you.")
            return redirect("referrals:detail", referral.pk)
    stage = presenters.own_score_question(request.user, referral)
    return render(request, "referrals/own_score.html", {"form": form, "referral": referral, "stage": stage})


# Per address, as the questionnaire links: enough to answer, far too few to guess tokens.
SCORE_LINK_RATE_LIMIT = "30/10m"


@ratelimit(key=client_address, rate=SCORE_LINK_RATE_LIMIT, block=False)
def score_link(request: HttpRequest, token: str) -> HttpResponse:
    """The work ability question from the end-measures chaser: no sign-in, the token is the key, single use."""
    if getattr(request, "limited", False):
        return render(request, "referrals/score_link_problem.html", {"kind": "limited"}, status=429)
    try:
        link = services.resolve_measures_link(token)
        form = OwnScoreForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            with shown_on(form):
                services.record_score_by_link(raw_token=token, work_ability=form.cleaned_data["work_ability"])
                return render(request, "referrals/score_link_done.html")
    except LinkProblem as problem:
        return render(request, "referrals/score_link_problem.html", {"kind": problem.kind}, status=STATUS[problem.kind])
    return render(request, "referrals/score_link.html", {"form": form, "stage": link.stage, "expires": link.expires_at})


@roles_required(Role.CLINICIAN)
def report(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    referral = _case(request, pk)
    # A new version starts from the latest one; the draft, if there is one, is the latest.
    existing = services.latest_version(referral)
    corrections = existing.corrections_requested if existing and referral.status == Status.REPORT_DRAFTED else ""
    initial: dict[str, Any] = {}
    if existing:
        initial = {
            "fitness": existing.fitness,
            "adjustments": "\n".join(existing.adjustments),
            "likely_return_date": existing.likely_return_date,
            "equality_act": existing.equality_act,
            "follow_up_plan": existing.follow_up_plan,
            "diagnosis": existing.diagnosis,
            "diagnosis_consented": existing.diagnosis_consented,
        }
        initial.update({f"answer_{i}": existing.answers.get(q, "") for i, q in enumerate(referral.question_texts)})
        log_access(
            user=request.user,
            kind=AccessKind.OUTCOME_REPORT,
            obj=existing,
            reason="Edited the report",
            employee=referral.employee,
            oh_service=referral.oh_service,
        )
    form = ReportForm(request.POST or None, initial=initial, questions=referral.question_texts)
    if request.method == "POST" and form.is_valid():
        with shown_on(form):
            saved = services.save_report_draft(referral=referral, author=request.user, **form.report_fields())
            if "send_for_consent" in request.POST:
                services.send_for_consent(report=saved, by=request.user)
                messages.success(request, "Report sent to the employee for their consent decision.")
            else:
                messages.success(request, "Report draft saved.")
            return redirect("referrals:detail", referral.pk)
    return render(
        request,
        "referrals/report_form.html",
        {"form": form, "referral": referral, "report": existing, "corrections": corrections},
    )


@roles_required(Role.EMPLOYEE)
def consent(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    referral = _case(request, pk)
    report_obj = get_object_or_404(selectors.awaiting_decision(user=request.user, referral=referral))
    seen = report_obj.consent_decisions.filter(choice=ConsentChoice.SHOW_ME_FIRST).exists()
    form = ConsentForm(request.POST or None, seen_report=seen)
    # The page shows the report (as the employee's case page does), so its choices are the ones made after reading.
    if request.method == "GET":
        log_access(
            user=request.user,
            kind=AccessKind.OUTCOME_REPORT,
            obj=report_obj,
            reason="Employee read own report",
            employee=referral.employee,
            oh_service=referral.oh_service,
        )
    if request.method == "POST" and form.is_valid():
        choice = form.cleaned_data["choice"]
        with shown_on(form):
            services.record_consent(
                report=report_obj,
                by=request.user,
                choice=form.cleaned_data["choice"],
                channel=ConsentChannel.PORTAL,
                # The facts text belongs to a request for corrections only (it is hidden for the other choices).
                comment=form.cleaned_data["comment"] if choice == ConsentChoice.CORRECTIONS else "",
            )
            messages.success(request, CONSENT_CONFIRMATIONS[form.cleaned_data["choice"]])
            if form.cleaned_data["choice"] == ConsentChoice.SHOW_ME_FIRST:
                return redirect("referrals:consent", referral.pk)
            return redirect("referrals:detail", referral.pk)
    return render(
        request, "referrals/consent.html", {"form": form, "referral": referral, "report": report_obj, "seen": seen}
    )


CONSENT_CONFIRMATIONS = {
    ConsentChoice.RELEASE_NOW: "The report has been released to your manager.",
    ConsentChoice.SHOW_ME_FIRST: "Here is your report. Read it, then decide.",
    ConsentChoice.APPROVE: "The report has been released to your manager.",
    ConsentChoice.CORRECTIONS: "Your corrections have been sent to the clinician.",
    ConsentChoice.WITHHOLD: "The report will not be released. Your manager is told only that you withheld it.",
}


@roles_required(Role.MANAGER)
def adjustments(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Every recommended adjustment on one form: answer several at once, or change an earlier answer."""
    referral = _case(request, pk)
    report_obj = get_object_or_404(selectors.followed_up_report(user=request.user, referral=referral))
    follow_ups = list(report_obj.follow_ups.all())
    log_shown(user=request.user, objects=[report_obj], reason="Manager's adjustments page")
    data = request.POST if request.method == "POST" else None
    forms_by_id = {f.pk: AdjustmentAnswerForm(data, follow_up=f, prefix=f"adj{f.pk}") for f in follow_ups}
    if data is not None and all(form.is_valid() for form in forms_by_id.values()):
        # A row left as it was (blank, or the answer already saved) is not saved again.
        changed = [
            (f, forms_by_id[f.pk].cleaned_data["status"], forms_by_id[f.pk].cleaned_data["reason"])
            for f in follow_ups
            if forms_by_id[f.pk].has_changed()
        ]
        first_form = forms_by_id[follow_ups[0].pk] if follow_ups else None
        if first_form is not None:
            with shown_on(first_form):
                services.answer_adjustments(answers=changed, by=request.user)
                if changed:
                    messages.success(request, "Answers saved. The occupational health clinician can see them.")
                return redirect("referrals:adjustments", referral.pk)
    rows = [(f, forms_by_id[f.pk], guidance_for(f.adjustment)) for f in follow_ups]
    answered = any(f.status != AdjustmentStatus.PENDING for f in follow_ups)
    return render(
        request,
        "referrals/adjustments.html",
        {"referral": referral, "report": report_obj, "rows": rows, "answered": answered},
    )


def guidance_for(adjustment: str) -> str:
    """Plain-language guidance for the manager next to a recommendation."""
    text = adjustment.lower()
    if "hour" in text or "phased" in text:
        return (
            "Agree a written timetable with the employee, with a date to review it. Pay during a phased "
            "return follows your organisation's policy; HR can advise."
        )
    if "equipment" in text or "chair" in text or "workstation" in text or "desk" in text:
        return "Ask your estates or procurement team; Access to Work may help with the cost."
    if "duties" in text or "lifting" in text or "shift" in text or "night" in text:
        return (
            "Agree which duties change and for how long, tell the team what they need to know (not the "
            "health reason), and review it on the date agreed."
        )
    return (
        "Discuss the adjustment with the employee, record what you agree, and set a review date. If it is "
        "not possible, say why here: the clinician sees your answer."
    )


@roles_required(Role.CLINICIAN)
def close(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    referral = _case(request, pk)
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with shown_on(form):
            services.close_case(
                referral=referral,
                by=request.user,
                outcome=form.cleaned_data["outcome"],
                work_ability=form.cleaned_data["work_ability"],
            )
            messages.success(request, f"Case {referral.reference} closed.")
            return redirect("referrals:caseload")
    return render(
        request,
        "referrals/simple_form.html",
        {"form": form, "referral": referral, "title": "Close the case", "button": "Close case"},
    )

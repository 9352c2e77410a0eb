"""Pages of the diary. Thin: look rows up through visible_to (404 otherwise), call a service or selector, render."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from accounts.models import User
from ohwb_portal.access import roles_required
from ohwb_portal.client_address import client_address
from ohwb_portal.refusals import shown_as_message, shown_on
from ohwb_portal.requests import AuthenticatedRequest
from ohwb_portal.single_use_links import STATUS, LinkProblem
from organisations.roles import Role, ServiceLine
from referrals.models import Priority

from . import presenters, selectors, services
from .forms import (
    AttendanceForm,
    CancelForm,
    ClinicForm,
    ExceptionForm,
    ModalityForm,
    MoveForm,
    SlotFilterForm,
    SlotForm,
    monday_of,
)
from .invitations import invitation, letter_pdf
from .models import Booking, Clinic, LinkPurpose, Slot

OH = (Role.OH_ADMIN, Role.CLINICIAN)


def _clinic(request: AuthenticatedRequest, pk: int) -> Clinic:
    return get_object_or_404(Clinic.objects.visible_to(request.user).select_related("clinician"), pk=pk)


def _booking(request: AuthenticatedRequest, pk: int) -> Booking:
    found = Booking.objects.visible_to(request.user).select_related("referral__employee", "assessment", "clinician")
    return get_object_or_404(found, pk=pk)


def _choosable(request: AuthenticatedRequest) -> Any:
    """On a POST, any offered slot of the user's service may be named; the service refuses one taken meanwhile."""
    return Slot.objects.visible_to(request.user).offered()


@roles_required(*OH)
def clinic_list(request: AuthenticatedRequest) -> HttpResponse:
    clinics = selectors.clinics(user=request.user)
    return render(request, "clinics/list.html", {"clinics": clinics, "can_build": presenters.can_build(request.user)})


@roles_required(Role.OH_ADMIN)
def new_clinic(request: AuthenticatedRequest) -> HttpResponse:
    form = ClinicForm(request.POST or None, clinicians=selectors.clinicians(user=request.user))
    if request.method == "POST" and form.is_valid():
        with shown_on(form):
            clinic = services.create_clinic(by=request.user, **form.cleaned_data)
            messages.success(request, f"{clinic.name} is set up, with its slots for the next 12 weeks.")
            return redirect("clinics:detail", clinic.pk)
    return render(request, "clinics/clinic_form.html", {"form": form})


@roles_required(*OH)
def clinic_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    clinic = _clinic(request, pk)
    context = {
        "clinic": clinic,
        "slots": presenters.slot_rows(selectors.upcoming_slots(clinic=clinic)),
        "exceptions": selectors.exceptions(clinic=clinic),
        "to_move": selectors.bookings_to_move(clinic=clinic),
        "can_build": presenters.can_build(request.user),
    }
    return render(request, "clinics/detail.html", context)


@roles_required(Role.OH_ADMIN)
def add_exception(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    clinic = _clinic(request, pk)
    form = ExceptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with shown_on(form):
            services.add_exception(
                by=request.user,
                clinician=clinic.clinician,
                clinic=None if data["whole_diary"] else clinic,
                kind=data["kind"],
                first_day=data["first_day"],
                last_day=data["last_day"],
            )
            messages.success(request, "No slots are offered on those days. Bookings on them are listed to move.")
            return redirect("clinics:detail", clinic.pk)
    return render(request, "clinics/exception_form.html", {"form": form, "clinic": clinic})


def _slot_page(request: AuthenticatedRequest, *, practitioner_type: str, exclude: Booking | None = None) -> Any:
    filters = SlotFilterForm(request.GET or {"practitioner_type": practitioner_type})
    valid = filters.is_valid()
    chosen = filters.cleaned_data if valid else {}
    slots = selectors.bookable_slots(
        user=request.user,
        practitioner_type=chosen.get("practitioner_type", practitioner_type),
        modality=chosen.get("modality", ""),
        after=filters.after(),
        exclude=exclude,
    )
    return filters, slots


@roles_required(*OH)
def book_case(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Book a referral into a free slot of the service's clinics, or send the employee a link to choose their own."""
    referral = get_object_or_404(selectors.bookable_referrals(user=request.user).select_related("employee"), pk=pk)
    filters, slots = _slot_page(request, practitioner_type=referral.practitioner_type)
    form = SlotForm(request.POST or None, slots=_choosable(request) if request.method == "POST" else slots)
    if request.method == "POST" and form.is_valid():
        with shown_on(form):
            booking = services.book_slot(slot=form.cleaned_data["slot"], by=request.user, referral=referral)
            messages.success(request, presenters.booked_message(booking))
            return redirect("clinics:booking", booking.pk)
    context = {
        "case": presenters.case_heading(referral),
        "back": reverse("referrals:detail", args=[referral.pk]),
        "filters": filters,
        "form": form,
        "slots": slots,
        "referral": referral,
        "wait": presenters.wait_of(referral),
        "can_send_link": presenters.can_send_link(referral),
    }
    return render(request, "clinics/book.html", context)


@require_POST
@roles_required(*OH)
def send_link(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    referral = get_object_or_404(selectors.bookable_referrals(user=request.user), pk=pk)
    with shown_as_message(request):
        services.send_booking_link(referral=referral, by=request.user)
        messages.success(request, "The employee has been sent a link to choose their own appointment.")
    return redirect("clinics:book_case", referral.pk)


@roles_required(*OH)
def book_check(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Book a pre-employment check's further assessment into a free slot."""
    assessment = get_object_or_404(selectors.bookable_checks(user=request.user), pk=pk)
    filters, slots = _slot_page(request, practitioner_type="")
    form = SlotForm(request.POST or None, slots=_choosable(request) if request.method == "POST" else slots)
    if request.method == "POST" and form.is_valid():
        with shown_on(form):
            booking = services.book_slot(slot=form.cleaned_data["slot"], by=request.user, assessment=assessment)
            messages.success(request, presenters.booked_message(booking))
            return redirect("clinics:booking", booking.pk)
    context = {
        "case": f"{assessment.reference}, {assessment.candidate_name}",
        "back": reverse("assessments:detail", args=[assessment.pk]),
        "filters": filters,
        "form": form,
        "slots": slots,
    }
    return render(request, "clinics/book.html", context)


@roles_required(*OH)
def booking_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    booking = _booking(request, pk)
    return render(request, "clinics/booking.html", presenters.booking_page(booking))


@roles_required(*OH)
def move_booking(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    booking = _booking(request, pk)
    practitioner = booking.referral.practitioner_type if booking.referral else ""
    filters, slots = _slot_page(request, practitioner_type=practitioner, exclude=booking)
    form = MoveForm(request.POST or None, slots=_choosable(request) if request.method == "POST" else slots)
    if request.method == "POST" and form.is_valid():
        with shown_on(form):
            services.move_booking(
                booking=booking, slot=form.cleaned_data["slot"], by=request.user, reason=form.cleaned_data["reason"]
            )
            messages.success(request, "Appointment moved. The employee has been sent the new time.")
            return redirect("clinics:booking", booking.pk)
    context = {
        "case": presenters.booking_heading(booking),
        "back": reverse("clinics:booking", args=[booking.pk]),
        "filters": filters,
        "form": form,
        "slots": slots,
        "moving": booking,
    }
    return render(request, "clinics/book.html", context)


@roles_required(*OH)
def cancel_booking(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    booking = _booking(request, pk)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with shown_on(form):
            services.cancel_booking(booking=booking, by=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, "Appointment cancelled. The employee has been told.")
            return redirect("clinics:booking", booking.pk)
    context = {"form": form, "booking": booking, "case": presenters.booking_heading(booking)}
    return render(request, "clinics/cancel.html", context)


@require_POST
@roles_required(*OH)
def check_attendance(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    booking = _booking(request, pk)
    form = AttendanceForm(request.POST)
    with shown_as_message(request):
        if not form.is_valid():
            messages.error(request, "Choose attended or did not attend.")
        else:
            services.record_check_attendance(booking=booking, by=request.user, attended=form.cleaned_data["attended"])
            messages.success(request, "Attendance recorded.")
    return redirect("clinics:booking", booking.pk)


@roles_required(*OH)
def letter(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The appointment letter (PDF) for staff with no e-mail address."""
    booking = _booking(request, pk)
    pdf = letter_pdf(booking, context=presenters.letter_context(booking))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="appointment-{booking.case_reference}.pdf"'
    return response


def _ics(booking: Booking) -> HttpResponse:
    attachment = invitation(booking)
    response = HttpResponse(attachment["content"], content_type=attachment["content_type"])
    response["Content-Disposition"] = 'attachment; filename="appointment.ics"'
    return response


@roles_required(*OH)
def booking_calendar(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _ics(_booking(request, pk))


# Per address, as the other single-use links: enough to book, far too few to guess tokens.
SELF_SERVICE_RATE_LIMIT = "30/10m"


@never_cache
@ratelimit(key=client_address, rate=SELF_SERVICE_RATE_LIMIT, block=False)
def self_service(request: HttpRequest, token: str) -> HttpResponseBase:
    """The employee's single-use link: choose a slot, or move or cancel the booking. No sign-in: the token is the
    key, and each use ends it (the confirmation brings a new one)."""
    if getattr(request, "limited", False):
        return render(request, "clinics/link_problem.html", {"kind": "limited"}, status=429)
    try:
        link = services.resolve_link(token)
    except LinkProblem as problem:
        return render(request, "clinics/link_problem.html", {"kind": problem.kind}, status=STATUS[problem.kind])
    choice = ModalityForm(request.GET or None)
    modality = choice.cleaned_data.get("modality", "") if choice.is_valid() else ""
    slots, within_target = selectors.suitable_slots(link.referral, modality=modality, exclude=link.booking)
    form = SlotForm(request.POST if request.POST.get("do") != "cancel" else None, slots=slots)
    if request.method == "POST":
        with shown_on(form):
            if request.POST.get("do") == "cancel":
                services.cancel_by_link(raw=token)
                return render(request, "clinics/self_done.html", {"done": "cancelled"})
            if form.is_valid():
                slot = form.cleaned_data["slot"]
                if link.purpose == LinkPurpose.BOOK:
                    booking = services.book_by_link(raw=token, slot=slot)
                else:
                    booking = services.move_by_link(raw=token, slot=slot)
                done = "booked" if link.purpose == LinkPurpose.BOOK else "moved"
                return render(request, "clinics/self_done.html", {"done": done, **presenters.booking_page(booking)})
    context = {
        "link": link,
        "booking": link.booking,
        "form": form,
        "choice": choice,
        "slots": slots,
        "within_target": within_target,
        "change_refusal": presenters.self_change_refusal(link),
        "token": token,
    }
    return render(request, "clinics/self_service.html", context)


@never_cache
@ratelimit(key=client_address, rate=SELF_SERVICE_RATE_LIMIT, block=False)
def self_calendar(request: HttpRequest, token: str) -> HttpResponseBase:
    """The calendar invitation of the booking a change link is for (not used up by downloading it)."""
    if getattr(request, "limited", False):
        return render(request, "clinics/link_problem.html", {"kind": "limited"}, status=429)
    try:
        link = services.resolve_link(token)
    except LinkProblem as problem:
        return render(request, "clinics/link_problem.html", {"kind": problem.kind}, status=STATUS[problem.kind])
    if link.booking is None:
        return render(request, "clinics/link_problem.html", {"kind": "unknown"}, status=404)
    return _ics(link.booking)


@roles_required(*OH)
def waiting_list(request: AuthenticatedRequest) -> HttpResponse:
    service_line = request.GET.get("service_line", "")
    priority = request.GET.get("priority", "")
    service_line = service_line if service_line in ServiceLine.values else ""
    priority = priority if priority in Priority.values else ""
    page_number = max(1, int(request.GET["page"])) if request.GET.get("page", "").isdigit() else 1
    size = 50
    found = selectors.waiting_list(
        user=request.user, service_line=service_line, priority=priority, limit=size, offset=(page_number - 1) * size
    )
    page = Paginator(range(found.total), size).get_page(page_number)
    context = {"waiting": found, "page": page, **presenters.waiting_filters(service_line, priority)}
    return render(request, "clinics/waiting_list.html", context)


@roles_required(*OH)
def week(request: AuthenticatedRequest) -> HttpResponse:
    clinicians = selectors.clinicians(user=request.user)
    wanted = request.GET.get("clinician", "")
    clinician: User | None
    if wanted.isdigit():
        clinician = get_object_or_404(clinicians, pk=int(wanted))
    else:
        clinician = clinicians.filter(pk=request.user.pk).first() or clinicians.first()
    try:
        day = parse_date(request.GET.get("week", "")) or timezone.localdate()
    except ValueError:
        day = timezone.localdate()
    monday = monday_of(day)
    context: dict[str, Any] = {"clinicians": clinicians, "clinician": clinician, "monday": monday}
    if clinician is not None:
        context["week"] = presenters.week_view(selectors.week(user=request.user, clinician=clinician, monday=monday))
    context["previous"], context["next"] = monday - timedelta(days=7), monday + timedelta(days=7)
    return render(request, "clinics/week.html", context)


@roles_required(*OH)
def capacity(request: AuthenticatedRequest) -> HttpResponse:
    today = timezone.localdate()
    year, month = (today.year, today.month - 5) if today.month > 5 else (today.year - 1, today.month + 7)
    first = date(year, month, 1)  # five months back, this month and the next two
    months = selectors.capacity(user=request.user, first_month=first, months=8)
    return render(request, "clinics/capacity.html", {"months": presenters.capacity_rows(months, today)})

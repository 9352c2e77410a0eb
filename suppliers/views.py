"""Pages for the DPS: directory and comparison, supplier profiles, applications, call-offs, returns."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from ohwb_portal.access import roles_required
from ohwb_portal.refusals import shown_as_message, shown_on
from ohwb_portal.requests import AuthenticatedRequest
from organisations.roles import Role

from . import actions as call_off_actions
from . import presenters, selectors, services
from .filters import SupplierFilter
from .forms import (
    AccreditationForm,
    CallOffForm,
    ChangeDecisionForm,
    DecisionForm,
    MonthlyReturnForm,
    ProfileForm,
    RateForm,
    SignForm,
    TerminateForm,
)
from .models import CALL_OFF_RAISERS, CallOff, ProfileChangeRequest, RateCard, Supplier, SupplierStatus

MAX_COMPARE = 4


def _role(request: AuthenticatedRequest) -> str:
    membership = request.user.active_membership
    assert membership is not None  # roles_required let us in
    return membership.role


@roles_required(Role.PROCUREMENT, Role.BOARD, Role.FRAMEWORK_ADMIN, Role.SUPPLIER)
def directory(request: AuthenticatedRequest) -> HttpResponse:
    filterset = SupplierFilter(request.GET or None, queryset=selectors.suppliers(request.user).distinct())
    page = Paginator(filterset.qs, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "suppliers/directory.html",
        {"filter": filterset, "page": page, "can_see_rates": selectors.can_see_rates(request.user)},
    )


@roles_required(Role.PROCUREMENT, Role.BOARD, Role.FRAMEWORK_ADMIN, Role.SUPPLIER)
def compare(request: AuthenticatedRequest) -> HttpResponse:
    ids = [i for i in request.GET.getlist("supplier") if i.isdigit()]
    if len(ids) > MAX_COMPARE:
        messages.error(request, f"Compare up to {MAX_COMPARE} suppliers at a time. Untick some and try again.")
        return redirect(f"{request.path.replace('compare/', '')}?{request.GET.urlencode()}")
    shown = list(selectors.suppliers(request.user).filter(pk__in=ids))
    today = timezone.localdate()
    return render(
        request,
        "suppliers/compare.html",
        {
            "suppliers": shown,
            "rows": presenters.compare_rows(shown, selectors.lots_offered_by(shown)),
            "can_raise": {s.pk for s in shown if call_off_actions.may_raise_call_off(request.user, s, today)},
            "compared": urlencode([("supplier", s.pk) for s in shown]),
        },
    )


def _detail_page(
    request: AuthenticatedRequest,
    supplier: Supplier,
    decision_form: DecisionForm | None = None,
    accreditation_form: AccreditationForm | None = None,
) -> HttpResponse:
    """The supplier's page; a framework admin's forms on it come back bound, with their errors, when refused."""
    role = _role(request)
    context: dict[str, Any] = {
        "supplier": supplier,
        "role": role,
        "can_raise": call_off_actions.may_raise_call_off(request.user, supplier, timezone.localdate()),
    }
    if role == Role.FRAMEWORK_ADMIN:
        context["decision_form"] = decision_form or DecisionForm()
        context["accreditation_form"] = accreditation_form or AccreditationForm(
            initial={"seqohs_number": supplier.seqohs_number, "expires": supplier.accreditation_expires}
        )
    refused = any(form is not None and form.errors for form in (decision_form, accreditation_form))
    return render(request, "suppliers/detail.html", context, status=400 if refused else 200)


@roles_required(Role.PROCUREMENT, Role.BOARD, Role.FRAMEWORK_ADMIN, Role.SUPPLIER)
def detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    supplier = get_object_or_404(selectors.suppliers(request.user), pk=pk)
    return _detail_page(request, supplier)


@roles_required(Role.FRAMEWORK_ADMIN)
def applications(request: AuthenticatedRequest) -> HttpResponse:
    pending = Supplier.objects.visible_to(request.user).filter(status=SupplierStatus.APPLIED)
    return render(request, "suppliers/applications.html", {"pending": pending})


@roles_required(Role.FRAMEWORK_ADMIN)
def decide(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    supplier = get_object_or_404(Supplier.objects.visible_to(request.user), pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        with shown_on(form):
            services.decide_application(
                supplier=supplier,
                by=request.user,
                admit=form.cleaned_data["decision"] == "admit",
                reason=form.cleaned_data["reason"],
            )
            status = supplier.get_status_display()
            messages.success(request, f"{supplier}: {status[:1].lower()}{status[1:]}")  # "admitted to the DPS"
            return redirect("suppliers:detail", supplier.pk)
    return _detail_page(request, supplier, decision_form=form)


@roles_required(Role.FRAMEWORK_ADMIN)
def accreditation(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    supplier = get_object_or_404(Supplier.objects.visible_to(request.user), pk=pk)
    form = AccreditationForm(request.POST)
    if form.is_valid():
        with shown_on(form):
            services.record_accreditation(supplier=supplier, by=request.user, **form.cleaned_data)
            messages.success(request, "Accreditation recorded.")
            return redirect("suppliers:detail", supplier.pk)
    return _detail_page(request, supplier, accreditation_form=form)


@roles_required(Role.PROCUREMENT, Role.BOARD, Role.FRAMEWORK_ADMIN, Role.SUPPLIER)
def call_offs(request: AuthenticatedRequest) -> HttpResponse:
    agreements = CallOff.objects.visible_to(request.user).select_related("client", "supplier")
    page = Paginator(agreements, 25).get_page(request.GET.get("page"))
    return render(request, "suppliers/call_offs.html", {"page": page})


def _terms(form: CallOffForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "lots": list(data["lots"]),
        "start_date": data["start_date"],
        "end_date": data["end_date"],
        "estimated_value": data["estimated_value"],
        "client_signatory": data["client_signatory"],
        "supplier_signatory": data["supplier_signatory"],
        "service_levels": form.service_levels(),
    }


@roles_required(*CALL_OFF_RAISERS)
def new_call_off(request: AuthenticatedRequest, supplier_pk: int) -> HttpResponse:
    supplier = get_object_or_404(Supplier.objects.visible_to(request.user), pk=supplier_pk)
    compared = [i for i in request.GET.getlist("supplier") if i.isdigit()][:MAX_COMPARE]
    form = CallOffForm(
        request.POST or None,
        initial={"lots": list(supplier.lots.all())} if request.GET.get("from") == "compare" else None,
        lots=supplier.lots.all(),
        signatories=selectors.signatories(request.user),
        supplier_signatories=selectors.supplier_signatories(supplier),
    )
    if request.method == "POST" and form.is_valid():
        with shown_on(form):
            call_off = services.raise_call_off(by=request.user, supplier=supplier, **_terms(form))
            messages.success(request, f"Call-off {call_off.reference} saved as a draft.")
            return redirect("suppliers:call_off", call_off.pk)
    back = f"{reverse('suppliers:compare')}?{urlencode([('supplier', i) for i in compared])}" if compared else None
    return render(request, "suppliers/call_off_form.html", {"form": form, "supplier": supplier, "back": back})


@roles_required(*CALL_OFF_RAISERS)
def edit_call_off(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The client changes a draft (a new agreement or a variation) before sending it for signature."""
    agreement = get_object_or_404(CallOff.objects.visible_to(request.user).select_related("supplier"), pk=pk)
    try:
        call_off_actions.check(request.user, agreement, "edit")
    except (PermissionDenied, call_off_actions.FrameworkError) as refused:
        messages.error(request, str(refused))
        return redirect("suppliers:call_off", agreement.pk)
    form = CallOffForm(
        request.POST or None,
        initial=CallOffForm.initial_from(agreement),
        lots=agreement.supplier.lots.all(),
        signatories=selectors.signatories(request.user),
        supplier_signatories=selectors.supplier_signatories(agreement.supplier),
    )
    if request.method == "POST" and form.is_valid():
        with shown_on(form):
            services.change_draft(call_off=agreement, by=request.user, **_terms(form))
            messages.success(
                request, f"Call-off {agreement.reference} changed. Send it for signature when it is ready."
            )
            return redirect("suppliers:call_off", agreement.pk)
    return render(
        request, "suppliers/call_off_form.html", {"form": form, "supplier": agreement.supplier, "call_off": agreement}
    )


def _call_off_page(
    request: AuthenticatedRequest, agreement: CallOff, sign_form: SignForm | None = None
) -> HttpResponse:
    role = _role(request)
    today = timezone.localdate()
    allowed = call_off_actions.allowed_actions(request.user, agreement)
    if sign_form is None and "sign" in allowed:
        signing_for = agreement.client if agreement.status == "awaiting_client" else agreement.supplier
        sign_form = SignForm(words=services.declaration(agreement, signing_for))
    status = agreement.status_on(today)
    return render(
        request,
        "suppliers/call_off.html",
        {
            "attainment": selectors.call_off_attainment(agreement, today.replace(year=today.year - 1), today),
            "value": selectors.remembered_value_used(agreement, today)
            if selectors.may_see_value(request.user, agreement)
            else None,
            "call_off": agreement,
            "status": status,
            "status_colour": presenters.status_tag_colour(status),
            "client_signatory_title": selectors.job_title(agreement.client_signatory, agreement.client_id),
            "supplier_signatory_title": selectors.job_title(
                agreement.supplier_signatory, agreement.supplier.organisation_id
            ),
            "role": role,
            "terminate_form": TerminateForm(),
            "sign_form": sign_form,
            "versions": selectors.call_off_versions(request.user, agreement),
            "actions": allowed,
        },
        status=400 if sign_form is not None and sign_form.errors else 200,
    )


@roles_required(Role.PROCUREMENT, Role.BOARD, Role.FRAMEWORK_ADMIN, Role.SUPPLIER)
def call_off(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    agreement = get_object_or_404(CallOff.objects.visible_to(request.user).select_related("client", "supplier"), pk=pk)
    return _call_off_page(request, agreement)


def _posted_call_off(request: AuthenticatedRequest, pk: int) -> CallOff:
    """The call-off a button acts on; a button is a POST, never a link."""
    agreement = get_object_or_404(CallOff.objects.visible_to(request.user), pk=pk)
    if request.method != "POST":
        raise PermissionDenied
    return agreement


@roles_required(Role.PROCUREMENT)
def send_call_off(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    agreement = _posted_call_off(request, pk)
    with shown_as_message(request):
        services.send_for_signature(call_off=agreement, by=request.user)
        messages.success(request, "Sent for signature.")
    return redirect("suppliers:call_off", agreement.pk)


@roles_required(Role.PROCUREMENT, Role.SUPPLIER)
def sign_call_off(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    agreement = _posted_call_off(request, pk)
    signing_for = agreement.client if agreement.status == "awaiting_client" else agreement.supplier
    form = SignForm(request.POST, words=services.declaration(agreement, signing_for))
    if not form.is_valid() and "sign" in call_off_actions.allowed_actions(request.user, agreement):
        return _call_off_page(request, agreement, form)
    with shown_as_message(request):
        services.sign(call_off=agreement, by=request.user, declared=form.is_valid())
        messages.success(request, "Signed. Your declaration is recorded with your signature.")
    return redirect("suppliers:call_off", agreement.pk)


@roles_required(Role.PROCUREMENT, Role.FRAMEWORK_ADMIN)
def terminate_call_off(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    agreement = _posted_call_off(request, pk)
    with shown_as_message(request):
        services.terminate(call_off=agreement, by=request.user, reason=request.POST.get("reason", ""))
        messages.success(request, "Terminated.")
    return redirect("suppliers:call_off", agreement.pk)


@roles_required(Role.PROCUREMENT)
def vary_call_off(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    agreement = _posted_call_off(request, pk)
    with shown_as_message(request):
        variation = services.make_variation(call_off=agreement, by=request.user)
        messages.success(request, "Variation created as a draft. Change it, then send it for signature.")
        return redirect("suppliers:call_off", variation.pk)
    return redirect("suppliers:call_off", agreement.pk)


@roles_required(Role.SUPPLIER)
def monthly_return(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    agreement = get_object_or_404(CallOff.objects.visible_to(request.user), pk=pk)
    form = MonthlyReturnForm(request.POST or None, levels=agreement.service_levels.all())
    if request.method == "POST" and form.is_valid():
        with shown_on(form):
            services.submit_monthly_return(
                call_off=agreement,
                by=request.user,
                month=form.cleaned_data["month"],
                cases_handled=form.cleaned_data["cases_handled"],
                levels_met=form.levels_met(),
            )
            messages.success(request, "Monthly return submitted.")
            return redirect("suppliers:call_off", agreement.pk)
    return render(request, "suppliers/monthly_return.html", {"form": form, "call_off": agreement})


@roles_required(Role.SUPPLIER)
def my_profile(request: AuthenticatedRequest) -> HttpResponse:
    """The supplier's own DPS profile; the first save is the application to join the DPS. Once admitted, a change
    of legal name, accreditation, regions or lots waits for the framework admin (services.save_profile)."""
    supplier = selectors.own_supplier(request.user)
    framework = selectors.profile_framework(supplier)
    if framework is None:
        return render(request, "suppliers/profile_form.html", {"form": None, "supplier": None})
    changes = selectors.profile_changes(request.user)
    pending = changes.pending().first()
    form = ProfileForm(request.POST or None, initial=_profile_initial(supplier, pending), framework=framework)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["delivery_modes"] = " ".join(data["delivery_modes"])
        with shown_on(form):
            saved = services.save_profile(
                by=request.user,
                framework=framework,
                regions=list(data.pop("regions")),
                lots=list(data.pop("lots")),
                **data,
            )
            waiting = ProfileChangeRequest.objects.visible_to(request.user).pending().exists()
            messages.success(request, _saved_message(supplier, waiting))
            return redirect("suppliers:detail", saved.pk)
    return render(
        request,
        "suppliers/profile_form.html",
        {
            "form": form,
            "supplier": supplier,
            "pending": pending,
            "last_decided": changes.exclude(status="pending").first(),
        },
    )


def _profile_initial(supplier: Supplier | None, pending: ProfileChangeRequest | None) -> dict[str, Any]:
    """The approved profile, with what a pending change asks for in place of the reviewed fields."""
    if supplier is None:
        return {}
    reviewed: Any = pending or supplier
    return {
        "legal_name": reviewed.legal_name,
        "seqohs_number": reviewed.seqohs_number,
        "accreditation_expires": reviewed.accreditation_expires,
        "regions": reviewed.regions.all(),
        "lots": reviewed.lots.all(),
        "delivery_modes": supplier.delivery_modes.split(),
        "capacity_statement": supplier.capacity_statement,
        "contact_name": supplier.contact_name,
        "contact_email": supplier.contact_email,
    }


def _saved_message(supplier: Supplier | None, waiting: bool) -> str:
    if supplier is None:
        return "Application sent. The framework administrator will check your accreditation."
    if waiting:
        return (
            "Profile saved. Your change of legal name, accreditation, regions or lots is waiting for the framework "
            "administrator; buyers see your approved details until then."
        )
    return "Profile saved."


@roles_required(Role.FRAMEWORK_ADMIN)
def changes(request: AuthenticatedRequest) -> HttpResponse:
    pending = ProfileChangeRequest.objects.visible_to(request.user).pending().select_related("supplier")
    return render(request, "suppliers/changes.html", {"pending": pending})


@roles_required(Role.FRAMEWORK_ADMIN, Role.SUPPLIER)
def change(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A profile change beside the approved values; a framework admin of the supplier's DPS decides it here."""
    requested = get_object_or_404(
        ProfileChangeRequest.objects.visible_to(request.user).select_related("supplier", "requested_by", "decided_by"),
        pk=pk,
    )
    can_decide = _role(request) == Role.FRAMEWORK_ADMIN
    if request.method == "POST" and not can_decide:
        raise PermissionDenied
    form = ChangeDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with shown_on(form):
            # The service decides a fresh, locked copy: its answer says what was decided.
            decided = services.decide_profile_change(
                change=requested,
                by=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, f"Change for {requested.supplier}: {decided.get_status_display().lower()}.")
            return redirect("suppliers:changes")
    return render(request, "suppliers/change.html", {"change": requested, "form": form if can_decide else None})


@roles_required(Role.SUPPLIER)
def my_rates(request: AuthenticatedRequest) -> HttpResponse:
    supplier = selectors.own_supplier(request.user)
    if supplier is None:
        return render(request, "suppliers/rates.html", {"form": None, "rates": [], "supplier": None})
    form = RateForm(request.POST or None, lots=supplier.lots.all())
    if request.method == "POST" and form.is_valid():
        with shown_on(form):
            services.add_rate(by=request.user, **form.cleaned_data)
            messages.success(request, "Rate added.")
            return redirect("suppliers:my_rates")
    rates = RateCard.objects.visible_to(request.user).select_related("lot")
    return render(request, "suppliers/rates.html", {"form": form, "rates": rates, "supplier": supplier})

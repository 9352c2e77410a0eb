"""Pages for the DPS: directory and comparison, supplier profiles, applications, call-offs, returns."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from accounts.models import User
from ohwb_portal.access import roles_required
from organisations.roles import Role

from . import actions as call_off_actions
from . import services
from .filters import SupplierFilter
from .forms import (
    AccreditationForm,
    CallOffForm,
    ChangeDecisionForm,
    DecisionForm,
    MonthlyReturnForm,
    ProfileForm,
    RateForm,
    TerminateForm,
)
from .models import (
    CallOff,
    Framework,
    Lot,
    ProfileChangeRequest,
    RateCard,
    Supplier,
    SupplierStatus,
)
from .selectors import call_off_attainment

MAX_COMPARE = 4


def _suppliers(request: HttpRequest) -> Any:
    rates = RateCard.objects.visible_to(request.user).select_related("lot")
    return Supplier.objects.visible_to(request.user).prefetch_related(
        "regions", "lots", Prefetch("rates", queryset=rates, to_attr="visible_rates")
    )


@roles_required(Role.PROCUREMENT, Role.BOARD, Role.FRAMEWORK_ADMIN, Role.SUPPLIER)
def directory(request: HttpRequest) -> HttpResponse:
    filterset = SupplierFilter(request.GET or None, queryset=_suppliers(request).distinct())
    page = Paginator(filterset.qs, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "suppliers/directory.html",
        {"filter": filterset, "page": page, "can_see_rates": _can_see_rates(request)},
    )


def _can_see_rates(request: HttpRequest) -> bool:
    return RateCard.objects.visible_to(request.user).exists()


@roles_required(Role.PROCUREMENT, Role.BOARD, Role.FRAMEWORK_ADMIN, Role.SUPPLIER)
def compare(request: HttpRequest) -> HttpResponse:
    ids = [i for i in request.GET.getlist("supplier") if i.isdigit()]
    if len(ids) > MAX_COMPARE:
        messages.error(request, f"Compare up to {MAX_COMPARE} suppliers at a time. Untick some and try again.")
        return redirect(f"{request.path.replace('compare/', '')}?{request.GET.urlencode()}")
    suppliers = list(_suppliers(request).filter(pk__in=ids))
    lots = Lot.objects.filter(suppliers__in=suppliers).distinct()
    return render(request, "suppliers/compare.html", {"suppliers": suppliers, "lots": lots})


@roles_required(Role.PROCUREMENT, Role.BOARD, Role.FRAMEWORK_ADMIN, Role.SUPPLIER)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    supplier = get_object_or_404(_suppliers(request), pk=pk)
    role = request.user.active_membership.role  # type: ignore[union-attr]
    context: dict[str, Any] = {"supplier": supplier, "role": role}
    if role == Role.FRAMEWORK_ADMIN:
        context["decision_form"] = DecisionForm()
        context["accreditation_form"] = AccreditationForm(
            initial={"seqohs_number": supplier.seqohs_number, "expires": supplier.accreditation_expires}
        )
    return render(request, "suppliers/detail.html", context)


@roles_required(Role.FRAMEWORK_ADMIN)
def applications(request: HttpRequest) -> HttpResponse:
    pending = Supplier.objects.visible_to(request.user).filter(status=SupplierStatus.APPLIED)
    return render(request, "suppliers/applications.html", {"pending": pending})


@roles_required(Role.FRAMEWORK_ADMIN)
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    supplier = get_object_or_404(Supplier.objects.visible_to(request.user), pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.decide_application(
                supplier=supplier,
                by=request.user,
                admit=form.cleaned_data["decision"] == "admit",
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, f"{supplier}: {supplier.get_status_display().lower()}.")
        except services.FrameworkError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, "Choose whether to admit or reject the application.")
    return redirect("suppliers:detail", supplier.pk)


@roles_required(Role.FRAMEWORK_ADMIN)
def accreditation(request: HttpRequest, pk: int) -> HttpResponse:
    supplier = get_object_or_404(Supplier.objects.visible_to(request.user), pk=pk)
    form = AccreditationForm(request.POST)
    if form.is_valid():
        services.record_accreditation(supplier=supplier, by=request.user, **form.cleaned_data)
        messages.success(request, "Accreditation recorded.")
    else:
        messages.error(request, "Enter the SEQOHS number and a real expiry date.")
    return redirect("suppliers:detail", supplier.pk)


@roles_required(Role.PROCUREMENT, Role.BOARD, Role.FRAMEWORK_ADMIN, Role.SUPPLIER)
def call_offs(request: HttpRequest) -> HttpResponse:
    agreements = CallOff.objects.visible_to(request.user).select_related("client", "supplier")
    page = Paginator(agreements, 25).get_page(request.GET.get("page"))
    return render(request, "suppliers/call_offs.html", {"page": page})


@roles_required(Role.PROCUREMENT)
def new_call_off(request: HttpRequest, supplier_pk: int) -> HttpResponse:
    supplier = get_object_or_404(Supplier.objects.visible_to(request.user), pk=supplier_pk)
    membership = request.user.active_membership  # type: ignore[union-attr]
    assert membership is not None  # roles_required let us in
    signatories = User.objects.filter(
        memberships__organisation=membership.organisation, memberships__role=Role.PROCUREMENT
    )
    form = CallOffForm(request.POST or None, lots=supplier.lots.all(), signatories=signatories)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            call_off = services.raise_call_off(
                by=request.user,
                supplier=supplier,
                lots=list(data["lots"]),
                start_date=data["start_date"],
                end_date=data["end_date"],
                estimated_value=data["estimated_value"],
                client_signatory=data["client_signatory"],
                supplier_signatory_name=data["supplier_signatory_name"],
                service_levels=form.service_levels(),
            )
        except services.FrameworkError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Call-off {call_off.reference} saved as a draft.")
            return redirect("suppliers:call_off", call_off.pk)
    return render(request, "suppliers/call_off_form.html", {"form": form, "supplier": supplier})


@roles_required(Role.PROCUREMENT, Role.BOARD, Role.FRAMEWORK_ADMIN, Role.SUPPLIER)
def call_off(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_object_or_404(CallOff.objects.visible_to(request.user).select_related("client", "supplier"), pk=pk)
    role = request.user.active_membership.role  # type: ignore[union-attr]
    today = timezone.localdate()
    return render(
        request,
        "suppliers/call_off.html",
        {
            "attainment": call_off_attainment(agreement, today.replace(year=today.year - 1), today),
            "call_off": agreement,
            "role": role,
            "terminate_form": TerminateForm(),
            "versions": CallOff.objects.visible_to(request.user)
            .filter(variation_of=agreement.variation_of or agreement)
            .order_by("variation_number"),
            "actions": call_off_actions.allowed_actions(request.user, agreement),
        },
    )


def _act(request: HttpRequest, pk: int, action: Any, done: str) -> HttpResponse:
    agreement = get_object_or_404(CallOff.objects.visible_to(request.user), pk=pk)
    if request.method != "POST":
        raise PermissionDenied
    try:
        result = action(agreement)
        messages.success(request, done)
        return redirect("suppliers:call_off", result.pk)
    except services.FrameworkError as exc:
        messages.error(request, str(exc))
        return redirect("suppliers:call_off", agreement.pk)


@roles_required(Role.PROCUREMENT)
def send_call_off(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda c: services.send_for_signature(call_off=c, by=request.user), "Sent for signature.")


@roles_required(Role.PROCUREMENT, Role.SUPPLIER)
def sign_call_off(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda c: services.sign(call_off=c, by=request.user), "Signed.")


@roles_required(Role.PROCUREMENT, Role.FRAMEWORK_ADMIN)
def terminate_call_off(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda c: services.terminate(call_off=c, by=request.user, reason=request.POST.get("reason", "")),
        "Terminated.",
    )


@roles_required(Role.PROCUREMENT)
def vary_call_off(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda c: services.make_variation(call_off=c, by=request.user),
        "Variation created as a draft. Change it, then send it for signature.",
    )


@roles_required(Role.SUPPLIER)
def monthly_return(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_object_or_404(CallOff.objects.visible_to(request.user), pk=pk)
    form = MonthlyReturnForm(request.POST or None, levels=agreement.service_levels.all())
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_monthly_return(
                call_off=agreement,
                by=request.user,
                month=form.cleaned_data["month"],
                cases_handled=form.cleaned_data["cases_handled"],
                levels_met=form.levels_met(),
            )
        except services.FrameworkError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Monthly return submitted.")
            return redirect("suppliers:call_off", agreement.pk)
    return render(request, "suppliers/monthly_return.html", {"form": form, "call_off": agreement})


@roles_required(Role.SUPPLIER)
def my_profile(request: HttpRequest) -> HttpResponse:
    """The supplier's own DPS profile; the first save is the application to join the DPS. Once admitted, a change
    of legal name, accreditation, regions or lots waits for the framework admin (services.save_profile)."""
    membership = request.user.active_membership  # type: ignore[union-attr]
    supplier = Supplier.objects.filter(organisation=membership.organisation).first()  # type: ignore[union-attr]
    framework = supplier.framework if supplier else Framework.objects.order_by("pk").first()
    if framework is None:
        return render(request, "suppliers/profile_form.html", {"form": None, "supplier": None})
    changes = ProfileChangeRequest.objects.visible_to(request.user).prefetch_related("regions", "lots")
    pending = changes.pending().first()
    form = ProfileForm(request.POST or None, initial=_profile_initial(supplier, pending), framework=framework)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["delivery_modes"] = " ".join(data["delivery_modes"])
        try:
            saved = services.save_profile(
                by=request.user,
                framework=framework,
                regions=list(data.pop("regions")),
                lots=list(data.pop("lots")),
                **data,
            )
        except services.FrameworkError as exc:
            form.add_error(None, str(exc))
        else:
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
def changes(request: HttpRequest) -> HttpResponse:
    pending = ProfileChangeRequest.objects.visible_to(request.user).pending().select_related("supplier")
    return render(request, "suppliers/changes.html", {"pending": pending})


@roles_required(Role.FRAMEWORK_ADMIN, Role.SUPPLIER)
def change(request: HttpRequest, pk: int) -> HttpResponse:
    """A profile change beside the approved values; a framework admin of the supplier's DPS decides it here."""
    requested = get_object_or_404(
        ProfileChangeRequest.objects.visible_to(request.user).select_related("supplier", "requested_by", "decided_by"),
        pk=pk,
    )
    can_decide = request.user.active_membership.role == Role.FRAMEWORK_ADMIN  # type: ignore[union-attr]
    if request.method == "POST" and not can_decide:
        raise PermissionDenied
    form = ChangeDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decide_profile_change(
                change=requested,
                by=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                reason=form.cleaned_data["reason"],
            )
        except services.FrameworkError as exc:
            form.add_error("reason" if "reason" in str(exc) else None, str(exc))
        else:
            messages.success(request, f"Change for {requested.supplier}: {requested.get_status_display().lower()}.")
            return redirect("suppliers:changes")
    return render(request, "suppliers/change.html", {"change": requested, "form": form if can_decide else None})


@roles_required(Role.SUPPLIER)
def my_rates(request: HttpRequest) -> HttpResponse:
    membership = request.user.active_membership  # type: ignore[union-attr]
    supplier = Supplier.objects.filter(organisation=membership.organisation).first()  # type: ignore[union-attr]
    if supplier is None:
        return render(request, "suppliers/rates.html", {"form": None, "rates": [], "supplier": None})
    form = RateForm(request.POST or None, lots=supplier.lots.all())
    if request.method == "POST" and form.is_valid():
        try:
            services.add_rate(by=request.user, **form.cleaned_data)
        except services.FrameworkError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Rate added.")
            return redirect("suppliers:my_rates")
    rates = RateCard.objects.visible_to(request.user).select_related("lot")
    return render(request, "suppliers/rates.html", {"form": form, "rates": rates, "supplier": supplier})

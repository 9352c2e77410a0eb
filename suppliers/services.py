"""Writes for the supplier framework: admission, accreditation, call-offs and their signatures."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from notifications.services import queue_message
from ohwb_portal.caching import forget
from organisations import services as organisation_services
from organisations.models import Membership, ServiceAssignment, active_membership
from organisations.roles import CLIENT_KINDS, Role
from organisations.services import take_over_referrals

from . import selectors
from .actions import FrameworkError, check
from .models import (
    CALL_OFF_RAISERS,
    IMMEDIATE_PROFILE_FIELDS,
    LOT_SERVICE_LINES,
    REVIEWED_PROFILE_FIELDS,
    CallOff,
    CallOffStatus,
    ChangeStatus,
    Lot,
    MonthlyReturn,
    ProfileChangeRequest,
    ServiceLevel,
    Supplier,
    SupplierStatus,
)


def _role(user: User, *roles: str) -> Membership:
    membership = active_membership(user)
    if membership is None or membership.role not in roles:
        raise PermissionDenied("Your role cannot make this change.")
    return membership


@transaction.atomic
def decide_application(*, supplier: Supplier, by: User, admit: bool, reason: str = "") -> Supplier:
    membership = _role(by, Role.FRAMEWORK_ADMIN)
    if supplier.framework.operator_id != membership.organisation_id:
        raise PermissionDenied("This supplier applied to another framework.")
    if supplier.status != SupplierStatus.APPLIED:
        raise FrameworkError("This application has already been decided.")
    if (
        admit
        and not supplier.accredited_on(timezone.localdate())
        and not (
            supplier.seqohs_number
            and supplier.accreditation_expires
            and supplier.accreditation_expires >= timezone.localdate()
        )
    ):
        raise FrameworkError("Record a current SEQOHS accreditation before admitting the supplier.")
    if not admit and not reason.strip():
        raise FrameworkError("Give the reason for rejecting the application.", field="reason")
    supplier.status = SupplierStatus.ADMITTED if admit else SupplierStatus.REJECTED
    supplier.decision_reason = reason
    supplier.save()
    return supplier


@transaction.atomic
def record_accreditation(*, supplier: Supplier, by: User, seqohs_number: str, expires: date) -> Supplier:
    membership = _role(by, Role.FRAMEWORK_ADMIN)
    if supplier.framework.operator_id != membership.organisation_id:
        raise PermissionDenied("This supplier belongs to another framework.")
    supplier.seqohs_number = seqohs_number
    supplier.accreditation_expires = expires
    _follow_accreditation(supplier, timezone.localdate())
    supplier.save()
    return supplier


def _follow_accreditation(supplier: Supplier, today: date) -> None:
    """The one rule for recording, approving and the nightly task: a past expiry suspends the supplier from new
    call-offs at once; a renewal puts a suspended supplier back on the DPS. Other statuses are the admin's."""
    lapsed = supplier.accreditation_lapsed_on(today)
    if supplier.status == SupplierStatus.ADMITTED and lapsed:
        supplier.status = SupplierStatus.SUSPENDED
    elif supplier.status == SupplierStatus.SUSPENDED and not lapsed:
        supplier.status = SupplierStatus.ADMITTED


def suspend_lapsed_suppliers(*, today: date | None = None) -> int:
    """A lapsed SEQOHS accreditation suspends the supplier from new call-offs (nightly task)."""
    today = today or timezone.localdate()
    suspended = 0
    for supplier in Supplier.objects.lapsed_on(today).filter(status=SupplierStatus.ADMITTED):
        _follow_accreditation(supplier, today)
        supplier.save()  # one at a time, so the supplier's change history records the suspension
        suspended += 1
    return suspended


def _check_supplier_can_contract(supplier: Supplier) -> None:
    if not supplier.accredited_on(timezone.localdate()):
        raise FrameworkError(
            f"{supplier} cannot take new call-offs: it is not admitted with a current SEQOHS accreditation."
        )


def _check_terms(
    *,
    client: Any,
    supplier: Supplier,
    lots: list[Lot],
    start_date: date,
    end_date: date,
    client_signatory: User,
    supplier_signatory: User | None,
) -> None:
    """The rules a draft's terms meet, whether raised or changed before it is sent."""
    _check_supplier_can_contract(supplier)
    if end_date <= start_date:
        raise FrameworkError("The end date must be after the start date.", field="end_date")
    if not lots:
        raise FrameworkError("Choose at least one lot.", field="lots")
    missing = [lot for lot in lots if not supplier.lots.filter(pk=lot.pk).exists()]
    if missing:
        raise FrameworkError(f"{supplier} is not on the DPS for: {', '.join(map(str, missing))}.", field="lots")
    if not Membership.objects.filter(user=client_signatory, organisation=client, role=Role.PROCUREMENT).exists():
        raise FrameworkError(
            "The client signatory must be a procurement lead of your organisation.", field="client_signatory"
        )
    if (
        supplier_signatory is None
        or not Membership.objects.filter(
            user=supplier_signatory, organisation=supplier.organisation, role=Role.SUPPLIER
        ).exists()
    ):
        raise FrameworkError(
            f"Choose the supplier signatory from the people of {supplier} on the portal.", field="supplier_signatory"
        )


@transaction.atomic
def raise_call_off(
    *,
    by: User,
    supplier: Supplier,
    lots: list[Lot],
    start_date: date,
    end_date: date,
    estimated_value: Decimal,
    client_signatory: User,
    supplier_signatory: User | None,
    service_levels: list[dict[str, int | str]] | None = None,
) -> CallOff:
    membership = _role(by, *CALL_OFF_RAISERS)
    client = membership.organisation
    if client.kind not in CLIENT_KINDS:
        raise FrameworkError("Call-offs are raised by a trust or GP practice.")
    _check_terms(
        client=client,
        supplier=supplier,
        lots=lots,
        start_date=start_date,
        end_date=end_date,
        client_signatory=client_signatory,
        supplier_signatory=supplier_signatory,
    )
    call_off = CallOff.objects.create(
        client=client,
        supplier=supplier,
        start_date=start_date,
        end_date=end_date,
        estimated_value=estimated_value,
        client_signatory=client_signatory,
        supplier_signatory=supplier_signatory,
        created_by=by,
    )
    call_off.lots.set(lots)
    for level in service_levels or []:
        ServiceLevel.objects.create(call_off=call_off, **level)
    return call_off


@transaction.atomic
def change_draft(
    *,
    call_off: CallOff,
    by: User,
    lots: list[Lot],
    start_date: date,
    end_date: date,
    estimated_value: Decimal,
    client_signatory: User,
    supplier_signatory: User | None,
    service_levels: list[dict[str, int | str]],
) -> CallOff:
    """The client changes a draft (a new agreement or a variation) before sending it: dates, lots, value,
    signatories and service levels (PRODUCT.md section 5). The parties stay those of the agreement."""
    call_off = CallOff.objects.select_for_update().select_related("supplier").get(pk=call_off.pk)
    check(by, call_off, "edit")
    _check_terms(
        client=call_off.client,
        supplier=call_off.supplier,
        lots=lots,
        start_date=start_date,
        end_date=end_date,
        client_signatory=client_signatory,
        supplier_signatory=supplier_signatory,
    )
    call_off.start_date, call_off.end_date, call_off.estimated_value = start_date, end_date, estimated_value
    call_off.client_signatory, call_off.supplier_signatory = client_signatory, supplier_signatory
    call_off.save()
    call_off.lots.set(lots)
    call_off.service_levels.all().delete()
    for level in service_levels:
        ServiceLevel.objects.create(call_off=call_off, **level)
    return call_off


def _immutable(call_off: CallOff) -> None:
    if call_off.is_signed:
        raise FrameworkError("A signed call-off cannot be changed. Make a variation instead.")


@transaction.atomic
def send_for_signature(*, call_off: CallOff, by: User) -> CallOff:
    call_off = CallOff.objects.select_for_update().get(pk=call_off.pk)
    check(by, call_off, "send_for_signature")
    _check_supplier_can_contract(call_off.supplier)
    call_off.status = CallOffStatus.AWAITING_CLIENT
    call_off.save()
    queue_message(
        template="suppliers_signature_needed",
        idempotency_key=f"calloff-sign-client-{call_off.pk}",
        to_user=call_off.client_signatory,
        context={"reference": call_off.reference},
        link=reverse("suppliers:call_off", args=[call_off.pk]),
    )
    return call_off


def declaration(call_off: CallOff, organisation: Any) -> str:
    """The words a signatory confirms, stored with the signature."""
    return (
        f"I am authorised to sign call-off {call_off.reference} for {organisation}, and {organisation} agrees to "
        f"its terms: the lots, the dates from {call_off.start_date:%-d %B %Y} to {call_off.end_date:%-d %B %Y}, "
        "the estimated value and the service levels shown."
    )


@transaction.atomic
def sign(*, call_off: CallOff, by: User, declared: bool) -> CallOff:
    """The client's named signatory signs first, then the supplier's named signatory; each confirms the
    declaration, stored with who signed and when. Signed before its start date, it is in force from that date."""
    call_off = (
        CallOff.objects.select_for_update().select_related("client", "supplier__organisation").get(pk=call_off.pk)
    )
    check(by, call_off, "sign")
    if not declared:
        raise FrameworkError("Confirm the declaration to sign the agreement.", field="declared")
    now = timezone.now()
    if call_off.status == CallOffStatus.AWAITING_CLIENT:
        _check_supplier_can_contract(call_off.supplier)
        call_off.client_signed_by, call_off.client_signed_at = by, now
        call_off.client_declaration = declaration(call_off, call_off.client)
        call_off.status = CallOffStatus.AWAITING_SUPPLIER
        if call_off.supplier_signatory is not None:
            queue_message(
                template="suppliers_signature_needed",
                idempotency_key=f"calloff-sign-supplier-{call_off.pk}-{call_off.supplier_signatory_id}",
                to_user=call_off.supplier_signatory,
                context={"reference": call_off.reference},
                link=reverse("suppliers:call_off", args=[call_off.pk]),
            )
    else:  # awaiting the supplier
        call_off.supplier_signed_by, call_off.supplier_signed_at = by, now
        call_off.supplier_declaration = declaration(call_off, call_off.supplier)
        call_off.status = CallOffStatus.ACTIVE
        if call_off.variation_of_id:
            CallOff.objects.filter(pk=call_off.variation_of_id).update(status=CallOffStatus.SUPERSEDED)
    call_off.save()
    if call_off.in_force_on(timezone.localdate()):
        route_referrals(call_off)
    return call_off


def _service_lines(call_off: CallOff) -> set[str]:
    return {line for lot in call_off.lots.all() for line in LOT_SERVICE_LINES.get(lot.code, [])}


def route_referrals(call_off: CallOff) -> list[ServiceAssignment]:
    """Make the supplier's OH service take the client's new referrals on the call-off's lots."""
    service = call_off.supplier.oh_service
    if service is None:
        return []
    return [
        take_over_referrals(client=call_off.client, service_line=line, oh_service=service)
        for line in sorted(_service_lines(call_off))
    ]


def hand_back_referrals(call_off: CallOff, today: date) -> None:
    """The agreement has ended: the client's new referrals go back to whoever served them before, except on lines
    another agreement in force with the same supplier still covers."""
    service = call_off.supplier.oh_service
    if service is None:
        return
    still_covered: set[str] = set()
    for other in (
        CallOff.objects.filter(client=call_off.client, supplier__oh_service=service, status=CallOffStatus.ACTIVE)
        .exclude(pk=call_off.pk)
        .prefetch_related("lots")
    ):
        if other.in_force_on(today):
            still_covered |= _service_lines(other)
    for line in sorted(_service_lines(call_off) - still_covered):
        organisation_services.hand_back_referrals(client=call_off.client, service_line=line, oh_service=service)


def start_signed_call_offs(*, today: date | None = None) -> int:
    """An agreement signed before its start date takes the client's new referrals from that date (nightly)."""
    today = today or timezone.localdate()
    started = 0
    for call_off in CallOff.objects.filter(
        status=CallOffStatus.ACTIVE, start_date__lte=today, end_date__gte=today, start_date__gte=today - timedelta(7)
    ).select_related("client", "supplier__oh_service"):
        with transaction.atomic():
            started += bool(route_referrals(call_off))
    return started


@transaction.atomic
def terminate(*, call_off: CallOff, by: User, reason: str) -> CallOff:
    check(by, call_off, "terminate")
    if not reason.strip():
        raise FrameworkError("Give the reason for terminating the call-off.", field="reason")
    call_off.status = CallOffStatus.TERMINATED
    call_off.termination_reason = reason
    call_off.save(update_fields=["status", "termination_reason"])
    hand_back_referrals(call_off, timezone.localdate())
    return call_off


@transaction.atomic
def make_variation(*, call_off: CallOff, by: User, **changes: Any) -> CallOff:
    """A numbered copy of a signed call-off with the changes, to be signed again; the original never changes."""
    check(by, call_off, "vary")
    root = call_off.variation_of or call_off
    number = (
        CallOff.objects.filter(variation_of=root)
        .order_by("-variation_number")
        .values_list("variation_number", flat=True)
        .first()
        or 0
    ) + 1
    lots = changes.pop("lots", None) or list(call_off.lots.all())
    fields = {
        f: getattr(call_off, f)
        for f in (
            "client",
            "supplier",
            "start_date",
            "end_date",
            "estimated_value",
            "client_signatory",
            "supplier_signatory",
        )
    }
    fields.update(changes)
    variation = CallOff.objects.create(**fields, variation_of=root, variation_number=number, created_by=by)
    variation.lots.set(lots)
    for level in call_off.service_levels.all():
        ServiceLevel.objects.create(
            call_off=variation,
            metric=level.metric,
            working_days=level.working_days,
            target_percent=level.target_percent,
        )
    return variation


def expire_ended_call_offs(*, today: date | None = None) -> int:
    """Agreements past their end date expire, and hand the client's new referrals back (nightly)."""
    today = today or timezone.localdate()
    expired = 0
    for call_off in CallOff.objects.filter(status=CallOffStatus.ACTIVE, end_date__lt=today).select_related(
        "client", "supplier__oh_service"
    ):
        with transaction.atomic():
            call_off.status = CallOffStatus.EXPIRED
            call_off.save(update_fields=["status"])
            hand_back_referrals(call_off, today)
        expired += 1
    return expired


@transaction.atomic
def submit_monthly_return(
    *, call_off: CallOff, by: User, month: date, cases_handled: int, levels_met: dict[str, int]
) -> MonthlyReturn:
    check(by, call_off, "monthly_return")
    month = month.replace(day=1)
    if month > timezone.localdate():
        raise FrameworkError("A return cannot be for a future month.", field="month")
    if not call_off.start_date.replace(day=1) <= month <= call_off.end_date:
        raise FrameworkError(
            f"{month:%B %Y} is outside this agreement, which runs from {call_off.start_date:%-d %B %Y} to "
            f"{call_off.end_date:%-d %B %Y}. Give a month within those dates.",
            field="month",
        )
    known = {str(pk) for pk in call_off.service_levels.values_list("pk", flat=True)}
    if set(levels_met) - known or any(not 0 <= int(v) <= 100 for v in levels_met.values()):
        raise FrameworkError("Give a percentage from 0 to 100 for each service level of this call-off.")
    monthly, created = MonthlyReturn.objects.get_or_create(
        call_off=call_off,
        month=month,
        defaults={"cases_handled": cases_handled, "levels_met": levels_met, "submitted_by": by},
    )
    if not created:
        raise FrameworkError(f"The return for {month:%B %Y} has already been submitted.", field="month")
    transaction.on_commit(lambda: forget(selectors.value_cache_key(call_off.pk, timezone.localdate())))
    return monthly


def expiry_warnings(*, today: date | None = None) -> int:
    """Accreditation and call-off expiry warnings at 90 and 30 days, once each."""
    today = today or timezone.localdate()
    queued = 0
    for days in (90, 30):
        window = (today, today + timedelta(days=days))
        for supplier in Supplier.objects.filter(
            status=SupplierStatus.ADMITTED, accreditation_expires__range=window
        ).select_related("framework"):
            recipients = Membership.objects.filter(
                organisation__in=[supplier.organisation_id, supplier.framework.operator_id],
                role__in=[Role.SUPPLIER, Role.FRAMEWORK_ADMIN],
            ).select_related("user")
            for member in recipients:
                queued += (
                    queue_message(
                        template="suppliers_accreditation_expiring",
                        idempotency_key=f"seqohs-{days}-{supplier.pk}-{supplier.accreditation_expires}-{member.user_id}",
                        to_user=member.user,
                        context={
                            "supplier": supplier.legal_name,
                            "days": days,
                            "expires": f"{supplier.accreditation_expires:%d %B %Y}",
                        },
                        link=reverse("suppliers:detail", args=[supplier.pk]),
                    )
                    is not None
                )
        for call_off in CallOff.objects.filter(status=CallOffStatus.ACTIVE, end_date__range=window):
            recipients = Membership.objects.filter(
                organisation__in=[call_off.client_id, call_off.supplier.organisation_id],
                role__in=[Role.PROCUREMENT, Role.SUPPLIER],
            ).select_related("user")
            for member in recipients:
                queued += (
                    queue_message(
                        template="suppliers_call_off_expiring",
                        idempotency_key=f"calloff-expiry-{days}-{call_off.pk}-{call_off.end_date}-{member.user_id}",
                        to_user=member.user,
                        context={
                            "reference": call_off.reference,
                            "days": days,
                            "ends": f"{call_off.end_date:%d %B %Y}",
                        },
                        link=reverse("suppliers:call_off", args=[call_off.pk]),
                    )
                    is not None
                )
    return queued


# Procurement is told once when the work done under an agreement reaches each share of its estimated value.
VALUE_ALERT_THRESHOLDS = (80, 100)


def value_used_alerts(*, today: date | None = None) -> int:
    """Alert the client's procurement users as each agreement in force passes 80% and 100% of its estimated value:
    once per agreement, threshold and person (the outbox's key), however often this runs."""
    today = today or timezone.localdate()
    queued = 0
    for call_off in CallOff.objects.filter(status=CallOffStatus.ACTIVE, start_date__lte=today).prefetch_related("lots"):
        percent = selectors.value_used(call_off, today).percent
        reached = [t for t in VALUE_ALERT_THRESHOLDS if percent is not None and percent >= t]
        if not reached:
            continue
        recipients = Membership.objects.filter(organisation=call_off.client_id, role=Role.PROCUREMENT)
        with transaction.atomic():
            for threshold in reached:
                for member in recipients.select_related("user"):
                    queued += (
                        queue_message(
                            template="suppliers_call_off_value_used",
                            idempotency_key=f"calloff-value-{threshold}-{call_off.pk}-{member.user_id}",
                            to_user=member.user,
                            context={"reference": call_off.reference, "threshold": threshold},
                            link=reverse("suppliers:call_off", args=[call_off.pk]) + "#value-used",
                        )
                        is not None
                    )
    return queued


def _check_legal_name(supplier: Supplier, legal_name: str) -> None:
    """Two suppliers on one DPS never share a legal name: a buyer must be able to tell who it contracts with."""
    taken = (
        Supplier.objects.filter(framework=supplier.framework, legal_name__iexact=legal_name.strip())
        .exclude(pk=supplier.pk)
        .exists()
    )
    if taken:
        raise FrameworkError(
            "Another supplier on the DPS has this legal name. Enter your own legal name.", field="legal_name"
        )


def _differs(supplier: Supplier, reviewed: dict[str, Any], regions: list, lots: list) -> bool:
    return (
        any(getattr(supplier, name) != value for name, value in reviewed.items())
        or {r.pk for r in regions} != set(supplier.regions.values_list("pk", flat=True))
        or {lot.pk for lot in lots} != set(supplier.lots.values_list("pk", flat=True))
    )


@transaction.atomic
def save_profile(*, by: User, framework: Any, regions: list, lots: list, **fields: Any) -> Supplier:
    """The supplier keeps its own DPS profile; saving one for the first time is the application to join.

    Before admission the application is edited directly (it is reviewed as a whole). Once admitted, contacts,
    capacity and delivery modes change at once; legal name, SEQOHS number and expiry, regions and lots become a
    change request for the framework admin, and the supplier record keeps the approved values until then."""
    membership = _role(by, Role.SUPPLIER)
    unknown = set(fields) - set(IMMEDIATE_PROFILE_FIELDS) - set(REVIEWED_PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"Not part of a supplier profile: {sorted(unknown)}")
    supplier = Supplier.objects.select_for_update().filter(organisation=membership.organisation).first()
    if supplier is None:
        supplier = Supplier(organisation=membership.organisation, framework=framework, status=SupplierStatus.APPLIED)
    if "legal_name" in fields:
        _check_legal_name(supplier, fields["legal_name"])
    if supplier.pk is None or supplier.status == SupplierStatus.APPLIED:
        for name, value in fields.items():
            setattr(supplier, name, value)
        supplier.save()
        supplier.regions.set(regions)
        supplier.lots.set(lots)
        return supplier
    for name in IMMEDIATE_PROFILE_FIELDS:
        if name in fields:
            setattr(supplier, name, fields[name])
    supplier.save()
    reviewed = {name: fields[name] for name in REVIEWED_PROFILE_FIELDS if name in fields}
    if _differs(supplier, reviewed, regions, lots):
        _request_change(supplier=supplier, by=by, reviewed=reviewed, regions=regions, lots=lots)
    return supplier


def _request_change(*, supplier: Supplier, by: User, reviewed: dict[str, Any], regions: list, lots: list) -> Any:
    """One pending request per supplier: a new save while one waits replaces what it asks for."""
    change = ProfileChangeRequest.objects.pending().select_for_update().filter(supplier=supplier).first()
    change = change or ProfileChangeRequest(supplier=supplier)
    for name in REVIEWED_PROFILE_FIELDS:
        setattr(change, name, reviewed.get(name, getattr(supplier, name)))
    change.requested_by = by
    change.save()
    change.regions.set(regions)
    change.lots.set(lots)
    version = change.history.count()
    for member in Membership.objects.filter(
        organisation=supplier.framework.operator, role=Role.FRAMEWORK_ADMIN
    ).select_related("user"):
        queue_message(
            template="suppliers_profile_change_requested",
            idempotency_key=f"profile-change-{change.pk}-{version}-{member.user_id}",
            to_user=member.user,
            context={"supplier": supplier.legal_name},
            link=reverse("suppliers:change", args=[change.pk]),
        )
    return change


@transaction.atomic
def decide_profile_change(*, change: Any, by: User, approve: bool, reason: str = "") -> Any:
    """A framework admin of the supplier's DPS approves (the supplier record takes the values) or rejects."""
    membership = _role(by, Role.FRAMEWORK_ADMIN)
    change = ProfileChangeRequest.objects.select_for_update().select_related("supplier__framework").get(pk=change.pk)
    supplier = Supplier.objects.select_for_update().get(pk=change.supplier_id)
    if supplier.framework.operator_id != membership.organisation_id:
        raise PermissionDenied("This supplier belongs to another framework.")
    if change.status != ChangeStatus.PENDING:
        raise FrameworkError("This change has already been decided.")
    if not approve and not reason.strip():
        raise FrameworkError("Give the reason for rejecting the change.", field="reason")
    if approve:
        _check_legal_name(supplier, change.legal_name)
        for name in REVIEWED_PROFILE_FIELDS:
            setattr(supplier, name, getattr(change, name))
        _follow_accreditation(supplier, timezone.localdate())
        supplier._history_user = by  # type: ignore[attr-defined]  # the approver, also outside a request
        supplier.save()
        supplier.regions.set(change.regions.all())
        supplier.lots.set(change.lots.all())
    change.status = ChangeStatus.APPROVED if approve else ChangeStatus.REJECTED
    change.decided_by, change.decided_at, change.decision_reason = by, timezone.now(), reason
    change.save()
    for member in Membership.objects.filter(organisation=supplier.organisation, role=Role.SUPPLIER).select_related(
        "user"
    ):
        queue_message(
            template="suppliers_profile_change_decided",
            idempotency_key=f"profile-change-decided-{change.pk}-{member.user_id}",
            to_user=member.user,
            context={"decision": change.get_status_display().lower()},
            link=reverse("suppliers:my_profile"),
        )
    return change


@transaction.atomic
def add_rate(*, by: User, lot: Lot, unit: str, price: Decimal, valid_from: date, valid_to: date | None) -> Any:
    from .models import RateCard

    membership = _role(by, Role.SUPPLIER)
    supplier = Supplier.objects.filter(organisation=membership.organisation).first()
    if supplier is None:
        raise FrameworkError("Save your DPS profile first.")
    if not supplier.lots.filter(pk=lot.pk).exists():
        raise FrameworkError("Add the lot to your profile before giving a rate for it.", field="lot")
    if valid_to and valid_to < valid_from:
        raise FrameworkError("A rate cannot end before it starts.", field="valid_to")
    return RateCard.objects.create(
        supplier=supplier, lot=lot, unit=unit, price=price, valid_from=valid_from, valid_to=valid_to
    )

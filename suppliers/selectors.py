"""Reads for the DPS pages and API: suppliers, their rates and call-offs, always through `visible_to`."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from organisations.roles import Role

from .models import (
    CallOff,
    Framework,
    Lot,
    ProfileChangeRequest,
    ProfileChangeRequestQuerySet,
    RateCard,
    Region,
    Supplier,
)


def suppliers(user: User) -> QuerySet[Supplier]:
    """The directory as this user may see it, each supplier with the rates this user may see (`visible_rates`)."""
    rates = RateCard.objects.visible_to(user).select_related("lot")
    return Supplier.objects.visible_to(user).prefetch_related(
        "regions", "lots", Prefetch("rates", queryset=rates, to_attr="visible_rates")
    )


def can_see_rates(user: User) -> bool:
    return RateCard.objects.visible_to(user).exists()


def lots_offered_by(shown: Iterable[Supplier]) -> QuerySet[Lot]:
    return Lot.objects.filter(suppliers__in=list(shown)).distinct()


def own_supplier(user: User) -> Supplier | None:
    """The DPS profile of the supplier this user acts for, if it has applied."""
    membership = user.active_membership
    if membership is None or membership.role != Role.SUPPLIER:
        return None
    return Supplier.objects.visible_to(user).filter(organisation=membership.organisation).first()


def profile_framework(supplier: Supplier | None) -> Framework | None:
    """The DPS a profile belongs to; a first application joins the first DPS."""
    return supplier.framework if supplier else Framework.objects.order_by("pk").first()


def signatories(user: User) -> QuerySet[User]:
    """Who may sign a call-off for this user's organisation: its procurement leads."""
    membership = user.active_membership
    if membership is None:
        return User.objects.none()
    return User.objects.filter(memberships__organisation=membership.organisation, memberships__role=Role.PROCUREMENT)


def signatory(pk: int) -> User:
    """The signatory an API client names; whether they may sign is the service's rule (raise_call_off)."""
    return get_object_or_404(User, pk=pk)


def call_off_versions(user: User, call_off: CallOff) -> QuerySet[CallOff]:
    """The original and its variations, in order."""
    return (
        CallOff.objects.visible_to(user)
        .filter(variation_of=call_off.variation_of or call_off)
        .order_by("variation_number")
    )


def profile_changes(user: User) -> ProfileChangeRequestQuerySet:
    return ProfileChangeRequest.objects.visible_to(user).prefetch_related("regions", "lots")


def regions(codes: Iterable[str]) -> list[Region]:
    return list(Region.objects.filter(code__in=list(codes)))


def lots(framework: Framework, codes: Iterable[str]) -> list[Lot]:
    return list(framework.lots.filter(code__in=list(codes)))

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from ohwb_portal.requests import AuthenticatedApiRequest
from organisations.roles import Role
from suppliers import selectors, services
from suppliers.filters import SupplierFilter
from suppliers.models import CallOff, ProfileChangeRequest, Supplier

from . import serializers as s


class SupplierViewSet(viewsets.ReadOnlyModelViewSet):
    """The DPS directory. Filters: lot, region, mode, accredited_on. Rates only for roles allowed to see them."""

    serializer_class = s.SupplierOutput
    filterset_class = SupplierFilter

    request: AuthenticatedApiRequest

    def get_queryset(self) -> QuerySet[Supplier]:
        return selectors.suppliers(self.request.user).distinct()

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        context["can_see_rates"] = selectors.can_see_rates(self.request.user)
        return context


class CallOffViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.CallOffOutput
    filterset_fields = ["status"]

    request: AuthenticatedApiRequest

    def get_queryset(self) -> QuerySet[CallOff]:
        return CallOff.objects.visible_to(self.request.user).prefetch_related("lots")

    @extend_schema(request=s.CallOffInput, responses={201: s.CallOffOutput})
    def create(self, request: AuthenticatedApiRequest) -> Response:
        data = s.CallOffInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        supplier = get_object_or_404(Supplier.objects.visible_to(request.user), pk=values.pop("supplier").pk)
        signatory = selectors.signatory(values.pop("client_signatory"))
        supplier_signatory = (
            selectors.supplier_signatories(supplier).filter(pk=values.pop("supplier_signatory")).first()
        )
        codes, values["lots"] = set(values["lots"]), selectors.lots(supplier.framework, values["lots"])
        if len(values["lots"]) != len(codes):
            raise ValidationError({"lots": ["Choose lots of the supplier's framework."]})
        call_off = services.raise_call_off(
            by=request.user,
            supplier=supplier,
            client_signatory=signatory,
            supplier_signatory=supplier_signatory,
            **values,
        )
        return Response(s.CallOffOutput(call_off).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.SignInput, responses=s.CallOffOutput)
    @action(detail=True, methods=["post"])
    def sign(self, request: AuthenticatedApiRequest, pk: str) -> Response:
        call_off = self.get_object()
        data = s.SignInput(data=request.data)
        data.is_valid(raise_exception=True)
        if call_off.status == "draft":
            services.send_for_signature(call_off=call_off, by=request.user)
        signed = services.sign(call_off=call_off, by=request.user, declared=data.validated_data["declared"])
        return Response(s.CallOffOutput(signed).data)

    @extend_schema(request=s.TerminateInput, responses=s.CallOffOutput)
    @action(detail=True, methods=["post"])
    def terminate(self, request: AuthenticatedApiRequest, pk: str) -> Response:
        call_off = self.get_object()
        data = s.TerminateInput(data=request.data)
        data.is_valid(raise_exception=True)
        ended = services.terminate(call_off=call_off, by=request.user, reason=data.validated_data["reason"])
        return Response(s.CallOffOutput(ended).data)


class SupplierProfileView(APIView):
    """The signed-in supplier's own profile (approved values) and its pending change, if any."""

    def _supplier(self, request: AuthenticatedApiRequest) -> Supplier | None:
        membership = request.user.active_membership
        if membership is None or membership.role != Role.SUPPLIER:
            raise PermissionDenied("Only a supplier has a DPS profile.")
        return selectors.own_supplier(request.user)

    def _answer(self, request: AuthenticatedApiRequest, supplier: Supplier | None) -> Response:
        pending = ProfileChangeRequest.objects.visible_to(request.user).pending().first()
        return Response(
            {
                "profile": s.SupplierOutput(supplier, context={"can_see_rates": False}).data if supplier else None,
                "pending_change": s.ProfileChangeOutput(pending).data if pending else None,
            }
        )

    @extend_schema(responses=s.OwnProfileOutput)
    def get(self, request: AuthenticatedApiRequest) -> Response:
        return self._answer(request, self._supplier(request))

    @extend_schema(request=s.ProfileInput, responses=s.OwnProfileOutput)
    def patch(self, request: AuthenticatedApiRequest) -> Response:
        supplier = self._supplier(request)
        if supplier is None:
            raise NotFound("Apply to join the DPS on your profile page first.")
        data = s.ProfileInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        pending = ProfileChangeRequest.objects.visible_to(request.user).pending().first()
        reviewed: Supplier | ProfileChangeRequest = pending or supplier  # a PATCH builds on what is asked for
        regions = values.pop("regions", None)
        lots = values.pop("lots", None)
        if "delivery_modes" in values:
            values["delivery_modes"] = " ".join(values["delivery_modes"])
        fields = {
            "legal_name": reviewed.legal_name,
            "seqohs_number": reviewed.seqohs_number,
            "accreditation_expires": reviewed.accreditation_expires,
            **{name: getattr(supplier, name) for name in services.IMMEDIATE_PROFILE_FIELDS},
            **values,
        }
        saved = services.save_profile(
            by=request.user,
            framework=supplier.framework,
            regions=selectors.regions(regions) if regions is not None else list(reviewed.regions.all()),
            lots=selectors.lots(supplier.framework, lots) if lots is not None else list(reviewed.lots.all()),
            **fields,
        )
        return self._answer(request, saved)


class ProfileChangeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Profile changes: framework admins see their DPS's and decide them; a supplier sees its own."""

    serializer_class = s.ProfileChangeOutput
    filterset_fields = ["status"]

    request: AuthenticatedApiRequest

    def get_queryset(self) -> QuerySet[ProfileChangeRequest]:
        return selectors.profile_changes(self.request.user)

    @extend_schema(request=s.ChangeDecisionInput, responses=s.ProfileChangeOutput)
    @action(detail=True, methods=["post"])
    def decide(self, request: AuthenticatedApiRequest, pk: str) -> Response:
        change = self.get_object()
        data = s.ChangeDecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        membership = request.user.active_membership
        if membership is None or membership.role != Role.FRAMEWORK_ADMIN:
            raise PermissionDenied("Only a framework administrator decides profile changes.")
        decided = services.decide_profile_change(
            change=change,
            by=request.user,
            approve=data.validated_data["decision"] == "approve",
            reason=data.validated_data["reason"],
        )
        return Response(s.ProfileChangeOutput(decided).data)

from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from organisations.roles import Role
from suppliers import services
from suppliers.filters import SupplierFilter
from suppliers.models import CallOff, ProfileChangeRequest, RateCard, Region, Supplier

from . import serializers as s


class SupplierViewSet(viewsets.ReadOnlyModelViewSet):
    """The DPS directory. Filters: lot, region, mode, accredited_on. Rates only for roles allowed to see them."""

    serializer_class = s.SupplierOutput
    filterset_class = SupplierFilter

    def get_queryset(self):  # type: ignore[no-untyped-def]
        rates = RateCard.objects.visible_to(self.request.user).select_related("lot")
        return (
            Supplier.objects.visible_to(self.request.user)
            .prefetch_related("regions", "lots", Prefetch("rates", queryset=rates, to_attr="visible_rates"))
            .distinct()
        )

    def get_serializer_context(self):  # type: ignore[no-untyped-def]
        context = super().get_serializer_context()
        context["can_see_rates"] = RateCard.objects.visible_to(self.request.user).exists()
        return context


class CallOffViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.CallOffOutput
    filterset_fields = ["status"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return CallOff.objects.visible_to(self.request.user).prefetch_related("lots")

    def _conflict(self, exc: services.FrameworkError) -> Response:
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)

    @extend_schema(request=s.CallOffInput, responses={201: s.CallOffOutput})
    def create(self, request: Request) -> Response:
        data = s.CallOffInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        supplier = get_object_or_404(Supplier.objects.visible_to(request.user), pk=values.pop("supplier").pk)
        signatory = get_object_or_404(User, pk=values.pop("client_signatory"))
        codes, values["lots"] = set(values["lots"]), list(supplier.framework.lots.filter(code__in=values["lots"]))
        if len(values["lots"]) != len(codes):
            raise ValidationError({"lots": ["Choose lots of the supplier's framework."]})
        try:
            call_off = services.raise_call_off(by=request.user, supplier=supplier, client_signatory=signatory, **values)
        except services.FrameworkError as exc:
            return self._conflict(exc)
        return Response(s.CallOffOutput(call_off).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.CallOffOutput)
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: str) -> Response:
        call_off = self.get_object()
        try:
            if call_off.status == "draft":
                services.send_for_signature(call_off=call_off, by=request.user)
            signed = services.sign(call_off=call_off, by=request.user)
        except services.FrameworkError as exc:
            return self._conflict(exc)
        return Response(s.CallOffOutput(signed).data)

    @extend_schema(request=s.TerminateInput, responses=s.CallOffOutput)
    @action(detail=True, methods=["post"])
    def terminate(self, request: Request, pk: str) -> Response:
        call_off = self.get_object()
        data = s.TerminateInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            ended = services.terminate(call_off=call_off, by=request.user, reason=data.validated_data["reason"])
        except services.FrameworkError as exc:
            return self._conflict(exc)
        return Response(s.CallOffOutput(ended).data)


class SupplierProfileView(APIView):
    """The signed-in supplier's own profile (approved values) and its pending change, if any."""

    def _supplier(self, request: Request) -> Supplier | None:
        membership = request.user.active_membership  # type: ignore[union-attr]
        if membership is None or membership.role != Role.SUPPLIER:
            raise PermissionDenied("Only a supplier has a DPS profile.")
        return Supplier.objects.filter(organisation=membership.organisation).first()

    def _answer(self, request: Request, supplier: Supplier | None) -> Response:
        pending = ProfileChangeRequest.objects.visible_to(request.user).pending().first()
        return Response(
            {
                "profile": s.SupplierOutput(supplier, context={"can_see_rates": False}).data if supplier else None,
                "pending_change": s.ProfileChangeOutput(pending).data if pending else None,
            }
        )

    @extend_schema(responses=s.OwnProfileOutput)
    def get(self, request: Request) -> Response:
        return self._answer(request, self._supplier(request))

    @extend_schema(request=s.ProfileInput, responses=s.OwnProfileOutput)
    def patch(self, request: Request) -> Response:
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
        try:
            services.save_profile(
                by=request.user,
                framework=supplier.framework,
                regions=list(Region.objects.filter(code__in=regions))
                if regions is not None
                else list(reviewed.regions.all()),
                lots=list(supplier.framework.lots.filter(code__in=lots))
                if lots is not None
                else list(reviewed.lots.all()),
                **fields,
            )
        except services.FrameworkError as exc:
            raise ValidationError({"detail": str(exc)}) from exc
        return self._answer(request, Supplier.objects.get(pk=supplier.pk))


class ProfileChangeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Profile changes: framework admins see their DPS's and decide them; a supplier sees its own."""

    serializer_class = s.ProfileChangeOutput
    filterset_fields = ["status"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return ProfileChangeRequest.objects.visible_to(self.request.user).prefetch_related("regions", "lots")

    @extend_schema(request=s.ChangeDecisionInput, responses=s.ProfileChangeOutput)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str) -> Response:
        change = self.get_object()
        data = s.ChangeDecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        if request.user.active_membership.role != Role.FRAMEWORK_ADMIN:  # type: ignore[union-attr]
            raise PermissionDenied("Only a framework administrator decides profile changes.")
        try:
            decided = services.decide_profile_change(
                change=change,
                by=request.user,
                approve=data.validated_data["decision"] == "approve",
                reason=data.validated_data["reason"],
            )
        except services.FrameworkError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        return Response(s.ProfileChangeOutput(decided).data)

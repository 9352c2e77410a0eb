from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from suppliers import services
from suppliers.filters import SupplierFilter
from suppliers.models import CallOff, RateCard, Supplier

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

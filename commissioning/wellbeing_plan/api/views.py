"""/api/v1/wellbeing-plan-actions/: the plan as the pages show it (rows by PlanAction.visible_to) and the same
services for writes, which refuse anyone but the plan's own board (409 with the reason)."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from ohwb_portal.requests import AuthenticatedApiRequest

from .. import selectors, services
from ..models import PlanAction
from . import serializers as s


class PlanActionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.PlanActionOutput
    filterset_fields = ["status"]
    request: AuthenticatedApiRequest

    def get_queryset(self) -> QuerySet[PlanAction]:
        return selectors.actions(user=self.request.user).order_by("organisation__name", "due_on", "pk")

    @extend_schema(request=s.PlanActionInput, responses={201: s.PlanActionOutput})
    def create(self, request: AuthenticatedApiRequest) -> Response:
        data = s.PlanActionInput(data=request.data)
        data.is_valid(raise_exception=True)
        added = services.add_action(by=request.user, **data.validated_data)
        return Response(s.PlanActionOutput(added).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.PlanActionUpdate, responses={200: s.PlanActionOutput})
    def partial_update(self, request: AuthenticatedApiRequest, pk: str) -> Response:
        plan_action = self.get_object()
        data = s.PlanActionUpdate(data=request.data)
        data.is_valid(raise_exception=True)
        updated = services.update_action(by=request.user, plan_action=plan_action, **data.validated_data)
        return Response(s.PlanActionOutput(updated).data)

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from audit.serializers import echo_of_write
from health_protection.surveillance import selectors, services
from health_protection.surveillance.models import Enrolment, Programme
from health_protection.surveillance.status import Status, status_filter
from ohwb_portal.requests import AuthenticatedApiRequest
from organisations.roles import Role

from . import serializers as s


class ProgrammeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The OH service's programmes, with how many of their staff are up to date, due and overdue."""

    serializer_class = s.ProgrammeOutput
    request: AuthenticatedApiRequest

    def get_queryset(self) -> QuerySet[Programme]:
        return selectors.programmes(user=self.request.user).order_by("pk")


STATUS_PARAMETER = OpenApiParameter("status", OpenApiTypes.STR, enum=Status.values, required=False)


@extend_schema_view(list=extend_schema(parameters=[STATUS_PARAMETER]))
class EnrolmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Who is under which programme and whether they are up to date. A manager sees their own staff's status and
    last outcome only; results are the clinicians' (`results`). A refused action is 409 (ohwb_portal.refusals)."""

    serializer_class = s.EnrolmentOutput
    request: AuthenticatedApiRequest

    def get_queryset(self) -> QuerySet[Enrolment]:
        found = selectors.enrolments(user=self.request.user)
        wanted = self.request.query_params.get("status", "")
        if self.action == "list" and wanted in Status.values:
            found = found.filter(status_filter(wanted, timezone.localdate()))
        return found.order_by("due_on", "pk")

    def _clinician_only(self) -> None:
        membership = self.request.user.active_membership
        if membership is None or membership.role != Role.CLINICIAN:
            raise PermissionDenied("Only the service's clinicians and nurses see surveillance results.")

    @extend_schema(responses=s.ResultOutput(many=True))
    @action(detail=True, methods=["get"])
    def results(self, request: AuthenticatedApiRequest, pk: str) -> Response:
        self._clinician_only()
        enrolment = self.get_object()
        found = selectors.results(user=request.user, enrolment=enrolment)
        return Response(s.ResultOutput(found, many=True, context=self.get_serializer_context()).data)

    @extend_schema(request=s.ResultInput, responses={201: s.ResultOutput})
    @action(detail=True, methods=["post"], url_path="record-result", url_name="record-result")
    def record_result(self, request: AuthenticatedApiRequest, pk: str) -> Response:
        self._clinician_only()
        enrolment = self.get_object()
        data = s.ResultInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.record_result(enrolment=enrolment, by=request.user, **data.validated_data)
        return Response(s.ResultOutput(result, context=echo_of_write(request)).data, status=status.HTTP_201_CREATED)

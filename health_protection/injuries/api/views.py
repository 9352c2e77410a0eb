"""/api/v1/injuries/: the same services, scoping and fields by role as the pages. A refused action (ActionRefused)
reaches DRF's handler: 409 with its message (ohwb_portal.refusals)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from audit.serializers import echo_of_write
from health_protection.injuries import selectors, services
from health_protection.injuries.models import FollowUpTest, InoculationInjury
from ohwb_portal.requests import AuthenticatedApiRequest
from organisations.roles import Role

from . import serializers as s

TEST = OpenApiParameter("test_pk", int, OpenApiParameter.PATH, description="The follow-up blood test's id")


class InjuryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    filterset_fields = ["status", "kind"]
    request: AuthenticatedApiRequest

    def get_queryset(self) -> QuerySet[InoculationInjury]:
        return selectors.injuries(user=self.request.user).prefetch_related("tests").order_by("-reported_at")

    def _role(self) -> str:
        membership = getattr(self.request.user, "active_membership", None)
        return membership.role if membership else ""

    def get_serializer_class(self) -> type[BaseSerializer]:
        # Schema generation has no user: it documents the clinician's fullest shape.
        if getattr(self, "swagger_fake_view", False):
            return s.ClinicianInjuryOutput
        return s.OUTPUTS.get(self._role(), s.ManagerInjuryOutput)

    def _now(self, injury: InoculationInjury, *, created: bool = False) -> Response:
        """The injury after an action, as this user sees it: the answer to their own write, not a read."""
        injury = self.get_queryset().get(pk=injury.pk)
        output = self.get_serializer_class()(injury, context=echo_of_write(self.request))
        return Response(output.data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(request=s.InjuryReportInput, responses={201: s.ClinicianInjuryOutput})
    def create(self, request: AuthenticatedApiRequest) -> Response:
        """Report an injury: the member of staff their own (the same day), or OH for someone it serves (`employee`)."""
        data = s.InjuryReportInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        employee_pk = fields.pop("employee", None)
        if self._role() == Role.EMPLOYEE:
            employee = selectors.own_staff_record(user=request.user)
            if employee is None:
                raise ValidationError(
                    {"employee": "Your staff record is not in the portal: phone occupational health."}
                )
        elif employee_pk is None:
            raise ValidationError({"employee": "Say which member of staff was injured."})
        else:
            employee = selectors.reportable_staff(user=request.user).filter(pk=employee_pk).first()
            if employee is None:
                raise ValidationError({"employee": "No member of staff you serve has this id."})
        injury = services.report_injury(by=request.user, employee=employee, **fields)
        return self._now(injury, created=True)

    @extend_schema(request=s.InjuryAssessInput, responses=s.ClinicianInjuryOutput)
    @action(detail=True, methods=["post"])
    def assess(self, request: AuthenticatedApiRequest, pk: str) -> Response:
        injury = self.get_object()  # another organisation's injury is a 404 whatever the body says
        data = s.InjuryAssessInput(data=request.data)
        data.is_valid(raise_exception=True)
        return self._now(services.assess(injury=injury, by=request.user, **data.validated_data))

    @extend_schema(request=s.InjurySourceRequestInput, responses=s.ClinicianInjuryOutput)
    @action(detail=True, methods=["post"], url_path="source/request", url_name="source-request")
    def source_request(self, request: AuthenticatedApiRequest, pk: str) -> Response:
        injury = self.get_object()
        data = s.InjurySourceRequestInput(data=request.data)
        data.is_valid(raise_exception=True)
        injury = services.request_source_status(injury=injury, by=request.user, **data.validated_data)
        return self._now(injury)

    @extend_schema(request=s.InjurySourceStatusInput, responses=s.ClinicianInjuryOutput)
    @action(detail=True, methods=["post"], url_path="source/status", url_name="source-status")
    def source_status(self, request: AuthenticatedApiRequest, pk: str) -> Response:
        injury = self.get_object()
        data = s.InjurySourceStatusInput(data=request.data)
        data.is_valid(raise_exception=True)
        injury = services.record_source_status(injury=injury, by=request.user, **data.validated_data)
        return self._now(injury)

    def _test(self, injury: InoculationInjury, test_pk: str) -> FollowUpTest:
        return get_object_or_404(FollowUpTest.objects.visible_to(self.request.user).filter(injury=injury), pk=test_pk)

    @extend_schema(request=s.InjuryBookingInput, responses=s.ClinicianInjuryOutput, parameters=[TEST])
    @action(detail=True, methods=["post"], url_path=r"tests/(?P<test_pk>\d+)/booking", url_name="test-booking")
    def booking(self, request: AuthenticatedApiRequest, pk: str, test_pk: str) -> Response:
        """Book (or move) one follow-up blood test."""
        injury = self.get_object()
        test = self._test(injury, test_pk)
        data = s.InjuryBookingInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.book_test(test=test, by=request.user, at=data.validated_data["at"])
        return self._now(injury)

    @extend_schema(request=s.InjuryResultInput, responses=s.ClinicianInjuryOutput, parameters=[TEST])
    @action(detail=True, methods=["post"], url_path=r"tests/(?P<test_pk>\d+)/results", url_name="test-results")
    def results(self, request: AuthenticatedApiRequest, pk: str, test_pk: str) -> Response:
        injury = self.get_object()
        test = self._test(injury, test_pk)
        data = s.InjuryResultInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.record_result(test=test, by=request.user, **data.validated_data)
        return self._now(injury)

    @extend_schema(request=None, responses=s.ClinicianInjuryOutput)
    @action(detail=True, methods=["post"])
    def close(self, request: AuthenticatedApiRequest, pk: str) -> Response:
        return self._now(services.close(injury=self.get_object(), by=request.user))

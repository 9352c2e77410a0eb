from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from ohwb_portal.requests import AuthenticatedApiRequest

from .. import selectors, services
from ..models import MaturityAssessment
from . import serializers as s

# A refused action (ActionRefused) reaches DRF's handler: 409 with its message (ohwb_portal.refusals).


class MaturityAssessmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Service maturity self-assessments, scoped by MaturityAssessment.visible_to: the service's own (drafts too),
    the submitted ones of the services serving the caller's organisation, and every submitted one for a framework
    admin. Evidence files are listed here and downloaded from the assessment's page."""

    serializer_class = s.AssessmentOutput
    filterset_fields = ["status", "service"]

    request: AuthenticatedApiRequest

    def get_queryset(self) -> QuerySet[MaturityAssessment]:
        return selectors.assessments(self.request.user).prefetch_related("ratings__files", "comments__organisation")

    @extend_schema(request=s.AssessmentInput, responses={201: s.AssessmentOutput})
    def create(self, request: AuthenticatedApiRequest) -> Response:
        data = s.AssessmentInput(data=request.data)
        data.is_valid(raise_exception=True)
        with transaction.atomic():
            assessment = services.start_assessment(by=request.user)
            for rating in data.validated_data["ratings"]:
                services.rate_domain(assessment=assessment, by=request.user, **rating)
        return Response(s.AssessmentOutput(self.get_queryset().get(pk=assessment.pk)).data, status=201)

    @extend_schema(request=None, responses=s.AssessmentOutput)
    @action(detail=True, methods=["post"])
    def submit(self, request: AuthenticatedApiRequest, pk: str) -> Response:
        """Submit the draft: every domain needs a level (409 with the domains missing, otherwise)."""
        submitted = services.submit(assessment=self.get_object(), by=request.user)
        return Response(s.AssessmentOutput(self.get_queryset().get(pk=submitted.pk)).data, status=status.HTTP_200_OK)

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.decorators import method_decorator
from django_ratelimit.decorators import ratelimit
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from assessments import selectors, services
from assessments.models import Assessment
from assessments.questionnaire import QUESTIONNAIRE_RATE_LIMIT, QuestionnaireForm
from ohwb_portal.client_address import client_address
from ohwb_portal.requests import AuthenticatedApiRequest
from organisations.roles import Role

from . import serializers as s


class AssessmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A refused action (ActionRefused) reaches DRF's handler: 409 with its message (ohwb_portal.refusals)."""

    filterset_fields = ["status", "outcome"]
    request: AuthenticatedApiRequest

    def get_queryset(self) -> QuerySet[Assessment]:
        return selectors.checks(user=self.request.user).select_related("response")

    def _is_clinician(self) -> bool:
        membership = getattr(self.request.user, "active_membership", None)
        return membership is not None and membership.role == Role.CLINICIAN

    def get_serializer_class(self) -> type[BaseSerializer]:
        # Schema generation has no user: it documents the clinician's fuller shape.
        if getattr(self, "swagger_fake_view", False) or self._is_clinician():
            return s.ClinicalAssessmentOutput
        return s.RecruiterAssessmentOutput

    def _shown(self, assessment: Assessment) -> dict[str, Any]:
        """The check as the recruiter's view shows it, read again through the scoped queryset (with its link's
        expiry) after a change."""
        fresh = self.get_queryset().get(pk=assessment.pk)
        return s.RecruiterAssessmentOutput(fresh, context=self.get_serializer_context()).data

    @extend_schema(request=s.StartCheckInput, responses={201: s.RecruiterAssessmentOutput})
    def create(self, request: AuthenticatedApiRequest) -> Response:
        data = s.StartCheckInput(data=request.data)
        data.is_valid(raise_exception=True)
        started = services.start_check(recruiter=request.user, **data.validated_data)
        return Response(self._shown(started.assessment), status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ClearanceInput, responses=s.RecruiterAssessmentOutput)
    @action(detail=True, methods=["post"])
    def clearance(self, request: AuthenticatedApiRequest, pk: str) -> Response:
        assessment = self.get_object()
        data = s.ClearanceInput(data=request.data)
        data.is_valid(raise_exception=True)
        cleared = services.clear(assessment=assessment, by=request.user, **data.validated_data)
        return Response(self._shown(cleared))

    @extend_schema(
        request=None,
        responses=s.RecruiterAssessmentOutput,
        description="Send the candidate a new questionnaire link; the old one stops working (as the page's button).",
    )
    @action(detail=True, methods=["post"], url_path="resend-link")
    def resend_link(self, request: AuthenticatedApiRequest, pk: str) -> Response:
        assessment = self.get_object()
        services.resend_link(assessment=assessment, by=request.user)
        return Response(self._shown(assessment))

    @extend_schema(
        request=None,
        responses=s.RecruiterAssessmentOutput,
        description="The candidate's link works a week longer (never more than four weeks ahead); they are told.",
    )
    @action(detail=True, methods=["post"], url_path="extend-link")
    def extend_link(self, request: AuthenticatedApiRequest, pk: str) -> Response:
        assessment = self.get_object()
        services.extend_link(assessment=assessment, by=request.user)
        return Response(self._shown(assessment))


@method_decorator(ratelimit(key=client_address, rate=QUESTIONNAIRE_RATE_LIMIT, block=False), name="dispatch")
class QuestionnaireView(APIView):
    """No account: the token in the address is the key. Single use, expiring, rate limited."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    def _link(self, request: Request, token: str) -> tuple[Any, Response | None]:
        if getattr(request._request, "limited", False):
            return None, Response({"detail": "Too many attempts. Wait 10 minutes."}, status=429)
        try:
            return services.resolve_link(token), None
        except services.LinkProblem as problem:
            messages = {
                "unknown": ("This link does not work.", 404),
                "used": ("This link has already been used.", 410),
                "expired": ("This link has expired.", 410),
            }
            text, code = messages[problem.kind]
            return None, Response({"detail": text}, status=code)

    @extend_schema(responses=s.QuestionnaireOutput)
    def get(self, request: Request, token: str) -> Response:
        link, problem = self._link(request, token)
        if problem:
            return problem
        assessment = link.assessment
        saved = selectors.saved_answers(assessment)
        form = QuestionnaireForm(exposure_prone=assessment.exposure_prone, require_all=False)
        return Response(
            {
                "job_role": assessment.job_role,
                "organisation": assessment.organisation.name,
                "exposure_prone": assessment.exposure_prone,
                "expires_at": link.expires_at,
                "answers": saved.answers if saved else {},
                "questions": [{"name": q.name, "label": q.label} for q in form.questions],
            }
        )

    @extend_schema(request=s.QuestionnaireInput, responses={200: None})
    def post(self, request: Request, token: str) -> Response:
        link, problem = self._link(request, token)
        if problem:
            return problem
        data = s.QuestionnaireInput(data=request.data)
        data.is_valid(raise_exception=True)
        submit = data.validated_data["submit"]
        form = QuestionnaireForm(
            data.validated_data["answers"], exposure_prone=link.assessment.exposure_prone, require_all=submit
        )
        if not form.is_valid():
            return Response({"errors": form.errors}, status=status.HTTP_400_BAD_REQUEST)
        services.save_answers(raw_token=token, answers=form.cleaned_data, submit=submit)
        return Response({"detail": "Sent to occupational health." if submit else "Saved. Finish later."})

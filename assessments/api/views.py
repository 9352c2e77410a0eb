from __future__ import annotations

from django.utils.decorators import method_decorator
from django_ratelimit.decorators import ratelimit
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from assessments import services
from assessments.models import Assessment, QuestionnaireResponse
from assessments.questionnaire import QuestionnaireForm
from assessments.views import QUESTIONNAIRE_RATE_LIMIT, client_address
from organisations.roles import Role

from . import serializers as s


class AssessmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    filterset_fields = ["status", "outcome"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return Assessment.objects.visible_to(self.request.user).select_related("response")

    def _is_clinician(self) -> bool:
        membership = getattr(self.request.user, "active_membership", None)
        return membership is not None and membership.role == Role.CLINICIAN

    def get_serializer_class(self):  # type: ignore[no-untyped-def]
        # Schema generation has no user: it documents the clinician's fuller shape.
        if getattr(self, "swagger_fake_view", False) or self._is_clinician():
            return s.ClinicalAssessmentOutput
        return s.RecruiterAssessmentOutput

    @extend_schema(request=s.StartCheckInput, responses={201: s.RecruiterAssessmentOutput})
    def create(self, request: Request) -> Response:
        data = s.StartCheckInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            started = services.start_check(recruiter=request.user, **data.validated_data)
        except services.AssessmentError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        return Response(s.RecruiterAssessmentOutput(started.assessment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ClearanceInput, responses=s.RecruiterAssessmentOutput)
    @action(detail=True, methods=["post"])
    def clearance(self, request: Request, pk: str) -> Response:
        assessment = self.get_object()
        data = s.ClearanceInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            cleared = services.clear(assessment=assessment, by=request.user, **data.validated_data)
        except services.AssessmentError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        return Response(s.RecruiterAssessmentOutput(cleared).data)


@method_decorator(ratelimit(key=client_address, rate=QUESTIONNAIRE_RATE_LIMIT, block=False), name="dispatch")
class QuestionnaireView(APIView):
    """No account: the token in the address is the key. Single use, expiring, rate limited."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    def _link(self, request: Request, token: str):  # type: ignore[no-untyped-def]
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
        saved = QuestionnaireResponse.objects.filter(assessment=assessment).first()
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

"""/api/v1/proactive/suggestions/: the line manager's "consider a referral" list and decisions, through the same
scoping (SupportSuggestion.objects.visible_to) and services as the pages. Everyone else gets an empty list or 404."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from commissioning.proactive import selectors, services
from commissioning.proactive.models import SupportSuggestion
from ohwb_portal.requests import AuthenticatedApiRequest

from . import serializers as s


class SuggestionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.SuggestionOutput
    filterset_fields = ["decision"]
    request: AuthenticatedApiRequest

    def get_queryset(self) -> QuerySet[SupportSuggestion]:
        return selectors.suggestions(user=self.request.user).order_by("-offered_at", "pk")

    @extend_schema(request=s.NotNowInput, responses=s.SuggestionOutput)
    @action(detail=True, methods=["post"], url_path="not-now", url_name="not-now")
    def not_now(self, request: AuthenticatedApiRequest, pk: str) -> Response:
        suggestion = self.get_object()
        data = s.NotNowInput(data=request.data)
        data.is_valid(raise_exception=True)
        decided = services.decide_not_now(suggestion=suggestion, by=request.user, reason=data.validated_data["reason"])
        return Response(s.SuggestionOutput(self.get_queryset().get(pk=decided.pk)).data)

    @extend_schema(request=None, responses={201: s.StartedReferralOutput})
    @action(detail=True, methods=["post"])
    def refer(self, request: AuthenticatedApiRequest, pk: str) -> Response:
        """Start the referral: a draft with the absence facts filled in, for the manager to complete and send."""
        suggestion = self.get_object()
        referral = services.start_referral(suggestion=suggestion, by=request.user)
        body = {
            "suggestion": s.SuggestionOutput(self.get_queryset().get(pk=suggestion.pk)).data,
            "referral": referral.pk,
        }
        return Response(body, status=status.HTTP_201_CREATED)

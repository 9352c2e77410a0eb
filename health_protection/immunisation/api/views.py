from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.serializers import echo_of_write
from health_protection.immunisation import actions, selectors, services
from health_protection.immunisation.models import Campaign, ImmunisationRecord
from health_protection.immunisation.services import VaccinationDetails
from ohwb_portal.requests import AuthenticatedApiRequest

from . import serializers as s


class ImmunisationRecordViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Staff immunisation records: the OH service holding them, and the member of staff their own."""

    serializer_class = s.ImmunisationRecordOutput
    request: AuthenticatedApiRequest

    def get_queryset(self) -> QuerySet[ImmunisationRecord]:
        return (
            selectors.records(user=self.request.user)
            .select_related("pre_employment_check")
            .prefetch_related("statuses", "entries")
            .order_by("pk")
        )


class CampaignViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Seasonal campaigns: the OH service running them, and the vaccinators named on them."""

    serializer_class = s.CampaignOutput
    filterset_fields = ["kind", "organisation"]
    request: AuthenticatedApiRequest

    def get_queryset(self) -> QuerySet[Campaign]:
        return selectors.campaigns(user=self.request.user).order_by("-starts_on", "pk")

    @extend_schema(responses=s.UptakeOutput)
    @action(detail=True, methods=["get"])
    def uptake(self, request: AuthenticatedApiRequest, pk: str) -> Response:
        """Uptake so far (counts, no person): for the OH service running the campaign."""
        campaign = self.get_object()
        actions.check_campaign(request.user, campaign, "see_uptake")
        today = timezone.localdate()
        figures = selectors.uptake(campaign, today)
        payload = {
            "on": figures.on,
            "target_percent": campaign.target_percent,
            "meets_target": figures.meets_target,
            "frontline": figures.frontline,
            "groups": list(figures.groups.values()),
            "other": figures.other,
            "weeks": selectors.weekly_uptake(campaign, today),
        }
        return Response(s.UptakeOutput(payload).data)


class VaccinationView(APIView):
    """Record a member of staff's outcome in a campaign: vaccinated (with consent, batch and arm), vaccinated
    elsewhere, or declined with the reason. A refused one (an expired batch, a campaign not running) is 409."""

    request: AuthenticatedApiRequest

    @extend_schema(request=s.VaccinationInput, responses={201: s.VaccinationOutput})
    def post(self, request: AuthenticatedApiRequest, pk: int, employee_pk: int) -> Response:
        campaign = get_object_or_404(selectors.campaigns(user=request.user), pk=pk)
        actions.check_campaign(request.user, campaign, "record_vaccination")
        person = selectors.campaign_person(campaign=campaign, pk=employee_pk)
        if person is None:
            return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
        data = s.VaccinationInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        batch_id, clinic_id = values.pop("batch", None), values.pop("clinic", None)
        batch = get_object_or_404(selectors.batches(user=request.user), pk=batch_id) if batch_id else None
        clinic = get_object_or_404(selectors.clinics(user=request.user), pk=clinic_id) if clinic_id else None
        vaccination = services.record_vaccination(
            by=request.user,
            campaign=campaign,
            employee=person,
            details=VaccinationDetails(**values, batch=batch),
            clinic=clinic,
        )
        output = s.VaccinationOutput(vaccination, context=echo_of_write(request))
        return Response(output.data, status=status.HTTP_201_CREATED)

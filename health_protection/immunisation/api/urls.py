"""API routes of this app, mounted under /api/v1/ by ohwb_portal/api/urls.py."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import CampaignViewSet, ImmunisationRecordViewSet, VaccinationView

router = SimpleRouter()
router.register("immunisation/records", ImmunisationRecordViewSet, basename="immunisation-record")
router.register("immunisation/campaigns", CampaignViewSet, basename="immunisation-campaign")

urlpatterns = [
    *router.urls,
    path(
        "immunisation/campaigns/<int:pk>/staff/<int:employee_pk>/vaccination/",
        VaccinationView.as_view(),
        name="immunisation-vaccination",
    ),
]

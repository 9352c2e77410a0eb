"""API routes of this app, mounted under /api/v1/ by ohwb_portal/api/urls.py."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import BookingViewSet, ClinicViewSet, WaitingListView

router = SimpleRouter()
router.register("clinics", ClinicViewSet, basename="clinic")
router.register("bookings", BookingViewSet, basename="booking")

urlpatterns = [*router.urls, path("waiting-list/", WaitingListView.as_view(), name="waiting-list")]

"""API routes of this app, mounted under /api/v1/ by ohwb_portal/api/urls.py."""

from rest_framework.routers import SimpleRouter

from .views import AppointmentViewSet, ReferralViewSet

router = SimpleRouter()
router.register("referrals", ReferralViewSet, basename="referral")
router.register("appointments", AppointmentViewSet, basename="appointment")

urlpatterns = router.urls

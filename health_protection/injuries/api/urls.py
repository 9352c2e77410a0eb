"""API routes of this app, mounted under /api/v1/ by ohwb_portal/api/urls.py."""

from rest_framework.routers import SimpleRouter

from .views import InjuryViewSet

router = SimpleRouter()
router.register("injuries", InjuryViewSet, basename="injury")

urlpatterns = router.urls

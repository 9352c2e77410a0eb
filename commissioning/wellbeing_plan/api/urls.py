"""API routes of this app, mounted under /api/v1/ by ohwb_portal/api/urls.py."""

from rest_framework.routers import SimpleRouter

from .views import PlanActionViewSet

router = SimpleRouter()
router.register("wellbeing-plan-actions", PlanActionViewSet, basename="wellbeing-plan-action")

urlpatterns = router.urls

"""API routes of this app, mounted under /api/v1/ by ohwb_portal/api/urls.py."""

from rest_framework.routers import SimpleRouter

from .views import MaturityAssessmentViewSet

router = SimpleRouter()
router.register("maturity-assessments", MaturityAssessmentViewSet, basename="maturity-assessment")

urlpatterns = router.urls

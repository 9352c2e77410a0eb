"""API routes of this app, mounted under /api/v1/ by ohwb_portal/api/urls.py."""

from rest_framework.routers import SimpleRouter

from .views import EnrolmentViewSet, ProgrammeViewSet

router = SimpleRouter()
router.register("surveillance/programmes", ProgrammeViewSet, basename="surveillance-programme")
router.register("surveillance/enrolments", EnrolmentViewSet, basename="surveillance-enrolment")

urlpatterns = router.urls

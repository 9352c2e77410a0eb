"""API routes of this app, mounted under /api/v1/ by ohwb_portal/api/urls.py."""

from rest_framework.routers import SimpleRouter

from .views import EmployeeViewSet, OrganisationViewSet

router = SimpleRouter()
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("employees", EmployeeViewSet, basename="employee")

urlpatterns = router.urls

"""/api/v1/: each app registers its viewsets on the one router here."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from organisations.api.views import EmployeeViewSet, OrganisationViewSet

router = DefaultRouter()
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("employees", EmployeeViewSet, basename="employee")

urlpatterns = [
    path("", include(router.urls)),
]

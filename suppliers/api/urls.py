"""API routes of this app, mounted under /api/v1/ by ohwb_portal/api/urls.py."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import CallOffViewSet, ProfileChangeViewSet, SupplierProfileView, SupplierViewSet

router = SimpleRouter()
router.register("suppliers", SupplierViewSet, basename="supplier")
router.register("call-offs", CallOffViewSet, basename="call-off")
router.register("supplier-changes", ProfileChangeViewSet, basename="supplier-change")

urlpatterns = [path("supplier-profile/", SupplierProfileView.as_view(), name="supplier-profile"), *router.urls]

"""API routes of this app, mounted under /api/v1/ by ohwb_portal/api/urls.py."""

from rest_framework.routers import SimpleRouter

from .views import CallOffViewSet, SupplierViewSet

router = SimpleRouter()
router.register("suppliers", SupplierViewSet, basename="supplier")
router.register("call-offs", CallOffViewSet, basename="call-off")

urlpatterns = router.urls

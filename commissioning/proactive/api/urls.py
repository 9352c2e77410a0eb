"""API routes of this app, mounted under /api/v1/ by ohwb_portal/api/urls.py."""

from rest_framework.routers import SimpleRouter

from .views import SuggestionViewSet

router = SimpleRouter()
router.register("proactive/suggestions", SuggestionViewSet, basename="proactive-suggestion")

urlpatterns = router.urls

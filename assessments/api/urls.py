"""API routes of this app, mounted under /api/v1/ by ohwb_portal/api/urls.py."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import AssessmentViewSet, QuestionnaireView

router = SimpleRouter()
router.register("assessments", AssessmentViewSet, basename="assessment")

urlpatterns = [
    *router.urls,
    path("questionnaires/<str:token>/", QuestionnaireView.as_view(), name="questionnaire-api"),
]

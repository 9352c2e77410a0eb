"""/api/v1/: each app's api/urls.py is mounted here, so apps add endpoints without editing this file."""

from django.urls import include, path
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

API_APPS = [
    "organisations",
    "notifications",
    "referrals",
    "assessments",
    "suppliers",
    "metrics",
    "health_protection.surveillance",
    "clinics",
    "health_protection.injuries",
    "health_protection.immunisation",
    "commissioning.wellbeing_plan",
    "commissioning.proactive",
    "commissioning.maturity",
]


@extend_schema(exclude=True)
@api_view(["GET"])
def api_root(request: Request) -> Response:
    """Links to the schema and documentation; every resource is listed in the schema."""
    return Response(
        {
            "schema": reverse("api-schema", request=request),
            "docs": reverse("api-docs", request=request),
        }
    )


urlpatterns = [path("", api_root, name="api-root")] + [path("", include(f"{app}.api.urls")) for app in API_APPS]

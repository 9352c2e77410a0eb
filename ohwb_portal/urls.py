from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import views as account_views

from . import views

urlpatterns = [
    path("", account_views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("organisations/", include("organisations.urls")),
    path("notifications/", include("notifications.urls")),
    path("audit/", include("audit.urls")),
    path("referrals/", include("referrals.urls")),
    path("assessments/", include("assessments.urls")),
    path("suppliers/", include("suppliers.urls")),
    path("surveillance/", include("health_protection.surveillance.urls")),
    path("injuries/", include("health_protection.injuries.urls")),
    path("wellbeing-plan/", include("commissioning.wellbeing_plan.urls")),
    path("metrics/", include("metrics.urls")),
    path("clinics/", include("clinics.urls")),  # clinics and bookings
    path("immunisation/", include("health_protection.immunisation.urls")),
    path("proactive/", include("commissioning.proactive.urls")),
    path("maturity/", include("commissioning.maturity.urls")),  # service maturity
    path("healthz", views.healthz, name="healthz"),
    path("livez", views.livez, name="livez"),
    path("api/v1/", include("ohwb_portal.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI from the portal itself (drf-spectacular-sidecar), its initialiser fetched as a script of ours:
    # the portal's CSP holds on this page too.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="ohwb_portal/api_docs.html"),
        name="api-docs",
    ),
    path("admin/", admin.site.urls),
]

if settings.OIDC_ENABLED:
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))

handler400 = "ohwb_portal.views.bad_request"
handler403 = "ohwb_portal.views.permission_denied"
handler404 = "ohwb_portal.views.page_not_found"
# Needs no database or session, so it still answers when those are down.
handler500 = "ohwb_portal.errors.server_error"

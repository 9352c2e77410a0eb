"""The portal's URLs with single sign-on mounted, as when OIDC_ENABLED is set."""

from django.urls import include, path

from ohwb_portal.urls import urlpatterns as portal_urlpatterns

urlpatterns = [*portal_urlpatterns, path("oidc/", include("mozilla_django_oidc.urls"))]

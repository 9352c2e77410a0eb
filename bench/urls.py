"""URLs under the bench settings only (ohwb_portal/settings/bench.py): the portal's own plus the control page.
The portal's URL configuration never names it, so production and the authorization matrix never see it."""

from django.urls import path

from ohwb_portal.urls import handler400, handler403, handler404, handler500
from ohwb_portal.urls import urlpatterns as portal_urlpatterns

from . import views

FORTUNES_PATH = "bench/fortunes/"

urlpatterns = [*portal_urlpatterns, path(FORTUNES_PATH, views.fortunes, name="bench-fortunes")]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]

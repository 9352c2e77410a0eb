"""Probes answered before sessions, authentication and host checks: /livez must never touch the database,
and /healthz must report an outage as JSON even when the probe (or a person) sends a session cookie.
The operators' metrics scrape is answered here too: it needs its token, never a session."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from . import views
from .observability import metrics

PROBES: dict[str, Callable[[HttpRequest], HttpResponse]] = {
    "/livez": views.livez,
    "/healthz": views.healthz,
    metrics.PATH: metrics.metrics_view,
}


class ProbeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path)
        if probe is not None and request.method in ("GET", "HEAD"):
            return probe(request)
        return self.get_response(request)

"""Site-wide views: health check and accessible error pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from .health import health


def healthz(request: HttpRequest) -> JsonResponse:
    """Database, Redis and worker status; 503 when any is down (for load balancers and monitoring)."""
    healthy, checks = health()
    return JsonResponse({"status": "ok" if healthy else "down", "checks": checks}, status=200 if healthy else 503)


def livez(request: HttpRequest) -> HttpResponse:
    """The process is up and serving; touches no database or cache, so a restart is not triggered by an outage
    elsewhere (healthz reports those). Also the bare Django view the load benchmark compares pages against."""
    return HttpResponse("ok", content_type="text/plain")


def _error(request: HttpRequest, status: int, title: str, body: str) -> HttpResponse:
    return render(request, "errors/error.html", {"title": title, "body": body, "status": status}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400, "Sorry, there is a problem with this request", "Go back and try again.")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(
        request,
        403,
        "You do not have permission to see this page",
        "Your role does not give access to it. If you think it should, ask your organisation's administrator.",
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(
        request,
        404,
        "Page not found",
        "If you typed the web address, check it is correct. If you pasted it, check you copied all of it.",
    )

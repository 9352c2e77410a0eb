"""The answers to a request that failed on the server: 500 for a bug, 503 when the database is out of reach.

They need no database, no session and no request context, because those are what fail in an outage: a page
gets the static NHS.UK error page, the API gets JSON. A database outage is logged as one line a request, not a
traceback (a stopped PostgreSQL once wrote 7.7 MB of log in 20 s); a bug keeps Django's traceback.
"""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import get_template
from django.templatetags.static import static

logger = logging.getLogger("ohwb_portal.errors")

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 60
UNAVAILABLE = "The service is temporarily unavailable. Try again in a few minutes."
BROKEN = "Sorry, there is a problem with the service."
_PAGE_LINES = {
    500: [
        "Try again later. Nothing you saved before this page has been lost.",
        "If the problem continues, contact your organisation's IT service desk.",
    ],
    503: [
        "The service is temporarily unavailable. Try again in a few minutes.",
        "Nothing you saved before this page has been lost.",
        "If the problem continues, contact your organisation's IT service desk.",
    ],
}
_pages: dict[int, str] = {}


def _stylesheet() -> str:
    try:
        return static("nhsuk/nhsuk-frontend.min.css")
    except ValueError:  # the manifest is missing: still an error page, unstyled
        return ""


def _page(status: int) -> str:
    """Rendered once per status and kept: later outages do no template work at all."""
    if status not in _pages:
        # No request given, so no context processors run (they read the session and the database).
        try:
            _pages[status] = get_template("errors/500.html").render(
                {"title": BROKEN.removesuffix("."), "lines": _PAGE_LINES[status], "stylesheet": _stylesheet()}
            )
        except Exception:  # noqa: BLE001 - an error page that fails would leave gunicorn's bare text
            logger.exception("The error page could not be rendered")
            paragraphs = "".join(f"<p>{line}</p>" for line in _PAGE_LINES[status])
            return f'<!DOCTYPE html><html lang="en-GB"><title>{BROKEN}</title><h1>{BROKEN}</h1>{paragraphs}</html>'
    return _pages[status]


def _answer(request: HttpRequest, status: int, detail: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": detail}, status=status)
    return HttpResponse(_page(status), status=status, content_type="text/html; charset=utf-8")


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [""])[0][:200]


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: Django calls it inside the `except` for the exception, so sys.exc_info() names it."""
    exc = sys.exc_info()[1]
    if not isinstance(exc, DATABASE_ERRORS):
        return _answer(request, 500, BROKEN)
    response = _answer(request, 503, UNAVAILABLE)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    if not getattr(request, "_ohwb_outage_logged", False):  # a second failure in the same request: no new line
        logger.error(
            "Database unavailable, answered 503: %s %s (%s: %s)",
            request.method,
            request.path,
            type(exc).__name__,
            _first_line(exc),
        )
        request._ohwb_outage_logged = True  # type: ignore[attr-defined]
    response._has_been_logged = True  # type: ignore[attr-defined]  # Django's own line would carry the traceback
    return response

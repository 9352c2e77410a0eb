"""The address a rate limit counts by, one rule for every page and API that limits anonymous requests."""

from __future__ import annotations

from django.http import HttpRequest


def client_address(group: str, request: HttpRequest) -> str:
    """The address limits count by. Behind a proxy, set REMOTE_ADDR from the proxy's header there."""
    return str(request.META.get("REMOTE_ADDR") or "unknown")

"""The load run's control page: one query, a dozen rows, sorted, rendered in the portal's base layout, for a
signed-out visitor. Server CPU per request of the portal's pages is reported as a multiple of this page's."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors


def fortunes(request: HttpRequest) -> HttpResponse:
    return render(request, "bench/fortunes.html", {"fortunes": selectors.fortunes()})

"""A refused action: the one error type a domain raises when its rules stop a change, and the two ways it reaches
a person.

Services raise a subclass of `ActionRefused` whose message says why in the user's words. The API turns it into
409 with that message (`api_exception_handler`, set in REST_FRAMEWORK); a page shows it on the form that asked
(`shown_on`) or, for a button with no form, as a message on the page it returns to (`shown_as_message`). Views
write no `except` of their own for refusals.

Files written while a refused action ran are removed with its rolled-back rows: both helpers wrap the block in
`files_removed_on_failure`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib import messages
from django.http import HttpRequest
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from ohwb_portal.storage import StorageError, files_removed_on_failure


class ActionRefused(Exception):
    """A rule stops this change; the message says why in the words of the person who asked."""


# A file the disk would not take is refused the same way: nothing was saved, and the person is told so.
REFUSALS = (ActionRefused, StorageError)


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus: a refused action is 409 Conflict with its message."""
    if isinstance(exc, REFUSALS):
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    return exception_handler(exc, context)


@contextmanager
def shown_on(form: Any) -> Iterator[None]:
    """Run the block; if it is refused, the reason becomes an error at the top of `form` and the block ends.

    if form.is_valid():
        with shown_on(form):
            case = services.create(...)
            return redirect(case)
    return render(request, template, {"form": form})
    """
    try:
        with files_removed_on_failure():
            yield
    except REFUSALS as exc:
        form.add_error(None, str(exc))


@contextmanager
def shown_as_message(request: HttpRequest) -> Iterator[None]:
    """Run the block; if it is refused, the reason is shown as an error message on the next page."""
    try:
        with files_removed_on_failure():
            yield
    except REFUSALS as exc:
        messages.error(request, str(exc))

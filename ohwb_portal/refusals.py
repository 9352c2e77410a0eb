"""A refused action: the one error type a domain raises when its rules stop a change, and the two ways it reaches
a person.

Services raise a subclass of `ActionRefused` whose message says why in the user's words, and may name the input the
refusal is about (`field`, e.g. "month" when a monthly return is for a month outside the agreement). The API turns
it into 409 with that message, and the field when there is one (`api_exception_handler`, set in REST_FRAMEWORK); a
page shows it on the form that asked (`shown_on`: on that field when the form has it, so the error summary links to
it, otherwise at the top of the form) or, for a button with no form, as a message on the page it returns to
(`shown_as_message`). Views write no `except` of their own for refusals.

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
    """A rule stops this change; the message says why in the words of the person who asked.

    `field` names the input the refusal is about, as the service's keyword argument calls it (which the forms and
    serializers that call the service use too), or is None for a refusal of the whole change."""

    def __init__(self, message: str = "", *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


# A file the disk would not take is refused the same way: nothing was saved, and the person is told so.
REFUSALS = (ActionRefused, StorageError)


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus: a refused action is 409 Conflict with its message."""
    if isinstance(exc, REFUSALS):
        body = {"detail": str(exc)}
        field = getattr(exc, "field", None)
        if field:
            body["field"] = field
        return Response(body, status=status.HTTP_409_CONFLICT)
    return exception_handler(exc, context)


@contextmanager
def shown_on(form: Any) -> Iterator[None]:
    """Run the block; if it is refused, the reason becomes an error on the refused field of `form` (when the
    refusal names one the form has) or at the top of `form`, and the block ends.

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
        field = getattr(exc, "field", None)
        form.add_error(field if field in form.fields else None, str(exc))


@contextmanager
def shown_as_message(request: HttpRequest) -> Iterator[None]:
    """Run the block; if it is refused, the reason is shown as an error message on the next page."""
    try:
        with files_removed_on_failure():
            yield
    except REFUSALS as exc:
        messages.error(request, str(exc))

"""Optional error reporting with sentry-sdk: off unless SENTRY_DSN is set. Health data never leaves: no
personal data, no request bodies, cookies, query strings or headers, no local variables from stack frames."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # sentry-sdk is optional at run time; its types are for the checker
    from sentry_sdk.types import Event, Hint

_KEEP_REQUEST = ("url", "method")


def scrub_event(event: Event, hint: Hint) -> Event | None:
    request = event.get("request")
    if isinstance(request, dict):
        event["request"] = {key: request[key] for key in _KEEP_REQUEST if key in request}
    event.pop("user", None)
    event.pop("breadcrumbs", None)  # log messages and SQL from before the error may name a person
    return event


def init(dsn: str, *, environment: str, release: str | None) -> None:
    if not dsn:
        return
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        before_send=scrub_event,
        traces_sample_rate=0,
        integrations=[DjangoIntegration(), CeleryIntegration()],
    )

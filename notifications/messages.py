"""Message templates live in one place: notifications/templates/notifications/messages/<key>.txt.

The first line of a template is the e-mail subject (and the in-portal title); the rest is the body.
Templates receive only the context given to `queue_message` and must not carry health details.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    body: str


def render_message(template: str, context: dict[str, object]) -> RenderedMessage:
    text = render_to_string(f"notifications/messages/{template}.txt", context).strip()
    subject, _, body = text.partition("\n")
    return RenderedMessage(subject=subject.strip(), body=body.strip())

"""Single-use links for people who do not sign in to answer (a candidate's health questionnaire, an employee's
work ability score): an unguessable token in the address, of which only the SHA-256 is stored, so a leaked
database gives no working links. A link is unknown (or replaced), used, or expired, and says only which."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import Protocol, TypeVar

from django.utils import timezone


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """A fresh token for the address, and the hash to store."""
    raw = secrets.token_urlsafe(32)
    return raw, hash_token(raw)


class LinkProblem(Exception):
    """The link cannot be used. `kind` is unknown, used or expired; nothing else is revealed."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


# What each problem answers with: a link that never was (or was replaced) is not found; one that was is gone.
STATUS = {"unknown": 404, "used": 410, "expired": 410}


class Link(Protocol):
    @property
    def expires_at(self) -> datetime: ...
    @property
    def used_at(self) -> datetime | None: ...
    @property
    def revoked_at(self) -> datetime | None: ...


L = TypeVar("L", bound=Link)


def usable(link: L | None) -> L:
    """The link, if it can be used; refused (LinkProblem) if it is unknown, replaced, used or past its expiry."""
    if link is None or link.revoked_at is not None:
        raise LinkProblem("unknown")
    if link.used_at is not None:
        raise LinkProblem("used")
    if link.expires_at <= timezone.now():
        raise LinkProblem("expired")
    return link

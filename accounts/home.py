"""What each role's home page offers: first what is waiting for the user (with counts), then links to the role's work.

Apps add their entries with `register_work` and `register_waiting` (in their home.py); a link whose URL does not
exist (yet) is left out. A waiting item's count is the length of the list its link opens, so the two agree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple
from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse

from organisations.roles import Role


@dataclass(frozen=True)
class WorkLink:
    title: str
    description: str
    url_name: str


@dataclass(frozen=True)
class WaitingWork:
    """Things waiting for the user: how many (one query or two, whatever the number), and the list they are on."""

    one: str  # "referral waiting for triage"
    many: str  # "referrals waiting for triage"
    url_name: str
    count: Callable[[Any], int]
    query: Callable[[Any], dict[str, str]] | None = None  # the list's filters, for this user
    urgent: bool = False  # shown first, tagged "Urgent" (an inoculation injury waiting for its risk assessment)

    def label(self, count: int) -> str:
        return f"{count} {self.one if count == 1 else self.many}"

    def url(self, user: Any) -> str:
        query = self.query(user) if self.query else {}
        return reverse(self.url_name) + (f"?{urlencode(query)}" if query else "")


_WORK: dict[str, list[WorkLink]] = {role: [] for role in Role.values}
_WAITING: dict[str, list[WaitingWork]] = {role: [] for role in Role.values}


def register_work(roles: list[str], link: WorkLink) -> None:
    for role in roles:
        if link not in _WORK[role]:
            _WORK[role].append(link)


def register_waiting(roles: list[str], item: WaitingWork) -> None:
    for role in roles:
        if item not in _WAITING[role]:
            _WAITING[role].append(item)


class Waiting(NamedTuple):
    label: str
    url: str
    urgent: bool


def waiting_for(user: Any, membership: object | None) -> list[Waiting]:
    """Each kind of work waiting for the user in their acting role, urgent kinds first; kinds with none are left
    out."""
    if membership is None:
        return []
    waiting = []
    for item in _WAITING[membership.role]:  # type: ignore[attr-defined]
        count = item.count(user)
        if count:
            waiting.append(Waiting(item.label(count), item.url(user), item.urgent))
    return sorted(waiting, key=lambda w: not w.urgent)


def work_for(membership: object | None) -> list[tuple[WorkLink, str]]:
    if membership is None:
        return []
    links = []
    for link in _WORK[membership.role]:  # type: ignore[attr-defined]
        try:
            links.append((link, reverse(link.url_name)))
        except NoReverseMatch:
            continue
    return links

"""What each role's home page offers: links to that role's work.

Apps add their entries with `register_work`; a link whose URL does not exist (yet) is left out.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from organisations.roles import Role


@dataclass(frozen=True)
class WorkLink:
    title: str
    description: str
    url_name: str


_WORK: dict[str, list[WorkLink]] = {role: [] for role in Role.values}


def register_work(roles: list[str], link: WorkLink) -> None:
    for role in roles:
        if link not in _WORK[role]:
            _WORK[role].append(link)


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

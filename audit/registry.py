"""What each domain holding personal records tells audit: how its records are retired when their retention period
ends (audit.retention), and what its section of a subject access export holds (audit.subject_access).

audit sits below the domains whose records it sweeps and exports, so it imports none of them: each domain
registers its own rule and section from its AppConfig.ready (referrals/records.py, assessments/records.py), the
way apps register work links in their home.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

if TYPE_CHECKING:  # for the annotation only
    from accounts.models import User
    from organisations.models import Employee, Membership, Organisation


@dataclass(frozen=True)
class Retention:
    """One record type of settings.OHWB_RETENTION."""

    record_type: str
    # The records whose period ended before the cutoff and that are not yet done, in primary-key order.
    due: Callable[[datetime], QuerySet[Any]]
    # Retire one record inside its own savepoint, as the rule's action ("anonymise" or "delete") says.
    retire: Callable[[Any, str], None]


@dataclass
class Exporting:
    """The export being made: who asks, about whom, from which side; sections add the records they show."""

    user: User
    employee: Employee
    membership: Membership
    organisation: Organisation
    oh_side: bool  # the exporter acts for an OH service, not the employer
    shown: list[Any] = field(default_factory=list)  # the records shown, for the access log


def _nothing_left_out(exporting: Exporting) -> list[str]:
    return []


@dataclass(frozen=True)
class ExportSection:
    """One part of the subject access document, under `key`; sections appear in `position` order."""

    key: str
    position: int
    build: Callable[[Exporting], Any]
    # Lines for the document's "not included" list: what this domain holds that the export leaves out.
    not_included: Callable[[Exporting], list[str]] = _nothing_left_out


_RETENTION: dict[str, Retention] = {}
_SECTIONS: dict[str, ExportSection] = {}


def register_retention(rule: Retention) -> None:
    _RETENTION[rule.record_type] = rule


def retention_for(record_type: str) -> Retention | None:
    return _RETENTION.get(record_type)


def register_export_section(section: ExportSection) -> None:
    _SECTIONS[section.key] = section


def export_sections() -> list[ExportSection]:
    return sorted(_SECTIONS.values(), key=lambda section: section.position)

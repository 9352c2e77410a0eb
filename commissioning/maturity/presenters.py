"""Display values: the levels of assessments side by side, per domain, and the history chart."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .models import LEVEL_RANK, Domain, Level, MaturityAssessment


@dataclass(frozen=True)
class DomainRow:
    domain: str
    levels: list[str]  # one per assessment, in words ("Not rated" where none)


def _levels_by_domain(assessment: MaturityAssessment) -> dict[str, str]:
    return {rating.domain: rating.level for rating in assessment.ratings.all()}


def level_rows(assessments: list[MaturityAssessment]) -> list[DomainRow]:
    """A row per domain of the framework, a column per assessment."""
    by_assessment = [_levels_by_domain(a) for a in assessments]
    return [
        DomainRow(label, [Level(levels[code]).label if levels.get(code) else "Not rated" for levels in by_assessment])
        for code, label in Domain.choices
    ]


def levels_in_words(assessment: MaturityAssessment | None) -> list[tuple[str, str]]:
    """(domain, level) in words for one assessment, in the framework's order; empty when there is none."""
    if assessment is None:
        return []
    levels = _levels_by_domain(assessment)
    return [(label, Level(levels[code]).label if levels.get(code) else "Not rated") for code, label in Domain.choices]


def ranks(assessments: list[MaturityAssessment]) -> dict[str, list[int | None]]:
    """Each domain's level as 1 (core) to 4 (exemplary) across the assessments: the chart's series."""
    by_assessment = [_levels_by_domain(a) for a in assessments]
    return {label: [LEVEL_RANK.get(levels.get(code, "")) for levels in by_assessment] for code, label in Domain.choices}


@dataclass(frozen=True)
class ServiceHistory:
    service: str
    assessments: list[MaturityAssessment]
    rows: list[DomainRow]


def report_sections(history: list[tuple[Any, list[MaturityAssessment]]]) -> list[ServiceHistory]:
    """The board report's section: a table per service, a column per submitted assessment."""
    return [ServiceHistory(service.name, made, level_rows(made)) for service, made in history]

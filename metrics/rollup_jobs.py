"""The KPI rollup split into short jobs, so that no task runs anywhere near the broker's visibility timeout.

A job is one month of every scope: each KPI is computed for all scopes at once in grouped queries
(metrics.grouped), so a month of the whole country is a few seconds' work, where one query per scope made it
minutes. The organisations are listed ICSs' members first, then the ICS, then organisations in no ICS, as the
order they were once rolled up in (an ICS is added up from its members' figures). A job upserts its rows, so
running it twice, or two copies at once, writes the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .rollups import rollup_all
from .scopes import ScopeKind
from .selectors import all_scopes


@dataclass(frozen=True)
class RollupJob:
    organisation_ids: tuple[int, ...]  # in the order they are rolled up
    month: date


def plan(months: list[date]) -> list[RollupJob]:
    scopes = all_scopes()
    ics_ids = {scope.organisation.pk for scope in scopes if scope.kind == ScopeKind.ICS}
    groups: dict[int, list[int]] = {ics_id: [] for ics_id in ics_ids}
    alone: list[tuple[int, ...]] = []
    for scope in scopes:
        if scope.kind == ScopeKind.ICS:
            continue
        ics_id = scope.organisation.ics_id
        if ics_id is not None and ics_id in ics_ids:
            groups[ics_id].append(scope.organisation.pk)
        else:
            alone.append((scope.organisation.pk,))
    ordered: list[tuple[int, ...]] = [(*sorted(members), ics_id) for ics_id, members in sorted(groups.items())]
    ordered += sorted(alone)
    everyone = tuple(pk for ids in ordered for pk in ids)
    return [RollupJob(everyone, month) for month in months]


def run(job: RollupJob) -> int:
    """Roll up one job; returns the rows written (an organisation removed since the plan was made is skipped)."""
    return rollup_all([job.month], organisation_ids=job.organisation_ids)

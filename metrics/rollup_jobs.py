"""The KPI rollup split into short jobs, so that no task runs anywhere near the broker's visibility timeout.

A job is one month of one group of organisations: an ICS with its members (members first, since an ICS is
added up from their fresh rows), or an organisation in no ICS on its own. Every organisation is in exactly one
group. A job upserts its rows, so running it twice, or two copies at once, writes the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from organisations.models import Organisation

from .rollups import rollup, rollup_from_members
from .scopes import ScopeKind, scope_for
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
    return [RollupJob(ids, month) for month in months for ids in ordered]


def run(job: RollupJob) -> int:
    """Roll up one job; returns the rows written."""
    organisations = Organisation.objects.in_bulk(job.organisation_ids)
    written = 0
    for pk in job.organisation_ids:
        if pk not in organisations:
            continue  # removed since the plan was made
        scope = scope_for(organisations[pk])
        if scope.kind == ScopeKind.ICS:
            written += rollup_from_members(scope, [job.month])
        else:
            written += rollup(scope, [job.month])
    return written

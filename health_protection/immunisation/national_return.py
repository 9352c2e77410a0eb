"""The national return of a campaign's uptake, in the layout of the frontline healthcare worker survey (ImmForm):
cumulative from the campaign's start (1 September for flu) to the end of a month, per trust, with, for each of the
four staff groups and in total, the frontline staff with direct patient care (the denominator) and those of them
vaccinated (the numerator). Vaccinated here and vaccinated elsewhere both count, as the survey asks.

Figures are not suppressed: the return is the trust's own submission of its own counts, made by its OH service.
"""

from __future__ import annotations

import calendar
from datetime import date

from .frontline import ReturnGroup
from .models import Campaign
from .selectors import uptake

HEADINGS = ("frontline healthcare workers with direct patient care", "vaccinated since {start}")


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def return_months(campaign: Campaign, today: date) -> list[tuple[str, str]]:
    """(value, label) of each month a return can be made for: from the campaign's first month to this month (a month
    not over yet counts to today), never past the campaign's end."""
    months, day = [], campaign.starts_on.replace(day=1)
    last = min(today, campaign.ends_on)
    while day <= last:
        months.append((f"{day:%Y-%m}", f"{day:%B %Y}"))
        day = _next_month(day)
    return months


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def chosen_month_end(campaign: Campaign, month: str | None, today: date) -> date:
    """The last day the return counts: the chosen month's end (or today in this month), within the campaign."""
    last = min(today, campaign.ends_on)
    try:
        year, number = (int(part) for part in (month or "").split("-"))
        chosen = _month_end(date(year, number, 1))
    except ValueError:
        chosen = last
    return max(min(chosen, last), campaign.starts_on)


def file_name(campaign: Campaign, month_end: date) -> str:
    return f"{campaign.kind}-uptake-{campaign.organisation.ods_code}-{month_end:%Y-%m-%d}.csv"


def rows(campaign: Campaign, month_end: date) -> list[list[object]]:
    figures = uptake(campaign, month_end)
    start = f"{campaign.starts_on:%-d %B %Y}"
    header: list[object] = ["Survey period", "Organisation code", "Organisation name", "Vaccine"]
    row: list[object] = [
        f"{campaign.starts_on:%-d %B %Y} to {month_end:%-d %B %Y}",
        campaign.organisation.ods_code,
        campaign.organisation.name,
        campaign.get_kind_display(),
    ]
    groups = [(str(ReturnGroup(g).label), figures.groups[g]) for g in ReturnGroup.values]
    for label, group in [*groups, ("Total", figures.frontline)]:
        header += [f"{label}: {HEADINGS[0]}", f"{label}: {HEADINGS[1].format(start=start)}"]
        row += [group.staff, group.vaccinated]
    return [header, row]

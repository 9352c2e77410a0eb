"""Run the nightly KPI rollup now: after an install, an import of history, or to time it."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from metrics import rollups, selectors
from metrics.periods import last_months


class Command(BaseCommand):
    help = "Recompute the monthly KPI rollups the dashboards read (the nightly rollup_kpis task, in this process)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--months", type=int, default=13, help="How many months back, this month included")

    def handle(self, *args: Any, months: int, **options: Any) -> None:
        began = time.monotonic()
        rows = rollups.rollup_all(last_months(months))
        seconds = time.monotonic() - began
        scopes = len(selectors.all_scopes())
        self.stdout.write(f"Rolled up {rows:,} figures for {scopes:,} scopes x {months} months in {seconds:.0f} s")

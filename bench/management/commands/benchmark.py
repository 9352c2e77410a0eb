"""Print p50/p95 latency, queries per request and peak memory of the pages with a latency target, the board
dashboard with this month's rollup fresh and stale, and the machine's load average beside each figure."""

import resource
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from bench.cpu import load_average
from bench.measure import Page, Result, heaviest_pages, measure
from bench.rollup_age import this_months_rollup_stale
from referrals.models import Referral


class Command(BaseCommand):
    help = "Measure the heaviest pages against the data in the database (see docs/PERFORMANCE.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--repeats", type=int, default=30, help="Timed requests per page (at least 2)")
        parser.add_argument("--warmup", type=int, default=3, help="Untimed requests per page first")

    def handle(self, *args: Any, repeats: int, warmup: int, **options: Any) -> None:
        if settings.DEBUG:
            self.stderr.write("Warning: DEBUG is on; figures are pessimistic. Use scripts/bench.sh.")
        cases = Referral.objects.count()
        self.stdout.write(f"{cases:,} cases on {connection.vendor}; {repeats} timed requests per page")
        header = (
            f"{'page':48} {'status':>6} {'p50 ms':>8} {'p95 ms':>8} {'target':>7} {'queries':>7} {'peak KiB':>9}"
            "  verdict  load 1 5 15 min"
        )
        self.stdout.write(header)
        failures = 0
        try:
            pages = heaviest_pages()
        except LookupError as error:
            raise CommandError(str(error)) from error
        for page in pages:
            failures += not self._report(measure(page, max(2, repeats), warmup))
        # The dashboard again as a board sees it when this month's rollup is late (the rows put back after).
        dashboard = next(page for page in pages if page.name.startswith("Board dashboard"))
        stale = Page("Board dashboard, stale rollup (largest ICS)", dashboard.path, dashboard.user, dashboard.target_ms)
        with this_months_rollup_stale():
            failures += not self._report(measure(stale, max(2, repeats), warmup))
        peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(f"Peak resident memory of this process: {peak_rss:.0f} MiB")
        self.stdout.write(f"Pages missing their target: {failures}")

    def _report(self, result: Result) -> bool:
        page = result.page
        verdict = "ok" if result.meets_target else "MISSED"
        self.stdout.write(
            f"{page.name:48} {result.status:>6} {result.p50_ms:>8.1f} {result.p95_ms:>8.1f} "
            f"{'<' + format(page.target_ms, 'g'):>7} {result.queries:>7} {result.peak_kib:>9.0f}  {verdict:7}  "
            f"{load_average()}"
        )
        return result.meets_target

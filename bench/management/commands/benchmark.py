"""Print p50/p95 latency, queries per request and peak memory of the pages with a latency target."""

import resource
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from bench.measure import heaviest_pages, measure
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
        header = f"{'page':44} {'status':>6} {'p50 ms':>8} {'p95 ms':>8} {'target':>7} {'queries':>7} {'peak KiB':>9}"
        self.stdout.write(header)
        failures = 0
        try:
            pages = heaviest_pages()
        except LookupError as error:
            raise CommandError(str(error)) from error
        for page in pages:
            result = measure(page, max(2, repeats), warmup)
            verdict = "ok" if result.meets_target else "MISSED"
            failures += not result.meets_target
            self.stdout.write(
                f"{page.name:44} {result.status:>6} {result.p50_ms:>8.1f} {result.p95_ms:>8.1f} "
                f"{'<' + format(page.target_ms, 'g'):>7} {result.queries:>7} {result.peak_kib:>9.0f}  {verdict}"
            )
        peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(f"Peak resident memory of this process: {peak_rss:.0f} MiB")
        self.stdout.write(f"Pages missing their target: {failures}")

"""Load run of a mixed workload against a running server, beside its bare /livez view (scripts/bench.sh)."""

import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bench.load import run_locust, write_plan

TARGET_RATIO = 0.40  # the mixed workload keeps at least 40% of the bare view's throughput (docs/PERFORMANCE.md)


class Command(BaseCommand):
    help = "Locust, headless and bounded, against --url: mixed workload vs the bare view (see docs/PERFORMANCE.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8010", help="The server under test (loopback)")
        parser.add_argument("--seconds", type=int, default=30, help="Length of each measured run")
        parser.add_argument("--users", type=int, default=16, help="Concurrent users, each a closed loop")
        parser.add_argument("--out", default="var/bench", help="Where locust's CSV figures are written")

    def handle(self, *args: Any, url: str, seconds: int, users: int, out: str, **options: Any) -> None:
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        try:
            with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
                plan = Path(handle.name)
            pages = write_plan(plan)
        except LookupError as error:
            raise CommandError(str(error)) from error
        try:
            self.stdout.write(f"{len(pages)} pages in the mix; {users} users; {seconds} s per run against {url}")
            run_locust("MixedWorkload", url, 3, users, plan, folder)  # warm-up: imports, caches, connections
            bare = run_locust("BareView", url, seconds, users, plan, folder)
            mixed = run_locust("MixedWorkload", url, seconds, users, plan, folder)
        finally:
            plan.unlink(missing_ok=True)  # it holds live session keys
        self.stdout.write(f"{'workload':16} {'requests':>9} {'failures':>8} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7}")
        for run in (bare, mixed):
            self.stdout.write(
                f"{run.workload:16} {run.requests:>9} {run.failures:>8} {run.rps:>8.1f} {run.p50_ms:>7.0f} "
                f"{run.p95_ms:>7.0f}"
            )
        if not bare.requests or bare.failures or mixed.failures or not mixed.requests:
            raise CommandError("Some requests failed or none were made: see the CSV files in " + out)
        ratio = mixed.rps / bare.rps
        verdict = "ok" if ratio >= TARGET_RATIO else "MISSED"
        self.stdout.write(f"Mixed workload throughput: {100 * ratio:.0f}% of the bare view's (target 40%)  {verdict}")

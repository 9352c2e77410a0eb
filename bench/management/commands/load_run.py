"""Load run against a running server: the bare /livez view, the control page (fortunes) and a mixed workload of the
portal's busiest pages, each with the server's CPU per request (scripts/bench.sh, docs/PERFORMANCE.md)."""

import tempfile
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bench.cpu import load_average
from bench.load import Summary, run_locust, write_plan
from bench.urls import FORTUNES_PATH

# The mix's server CPU per request, as a multiple of the control page's in the same run (docs/PERFORMANCE.md).
TARGET_RATIO = 3.0


class Command(BaseCommand):
    help = "Locust, headless and bounded, against --url: CPU per request of the mix vs a control page."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8010", help="The server under test (loopback)")
        parser.add_argument("--seconds", type=int, default=30, help="Length of each measured run")
        parser.add_argument("--users", type=int, default=16, help="Concurrent users, each a closed loop")
        parser.add_argument("--out", default="var/bench", help="Where locust's CSV figures are written")

    def handle(self, *args: Any, url: str, seconds: int, users: int, out: str, **options: Any) -> None:
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        self._check_control_page(url)
        try:
            with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
                plan = Path(handle.name)
            pages = write_plan(plan)
        except LookupError as error:
            raise CommandError(str(error)) from error
        try:
            self.stdout.write(f"{len(pages)} pages in the mix; {users} users; {seconds} s per run against {url}")
            self.stdout.write(f"Before the runs: {load_average()}")
            self._warm_up(url, users, plan, folder)
            runs = [run_locust(name, url, seconds, users, plan, folder) for name in ("BareView", "Fortunes")]
            runs.append(run_locust("MixedWorkload", url, seconds, users, plan, folder))
        except LookupError as error:
            raise CommandError(str(error)) from error
        finally:
            plan.unlink(missing_ok=True)  # it holds live session keys
        self._report(runs, out)

    def _warm_up(self, url: str, users: int, plan: Path, folder: Path) -> None:
        """Imports, caches and connections first; on a busy machine locust's start-up can take all of it."""
        try:
            run_locust("MixedWorkload", url, 5, users, plan, folder)
        except RuntimeError as error:
            self.stdout.write(f"Warm-up: {error}")

    def _check_control_page(self, url: str) -> None:
        try:
            with urllib.request.urlopen(f"{url.rstrip('/')}/{FORTUNES_PATH}", timeout=10) as response:  # noqa: S310  # nosec B310 - our own server's http address
                ok = response.status == 200
        except (urllib.error.URLError, OSError):
            ok = False
        if not ok:
            raise CommandError(
                f"The control page {url.rstrip('/')}/{FORTUNES_PATH} does not answer: run the server with "
                "DJANGO_SETTINGS_MODULE=ohwb_portal.settings.bench (its URLs are bench/urls.py), as scripts/bench.sh "
                "does."
            )

    def _report(self, runs: list[Summary], out: str) -> None:
        self.stdout.write(
            f"{'workload':14} {'requests':>9} {'failures':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} "
            f"{'CPU ms/req':>10} {'web':>6} {'db':>6} {'pages/core-s':>12}  load 1 5 15 min"
        )
        for run in runs:
            web, db = (1000 * s / run.requests for s in (run.web_cpu_seconds, run.db_cpu_seconds))
            self.stdout.write(
                f"{run.workload:14} {run.requests:>9} {run.failures:>8} {run.rps:>7.1f} {run.p50_ms:>7.0f} "
                f"{run.p95_ms:>7.0f} {run.cpu_ms_per_request:>10.2f} {web:>6.2f} {db:>6.2f} "
                f"{run.pages_per_core_second:>12.0f}  {run.load}"
            )
        if any(run.failures or not run.requests for run in runs):
            raise CommandError("Some requests failed or none were made: see the CSV files in " + out)
        if not all(run.db_measured for run in runs):
            self.stdout.write("PostgreSQL is not on this machine: the CPU figures are the web server's only.")
        control, mixed = runs[1], runs[2]
        ratio = mixed.cpu_ms_per_request / control.cpu_ms_per_request
        verdict = "ok" if ratio <= TARGET_RATIO else "MISSED"
        self.stdout.write(
            f"Mixed workload server CPU per request: {ratio:.1f} times the control page's "
            f"({mixed.cpu_ms_per_request:.2f} ms vs {control.cpu_ms_per_request:.2f} ms; target at most "
            f"{TARGET_RATIO:g})  {verdict}  [{mixed.load}]"
        )

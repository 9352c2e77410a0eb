"""Same-process timings of the board dashboard, the case lists and the case record, for an A/B of two checkouts
against one benchmark database (docs/PERFORMANCE.md): run it from each checkout in turn, alternately.

    DJANGO_SETTINGS_MODULE=ohwb_portal.settings.bench DATABASE_URL=... python scripts/page_ab.py --repeats 30

Each page: untimed warm-up requests, then timed ones through Django's whole stack (test client, signed in as the
user with the most data behind it, as `manage.py benchmark` chooses). The dashboard is timed with this month's
rollup fresh and stale, each with the metrics caches kept (warm) and emptied before every request (cold).
It writes to the benchmark database only the rollup's times of this month (put back to now at the end)."""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path.cwd()))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ohwb_portal.settings.bench")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.measure import heaviest_pages, signed_in  # noqa: E402
from metrics.models import MonthlyKpi  # noqa: E402

METRICS_KEYS = ("*dashboard:*", "*breakdown:*", "*chart:*")


def forget_metrics() -> None:
    client = caches["default"]._cache.get_client(write=True)  # type: ignore[attr-defined]
    for pattern in METRICS_KEYS:
        keys = list(client.scan_iter(match=pattern, count=1000))
        if keys:
            client.delete(*keys)


def this_month_rollup(*, fresh: bool) -> None:
    age = timedelta(0) if fresh else timedelta(minutes=settings.OHWB_KPI_FRESH_MINUTES + 5)
    MonthlyKpi.objects.filter(month=timezone.localdate().replace(day=1)).update(computed_at=timezone.now() - age)


def load() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def timed(name: str, client, path: str, repeats: int, *, cold: bool = False) -> None:  # noqa: ANN001
    for _ in range(3):
        forget_metrics() if cold else None
        assert client.get(path).status_code == 200, (name, path)
    before = load()
    timings = []
    for _ in range(repeats):
        if cold:
            forget_metrics()
        began = time.perf_counter()
        client.get(path)
        timings.append((time.perf_counter() - began) * 1000)
    if cold:
        forget_metrics()
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    p95 = statistics.quantiles(timings, n=20, method="inclusive")[18]
    print(
        f"{name:46} p50 {statistics.median(timings):7.1f} ms  p95 {p95:7.1f} ms  "
        f"queries {len(queries):3}  load {before}->{load()}",
        flush=True,
    )


def main() -> None:
    repeats = int(sys.argv[sys.argv.index("--repeats") + 1]) if "--repeats" in sys.argv else 30
    pages = {page.name: page for page in heaviest_pages()}
    print(f"{Path.cwd()}: {repeats} timed requests per page", flush=True)
    dashboard = pages["Board dashboard (largest ICS)"]
    board = signed_in(dashboard.user)
    try:
        for fresh in (True, False):
            this_month_rollup(fresh=fresh)
            state = "fresh" if fresh else "stale"
            timed(f"Board dashboard, rollup {state}, warm", board, dashboard.path, repeats)
            timed(f"Board dashboard, rollup {state}, cold", board, dashboard.path, max(5, repeats // 3), cold=True)
    finally:
        this_month_rollup(fresh=True)
    for name in (
        "Clinician caseload (busiest OH service)",
        "Manager's referrals (busiest manager)",
        "Referral detail (longest history)",
    ):
        page = pages[name]
        timed(name, signed_in(page.user), page.path, repeats)


if __name__ == "__main__":
    main()

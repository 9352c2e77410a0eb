"""The load run: locust (headless, bounded, on loopback) against a running server: the bare /livez view, the
control page (fortunes) and a mixed workload of the portal's busiest pages, each reported as requests per second,
p95 and the server's CPU per request (bench/cpu.py), the machine's load average beside each.
"""

from __future__ import annotations

import csv
import json
import subprocess  # noqa: S404 - runs locust, a fixed command line
import sys
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from accounts.models import User
from bench.cpu import CpuMeter, load_average
from bench.measure import heaviest_pages, signed_in
from bench.urls import FORTUNES_PATH
from referrals.models import Referral

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
# A working day's proportions: clinicians live in their caseload and case pages, managers check their
# referrals, boards glance at the dashboard or pull KPIs; OH admins work the waiting list, clinicians check their week.
WEIGHTS = {
    "Clinician caseload": 30,
    "Referral detail": 30,
    "Manager's referrals": 20,
    "Board dashboard": 10,
    "KPI API": 10,
    "Waiting list": 5,
    "Clinician's week": 5,
}
DETAIL_CASES = 50  # detail requests spread over this many cases, not one hot row


@dataclass(frozen=True)
class Summary:
    workload: str
    requests: int
    failures: int
    rps: float
    p50_ms: float
    p95_ms: float
    web_cpu_seconds: float
    db_cpu_seconds: float
    load: str  # the machine's load average at the end of the run
    db_measured: bool  # False when PostgreSQL is not on this machine: db_cpu_seconds is then 0

    @property
    def cpu_ms_per_request(self) -> float:
        return 1000 * (self.web_cpu_seconds + self.db_cpu_seconds) / self.requests

    @property
    def pages_per_core_second(self) -> float:
        return 1000 / self.cpu_ms_per_request if self.cpu_ms_per_request else float("inf")


def write_plan(path: Path) -> list[dict[str, object]]:
    """Sessions for the heaviest pages' users (as `manage.py benchmark` picks them) and the pages to request."""
    sessions: dict[int, str] = {}

    def session_of(user: User) -> str:
        if user.pk not in sessions:
            sessions[user.pk] = signed_in(user).cookies[settings.SESSION_COOKIE_NAME].value
        return sessions[user.pk]

    heaviest = heaviest_pages()
    pages: list[dict[str, object]] = []
    for page in heaviest:
        kind = next(name for name in WEIGHTS if page.name.startswith(name))
        if kind == "Referral detail":
            continue
        pages.append({"name": page.name, "path": page.path, "session": session_of(page.user), "weight": WEIGHTS[kind]})
    clinician = next(page.user for page in heaviest if page.name.startswith("Clinician caseload"))
    assert clinician.active_membership is not None  # heaviest_pages made it the clinician's service
    service = clinician.active_membership.organisation
    cases = Referral.objects.filter(oh_service=service).order_by("-pk").values_list("pk", flat=True)[:DETAIL_CASES]
    for pk in cases:
        pages.append(
            {
                "name": "Referral detail (recent cases)",
                "path": reverse("referrals:detail", args=[pk]),
                "session": session_of(clinician),
                "weight": WEIGHTS["Referral detail"] / len(cases),
            }
        )
    plan = {"cookie_name": settings.SESSION_COOKIE_NAME, "pages": pages, "control_path": "/" + FORTUNES_PATH}
    path.write_text(json.dumps(plan), encoding="utf-8")
    return pages


def run_locust(user_class: str, url: str, seconds: int, users: int, plan: Path, out: Path) -> Summary:
    prefix = out / user_class
    command = [
        *[sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), user_class],
        *["--headless", "--only-summary", "--loglevel", "WARNING", "--host", url],
        *["-u", str(users), "-r", str(users), "-t", f"{seconds}s", "--stop-timeout", "5", "--csv", str(prefix)],
    ]
    env = {"OHWB_LOAD_PLAN": str(plan), "PATH": "/usr/bin:/bin"}
    # locust exits 1 when any request failed; the failures are read from its figures below instead.
    with CpuMeter(url) as meter:
        locust = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
        meter.exclude(locust.pid)  # when the server is this very process (a test's live server)
        try:
            locust.wait(timeout=seconds + 120)
        finally:
            if locust.poll() is None:
                locust.kill()
                locust.wait()
    with open(f"{prefix}_stats.csv", encoding="utf-8") as stats:
        total = next(row for row in csv.DictReader(stats) if row["Name"] == "Aggregated")
    if int(total["Request Count"]) == 0:
        # Then locust writes "N/A" for every percentile. Its start-up (seconds on a busy machine) counts
        # against -t, so a very short run can end before the users send anything.
        raise RuntimeError(f"{user_class} made no requests in {seconds} s; give the run more seconds")
    return Summary(
        workload=user_class,
        requests=int(total["Request Count"]),
        failures=int(total["Failure Count"]),
        rps=float(total["Requests/s"]),
        p50_ms=float(total["50%"]),
        p95_ms=float(total["95%"]),
        web_cpu_seconds=meter.web_seconds,
        db_cpu_seconds=meter.db_seconds,
        load=load_average(),
        db_measured=meter.measures_database,
    )

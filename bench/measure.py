"""Latency, queries and memory of the pages that matter at scale, measured in-process.

Each page is requested through Django's whole stack (middleware, sessions, templates) by the
Django test client, signed in as the user who makes it heaviest: the board of the largest ICS,
the clinician of the busiest OH service, the manager with the most referrals.
"""

from __future__ import annotations

import gc
import statistics
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection, reset_queries
from django.db.models import Count, Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from organisations.models import Membership, Organisation
from organisations.roles import TWO_FACTOR_ROLES, OrganisationKind, Role
from referrals.models import OPEN_STATUSES, Referral, Status


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    user: User
    target_ms: float


@dataclass(frozen=True)
class Result:
    page: Page
    status: int
    p50_ms: float
    p95_ms: float
    queries: int
    peak_kib: float

    @property
    def meets_target(self) -> bool:
        return self.status == 200 and self.p95_ms < self.page.target_ms


def signed_in(user: User) -> Client:
    """A test client with a session for `user`, past two-factor (a benchmark device, not a real one)."""
    client = Client()
    client.force_login(user)
    if user.memberships.filter(role__in=TWO_FACTOR_ROLES).exists():
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="Benchmark", defaults={"confirmed": True})
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def _member(role: str, organisation: Organisation) -> User:
    membership = Membership.objects.filter(role=role, organisation=organisation).select_related("user").first()
    if membership is None:
        raise LookupError(f"No {role} in {organisation}: generate data first (manage.py generate_load).")
    user = membership.user
    if user.active_membership_id != membership.pk:
        user.active_membership = membership
        user.save(update_fields=["active_membership"])
    return user


def heaviest_pages() -> list[Page]:
    """The pages with a latency target (docs/PERFORMANCE.md), each for the user with the most data behind it; the
    clinics' waiting list and a clinician's week (diary) for the busiest OH service too."""
    ics = (
        Organisation.objects.filter(kind=OrganisationKind.ICS)
        .annotate(case_count=Count("members__referrals"))
        .order_by("-case_count")
        .first()
    )
    service = (
        Organisation.objects.filter(kind=OrganisationKind.OH_SERVICE)
        .annotate(open_count=Count("cases", filter=Q(cases__status__in=OPEN_STATUSES)))
        .order_by("-open_count")
        .first()
    )
    top_manager = (
        Referral.objects.filter(referred_by__isnull=False)
        .values("referred_by", "organisation")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    if ics is None or service is None or top_manager is None:
        raise LookupError("No data to measure: run manage.py generate_load first.")
    board, clinician = _member(Role.BOARD, ics), _member(Role.CLINICIAN, service)
    oh_admin = _member(Role.OH_ADMIN, service)
    manager = User.objects.get(pk=top_manager["referred_by"])
    manager.active_membership = manager.memberships.get(role=Role.MANAGER, organisation=top_manager["organisation"])
    manager.save(update_fields=["active_membership"])
    case = (
        Referral.objects.filter(oh_service=service, status=Status.CLOSED)
        .annotate(n=Count("events"))
        .order_by("-n", "-pk")
        .first()
    )
    today = timezone.localdate()
    year_ago = date(today.year - 1, today.month, 1)
    kpis = f"{reverse('metrics-kpis')}?scope={ics.pk}&from={year_ago}&to={today}"
    detail = reverse("referrals:detail", args=[case.pk if case else 0])
    return [
        Page("Board dashboard (largest ICS)", f"{reverse('metrics:dashboard')}?scope={ics.pk}", board, 150),
        Page("KPI API, 12 months (largest ICS)", kpis, board, 150),
        Page("Clinician caseload (busiest OH service)", reverse("referrals:caseload"), clinician, 100),
        Page("Manager's referrals (busiest manager)", reverse("referrals:my_referrals"), manager, 100),
        Page("Referral detail (longest history)", detail, clinician, 100),
        Page("Waiting list (busiest OH service)", reverse("clinics:waiting_list"), oh_admin, 150),
        Page("Clinician's week, diary (busiest OH service)", reverse("clinics:week"), clinician, 100),
    ]


def _timed(call: Callable[[], Any]) -> tuple[Any, float]:
    began = time.perf_counter()
    value = call()
    return value, (time.perf_counter() - began) * 1000


def measure(page: Page, repeats: int, warmup: int = 3) -> Result:
    client = signed_in(page.user)
    for _ in range(warmup):
        client.get(page.path)
    timings = []
    status = 0
    for _ in range(repeats):
        response, ms = _timed(lambda: client.get(page.path))
        timings.append(ms)
        status = response.status_code
    # Queries and memory in separate passes, so that neither's bookkeeping is in the timings.
    reset_queries()  # the request_started signal empties the log; start from empty so the count survives
    with CaptureQueriesContext(connection) as queries:
        client.get(page.path)
    query_count = len(queries)  # now: the next request empties the log that `queries` reads lazily
    gc.collect()
    tracemalloc.start()
    client.get(page.path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    cuts = statistics.quantiles(timings, n=20, method="inclusive")
    return Result(page, status, statistics.median(timings), cuts[18], query_count, peak / 1024)

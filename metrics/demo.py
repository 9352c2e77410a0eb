"""Demo surveys for closed cases and the monthly rollup, so every dashboard shows a year of trends."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import TYPE_CHECKING

from referrals.models import Referral, Status

from .models import MonthlyKpi, SatisfactionSurvey
from .periods import last_months
from .rollups import rollup
from .selectors import all_scopes

if TYPE_CHECKING:
    from organisations.demo import DemoWorld


def seed(world: DemoWorld) -> None:
    rng = world.rng
    closed = Referral.objects.filter(status=Status.CLOSED, survey__isnull=True, closed_at__isnull=False)
    surveys = []
    for referral in closed.only("pk", "closed_at"):
        assert referral.closed_at is not None
        answered = rng.random() < 0.6
        surveys.append(
            SatisfactionSurvey(
                referral=referral,
                token_hash=hashlib.sha256(f"demo-survey-{referral.pk}".encode()).hexdigest(),
                answered_at=referral.closed_at + timedelta(days=rng.randint(1, 10)) if answered else None,
                score=rng.choices([5, 4, 3, 2, 1], weights=[45, 40, 8, 4, 3])[0] if answered else None,
            )
        )
    SatisfactionSurvey.objects.bulk_create(surveys)
    if not MonthlyKpi.objects.exists():
        months = last_months(13)
        for scope in all_scopes():
            rollup(scope, months)

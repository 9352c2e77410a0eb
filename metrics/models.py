"""Precomputed KPI figures, the working-day calendar used in SQL, surveys and board reports."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models

from organisations.models import Organisation

from .scopes import ScopeKind, board_report_scopes

if TYPE_CHECKING:
    from accounts.models import User


class CalendarDay(models.Model):
    """One row per date. `working_day` counts working days from the start of the table, so the working days
    between two dates are a subtraction in SQL (England and Wales bank holidays excluded)."""

    date = models.DateField(primary_key=True)
    working_day = models.PositiveIntegerField(db_index=True)
    is_working_day = models.BooleanField()

    def __str__(self) -> str:
        return f"{self.date} ({self.working_day})"


class MonthlyKpi(models.Model):
    """One KPI of one scope for one month (this month: so far), rolled up by metrics.tasks; dashboards add them up."""

    scope_kind = models.CharField(max_length=15, choices=ScopeKind.choices)
    scope = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    kpi = models.CharField(max_length=30)
    month = models.DateField()
    numerator = models.FloatField(null=True)
    denominator = models.FloatField(null=True)
    value = models.FloatField(null=True)
    distribution = models.JSONField(
        null=True, blank=True, help_text="For a median: working days -> cases, so months can be combined"
    )
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope_kind", "scope", "kpi", "month"], name="one_figure")]
        indexes = [models.Index(fields=["scope", "kpi", "month"])]

    def __str__(self) -> str:
        return f"{self.kpi} {self.month:%Y-%m} {self.value}"


class SurveyQuerySet(models.QuerySet["SatisfactionSurvey"]):
    def by_token(self, raw: str) -> SatisfactionSurvey | None:
        return self.filter(token_hash=hashlib.sha256(raw.encode()).hexdigest()).first()


class SatisfactionSurvey(models.Model):
    referral = models.OneToOneField("referrals.Referral", on_delete=models.CASCADE, related_name="survey")
    token_hash = models.CharField(max_length=64, unique=True)
    sent_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True, db_index=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)

    objects = SurveyQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Survey for {self.referral}"


class BoardReportStatus(models.TextChoices):
    QUEUED = "queued", "Being built"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class BoardReportQuerySet(models.QuerySet["BoardReport"]):
    def visible_to(self, user: User) -> BoardReportQuerySet:
        """The reports of the scopes this user may read board reports for (metrics.scopes); none for other roles."""
        return self.filter(scope__in=[scope.organisation for scope in board_report_scopes(user)])


class BoardReport(models.Model):
    scope = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="board_reports")
    year_ending = models.DateField()
    # The months the report covers, as the dashboard's range when it was asked for (empty: the board's year).
    first_month = models.DateField(null=True, blank=True)
    last_month = models.DateField(null=True, blank=True)
    narrative = models.JSONField(default=dict, help_text="Section title -> text written by the OH lead")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=BoardReportStatus.choices, default=BoardReportStatus.QUEUED)
    pdf = models.FileField(upload_to="board_reports/", blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = BoardReportQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"Annual wellbeing report, {self.scope}, year to {self.year_ending:%B %Y}"

    @property
    def covers(self) -> str:
        """The months the report covers, in words."""
        if self.first_month and self.last_month:
            return f"{self.first_month:%B %Y} to {self.last_month:%B %Y}"
        return f"Year to {self.year_ending:%B %Y}"

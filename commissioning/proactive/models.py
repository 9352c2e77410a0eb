"""Absence spells as the ESR absence extract gives them, and the "consider a referral" suggestions made from them.

Only the facts ESR records are kept (dates, days and hours lost, ESR's own absence reason code): nothing about health
is inferred from them. A suggestion is seen by the employee's current line manager only (`visible_to`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import User
from organisations.models import Employee, Organisation, active_membership
from organisations.roles import Role


class AbsenceImport(models.Model):
    """One uploaded extract: who loaded which file, when, and what it changed."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="absence_imports")
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=255)
    spells_created = models.PositiveIntegerField(default=0)
    spells_updated = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.imported_at:%d %b %Y})"


class AbsenceSpell(models.Model):
    """One absence spell of one member of staff, as ESR reports it; a later extract updates it (by start date)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="absence_spells")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="absence_spells")
    assignment_number = models.CharField(max_length=20, blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True, help_text="Empty while the absence is ongoing")
    days_lost = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    hours_lost = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    reason_code = models.CharField(
        "ESR absence reason", max_length=100, blank=True, help_text="As ESR codes it; the portal reads nothing into it"
    )
    imported_in = models.ForeignKey(AbsenceImport, on_delete=models.PROTECT, related_name="spells")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["employee", "starts_on"], name="one_spell_per_start")]
        ordering = ["employee", "starts_on"]

    def __str__(self) -> str:
        return f"Absence from {self.starts_on:%d %b %Y}"


class Decision(models.TextChoices):
    REFERRED = "referred", "Referral started"
    NOT_NOW = "not_now", "Not now"


class SuggestionQuerySet(models.QuerySet["SupportSuggestion"]):
    def visible_to(self, user: User) -> SuggestionQuerySet:
        """The employee's own line manager, acting as a manager of the employee's organisation; nobody else
        (not another manager, the employee, OH, the board, an IG lead)."""
        membership = active_membership(user)
        if membership is None or membership.role != Role.MANAGER:
            return self.none()
        return self.filter(employee__line_manager=user, organisation=membership.organisation)


class SupportSuggestion(models.Model):
    """ "Consider a referral" for one member of staff, with the absence figures that made it, and what the manager
    decided. A decided suggestion stays (the board counts it); new absence after the decision makes a new one."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="support_suggestions")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="support_suggestions")
    offered_at = models.DateTimeField()
    days_lost = models.DecimalField(max_digits=6, decimal_places=2)
    spells = models.PositiveIntegerField()
    window_from = models.DateField(help_text="The start of the period the figures cover")
    absent_since = models.DateField(null=True, blank=True, help_text="Start of the ongoing spell, if any")
    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    not_now_reason = models.TextField(blank=True)
    referral = models.ForeignKey(
        "referrals.Referral", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        ordering = ["-offered_at"]
        constraints = [
            # At most one undecided suggestion per person: a refresh updates it rather than adding another.
            models.UniqueConstraint(fields=["employee"], condition=Q(decision=""), name="one_open_suggestion")
        ]

    def __str__(self) -> str:
        return f"Consider a referral: {self.employee}"

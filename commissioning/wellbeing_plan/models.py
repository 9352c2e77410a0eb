"""The board's wellbeing improvement plan (the NHS health and wellbeing framework's high-impact action 2): the
actions a board has agreed, who owns each, when it is due and how it is going. A plan is the set of actions of one
organisation with a board: a trust, a GP practice or an ICS."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from organisations.models import Organisation, active_membership
from organisations.roles import OrganisationKind, Role

if TYPE_CHECKING:
    from accounts.models import User


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    DONE = "done", "Done"


class PlanActionQuerySet(models.QuerySet["PlanAction"]):
    def visible_to(self, user: User | None) -> PlanActionQuerySet:
        """A board member sees their organisation's plan; an ICS board also its members' plans. Nobody else."""
        membership = active_membership(user)
        if membership is None or membership.role != Role.BOARD:
            return self.none()
        org = membership.organisation
        if org.kind == OrganisationKind.ICS:
            return self.filter(Q(organisation=org) | Q(organisation__ics=org))
        return self.filter(organisation=org)

    def of(self, organisation: Organisation) -> PlanActionQuerySet:
        return self.filter(organisation=organisation).order_by("due_on", "pk")


class PlanAction(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="wellbeing_plan_actions")
    action = models.CharField("Action", max_length=200)
    owner = models.CharField("Owner", max_length=120, help_text="The person or role who answers for it to the board")
    due_on = models.DateField("Due date")
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED)
    progress = models.TextField("Progress so far", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = PlanActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["organisation", "due_on"])]

    def __str__(self) -> str:
        return self.action

    @property
    def overdue(self) -> bool:
        return self.status != ActionStatus.DONE and self.due_on < timezone.localdate()

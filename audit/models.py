"""The access log (PRODUCT.md section 8): who opened which clinical record, when, in what role, why.

Append-only: rows are only ever inserted (a database trigger refuses UPDATE and DELETE on PostgreSQL).
Readable by IG leads, and by employees for their own record ("who has looked at my record").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q

if TYPE_CHECKING:  # for annotations only
    from accounts.models import User


class AccessKind(models.TextChoices):
    CLINICAL_RECORD = "clinical_record", "Clinical record of a case"
    OUTCOME_REPORT = "outcome_report", "Outcome report"
    QUESTIONNAIRE = "questionnaire", "Pre-employment questionnaire answers"
    SURVEILLANCE = "surveillance", "Health surveillance record"
    IMMUNISATION = "immunisation", "Immunisation record"
    EXPORT = "export", "Export"
    SUBJECT_ACCESS = "subject_access", "Subject access export"


class AccessLogQuerySet(models.QuerySet["AccessLogEntry"]):
    def visible_to(self, user: User) -> AccessLogQuerySet:
        from organisations.roles import OrganisationKind, Role

        membership = getattr(user, "active_membership", None) if user.is_authenticated else None
        if membership is None:
            return self.none()
        if membership.role == Role.EMPLOYEE:
            return self.filter(employee__user=user)
        if membership.role == Role.IG_LEAD:
            org = membership.organisation
            # Reads of no one person's record (exports of figures, of this log) made in the IG lead's organisation.
            own_exports = Q(employee__isnull=True, organisation=org)
            if org.kind == OrganisationKind.OH_SERVICE:
                return self.filter(
                    Q(oh_service=org) | Q(employee__organisation__served_by__oh_service=org) | own_exports
                ).distinct()
            return self.filter(Q(employee__organisation=org) | own_exports)
        return self.none()


class AccessLogEntry(models.Model):
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    role = models.CharField(max_length=20)
    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=AccessKind.choices)
    object_type = models.CharField(max_length=50)
    object_id = models.CharField(max_length=64)
    # Whose record it was: lets an employee see who looked at theirs.
    employee = models.ForeignKey(
        "organisations.Employee", null=True, blank=True, on_delete=models.SET_NULL, related_name="access_log"
    )
    # The OH service holding the record (for an OH service's IG lead).
    oh_service = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=200)
    # The case the record belongs to ("OH-000123", "PE-000045"), written with the row so that an IG lead can find
    # every read of one case; blank for reads that are not of one case (a staff record, an export of figures) and
    # for rows written before it was recorded (the log is append-only, so those are never filled in).
    case_reference = models.CharField(max_length=20, blank=True, db_index=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.user} viewed {self.object_type} {self.object_id} at {self.at:%Y-%m-%d %H:%M}"

    @property
    def role_label(self) -> str:
        """The role in words ("OH administrator"); a role since retired keeps the code it was logged with."""
        from organisations.roles import Role

        return str(Role(self.role).label) if self.role in Role.values else self.role


class RetentionAction(models.Model):
    """One row per record anonymised or deleted by the retention sweep (append-only like the access log)."""

    at = models.DateTimeField(auto_now_add=True)
    record_type = models.CharField(max_length=30)
    object_id = models.CharField(max_length=64)
    action = models.CharField(max_length=10)
    rule_years = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.action} {self.record_type} {self.object_id}"

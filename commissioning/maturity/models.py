"""Service maturity (PRODUCT.md section 13): an OH service, in-house or a supplier, assesses itself against the
NHS OHWB service framework, one level per domain with its evidence. A draft is the service's own; a submitted
assessment is dated and never changes (a newer submission supersedes it, which is the only change it allows).

Who sees an assessment is `MaturityAssessmentQuerySet.visible_to`; what a user may do to one is
`rules.allowed_actions`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from organisations.models import Organisation, active_membership
from organisations.roles import OrganisationKind, Role

if TYPE_CHECKING:
    from accounts.models import User


class Domain(models.TextChoices):
    """The domains of the NHS OHWB service framework, in the framework's order."""

    LEADERSHIP = "leadership", "Leadership, governance and culture"
    OFFER = "offer", "Health and wellbeing offer"
    PROACTIVE = "proactive", "Proactive and preventive support"
    DATA = "data", "Data, insight and digital"
    WORKFORCE = "workforce", "OH workforce and capability"
    QUALITY = "quality", "Quality, outcomes and accreditation"
    PARTNERSHIP = "partnership", "Partnership and integrated working"


class Level(models.TextChoices):
    CORE = "core", "Core"
    ENHANCED = "enhanced", "Enhanced"
    TRANSFORMATIVE = "transformative", "Transformative"
    EXEMPLARY = "exemplary", "Exemplary"


# A level's place on the scale (1 core ... 4 exemplary): the history chart's axis.
LEVEL_RANK = {level: rank for rank, level in enumerate(Level.values, start=1)}


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    SUPERSEDED = "superseded", "Superseded"


# Organisations that assess themselves, and the roles that write their assessment.
SERVICE_KINDS = frozenset({OrganisationKind.OH_SERVICE, OrganisationKind.SUPPLIER})
AUTHOR_ROLES = frozenset({Role.OH_ADMIN, Role.SUPPLIER})
# The service's own people who read its assessments, drafts included.
SERVICE_READERS = frozenset({Role.OH_ADMIN, Role.CLINICIAN, Role.SUPPLIER})
# A client organisation's people who read (and comment on) the submitted assessments of the services serving it.
CLIENT_READERS = frozenset({Role.BOARD, Role.PROCUREMENT})


def clients_condition(organisation: Organisation, prefix: str = "service__") -> Q:
    """Services that serve `organisation` (or, for an ICS, its members): by assignment or by a call-off."""
    client = Q(**{f"{prefix}serves__client": organisation}) | Q(
        **{f"{prefix}supplier_profile__call_offs__client": organisation}
    )
    if organisation.kind == OrganisationKind.ICS:
        client |= Q(**{f"{prefix}serves__client__ics": organisation}) | Q(
            **{f"{prefix}supplier_profile__call_offs__client__ics": organisation}
        )
    return client


class MaturityAssessmentQuerySet(models.QuerySet["MaturityAssessment"]):
    def visible_to(self, user: User) -> MaturityAssessmentQuerySet:
        """The service's own people: all of its assessments. A framework admin: every submitted one (the operator
        oversees maturity across services). A client's board and procurement: the submitted assessments of the
        services that serve it. Nobody else."""
        membership = active_membership(user)
        if membership is None:
            return self.none()
        org, role = membership.organisation, membership.role
        if role in SERVICE_READERS:
            return self.filter(service=org)
        made = self.exclude(status=Status.DRAFT)
        if role == Role.FRAMEWORK_ADMIN:
            return made
        if role in CLIENT_READERS:
            return made.filter(clients_condition(org)).distinct()
        return self.none()

    def submitted(self) -> MaturityAssessmentQuerySet:
        return self.filter(status=Status.SUBMITTED)


class MaturityAssessment(models.Model):
    service = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="maturity_assessments",
        limit_choices_to={"kind__in": sorted(SERVICE_KINDS)},
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    superseded_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="supersedes"
    )

    objects = MaturityAssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            # The latest submission is the one the directory shows: never two at once.
            models.UniqueConstraint(
                fields=["service"], condition=Q(status="submitted"), name="one_current_assessment_per_service"
            ),
            models.UniqueConstraint(fields=["service"], condition=Q(status="draft"), name="one_draft_per_service"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False), name="submitted_assessment_is_dated"
            ),
        ]

    def __str__(self) -> str:
        when = f" submitted {self.submitted_at:%d %B %Y}" if self.submitted_at else " (draft)"
        return f"{self.service} maturity{when}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A submitted assessment is immutable: the one change it takes is being superseded."""
        if self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).values("status").first()
            if stored and stored["status"] != Status.DRAFT:
                allowed = stored["status"] == Status.SUBMITTED and self.status == Status.SUPERSEDED
                fields = set(kwargs.get("update_fields") or ())
                if not allowed or not fields or fields - {"status", "superseded_by"}:
                    raise ValueError("A submitted maturity assessment cannot be changed.")
        super().save(*args, **kwargs)


class DomainRating(models.Model):
    """The service's level in one domain, with its evidence in words."""

    assessment = models.ForeignKey(MaturityAssessment, on_delete=models.CASCADE, related_name="ratings")
    domain = models.CharField(max_length=20, choices=Domain.choices)
    level = models.CharField(max_length=20, choices=Level.choices, blank=True)
    evidence = models.TextField(blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["assessment", "domain"], name="one_rating_per_domain")]

    def __str__(self) -> str:
        return f"{self.get_domain_display()}: {self.get_level_display() or 'not rated'}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.assessment.status != Status.DRAFT:
            raise ValueError("A submitted maturity assessment cannot be changed.")
        super().save(*args, **kwargs)


class EvidenceFile(models.Model):
    """A document attached as evidence for one domain (type checked by content: evidence_files.py)."""

    rating = models.ForeignKey(DomainRating, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="maturity/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name


class AssessmentComment(models.Model):
    """A framework admin's or a client's comment on a submitted assessment."""

    assessment = models.ForeignKey(MaturityAssessment, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Comment by {self.organisation} on {self.assessment}"

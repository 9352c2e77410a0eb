"""The recruiter's list of checks (django-filter): find a candidate by name or reference, narrow by status, sort."""

from __future__ import annotations

import re

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import Assessment, AssessmentStatus

REFERENCE = re.compile(r"^PE\s*-?\s*0*(\d{1,9})$", re.IGNORECASE)
LINK_EXPIRED = "link_expired"
STATUS_CHOICES = [
    *AssessmentStatus.choices,
    (LINK_EXPIRED, "Waiting for the candidate, link expired"),
]
SORTS = [
    ("-created_at", "Newest first"),
    ("created_at", "Oldest first"),
    ("candidate_name", "Candidate name, A to Z"),
    ("link_expires_at", "Link expiring soonest"),
]


class CheckFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search", label="Candidate name or reference", help_text="For example, Sam Jones or PE-000045"
    )
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES, method="filter_status", label="Status", empty_label="Any status"
    )
    sort = django_filters.OrderingFilter(
        fields=["created_at", "candidate_name", "link_expires_at"], choices=SORTS, label="Sort by", empty_label=None
    )

    class Meta:
        model = Assessment
        fields: list[str] = []

    def search(self, queryset: QuerySet[Assessment], name: str, value: str) -> QuerySet[Assessment]:
        found = REFERENCE.match(value.strip())
        if found:
            return queryset.filter(pk=int(found.group(1)))
        for word in value.split():
            queryset = queryset.filter(Q(candidate_name__icontains=word))
        return queryset

    def filter_status(self, queryset: QuerySet[Assessment], name: str, value: str) -> QuerySet[Assessment]:
        if value == LINK_EXPIRED:
            # link_expires_at is annotated by selectors.checks, which this list is read through.
            expired = {"link_expires_at__lte": timezone.now()}
            return queryset.filter(status=AssessmentStatus.AWAITING_QUESTIONNAIRE, **expired)
        return queryset.filter(status=value)

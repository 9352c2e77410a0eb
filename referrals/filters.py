"""My referrals (django-filter): search by employee name or case reference, filter by status, sort."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

import django_filters
from django import forms
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from .models import Referral, Status

SENT_STATUSES = [(value, label) for value, label in Status.choices if value != Status.DRAFT]
REFERENCE = re.compile(r"^\s*(?:oh-?)?0*(\d{1,9})\s*$", re.IGNORECASE)


# Newest is the order without a choice (selectors.manager_referrals).
ORDERS = {
    "newest": ("-submitted_at", "-created_at", "-pk"),
    "oldest": ("submitted_at", "created_at", "pk"),
}


class MyReferralsFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search",
        label="Employee name or case reference",
        widget=forms.TextInput(attrs={"class": "nhsuk-input", "autocomplete": "off"}),
    )
    status = django_filters.ChoiceFilter(
        choices=SENT_STATUSES,
        label="Status",
        empty_label="Any status",
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )
    sort = django_filters.ChoiceFilter(
        choices=[("newest", "Newest first"), ("oldest", "Oldest first"), ("status", "Status")],
        method="order",
        label="Sort by",
        empty_label=None,
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )

    class Meta:
        model = Referral
        fields = ["q", "status", "sort"]

    def search(self, queryset: QuerySet[Referral], name: str, value: str) -> QuerySet[Referral]:
        words = value.split()
        if not words:
            return queryset
        reference = REFERENCE.match(value)
        if reference:
            return queryset.filter(pk=int(reference.group(1)))
        for word in words:  # every word matches a first or last name: "Sam Pat" finds Sam Patel
            queryset = queryset.filter(Q(employee__first_name__icontains=word) | Q(employee__last_name__icontains=word))
        return queryset

    def order(self, queryset: QuerySet[Referral], name: str, value: str) -> QuerySet[Referral]:
        if value == "status":  # in the order of a case's life, not of the words
            life = Case(
                *(When(status=v, then=Value(i)) for i, v in enumerate(Status.values)), output_field=IntegerField()
            )
            return queryset.order_by(life, "-submitted_at", "-pk")
        return queryset.order_by(*ORDERS.get(value, ORDERS["newest"]))

    @property
    def query_string(self) -> str:
        """The filters as a query string for the pagination links (without the page)."""
        params: dict[str, Any] = {k: v for k, v in self.data.items() if k != "page" and v}
        return urlencode(params)

"""The access log's filters (django-filter): who read, whose record, which case, between which dates.

The IG lead has all of them; an employee reading who looked at their own record has all but "whose record".
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from ohwb_portal.date_input import NhsDateField

from .models import AccessLogEntry

CASE_REFERENCE = re.compile(r"^(OH|PE)\s*-?\s*0*(\d{1,9})$", re.IGNORECASE)


class NhsDateFilter(django_filters.Filter):
    field_class = NhsDateField


class AccessLogFilterForm(forms.Form):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if isinstance(start, date) and isinstance(end, date) and end < start:
            self.add_error("date_to", "The end date must be the same as or after the start date")
        return data


def _words_match(queryset: QuerySet[AccessLogEntry], value: str, fields: tuple[str, ...]) -> QuerySet[AccessLogEntry]:
    """Every word typed matches one of the fields: "ann lee" finds Ann Lee, "lee" finds every Lee."""
    for word in value.split():
        matches = Q()
        for name in fields:
            matches |= Q(**{f"{name}__icontains": word})
        queryset = queryset.filter(matches)
    return queryset


def normalised_reference(value: str) -> str:
    """ "oh-123", "OH 000123" and "OH-000123" are the same case; anything else is matched as typed."""
    found = CASE_REFERENCE.match(value.strip())
    return f"{found.group(1).upper()}-{int(found.group(2)):06d}" if found else value.strip()


class AccessLogFilter(django_filters.FilterSet):
    reader = django_filters.CharFilter(method="filter_reader", label="Who read it", help_text="Their name or user name")
    employee = django_filters.CharFilter(
        method="filter_employee", label="Whose record", help_text="The member of staff's name or ESR number"
    )
    case = django_filters.CharFilter(
        method="filter_case", label="Case reference", help_text="For example, OH-000123 or PE-000045"
    )
    date_from = NhsDateFilter(
        field_name="at", lookup_expr="date__gte", label="Start date", help_text="Read on or after, for example 1 3 2026"
    )
    date_to = NhsDateFilter(
        field_name="at", lookup_expr="date__lte", label="End date", help_text="Read on or before, for example 31 3 2026"
    )

    class Meta:
        model = AccessLogEntry
        fields: list[str] = []
        form = AccessLogFilterForm

    def __init__(self, *args: Any, own_record: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if own_record:  # an employee's log is all of their own record
            del self.filters["employee"]

    def filter_reader(self, queryset: QuerySet[AccessLogEntry], name: str, value: str) -> QuerySet[AccessLogEntry]:
        return _words_match(queryset, value, ("user__first_name", "user__last_name", "user__username"))

    def filter_employee(self, queryset: QuerySet[AccessLogEntry], name: str, value: str) -> QuerySet[AccessLogEntry]:
        return _words_match(queryset, value, ("employee__first_name", "employee__last_name", "employee__esr_number"))

    def filter_case(self, queryset: QuerySet[AccessLogEntry], name: str, value: str) -> QuerySet[AccessLogEntry]:
        return queryset.filter(case_reference__iexact=normalised_reference(value))

    def described(self) -> str:
        """The filters applied, in words, for the export's own access-log row."""
        data = self.form.cleaned_data if self.is_bound and self.form.is_valid() else {}
        parts = []
        for key, filter_ in self.filters.items():
            value = data.get(key)
            if value:
                shown = f"{value:%d/%m/%Y}" if isinstance(value, date) else str(value)
                parts.append(f"{filter_.label.lower()} {shown}")
        return ", ".join(parts) if parts else "no filters"

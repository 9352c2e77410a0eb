"""Finding work: search, filters and sort for the caseload, the triage queue and My referrals (django-filter).

The filters narrow a queryset the selectors already scoped with `visible_to`; the choices offered (organisations,
clinicians) come from the selectors too, so a filter cannot reach a case the user does not see.
"""

from __future__ import annotations

import re
from typing import Any

import django_filters
from django import forms
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When

from accounts.models import User

from . import selectors, service_levels
from .models import OPEN_STATUSES, URGENT_FIRST, Appointment, PractitionerType, Priority, Referral, Status

# "OH-000087", "oh 87" or "87" name a case; eight digits are an ESR employee number.
REFERENCE = re.compile(r"^(?:oh[-\s]?)?0*(\d{1,7})$", re.IGNORECASE)
ESR_NUMBER = re.compile(r"^\d{8}$")


def matching(queryset: QuerySet[Referral], text: str) -> QuerySet[Referral]:
    """Cases whose reference, employee's ESR number or name (every word, first or last name) is `text`."""
    text = text.strip()
    if not text:
        return queryset
    reference = REFERENCE.match(text)
    if reference:
        return queryset.filter(pk=int(reference.group(1)))
    if ESR_NUMBER.match(text):
        return queryset.filter(employee__esr_number=text)
    for word in text.split():  # "Sam Pat" finds Sam Patel
        queryset = queryset.filter(Q(employee__first_name__icontains=word) | Q(employee__last_name__icontains=word))
    return queryset


URGENT_REQUESTED_FIRST = Case(When(urgent_requested=True, then=Value(0)), default=Value(1), output_field=IntegerField())


def _choice_words(what: str) -> dict[str, str]:
    return {"invalid_choice": f"Choose {what} from the list"}


class ClinicianField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.username


class ClinicianFilter(django_filters.ModelChoiceFilter):
    field_class = ClinicianField


class _CaseFilter(django_filters.FilterSet):
    """What the caseload and the triage queue share: search, organisation, overdue and sort."""

    q = django_filters.CharFilter(method="filter_search", label="Employee name or case reference")
    organisation = django_filters.ModelChoiceFilter(
        queryset=None,  # the organisations this OH service serves, given by the view
        label="Organisation",
        empty_label="Any organisation",
        error_messages=_choice_words("an organisation"),
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="Only overdue", widget=forms.CheckboxInput)
    sort = django_filters.ChoiceFilter(
        method="filter_sort", label="Sort by", empty_label=None, error_messages=_choice_words("an order")
    )

    SORTS: dict[str, tuple[str, list[Any]]] = {}

    def __init__(self, *args: Any, organisations: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["organisation"].queryset = organisations
        self.filters["sort"].extra["choices"] = [(key, label) for key, (label, _order) in self.SORTS.items()]

    @property
    def form(self) -> forms.Form:
        if not hasattr(self, "_form"):
            form = super().form
            form.order_fields(self._meta.fields)
            for field in form.fields.values():
                if isinstance(field.widget, forms.CheckboxInput):
                    field.widget.attrs["class"] = "nhsuk-checkboxes__input"
                elif isinstance(field.widget, forms.Select):
                    field.widget.attrs["class"] = "nhsuk-select"
                else:
                    field.widget.attrs["class"] = "nhsuk-input"
        return self._form

    def filter_search(self, queryset: QuerySet[Referral], name: str, value: str) -> QuerySet[Referral]:
        return matching(queryset, value)

    def filter_overdue(self, queryset: QuerySet[Referral], name: str, value: bool | None) -> QuerySet[Referral]:
        return queryset.filter(service_levels.overdue()) if value else queryset

    def filter_sort(self, queryset: QuerySet[Referral], name: str, value: str) -> QuerySet[Referral]:
        return queryset  # the order is applied last, in filter_queryset

    def filter_queryset(self, queryset: QuerySet[Referral]) -> QuerySet[Referral]:
        filtered = super().filter_queryset(queryset)
        return filtered.order_by(*self.order())

    def order(self) -> list[Any]:
        chosen = ""
        if self.is_bound:
            self.form.is_valid()  # a wrong value elsewhere does not undo the chosen order
            chosen = self.form.cleaned_data.get("sort") or ""
        _label, order = self.SORTS.get(chosen, next(iter(self.SORTS.values())))
        return order

    @property
    def qs(self) -> QuerySet[Referral]:
        # Unbound (no query string) still takes the default order.
        if not self.is_bound:
            return self.queryset.order_by(*self.order())
        return super().qs

    @property
    def query_string(self) -> str:
        """The filters as chosen, for pagination links (without the page)."""
        if not self.is_bound:
            return ""
        data = self.data.copy()
        data.pop("page", None)
        return data.urlencode()


class CaseloadFilter(_CaseFilter):
    status = django_filters.ChoiceFilter(
        choices=[(value, label) for value, label in Status.choices if value in OPEN_STATUSES],
        label="Status",
        empty_label="Any open status",
        error_messages=_choice_words("a status"),
    )
    priority = django_filters.ChoiceFilter(
        choices=Priority.choices,
        label="Priority",
        empty_label="Any priority",
        error_messages=_choice_words("a priority"),
    )
    practitioner = django_filters.ChoiceFilter(
        field_name="practitioner_type",
        choices=PractitionerType.choices,
        label="Practitioner",
        empty_label="Any practitioner",
        error_messages=_choice_words("a practitioner"),
    )
    clinician = ClinicianFilter(
        queryset=None,  # the clinicians of this OH service, given by the view
        method="filter_clinician",
        label="Clinician",
        empty_label="Any clinician",
        error_messages=_choice_words("a clinician"),
    )

    attendance = django_filters.BooleanFilter(
        method="filter_attendance", label="Only attendance to record", widget=forms.CheckboxInput
    )

    SORTS = {
        "priority": ("Urgent first, then waiting longest", [URGENT_FIRST, "submitted_at", "pk"]),
        "waiting": ("Waiting longest", ["submitted_at", "pk"]),
        "newest": ("Newest first", [F("submitted_at").desc(nulls_last=True), "-pk"]),
    }

    class Meta:
        model = Referral
        fields = [
            "q",
            "status",
            "priority",
            "practitioner",
            "clinician",
            "organisation",
            "overdue",
            "attendance",
            "sort",
        ]

    def __init__(self, *args: Any, clinicians: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["clinician"].queryset = clinicians

    def filter_clinician(self, queryset: QuerySet[Referral], name: str, value: Any) -> QuerySet[Referral]:
        if not value:
            return queryset
        return queryset.filter(pk__in=Appointment.objects.filter(clinician=value).values("referral_id"))

    def filter_attendance(self, queryset: QuerySet[Referral], name: str, value: bool | None) -> QuerySet[Referral]:
        """Cases with an appointment that has started and has no attendance recorded yet."""
        if not value:
            return queryset
        return queryset.filter(pk__in=selectors.attendance_to_record().values("referral_id"))


class TriageFilter(_CaseFilter):
    """Waiting for triage has no priority or practitioner yet: the manager's urgency request stands in."""

    urgent = django_filters.BooleanFilter(
        field_name="urgent_requested", label="Only urgent requests", widget=forms.CheckboxInput, method="filter_urgent"
    )

    SORTS = {
        "priority": ("Urgent first, then waiting longest", [URGENT_REQUESTED_FIRST, "submitted_at", "pk"]),
        "waiting": ("Waiting longest", ["submitted_at", "pk"]),
        "newest": ("Newest first", [F("submitted_at").desc(nulls_last=True), "-pk"]),
    }

    class Meta:
        model = Referral
        fields = ["q", "organisation", "urgent", "overdue", "sort"]

    def filter_urgent(self, queryset: QuerySet[Referral], name: str, value: bool | None) -> QuerySet[Referral]:
        return queryset.filter(urgent_requested=True) if value else queryset


def caseload_filter(*, user: User, data: Any) -> CaseloadFilter:
    """The caseload as the user filters it (`data`: the query string, or None for the unfiltered list)."""
    return CaseloadFilter(
        data or None,
        queryset=selectors.caseload(user=user),
        organisations=selectors.client_organisations(user=user),
        clinicians=selectors.service_clinicians(user=user),
    )


def triage_filter(*, user: User, data: Any) -> TriageFilter:
    """The triage queue as the user filters it."""
    return TriageFilter(
        data or None,
        queryset=selectors.triage_queue(user=user),
        organisations=selectors.client_organisations(user=user),
    )


# My referrals: newest is the order without a choice (selectors.manager_referrals).
MY_REFERRAL_ORDERS = {
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
        choices=[(value, label) for value, label in Status.choices if value != Status.DRAFT],
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
        return matching(queryset, value)

    def order(self, queryset: QuerySet[Referral], name: str, value: str) -> QuerySet[Referral]:
        if value == "status":  # in the order of a case's life, not of the words
            life = Case(
                *(When(status=v, then=Value(i)) for i, v in enumerate(Status.values)), output_field=IntegerField()
            )
            return queryset.order_by(life, "-submitted_at", "-pk")
        return queryset.order_by(*MY_REFERRAL_ORDERS.get(value, MY_REFERRAL_ORDERS["newest"]))

    @property
    def query_string(self) -> str:
        """The filters as a query string for the pagination links (without the page)."""
        data = self.data.copy()
        data.pop("page", None)
        return data.urlencode()

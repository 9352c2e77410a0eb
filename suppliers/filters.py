"""Directory filters (django-filter): lot, region, delivery mode, accreditation valid on a date."""

import re
from typing import Any

import django_filters
from django.db.models import QuerySet

from ohwb_portal.date_input import NhsDateField, NhsDateInput

from .models import DeliveryMode, LotCode, RegionCode, Supplier


class DayMonthYearInput(NhsDateInput):
    """The day, month and year boxes every date field has; a link or an API client may also give the date as
    one value ("1/3/2027", "1 3 2027" or "2027-03-01"), which is split into the same three parts."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[Any]:
        whole = data.get(name)
        if not whole:
            return super().value_from_datadict(data, files, name)
        parts = [p for p in re.split(r"[\s/.-]+", str(whole).strip()) if p]
        if len(parts) == 3 and len(parts[0]) == 4:  # ISO: year first
            parts.reverse()
        return (parts + ["", "", ""])[:3] if len(parts) <= 3 else [whole, "", ""]


class AccreditedOnFilter(django_filters.Filter):
    field_class = NhsDateField


class SupplierFilter(django_filters.FilterSet):
    lot = django_filters.ChoiceFilter(
        choices=LotCode.choices, field_name="lots__code", label="Lot", empty_label="Any lot"
    )
    region = django_filters.ChoiceFilter(
        choices=RegionCode.choices, field_name="regions__code", label="Region", empty_label="Any region"
    )
    mode = django_filters.ChoiceFilter(
        choices=DeliveryMode.choices, method="filter_mode", label="Delivery mode", empty_label="Any"
    )
    accredited_on = AccreditedOnFilter(
        method="filter_accredited_on",
        label="Accredited on",
        widget=DayMonthYearInput,
        help_text="For example, 1 3 2027",
    )

    class Meta:
        model = Supplier
        fields = ["lot", "region", "mode", "accredited_on"]

    def filter_mode(self, queryset: QuerySet[Supplier], name: str, value: str) -> QuerySet[Supplier]:
        return queryset.filter(delivery_modes__contains=value)

    def filter_accredited_on(self, queryset: QuerySet[Supplier], name: str, value: object) -> QuerySet[Supplier]:
        return queryset.filter(status="admitted", accreditation_expires__gte=value)

    @property
    def form(self):
        form = super().form
        for name, field in form.fields.items():
            if name != "accredited_on":
                field.widget.attrs.setdefault("class", "nhsuk-select")
        return form

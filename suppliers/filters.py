"""Directory filters (django-filter): lot, region, delivery mode, accreditation valid on a date."""

import django_filters
from django.db.models import QuerySet

from .models import DeliveryMode, LotCode, RegionCode, Supplier


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
    accredited_on = django_filters.DateFilter(
        method="filter_accredited_on", label="Accredited on", input_formats=["%Y-%m-%d", "%d/%m/%Y"]
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
            css = "nhsuk-input nhsuk-input--width-10" if name == "accredited_on" else "nhsuk-select"
            field.widget.attrs.setdefault("class", css)
        return form

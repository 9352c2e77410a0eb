from __future__ import annotations

from decimal import Decimal

from django import template

from ohwb_portal.money import pounds

register = template.Library()


@register.filter(name="pounds")
def pounds_filter(value: Decimal | int | float | str | None) -> str:
    """`{{ call_off.estimated_value|pounds }}` writes £85,000; an empty value stays empty."""
    return "" if value is None or value == "" else pounds(value)

"""A case's display values for templates that show one case (lists use presenters.case_rows)."""

from django import template

from referrals.presenters import status_colour as colour_of

register = template.Library()


@register.filter
def status_colour(status: str) -> str:
    return colour_of(status)

from django import template
from django.forms.boundfield import BoundField

from metrics.forms import DateRangeForm

register = template.Library()


@register.filter
def get_bound(form: DateRangeForm, end: str) -> list[BoundField]:
    """The month and year boxes of one end of the range ("from" or "to")."""
    return [form[f"{end}_month"], form[f"{end}_year"]]


@register.filter
def end_errors(form: DateRangeForm, end: str) -> list[str]:
    return form.end_errors(end)

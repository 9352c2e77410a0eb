"""Template helpers for the NHS.UK crispy-forms pack."""

from django import template
from django.forms import BoundField

from ohwb_portal.required_when import is_optional

register = template.Library()


@register.filter
def hint_id(field: BoundField) -> str:
    # Django's own id for help text, so its automatic aria-describedby would agree with ours.
    return f"{field.auto_id}_helptext"


@register.filter
def error_id(field: BoundField) -> str:
    return f"{field.auto_id}-error"


@register.filter
def describedby(field: BoundField) -> str:
    """The ids an input is described by: its hint and its error message, if it has them."""
    ids = []
    if field.help_text:
        ids.append(hint_id(field))
    if field.errors:
        ids.append(error_id(field))
    return " ".join(ids)


@register.filter
def label_suffix(field: BoundField) -> str:
    """ " (optional)" on a field that may be left empty in every case; nothing on one needed always or sometimes."""
    return " (optional)" if is_optional(field.field) else ""

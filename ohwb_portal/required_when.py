"""Fields needed only in some cases: not labelled "(optional)", and the hint says when they are needed.

The form's clean() checks the condition and says what is missing in the user's words; this only marks the
field, so the one place labels are rendered (templates/nhsuk/field.html) can tell it from a truly optional one.
"""

from typing import TypeVar

from django import forms

F = TypeVar("F", bound=forms.Field)


def required_when(field: F, condition: str = "") -> F:
    """Mark `field` as needed when `condition` holds ("Needed if the employee is absent"); the condition,
    if given, comes first in the hint."""
    field.required_when = condition  # type: ignore[attr-defined]
    if condition:
        field.help_text = f"{condition}. {field.help_text}" if field.help_text else condition
    return field


def is_optional(field: forms.Field) -> bool:
    return not field.required and getattr(field, "required_when", None) is None

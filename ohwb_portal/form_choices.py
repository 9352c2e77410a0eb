"""Choices a form offers that depend on who asks: set on the form's own copy of the field, never the class's.

A form's `fields` are typed as plain `Field`, so these check the kind of field they are given; a field of the
wrong kind is a programming error, refused when the form is built rather than when someone posts it.
"""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet


def choose_from(form: forms.BaseForm, name: str, queryset: QuerySet[Any]) -> None:
    """The rows a model choice field (single or multiple) shows and accepts on this form."""
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{name} is a {type(field).__name__}, not a model choice field")
    field.queryset = queryset


def offer(form: forms.BaseForm, name: str, choices: Iterable[tuple[str, str]]) -> None:
    """The options a choice field shows and accepts on this form."""
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{name} is a {type(field).__name__}, not a choice field")
    field.choices = list(choices)

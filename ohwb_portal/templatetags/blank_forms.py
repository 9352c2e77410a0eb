"""An empty form's NHS.UK markup rendered once per process: the case page shows the same unbound note, measures
and message forms on every view, and crispy takes milliseconds to draw each one again.

Only for forms whose empty markup depends on nothing but their class (no choices from the database, no
per-user labels): such a form, unbound and without initial values, always renders the same. A bound form (errors
to show) or one given initial values is rendered as usual."""

from __future__ import annotations

from typing import Any

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django import forms, template
from django.utils import translation
from django.utils.safestring import SafeString

register = template.Library()

_rendered: dict[tuple[type, str | None, str | None], SafeString] = {}


@register.filter
def crispy_blank(form: forms.BaseForm) -> Any:
    if form.is_bound or form.initial:
        return as_crispy_form(form)
    key = (type(form), form.prefix, translation.get_language())
    html = _rendered.get(key)
    if html is None:
        html = _rendered[key] = as_crispy_form(form)
    return html

from __future__ import annotations

from django import template
from django.utils import timezone

from suppliers import presenters
from suppliers.models import Supplier

register = template.Library()


@register.simple_tag
def accreditation(supplier: Supplier) -> presenters.Accreditation:
    return presenters.accreditation(supplier, timezone.localdate())

from __future__ import annotations

from django import template
from django.utils import timezone

from suppliers import presenters
from suppliers.models import CallOff, Supplier

register = template.Library()


@register.simple_tag
def accreditation(supplier: Supplier) -> presenters.Accreditation:
    return presenters.accreditation(supplier, timezone.localdate())


@register.simple_tag
def call_off_status(call_off: CallOff) -> str:
    """Where an agreement stands today, in words ("Signed, starts 1 Mar 2027")."""
    return call_off.status_on(timezone.localdate()).label

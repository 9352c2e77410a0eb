"""Writes to who serves whom: a call-off's supplier takes over a client's new referrals, and hands them back."""

from __future__ import annotations

from django.db import transaction

from .models import Organisation, ServiceAssignment


@transaction.atomic
def take_over_referrals(*, client: Organisation, service_line: str, oh_service: Organisation) -> ServiceAssignment:
    """`oh_service` takes the client's new referrals for the line, remembering who served before."""
    assignment = ServiceAssignment.objects.select_for_update().filter(client=client, service_line=service_line).first()
    if assignment is None:
        return ServiceAssignment.objects.create(client=client, service_line=service_line, oh_service=oh_service)
    if assignment.oh_service_id != oh_service.pk:
        assignment.previous_oh_service_id = assignment.oh_service_id
        assignment.oh_service = oh_service
        assignment.save()
    return assignment


@transaction.atomic
def hand_back_referrals(*, client: Organisation, service_line: str, oh_service: Organisation) -> None:
    """The client's new referrals for the line go back to the service that served before `oh_service` took them;
    with none before, the line has no service again (a referral then says so rather than reaching the supplier)."""
    assignment = (
        ServiceAssignment.objects.select_for_update()
        .filter(client=client, service_line=service_line, oh_service=oh_service)
        .first()
    )
    if assignment is None:  # someone else serves the line now: nothing of ours to hand back
        return
    if assignment.previous_oh_service_id is None:
        assignment.delete()
        return
    assignment.oh_service_id, assignment.previous_oh_service_id = assignment.previous_oh_service_id, None
    assignment.save()

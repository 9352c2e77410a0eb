"""The case messages section of a subject access export (audit.registry), registered from ReferralsConfig.ready.

Messages between the referring manager and the OH service are about the employee, so they are in the export,
though the employee does not see them on their pages. Each side's export holds the messages of the cases that
side holds: the employer's management referrals, or the OH service's cases.
"""

from __future__ import annotations

from typing import Any

from audit.registry import Exporting, ExportSection, register_export_section
from audit.subject_access import person, words

from .models import CaseMessage, Kind


def _messages(exporting: Exporting) -> list[dict[str, Any]]:
    messages = CaseMessage.objects.filter(referral__employee=exporting.employee, referral__kind=Kind.MANAGEMENT)
    if exporting.oh_side:
        messages = messages.filter(referral__oh_service=exporting.organisation)
    else:
        messages = messages.filter(referral__organisation=exporting.organisation)
    return [
        {
            "Case": m.referral.reference,
            "When": words(m.created_at),
            "From": f"{person(m.author)} ({m.get_side_display()})",
            "Message": m.text,
        }
        for m in messages.select_related("referral", "author").order_by("referral_id", "created_at", "pk")
    ]


register_export_section(ExportSection("case_messages", position=15, build=_messages))

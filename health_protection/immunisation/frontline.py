"""Who is frontline, and in which staff group of the national return (PRODUCT.md section 11).

The national frontline healthcare worker survey (ImmForm) counts frontline staff with direct patient contact by
four staff groups, as the NHS workforce census defines them. The census builds those groups from the ESR staff
groups, so the ESR staff group held on each staff record decides both: the four clinical groups are frontline,
and the infrastructure groups (administrative and clerical, estates and ancillary) and students are not.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from organisations.models import StaffGroup


class ReturnGroup(models.TextChoices):
    DOCTORS = "doctors", "All doctors"
    NURSES = "nurses", "Qualified nurses (including midwives and health visitors)"
    OTHER_QUALIFIED = "other_qualified", "All other professionally qualified clinical staff"
    SUPPORT = "support", "Support to clinical staff"


RETURN_GROUP_OF: dict[str, str] = {
    StaffGroup.MEDICAL_DENTAL: ReturnGroup.DOCTORS,
    StaffGroup.NURSING_MIDWIFERY: ReturnGroup.NURSES,
    StaffGroup.ALLIED_HEALTH: ReturnGroup.OTHER_QUALIFIED,
    StaffGroup.ADD_PROF_SCIENTIFIC: ReturnGroup.OTHER_QUALIFIED,
    StaffGroup.HEALTHCARE_SCIENTISTS: ReturnGroup.OTHER_QUALIFIED,
    StaffGroup.ADDITIONAL_CLINICAL: ReturnGroup.SUPPORT,
}
FRONTLINE_STAFF_GROUPS = frozenset(RETURN_GROUP_OF)


def is_frontline(staff_group: str) -> bool:
    return staff_group in FRONTLINE_STAFF_GROUPS


def frontline_filter(prefix: str = "") -> Q:
    """Q for Employee rows (prefix e.g. 'employee__' from a vaccination) that are frontline."""
    return Q(**{f"{prefix}staff_group__in": sorted(FRONTLINE_STAFF_GROUPS)})


def return_group(staff_group: str) -> str | None:
    return RETURN_GROUP_OF.get(staff_group)

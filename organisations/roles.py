"""The roles of PRODUCT.md section 1 and which organisation kinds each belongs to."""

from django.db import models


class Role(models.TextChoices):
    MANAGER = "manager", "Manager"
    EMPLOYEE = "employee", "Employee"
    RECRUITER = "recruiter", "Recruiter"
    OH_ADMIN = "oh_admin", "OH administrator"
    CLINICIAN = "clinician", "Clinician"
    PROCUREMENT = "procurement", "Procurement lead"
    SUPPLIER = "supplier", "Supplier"
    BOARD = "board", "Board member"
    FRAMEWORK_ADMIN = "framework_admin", "Framework administrator"
    IG_LEAD = "ig_lead", "Information governance lead"
    VACCINATOR = "vaccinator", "Vaccinator"


class OrganisationKind(models.TextChoices):
    TRUST = "trust", "NHS trust"
    GP_PRACTICE = "gp_practice", "GP practice"
    ICS = "ics", "Integrated care system"
    OH_SERVICE = "oh_service", "Occupational health service"
    SUPPLIER = "supplier", "Supplier"
    FRAMEWORK_OPERATOR = "framework_operator", "Framework operator"


CLIENT_KINDS = frozenset({OrganisationKind.TRUST, OrganisationKind.GP_PRACTICE})

# Which organisation kinds a membership of each role may be held in.
ROLE_ORGANISATION_KINDS: dict[str, frozenset[str]] = {
    Role.MANAGER: CLIENT_KINDS,
    Role.EMPLOYEE: CLIENT_KINDS,
    Role.RECRUITER: CLIENT_KINDS,
    Role.PROCUREMENT: CLIENT_KINDS | {OrganisationKind.ICS},
    Role.OH_ADMIN: frozenset({OrganisationKind.OH_SERVICE}),
    Role.CLINICIAN: frozenset({OrganisationKind.OH_SERVICE}),
    Role.SUPPLIER: frozenset({OrganisationKind.SUPPLIER}),
    Role.BOARD: CLIENT_KINDS | {OrganisationKind.ICS},
    Role.FRAMEWORK_ADMIN: frozenset({OrganisationKind.FRAMEWORK_OPERATOR}),
    Role.IG_LEAD: CLIENT_KINDS | {OrganisationKind.OH_SERVICE},
    # An OH service's vaccinator, or a peer vaccinator on the wards of a trust or practice (PRODUCT.md section 1).
    Role.VACCINATOR: CLIENT_KINDS | {OrganisationKind.OH_SERVICE},
}

# Roles that must pass TOTP two-factor authentication.
# A vaccinator records health data (consent, declines, vaccinations) as a clinician does.
TWO_FACTOR_ROLES = frozenset({Role.CLINICIAN, Role.OH_ADMIN, Role.IG_LEAD, Role.FRAMEWORK_ADMIN, Role.VACCINATOR})

# Roles that work with staff records of the OH service's client organisations.
OH_SERVICE_ROLES = frozenset({Role.OH_ADMIN, Role.CLINICIAN})


class ServiceLine(models.TextChoices):
    GENERAL_OH = "general_oh", "General occupational health"
    PHYSIOTHERAPY = "physiotherapy", "Physiotherapy"
    MENTAL_HEALTH = "mental_health", "Mental health"
    MENOPAUSE = "menopause", "Menopause"
    PRE_EMPLOYMENT = "pre_employment", "Pre-employment health assessment"

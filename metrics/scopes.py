"""A scope is what a figure is about: an organisation, an OH service, an ICS or a supplier.

Each KPI reads cases, appointments, reports and checks through the filters here, and
`scopes_visible_to` decides which scopes a user may see (another scope answers 404).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

from organisations.models import Organisation, active_membership
from organisations.roles import OrganisationKind, Role

if TYPE_CHECKING:
    from accounts.models import User

# The roles that request and read the annual board report, each for the scopes of their dashboard.
BOARD_REPORT_ROLES = (Role.BOARD, Role.OH_ADMIN, Role.CLINICIAN)


class ScopeKind(models.TextChoices):
    ORGANISATION = "organisation", "Organisation"
    OH_SERVICE = "oh_service", "OH service"
    ICS = "ics", "Integrated care system"
    SUPPLIER = "supplier", "Supplier"


@dataclass(frozen=True)
class Scope:
    kind: str
    organisation: Organisation

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.organisation.pk}"

    def case_filter(self, prefix: str = "") -> Q:
        """Q for Referral rows (prefix e.g. 'referral__' when filtering related models)."""
        org = self.organisation
        if self.kind == ScopeKind.ORGANISATION:
            return Q(**{f"{prefix}organisation": org})
        if self.kind == ScopeKind.ICS:
            return Q(**{f"{prefix}organisation__ics": org})
        if self.kind == ScopeKind.OH_SERVICE:
            return Q(**{f"{prefix}oh_service": org})
        supplier_service = getattr(getattr(org, "supplier_profile", None), "oh_service", None)
        return Q(**{f"{prefix}oh_service": supplier_service}) if supplier_service else Q(pk__in=[])

    def injury_filter(self) -> Q:
        """Q for InoculationInjury rows: an injury has a case's organisation and OH service, so the same filter."""
        return self.case_filter()

    def assessment_filter(self) -> Q:
        org = self.organisation
        if self.kind == ScopeKind.ORGANISATION:
            return Q(organisation=org)
        if self.kind == ScopeKind.ICS:
            return Q(organisation__ics=org)
        if self.kind == ScopeKind.OH_SERVICE:
            return Q(oh_service=org)
        supplier_service = getattr(getattr(org, "supplier_profile", None), "oh_service", None)
        return Q(oh_service=supplier_service) if supplier_service else Q(pk__in=[])

    def surveillance_filter(self) -> Q:
        """Q for surveillance Enrolment rows: by the employer whose staff they are, or the OH service running the
        programme."""
        org = self.organisation
        if self.kind == ScopeKind.ORGANISATION:
            return Q(programme__organisation=org)
        if self.kind == ScopeKind.ICS:
            return Q(programme__organisation__ics=org)
        if self.kind == ScopeKind.OH_SERVICE:
            return Q(programme__oh_service=org)
        supplier_service = getattr(getattr(org, "supplier_profile", None), "oh_service", None)
        return Q(programme__oh_service=supplier_service) if supplier_service else Q(pk__in=[])


def campaign_filter(scope: Scope) -> Q:
    """Q for vaccination campaigns (health_protection.immunisation.Campaign) in a scope."""
    org = scope.organisation
    if scope.kind == ScopeKind.ORGANISATION:
        return Q(organisation=org)
    if scope.kind == ScopeKind.ICS:
        return Q(organisation__ics=org)
    if scope.kind == ScopeKind.OH_SERVICE:
        return Q(oh_service=org)
    supplier_service = getattr(getattr(org, "supplier_profile", None), "oh_service", None)
    return Q(oh_service=supplier_service) if supplier_service else Q(pk__in=[])


def scope_for(organisation: Organisation) -> Scope:
    kinds: dict[str, str] = {
        OrganisationKind.ICS: ScopeKind.ICS,
        OrganisationKind.OH_SERVICE: ScopeKind.OH_SERVICE,
        OrganisationKind.SUPPLIER: ScopeKind.SUPPLIER,
    }
    kind = kinds.get(organisation.kind, ScopeKind.ORGANISATION)
    return Scope(kind, organisation)


def scopes_visible_to(user: User | None) -> list[Scope]:
    """Board: own organisation (an ICS board also its members). OH admin and clinicians: their service.
    Supplier: itself (for service levels). Everyone else: none."""
    membership = active_membership(user)
    if membership is None:
        return []
    org = membership.organisation
    if membership.role == Role.BOARD:
        scopes = [scope_for(org)]
        if org.kind == OrganisationKind.ICS:
            scopes += [scope_for(m) for m in org.members.order_by("name")]
        return scopes
    if membership.role in (Role.CLINICIAN, Role.OH_ADMIN) and org.kind == OrganisationKind.OH_SERVICE:
        return [scope_for(org)]
    if membership.role == Role.SUPPLIER:
        return [scope_for(org)]
    return []


def suppresses_small_numbers(user: User | None) -> bool:
    membership = active_membership(user)
    return membership is None or membership.role != Role.CLINICIAN


def requests_board_reports(user: User | None) -> bool:
    membership = active_membership(user)
    return membership is not None and membership.role in BOARD_REPORT_ROLES


def board_report_scopes(user: User | None) -> list[Scope]:
    """The scopes whose board reports this user may request and read: none unless their role writes them."""
    return scopes_visible_to(user) if requests_board_reports(user) else []

"""The value used of an organisation's agreements in force, for the board dashboard: kept in the cache, so a warm
dashboard asks the database nothing more for it. Shown only to those who may see the suppliers' rates (the value
is priced by them)."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from ohwb_portal.caching import remembered
from suppliers.selectors import VALUE_CACHE_SECONDS, AgreementsValue, active_agreements_value, can_see_rates

from .scopes import Scope, ScopeKind

_CLIENTS: dict[str, str] = {ScopeKind.ORGANISATION: "client", ScopeKind.ICS: "client__ics"}


def agreements_value(user: User, scope: Scope) -> AgreementsValue | None:
    if scope.kind not in _CLIENTS:
        return None
    membership_id = user.active_membership_id
    if not remembered(f"sees-rates:{user.pk}:{membership_id}", VALUE_CACHE_SECONDS, lambda: can_see_rates(user)):
        return None
    today = timezone.localdate()
    clients = Q(**{_CLIENTS[scope.kind]: scope.organisation})
    value = remembered(
        f"agreements-value:{scope.key}:{today.isoformat()}",
        VALUE_CACHE_SECONDS,
        lambda: active_agreements_value(clients, today),
    )
    return value if value.count else None


def report_agreements_value(scope: Scope) -> AgreementsValue | None:
    """For the annual report, as it stands when the report is built (uncached, like the rest of the report). Only an
    organisation's or an ICS's report has it, and only their boards read those (`board_report_scopes`): the roles
    who may see the suppliers' rates."""
    if scope.kind not in _CLIENTS:
        return None
    value = active_agreements_value(Q(**{_CLIENTS[scope.kind]: scope.organisation}), timezone.localdate())
    return value if value.count else None

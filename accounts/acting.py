"""The membership a request acts in (PRODUCT.md section 8: the role belongs to the session).

Browser sessions carry their choice in the session (the role switcher writes it); token clients name it in the
X-OHWB-Membership header. Either way it must be one of the user's own memberships, and it is applied to
`request.user.active_membership` in memory only, so the ~80 places that read that attribute need no change and
the user's stored default (for new sessions and tokens) stays as it is.
"""

from __future__ import annotations

from typing import Any

from organisations.models import Membership

MEMBERSHIP_HEADER = "X-OHWB-Membership"
# The membership a browser session acts in (the role switcher writes it); absent: the user's default.
ACTING_MEMBERSHIP_SESSION_KEY = "ohwb_acting_membership_id"


def memberships_of(user: Any) -> list[Membership]:
    """The user's memberships with their organisations: for a signed-in request, those loaded with the user
    (accounts/backends.py), so the page reads them once whoever asks."""
    return list(user.memberships.all()) if _prefetched(user) else list(user.memberships.select_related("organisation"))


def _prefetched(user: Any) -> bool:
    return "memberships" in getattr(user, "_prefetched_objects_cache", {})


def own_membership(user: Any, membership_id: object) -> Membership | None:
    """`membership_id` when it names one of `user`'s memberships, else None."""
    if isinstance(membership_id, str):
        if not membership_id.isascii() or not membership_id.isdigit():
            return None
        membership_id = int(membership_id)
    if not isinstance(membership_id, int) or isinstance(membership_id, bool):
        return None
    return next((m for m in memberships_of(user) if m.pk == membership_id), None)


def default_membership(user: Any) -> Membership | None:
    """The stored default when it is still the user's own, else their first membership (or none)."""
    current = user.active_membership
    if current is not None and current.user_id == user.pk:
        return current
    return next(iter(memberships_of(user)), None)


def act_in(user: Any, membership: Membership | None) -> None:
    """Make `membership` this request's acting one, without touching the stored default."""
    if "_stored_active_membership_id" not in user.__dict__:
        user._stored_active_membership_id = user.active_membership_id
    user.active_membership = membership

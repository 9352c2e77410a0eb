from django.http import HttpRequest

from .acting import memberships_of


def current_membership(request: HttpRequest) -> dict[str, object]:
    """The role the user acts in, and the others they can switch to, for the header."""
    user = request.user
    if not user.is_authenticated:
        return {}
    return {
        "current_membership": user.active_membership,
        "other_memberships": [m for m in memberships_of(user) if m.pk != user.active_membership_id],
    }

"""Loading the signed-in user once a request, with what every page needs of them."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import Prefetch, QuerySet

from organisations.models import Membership

from .models import User


def users_with_memberships() -> QuerySet[User]:
    """Two queries: the user with their acting membership and its organisation, then all their memberships
    with their organisations (the header's role switcher, the two-factor rule, the role a session chose)."""
    return User.objects.select_related("active_membership__organisation").prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("organisation"))
    )


class SignedInUserMixin:
    def get_user(self, user_id: Any) -> User | None:
        user = users_with_memberships().filter(pk=user_id).first()
        return user if user is not None and user.is_active else None


class PortalModelBackend(SignedInUserMixin, ModelBackend):
    """Django's username and password backend."""

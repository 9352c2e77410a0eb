"""Portal users. What a user may do comes from their memberships (organisations app)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    active_membership = models.ForeignKey(
        "organisations.Membership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The role the user is acting in now; chosen with the role switcher",
    )

    def choose_default_membership(self) -> None:
        """Act in the first membership when none is chosen (or the chosen one was removed)."""
        current = self.active_membership
        if current is not None and current.user_id == self.pk:
            return
        self.active_membership = self.memberships.select_related("organisation").first()
        self.save(update_fields=["active_membership"])

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

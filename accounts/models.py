"""Portal users. What a user may do comes from their memberships (organisations app)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models

_NOT_ACTING = object()


class User(AbstractUser):
    active_membership = models.ForeignKey(
        "organisations.Membership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The role new sessions and token clients act in; a session switches its own role",
    )
    profession = models.CharField(
        max_length=100,
        blank=True,
        db_default="",  # rows written outside the ORM (bulk loads, restores) get none, not an error
        help_text="A clinician's profession, for example OH nurse: shown when an appointment is booked",
    )

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A request acting in another membership (accounts.acting.act_in) saves the stored default, not the
        # acting one: otherwise a password change in one browser would move the user's other sessions.
        stored = self.__dict__.get("_stored_active_membership_id", _NOT_ACTING)
        if stored is _NOT_ACTING or stored == self.active_membership_id:
            super().save(*args, **kwargs)
            return
        acting = self.active_membership
        self.active_membership_id = stored
        try:
            super().save(*args, **kwargs)
        finally:
            self.active_membership = acting

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


class TwoFactorReset(models.Model):
    """A change row: an administrator removed a user's authenticators so that they can enrol a new one.

    Rows are only ever added (the admin shows them read-only); a reset is the one way a user who has an
    authenticator may enrol another without first proving the one they have (PRODUCT.md section 8).
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="two_factor_resets")
    reset_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=200)
    devices_removed = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.reset_by} reset two-factor of {self.user} at {self.at:%Y-%m-%d %H:%M}"

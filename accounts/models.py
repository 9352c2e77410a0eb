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

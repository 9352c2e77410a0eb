"""What referrals tells the apps above it, so they can act on a case without referrals importing them."""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the transaction that closes the case (so what a receiver writes commits or rolls back with it),
# with `referral`. Metrics starts the service user's satisfaction survey on it.
case_closed = Signal()

"""What referrals tells the apps above it, so they can act on a case without referrals importing them."""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the transaction that closes the case (so what a receiver writes commits or rolls back with it),
# with `referral`. Metrics starts the service user's satisfaction survey on it.
case_closed = Signal()

# Sent inside the transaction of every change to an appointment (booked, moved, cancelled, attendance recorded or
# corrected), with `appointment`, `change` (one of those words) and `by`. A receiver that refuses the change (the
# clinics diary, when the clinician's time is already taken) raises an ActionRefused, which undoes it. A receiver
# that tells the employee itself (the diary, with a calendar invitation) returns True, and referrals then sends no
# notice of its own for that change.
appointment_changed = Signal()

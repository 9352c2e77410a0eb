"""Suggestions for the authorization matrix's own-versus-other sweep (ohwb_portal/tests/sweep_objects.py BUILDERS).

Own: for a member of trust A's staff whose line manager is the sweep's manager. Other: for trust B's, managed by
trust B's manager. With `state`, one suggestion in that state; without, one in each (suggested, referred, not now):
only the own line manager succeeds on any of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from organisations.roles import Role

from .factories import absent_employee, suggestion_for

if TYPE_CHECKING:
    from ohwb_portal.tests.sweep_objects import Kwargs, Sweep

STATES = ("suggested", "referred", "not_now")


def _suggestions(sweep: Sweep, side: str, role: str | None, opts: dict[str, Any]) -> list[Kwargs]:
    if side == "own":
        manager, organisation = sweep.users[Role.MANAGER], sweep.world.trust_a
    else:
        manager, organisation = sweep.b_manager, sweep.world.trust_b
    states = [opts["state"]] if "state" in opts else STATES
    return [
        {"pk": suggestion_for(absent_employee(manager=manager, organisation=organisation), state).pk}
        for state in states
    ]


BUILDERS = {"support_suggestion": _suggestions}

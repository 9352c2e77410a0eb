"""Objects for the authorization matrix's own-versus-other sweep (ohwb_portal/tests/sweep_objects.py BUILDERS).

Own: an assessment of the test OH service (which serves trust A, so trust A's board and procurement are its
clients). Other: an assessment of the OH service serving trust B. The option `state` (draft, submitted,
superseded) says which; every role and state is also covered by this app's test_access.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from organisations.roles import Role

from .factories import assessment_by

if TYPE_CHECKING:
    from ohwb_portal.tests.sweep_objects import Kwargs, Sweep


def _author(sweep: Sweep, side: str) -> Any:
    return sweep.users[Role.OH_ADMIN] if side == "own" else sweep.b_oh_admin


def _assessment(sweep: Sweep, side: str, role: str | None, opts: dict[str, Any]) -> Any:
    return assessment_by(_author(sweep, side), opts.get("state", "submitted"), with_file=True)


def assessment(sweep: Sweep, side: str, role: str | None, opts: dict[str, Any]) -> list[Kwargs]:
    made = _assessment(sweep, side, role, opts)
    if "domain" in opts:
        return [{"pk": made.pk, "domain": opts["domain"]}]
    return [{"pk": made.pk}]


def evidence(sweep: Sweep, side: str, role: str | None, opts: dict[str, Any]) -> list[Kwargs]:
    made = _assessment(sweep, side, role, opts)
    return [{"pk": made.ratings.get(files__isnull=False).files.get().pk}]


def service(sweep: Sweep, side: str, role: str | None, opts: dict[str, Any]) -> list[Kwargs]:
    return [{"pk": _assessment(sweep, side, role, opts).service_id}]


BUILDERS = {"maturity_assessment": assessment, "maturity_evidence": evidence, "maturity_service": service}

"""Every route is declared in ohwb_portal/route_policy.py and behaves as declared, for anonymous users and
for every role. Every route with an object in its address is also swept with real objects: each role on its
own organisation's object and on another organisation's (OBJECT_ROUTES below, objects from sweep_objects.py)."""

import re
import secrets
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import ROLE_HOME, build_world, signed_in_client
from ohwb_portal.route_policy import ROUTES
from ohwb_portal.tests.sweep_objects import BUILDERS, Sweep, free_slot
from organisations.roles import Role
from organisations.tests.factories import member
from suppliers.models import CallOffStatus

pytestmark = pytest.mark.django_db


def discovered_routes():
    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if str(pattern.pattern).startswith("admin/"):
                    continue  # Django admin: staff only, Django's own checks
                inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield namespace + pattern.name, pattern

    return dict(walk(get_resolver().url_patterns))


ALL = discovered_routes()


def url_for(name, pattern):
    """Fill any URL arguments with values that match no object (the anonymous check needs only the route)."""
    arguments = re.findall(r"<(?:(\w+):)?(\w+)>|\(\?P<(\w+)>", str(pattern.pattern))
    kwargs = {}
    for converter, key, regex_key in arguments:
        kwargs[key or regex_key] = "no-such-token" if converter == "str" else 999999
    return reverse(name, kwargs=kwargs)


def test_every_route_has_a_declared_policy():
    missing = sorted(set(ALL) - set(ROUTES))
    stale = sorted(set(ROUTES) - set(ALL))
    assert not missing, f"Routes with no declared policy: {missing}"
    assert not stale, f"Policies for routes that no longer exist: {stale}"


@pytest.mark.parametrize("name", sorted(ALL))
def test_anonymous(name):
    policy = ROUTES[name]
    # An address of its own: the single-use link routes are rate limited per address, and the count outlives a run.
    response = Client(REMOTE_ADDR=f"10.255.{secrets.randbelow(250)}.{secrets.randbelow(250)}").get(
        url_for(name, ALL[name])
    )
    if policy.kind == "public":
        assert response.status_code in EXPLAINED.get(name, {200, 404, 410, 503}), response.status_code
        return
    if name.startswith("api-") or "/api/" in url_for(name, ALL[name]):
        assert response.status_code in (401, 403)
    else:
        assert response.status_code in (302, 403, 405)
        if response.status_code == 302:
            assert response["Location"].startswith("/accounts/sign-in/")


# Pages whose purpose is to explain a refusal answer with its status.
EXPLAINED = {"accounts:sso_refused": {403}}

PARAMETERLESS = sorted(n for n, p in ALL.items() if "<" not in str(p.pattern) and "(?P" not in str(p.pattern))


@pytest.fixture
def clients(world):
    return {role: signed_in_client(member(role, getattr(world, ROLE_HOME[role]))) for role in Role.values}


@pytest.mark.parametrize("name", PARAMETERLESS)
def test_every_role_on_routes_without_objects(name, clients):
    policy = ROUTES[name]
    url = url_for(name, ALL[name])
    results = {}
    for role, client in clients.items():
        status = client.get(url).status_code
        allowed = policy.kind in ("public", "signed_in") or role in policy.roles
        if not policy.get_allowed:
            expected = {405} if allowed else {403, 405}
        elif name in EXPLAINED:
            expected = EXPLAINED[name]
        elif allowed:
            expected = (
                {200, 302, 404, 503}
                if name in ("accounts:login", "healthz", "metrics-kpis", "metrics-timeseries")
                else {200}
            )
            if name == "metrics-timeseries":
                expected = {400, 404}  # needs ?kpi=; roles without a scope get 404
        else:
            expected = {403}
        results[role] = (status, status in expected)
    wrong = {role: status for role, (status, ok) in results.items() if not ok}
    assert not wrong, f"{name}: unexpected statuses {wrong}"


def test_matrix_figures_for_the_security_note():
    api = [n for n, p in ALL.items() if url_for(n, p).startswith("/api/")]
    assert len(api) > 30
    print(
        f"\nAuthorization matrix: {len(ALL)} routes declared and checked anonymously; "
        f"{len(PARAMETERLESS)} routes checked for all {len(Role.values)} roles; API routes among them: {len(api)}"
    )


# --- Own versus other organisation, for every route with an object in its address ----------------------------------


@dataclass(frozen=True)
class ObjectRoute:
    """How to sweep one route: which object (a key of BUILDERS), which roles succeed on their own organisation's
    object, and the request. Everyone else gets 403 or 404 on it; on another organisation's object every role
    the policy lets in gets 404 (roles the policy refuses get 403 before any lookup)."""

    model: str
    viewers: frozenset[str]
    method: str = "get"
    body: dict[str, Any] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    other_seen_by: frozenset[str] = frozenset()  # by design; each use says why


R = Role
EVERYONE = frozenset(Role.values)
CASE_PEOPLE = frozenset({R.MANAGER, R.EMPLOYEE, R.OH_ADMIN, R.CLINICIAN})
OH_STAFF = frozenset({R.OH_ADMIN, R.CLINICIAN})
DPS_ROLES = frozenset({R.PROCUREMENT, R.BOARD, R.FRAMEWORK_ADMIN, R.SUPPLIER})
CHECK_PEOPLE = frozenset({R.RECRUITER, R.OH_ADMIN, R.CLINICIAN})
REPORT_READERS = frozenset({R.BOARD, R.OH_ADMIN, R.CLINICIAN})
INJURY_PEOPLE = frozenset({R.EMPLOYEE, R.MANAGER, R.OH_ADMIN, R.CLINICIAN})
# A submitted maturity assessment: the service's own people, its clients' board and procurement, framework admins
# (who see every submitted assessment: they oversee maturity across services, so see the other side's too).
MATURITY_READERS = frozenset({R.OH_ADMIN, R.CLINICIAN, R.BOARD, R.PROCUREMENT, R.FRAMEWORK_ADMIN})


def _only(*roles: str) -> frozenset[str]:
    return frozenset(roles)


def _signing_stage(role: str | None) -> str:
    """Each party signs at its own step: the client's named signatory first, then the supplier."""
    return CallOffStatus.AWAITING_SUPPLIER if role == R.SUPPLIER else CallOffStatus.AWAITING_CLIENT


def _api_signing_stage(role: str | None) -> str:
    """The API's sign sends a draft for signature and signs it in one call for the client."""
    return CallOffStatus.AWAITING_SUPPLIER if role == R.SUPPLIER else CallOffStatus.DRAFT


OBJECT_ROUTES: dict[str, ObjectRoute] = {
    "notifications:open": ObjectRoute("notification", EVERYONE, "post"),
    "referrals:detail": ObjectRoute("referral", CASE_PEOPLE),
    "referrals:submit": ObjectRoute("referral", _only(R.MANAGER), "post", options={"stage": "draft"}),
    "referrals:edit_draft": ObjectRoute("referral", _only(R.MANAGER), options={"stage": "draft"}),
    "referrals:delete_draft": ObjectRoute("referral", _only(R.MANAGER), options={"stage": "draft"}),
    "referrals:resend": ObjectRoute("referral", _only(R.MANAGER), options={"stage": "returned"}),
    "referrals:attachment": ObjectRoute("referral+attachment", _only(R.MANAGER, *OH_STAFF)),
    "referrals:triage": ObjectRoute("referral", OH_STAFF, options={"stage": "submitted"}),
    "referrals:withdraw": ObjectRoute("referral", CASE_PEOPLE),
    "referrals:book": ObjectRoute("referral", OH_STAFF, options={"stage": "triaged"}),
    "referrals:attendance": ObjectRoute("referral+appointment", OH_STAFF, "post", {"attended": "yes"}),
    "referrals:correct_attendance": ObjectRoute("referral+appointment", OH_STAFF),
    "referrals:reschedule": ObjectRoute("referral+appointment", OH_STAFF),
    "referrals:cancel_appointment": ObjectRoute("referral+appointment", OH_STAFF),
    "referrals:add_note": ObjectRoute("referral", _only(R.CLINICIAN), "post", {"text": "Seen today"}),
    "referrals:addendum": ObjectRoute("referral+note", _only(R.CLINICIAN)),
    # Case messages: the referring manager and the OH service handling the case (not the employee).
    "referrals:messages": ObjectRoute("referral", _only(R.MANAGER, *OH_STAFF)),
    "referrals:measures": ObjectRoute("referral", _only(R.CLINICIAN), "post", {"work_ability": 6}),
    "referrals:own_score": ObjectRoute("referral", _only(R.EMPLOYEE), options={"stage": "triaged"}),
    "referrals:report": ObjectRoute("referral", _only(R.CLINICIAN), options={"stage": "assessed"}),
    "referrals:consent": ObjectRoute("referral", _only(R.EMPLOYEE), options={"stage": "awaiting_consent"}),
    "referrals:adjustments": ObjectRoute("referral", _only(R.MANAGER)),
    "referrals:close": ObjectRoute("referral", _only(R.CLINICIAN)),
    "assessments:detail": ObjectRoute("assessment", CHECK_PEOPLE),
    "assessments:immunisations": ObjectRoute("assessment", _only(R.CLINICIAN), "post"),
    "assessments:clearance": ObjectRoute("assessment", _only(R.CLINICIAN), "post", {"outcome": "fit"}),
    "assessments:resend_link": ObjectRoute("assessment", _only(R.RECRUITER, R.OH_ADMIN), "post"),
    "assessments:extend_link": ObjectRoute("assessment", _only(R.RECRUITER, R.OH_ADMIN), "post"),
    # Single-use links: the token is the key, whoever holds it (no account); "other" is a token never issued.
    "assessments:questionnaire": ObjectRoute("questionnaire_token", EVERYONE),
    "metrics:survey": ObjectRoute("survey_token", EVERYONE),
    "referrals:score_link": ObjectRoute("measures_token", EVERYONE),
    "questionnaire-api": ObjectRoute("questionnaire_token", EVERYONE),
    "suppliers:detail": ObjectRoute("supplier", DPS_ROLES),
    # A refused or mistyped decision or accreditation comes back as the page with its error (400): these are
    # requests that go through (an application waiting, a real date), answered by a redirect.
    "suppliers:decide": ObjectRoute(
        "supplier", _only(R.FRAMEWORK_ADMIN), "post", {"decision": "admit"}, {"applicant": True}
    ),
    "suppliers:accreditation": ObjectRoute(
        "supplier",
        _only(R.FRAMEWORK_ADMIN),
        "post",
        {"seqohs_number": "SEQ-2", "expires_0": "1", "expires_1": "1", "expires_2": "2099"},
    ),
    "suppliers:new_call_off": ObjectRoute("supplier", _only(R.PROCUREMENT), options={"param": "supplier_pk"}),
    "suppliers:call_off": ObjectRoute("call_off", DPS_ROLES),
    "suppliers:send_call_off": ObjectRoute("call_off", _only(R.PROCUREMENT), "post"),
    "suppliers:edit_call_off": ObjectRoute("call_off", _only(R.PROCUREMENT), options={"status": CallOffStatus.DRAFT}),
    "suppliers:sign_call_off": ObjectRoute(
        "call_off", _only(R.PROCUREMENT, R.SUPPLIER), "post", {"declared": "on"}, {"status": _signing_stage}
    ),
    "suppliers:terminate_call_off": ObjectRoute(
        "call_off",
        _only(R.PROCUREMENT, R.FRAMEWORK_ADMIN),
        "post",
        {"reason": "Service ended"},
        {"status": CallOffStatus.ACTIVE},
    ),
    "suppliers:vary_call_off": ObjectRoute(
        "call_off", _only(R.PROCUREMENT), "post", options={"status": CallOffStatus.ACTIVE}
    ),
    "suppliers:monthly_return": ObjectRoute("call_off", _only(R.SUPPLIER), options={"status": CallOffStatus.ACTIVE}),
    "suppliers:change": ObjectRoute("profile_change", _only(R.FRAMEWORK_ADMIN, R.SUPPLIER)),
    "metrics:download_report": ObjectRoute("board_report", REPORT_READERS),
    # Health surveillance: the OH service running the programme (results: its clinicians only).
    "surveillance:programme": ObjectRoute("surveillance_programme", OH_STAFF),
    "surveillance:add_rule": ObjectRoute(
        "surveillance_programme", OH_STAFF, "post", {"basis": "job_role", "value": "Porter"}
    ),
    "surveillance:apply_rules": ObjectRoute("surveillance_programme", OH_STAFF, "post"),
    "surveillance:enrol": ObjectRoute("surveillance_programme", OH_STAFF, "post"),
    "surveillance:enrolment": ObjectRoute("surveillance_enrolment", OH_STAFF),
    "surveillance:record_result": ObjectRoute("surveillance_enrolment", _only(R.CLINICIAN)),
    "surveillance:invite": ObjectRoute("surveillance_enrolment", OH_STAFF, "post"),
    "surveillance:end": ObjectRoute("surveillance_enrolment", OH_STAFF, "post", {"reason": "Moved to another role"}),
    "surveillance:recall": ObjectRoute("surveillance_token", EVERYONE),
    # API
    # A framework admin runs the framework and sees every organisation (OrganisationQuerySet.visible_to).
    "organisation-detail": ObjectRoute("organisation", EVERYONE, other_seen_by=_only(R.FRAMEWORK_ADMIN)),
    "employee-detail": ObjectRoute("employee", _only(R.MANAGER, R.EMPLOYEE, R.IG_LEAD, *OH_STAFF)),
    "referral-detail": ObjectRoute("referral", CASE_PEOPLE),
    "referral-appointments": ObjectRoute("referral", CASE_PEOPLE),
    "referral-notes": ObjectRoute("referral", _only(R.CLINICIAN)),
    "referral-messages": ObjectRoute("referral", _only(R.MANAGER, *OH_STAFF)),
    "referral-report": ObjectRoute("referral", _only(R.MANAGER, R.EMPLOYEE, R.CLINICIAN)),
    "referral-report-versions": ObjectRoute("referral", _only(R.MANAGER, R.EMPLOYEE, R.CLINICIAN)),
    # The manager's answers on adjustments: the referring manager and the service's clinicians.
    "referral-adjustments": ObjectRoute("referral", _only(R.MANAGER, R.CLINICIAN)),
    "referral-attachments": ObjectRoute(
        "referral", _only(R.MANAGER), "post", options={"stage": "submitted", "multipart_pdf": "files"}
    ),
    "referral-submit": ObjectRoute("referral", _only(R.MANAGER), "post", options={"stage": "draft"}),
    "referral-draft": ObjectRoute("referral", _only(R.MANAGER), "delete", options={"stage": "draft"}),
    "referral-resend": ObjectRoute("referral", _only(R.MANAGER), "post", {"reply": "Attached"}, {"stage": "returned"}),
    "referral-triage": ObjectRoute(
        "referral",
        OH_STAFF,
        "post",
        {"priority": "routine", "practitioner_type": "oh_nurse"},
        {"stage": "submitted"},
    ),
    "referral-return-to-manager": ObjectRoute(
        "referral", OH_STAFF, "post", {"reason": "Say which duties"}, {"stage": "submitted"}
    ),
    "referral-withdraw": ObjectRoute(
        "referral", _only(R.MANAGER, R.OH_ADMIN), "post", {"reason": "No longer needed"}, {"stage": "submitted"}
    ),
    "referral-send-for-consent": ObjectRoute(
        "referral", _only(R.CLINICIAN), "post", options={"stage": "report_drafted"}
    ),
    "referral-consent": ObjectRoute(
        "referral", _only(R.EMPLOYEE), "post", {"choice": "release_now"}, {"stage": "awaiting_consent"}
    ),
    "referral-release": ObjectRoute("referral", _only(R.CLINICIAN), "post", options={"stage": "awaiting_consent"}),
    "referral-close": ObjectRoute("referral", _only(R.CLINICIAN), "post", {"outcome": "remained_in_work"}),
    "appointment-attendance": ObjectRoute("appointment", OH_STAFF, "post", {"attended": True}),
    "appointment-correct-attendance": ObjectRoute(
        "appointment", OH_STAFF, "post", {"attended": False, "reason": "Wrong person ticked"}, {"when": "recorded"}
    ),
    "appointment-reschedule": ObjectRoute(
        "appointment",
        OH_STAFF,
        "post",
        {"start": "2099-03-02T10:30:00Z", "reason": "Clinician on leave"},
        {"when": "future"},
    ),
    "appointment-cancel": ObjectRoute(
        "appointment", OH_STAFF, "post", {"reason": "Employee asked to cancel"}, {"when": "future"}
    ),
    "assessment-detail": ObjectRoute("assessment", CHECK_PEOPLE),
    "assessment-clearance": ObjectRoute("assessment", _only(R.CLINICIAN), "post", {"outcome": "fit"}),
    "assessment-resend-link": ObjectRoute(
        "assessment", _only(R.RECRUITER, R.OH_ADMIN), "post", options={"waiting_for_candidate": True}
    ),
    "assessment-extend-link": ObjectRoute(
        "assessment", _only(R.RECRUITER, R.OH_ADMIN), "post", options={"waiting_for_candidate": True}
    ),
    "supplier-detail": ObjectRoute("supplier", DPS_ROLES),
    "call-off-detail": ObjectRoute("call_off", DPS_ROLES),
    "supplier-change-detail": ObjectRoute("profile_change", _only(R.FRAMEWORK_ADMIN, R.SUPPLIER)),
    "supplier-change-decide": ObjectRoute("profile_change", _only(R.FRAMEWORK_ADMIN), "post", {"decision": "approve"}),
    "call-off-sign": ObjectRoute(
        "call_off", _only(R.PROCUREMENT, R.SUPPLIER), "post", {"declared": True}, {"status": _api_signing_stage}
    ),
    "call-off-terminate": ObjectRoute(
        "call_off",
        _only(R.PROCUREMENT, R.FRAMEWORK_ADMIN),
        "post",
        {"reason": "Service ended"},
        {"status": CallOffStatus.ACTIVE},
    ),
    "board-report": ObjectRoute("board_report", REPORT_READERS),
    # clinics and bookings: the OH service's staff; the employee's own link is the key, whoever holds it
    "clinics:detail": ObjectRoute("clinic", OH_STAFF),
    "clinics:exception": ObjectRoute("clinic", _only(R.OH_ADMIN)),
    "clinics:book_case": ObjectRoute("referral", OH_STAFF, options={"stage": "triaged"}),
    "clinics:send_link": ObjectRoute("referral", OH_STAFF, "post", options={"stage": "triaged"}),
    "clinics:book_check": ObjectRoute("check_to_book", OH_STAFF),
    "clinics:booking": ObjectRoute("clinic_booking", OH_STAFF, options={"state": "cancelled"}),
    "clinics:move_booking": ObjectRoute("clinic_booking", OH_STAFF),
    "clinics:cancel_booking": ObjectRoute("clinic_booking", OH_STAFF),
    "clinics:check_attendance": ObjectRoute(
        "clinic_booking", OH_STAFF, "post", {"attended": "yes"}, {"check": True, "state": "started"}
    ),
    "clinics:letter": ObjectRoute("clinic_booking", OH_STAFF),
    "clinics:calendar": ObjectRoute("clinic_booking", OH_STAFF, options={"check": True}),
    "clinics:self_service": ObjectRoute("booking_token", EVERYONE),
    "clinics:self_calendar": ObjectRoute("booking_token", EVERYONE, options={"purpose": "change"}),
    "clinic-detail": ObjectRoute("clinic", OH_STAFF),
    "clinic-slots": ObjectRoute("clinic", OH_STAFF),
    "booking-detail": ObjectRoute("clinic_booking", OH_STAFF),
    "booking-move": ObjectRoute(
        "clinic_booking", OH_STAFF, "post", {"slot": lambda sweep: free_slot(sweep).pk, "reason": "Clinician asked"}
    ),
    "booking-cancel": ObjectRoute("clinic_booking", OH_STAFF, "post", {"reason": "Employee asked"}),
    # Health surveillance: a manager sees their own line reports' status and outcome (the builder's member of
    # staff reports to the test manager), an IG lead the employer's; results are for the service's clinicians.
    "surveillance-programme-detail": ObjectRoute("surveillance_programme", _only(R.IG_LEAD, *OH_STAFF)),
    "surveillance-enrolment-detail": ObjectRoute(
        "surveillance_enrolment", _only(R.MANAGER, R.IG_LEAD, R.OH_ADMIN, R.CLINICIAN)
    ),
    "surveillance-enrolment-results": ObjectRoute("surveillance_enrolment", _only(R.CLINICIAN)),
    "surveillance-enrolment-record-result": ObjectRoute(
        "surveillance_enrolment",
        _only(R.CLINICIAN),
        "post",
        {"performed_on": "2026-01-05", "outcome": "fit", "category": "Category 1: acceptable hearing"},
    ),
    # Inoculation injuries: the member of staff, their line manager and the OH service; nobody else (the board, an
    # IG lead, a vaccinator or any other role), and no one of another organisation. Every state: injuries/tests.
    "injuries:detail": ObjectRoute("injury", INJURY_PEOPLE),
    "injuries:assess": ObjectRoute("injury", _only(R.CLINICIAN), options={"stage": "reported"}),
    "injuries:request_source": ObjectRoute("injury", OH_STAFF, options={"stage": "reported"}),
    "injuries:record_source": ObjectRoute("injury", _only(R.CLINICIAN), options={"stage": "reported"}),
    "injuries:book_test": ObjectRoute("injury+test", OH_STAFF, options={"stage": "assessed"}),
    "injuries:record_result": ObjectRoute("injury+test", _only(R.CLINICIAN)),
    "injuries:close": ObjectRoute("injury", _only(R.CLINICIAN)),
    "injury-detail": ObjectRoute("injury", INJURY_PEOPLE),
    "injury-assess": ObjectRoute(
        "injury",
        _only(R.CLINICIAN),
        "post",
        {"risk": "low", "hep_b_immunity": "immune", "pep_advice": "not_indicated", "riddor_reportable": False},
        {"stage": "reported"},
    ),
    "injury-source-request": ObjectRoute("injury", OH_STAFF, "post", {"asked": "Ward 7"}, {"stage": "reported"}),
    "injury-source-status": ObjectRoute(
        "injury", _only(R.CLINICIAN), "post", {"hbv": "negative", "hcv": "negative", "hiv": "negative"}
    ),
    "injury-test-booking": ObjectRoute(
        "injury+test", OH_STAFF, "post", {"at": "2099-03-02T10:30:00Z"}, {"stage": "assessed"}
    ),
    "injury-test-results": ObjectRoute(
        "injury+test", _only(R.CLINICIAN), "post", {"hbv": "negative", "hcv": "negative", "hiv": "negative"}
    ),
    "injury-close": ObjectRoute("injury", _only(R.CLINICIAN), "post"),
    # Staff immunisation and campaigns: each object is swept in every campaign state (not started, running,
    # ended). A vaccinator works only on the campaigns they are named on; the manager and board never get in.
    "immunisation:campaign": ObjectRoute("campaign", _only(*OH_STAFF, R.VACCINATOR)),
    "immunisation:new_clinic": ObjectRoute("campaign", OH_STAFF),
    "immunisation:vaccinators": ObjectRoute("campaign", OH_STAFF),
    "immunisation:uptake": ObjectRoute("campaign", OH_STAFF),
    "immunisation:national_return": ObjectRoute("campaign", OH_STAFF),
    "immunisation:clinic": ObjectRoute("campaign_clinic", _only(R.VACCINATOR, R.CLINICIAN)),
    "immunisation:clinic_batch": ObjectRoute("campaign_clinic", _only(R.VACCINATOR, R.CLINICIAN), "post"),
    "immunisation:record_vaccination": ObjectRoute("campaign_clinic+employee", _only(R.VACCINATOR, R.CLINICIAN)),
    "immunisation:record": ObjectRoute("immunisation_staff", OH_STAFF),
    "immunisation:open_record": ObjectRoute("immunisation_staff", _only(R.CLINICIAN), "post"),
    "immunisation:add_entry": ObjectRoute("immunisation_staff", _only(R.CLINICIAN), "post"),
    "immunisation:maternity": ObjectRoute("immunisation_staff", _only(R.CLINICIAN), "post"),
    # Service maturity: drafts for the service's own people only; every other role and state in
    # commissioning/maturity/tests/test_access.py.
    "maturity:detail": ObjectRoute("maturity_assessment", MATURITY_READERS, other_seen_by=_only(R.FRAMEWORK_ADMIN)),
    "maturity:edit_domain": ObjectRoute(
        "maturity_assessment", _only(R.OH_ADMIN), options={"state": "draft", "domain": "leadership"}
    ),
    "maturity:submit": ObjectRoute("maturity_assessment", _only(R.OH_ADMIN), "post", options={"state": "ready"}),
    "maturity:comment": ObjectRoute(
        "maturity_assessment",
        _only(R.BOARD, R.PROCUREMENT, R.FRAMEWORK_ADMIN),
        "post",
        {"text": "Clear evidence, thank you"},
        other_seen_by=_only(R.FRAMEWORK_ADMIN),
    ),
    "maturity:evidence_file": ObjectRoute(
        "maturity_evidence", MATURITY_READERS, other_seen_by=_only(R.FRAMEWORK_ADMIN)
    ),
    "maturity:history": ObjectRoute("maturity_service", MATURITY_READERS, other_seen_by=_only(R.FRAMEWORK_ADMIN)),
    "maturity-assessment-detail": ObjectRoute(
        "maturity_assessment", MATURITY_READERS, other_seen_by=_only(R.FRAMEWORK_ADMIN)
    ),
    "maturity-assessment-submit": ObjectRoute(
        "maturity_assessment", _only(R.OH_ADMIN), "post", options={"state": "ready"}
    ),
    # The employee's own record is reached by the API too, but the sweep's records are other staff's.
    "immunisation-record-detail": ObjectRoute("immunisation_record", OH_STAFF),
    "immunisation-campaign-detail": ObjectRoute("campaign", _only(*OH_STAFF, R.VACCINATOR)),
    "immunisation-campaign-uptake": ObjectRoute("campaign", OH_STAFF),
    # Recorded only while the campaign runs (refused with 409 before and after: services tests); others are
    # refused on campaigns in every state.
    "immunisation-vaccination": ObjectRoute(
        "campaign+employee",
        _only(R.VACCINATOR, R.CLINICIAN),
        "post",
        {"outcome": "declined", "decline_reason": "later"},
        {"running_only_for": (R.VACCINATOR, R.CLINICIAN)},
    ),
    # The wellbeing improvement plan: the board of its own organisation; every other role is refused.
    "wellbeing_plan:edit": ObjectRoute("plan_action", _only(R.BOARD)),
    "wellbeing-plan-action-detail": ObjectRoute("plan_action", _only(R.BOARD)),
    # Proactive support: a suggestion is for the member of staff's own line manager only, in each state (suggested,
    # referred, not now): not another manager, the employee, OH, the board, nor anyone of another organisation.
    "proactive:not_now": ObjectRoute("support_suggestion", _only(R.MANAGER)),
    "proactive:start_referral": ObjectRoute("support_suggestion", _only(R.MANAGER), "post"),
    "proactive-suggestion-detail": ObjectRoute("support_suggestion", _only(R.MANAGER)),
    "proactive-suggestion-not-now": ObjectRoute(
        "support_suggestion", _only(R.MANAGER), "post", {"reason": ""}, {"state": "suggested"}
    ),
    "proactive-suggestion-refer": ObjectRoute(
        "support_suggestion", _only(R.MANAGER), "post", options={"state": "suggested"}
    ),
}

WITH_OBJECTS = sorted(set(ALL) - set(PARAMETERLESS))


def _is_api(name: str) -> bool:
    return "/api/" in url_for(name, ALL[name])


def test_every_route_with_an_object_has_a_builder():
    """A new route with an object in its address fails here until it is added to the sweep."""
    missing = [name for name in WITH_OBJECTS if name not in OBJECT_ROUTES]
    assert not missing, f"Routes with an object in the address and no entry in OBJECT_ROUTES: {missing}"
    assert not set(OBJECT_ROUTES) - set(WITH_OBJECTS), "OBJECT_ROUTES lists routes that no longer exist"
    for name, spec in OBJECT_ROUTES.items():
        assert spec.model in BUILDERS, f"{name}: no builder for {spec.model}"
        assert spec.viewers, f"{name}: nobody succeeds on it"
        policy = ROUTES[name]
        if policy.kind == "roles":
            assert spec.viewers <= policy.roles, f"{name}: viewers the route policy refuses"
        arguments = set(re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", str(ALL[name].pattern))[0]) - {""}
        assert arguments, name


def _succeeds(name: str, spec: ObjectRoute) -> set[int]:
    if spec.method == "get":
        return {200}
    if spec.method == "delete":
        return {204}
    return {200, 201} if _is_api(name) else {302}


def _expected(name: str, spec: ObjectRoute, role: str | None, side: str) -> set[int]:
    policy = ROUTES[name]
    if policy.kind == "roles" and role not in policy.roles:
        return {403}
    if side == "own":
        return _succeeds(name, spec) if role is None or role in spec.viewers else {403, 404}
    return _succeeds(name, spec) if role in spec.other_seen_by else {404}


def _request(sweep: Sweep, name: str, spec: ObjectRoute, role: str | None, kwargs: dict[str, Any]) -> int:
    client, url = sweep.client(role), reverse(name, kwargs=kwargs)
    if spec.method == "get":
        return client.get(url).status_code
    if spec.method == "delete":
        return client.delete(url).status_code
    if "multipart_pdf" in spec.options:  # an upload: a fresh small PDF in that field for each request
        upload = SimpleUploadedFile("risk.pdf", b"%PDF-1.4\n%%EOF", content_type="application/pdf")
        return client.post(url, {**spec.body, spec.options["multipart_pdf"]: upload}).status_code
    body = {key: value(sweep) if callable(value) else value for key, value in spec.body.items()}  # e.g. a free slot
    if _is_api(name):
        return client.post(url, body, content_type="application/json").status_code
    return client.post(url, body).status_code


# The sweep below shares one world per worker (a module fixture, kept until the module's last test): it stays
# last in this module, after every test that builds a world of its own.
@pytest.fixture(scope="module")
def sweep(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """The world and its signed-in users, built once per worker for this module's routes: in a transaction that
    is rolled back at the end, each route's test running in a savepoint of it (so no route sees another's)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield Sweep(build_world())
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.mark.parametrize("name", WITH_OBJECTS)
def test_own_versus_other_organisation_objects(name, sweep, db, settings, tmp_path):
    """For a route with an object in its address: the roles that work with that object get their normal
    answer on their own organisation's object and 404 on another organisation's; every other role gets 403
    or 404. Objects are real, made by the services; a changing request gets a fresh object per role."""
    settings.MEDIA_ROOT = str(tmp_path)
    spec = OBJECT_ROUTES[name]
    build = BUILDERS[spec.model]
    public = ROUTES[name].kind == "public"
    roles: list[str | None] = [*Role.values, *([None] if public else [])]
    others = build(sweep, "other", None, spec.options)
    shared_own: list[dict[str, Any]] | None = None
    checks, mismatches = 0, []
    for role in roles:
        if role is None or role in spec.viewers:
            own = build(sweep, "own", role, spec.options)  # fresh: a viewer's request may change it
        else:
            shared_own = shared_own or build(sweep, "own", role, spec.options)
            own = shared_own
        for side, targets in (("own", own), ("other", others)):
            for kwargs in targets:
                status = _request(sweep, name, spec, role, kwargs)
                expected = _expected(name, spec, role, side)
                checks += 1
                if status not in expected:
                    mismatches.append(f"{role or 'anonymous'} {side} {kwargs}: {status}, expected {expected}")
    print(f"\n{name}: {2 * len(roles)} role x side combinations, {checks} requests, {len(mismatches)} mismatches")
    assert not mismatches, "\n".join(mismatches)

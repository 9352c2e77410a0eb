"""Who may use each route: the declared policy that the authorization matrix test checks every route against.

A route missing here fails that test, so a new page or API operation cannot ship without a decision.
  PUBLIC      no account (sign-in page, health check, single-use links)
  SIGNED_IN   any signed-in user (rows are then scoped by visible_to)
  roles(...)  only these roles; others get 403 (pages) or an empty/404 answer (API, scoped)
Objects of another organisation answer 404: test_authorization_matrix.py sweeps every route with an object in
its address with real objects of the user's own and of another organisation (its OBJECT_ROUTES table).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from organisations.roles import Role
from suppliers.models import CALL_OFF_RAISERS


@dataclass(frozen=True)
class Policy:
    kind: str  # public, signed_in, roles
    roles: frozenset[str] = field(default_factory=frozenset)
    get_allowed: bool = True  # False for POST-only routes (GET answers 405 even to allowed users)


PUBLIC = Policy("public")
SIGNED_IN = Policy("signed_in")
SIGNED_IN_POST = Policy("signed_in", get_allowed=False)


def roles(*names: str, post_only: bool = False) -> Policy:
    return Policy("roles", frozenset(names), get_allowed=not post_only)


OH = (Role.OH_ADMIN, Role.CLINICIAN)
DIRECTORY = (Role.PROCUREMENT, Role.BOARD, Role.FRAMEWORK_ADMIN, Role.SUPPLIER)
DASHBOARD = (Role.BOARD, Role.OH_ADMIN, Role.CLINICIAN, Role.SUPPLIER)

ROUTES: dict[str, Policy] = {
    "home": SIGNED_IN,
    "healthz": PUBLIC,
    "livez": PUBLIC,
    "accounts:login": PUBLIC,
    "accounts:logout": SIGNED_IN_POST,
    "accounts:otp_setup": SIGNED_IN,
    "accounts:otp_verify": SIGNED_IN,
    "accounts:switch_role": SIGNED_IN_POST,
    "accounts:sso_refused": PUBLIC,
    "organisations:staff_list": SIGNED_IN,
    "organisations:staff_import": roles(Role.IG_LEAD, Role.OH_ADMIN),
    "notifications:list": SIGNED_IN,
    "notifications:open": SIGNED_IN_POST,
    "notifications:mark_all_read": SIGNED_IN_POST,
    "audit:access_log": roles(Role.EMPLOYEE, Role.IG_LEAD),
    "audit:access_log_export": roles(Role.IG_LEAD),
    "audit:subject_access": roles(Role.IG_LEAD),
    "referrals:my_referrals": roles(Role.MANAGER),
    "referrals:my_cases": roles(Role.EMPLOYEE),
    "referrals:triage_queue": roles(*OH),
    "referrals:caseload": roles(*OH),
    "referrals:new": roles(Role.MANAGER),
    "referrals:self_referral": roles(Role.EMPLOYEE),
    "referrals:detail": SIGNED_IN,
    "referrals:submit": roles(Role.MANAGER, post_only=True),
    "referrals:edit_draft": roles(Role.MANAGER),
    "referrals:delete_draft": roles(Role.MANAGER),
    "referrals:resend": roles(Role.MANAGER, Role.EMPLOYEE),
    "referrals:attachment": roles(Role.MANAGER, *OH),
    "referrals:triage": roles(*OH),
    "referrals:withdraw": SIGNED_IN,
    "referrals:book": roles(*OH),
    "referrals:attendance": roles(*OH, post_only=True),
    "referrals:correct_attendance": roles(*OH),
    "referrals:reschedule": roles(*OH),
    "referrals:cancel_appointment": roles(*OH),
    "referrals:add_note": roles(Role.CLINICIAN, post_only=True),
    "referrals:addendum": roles(Role.CLINICIAN),
    "referrals:messages": roles(Role.MANAGER, *OH),
    "referrals:measures": roles(Role.CLINICIAN, post_only=True),
    "referrals:own_score": roles(Role.EMPLOYEE),
    "referrals:score_link": PUBLIC,
    "referrals:report": roles(Role.CLINICIAN),
    "referrals:consent": roles(Role.EMPLOYEE),
    "referrals:adjustments": roles(Role.MANAGER),
    "referrals:close": roles(Role.CLINICIAN),
    "assessments:recruiter_list": roles(Role.RECRUITER),
    "assessments:start": roles(Role.RECRUITER),
    "assessments:review_queue": roles(*OH),
    "assessments:detail": roles(Role.RECRUITER, *OH),
    "assessments:immunisations": roles(Role.CLINICIAN, post_only=True),
    "assessments:clearance": roles(Role.CLINICIAN, post_only=True),
    "assessments:resend_link": roles(Role.RECRUITER, Role.OH_ADMIN, post_only=True),
    "assessments:extend_link": roles(Role.RECRUITER, Role.OH_ADMIN, post_only=True),
    "assessments:questionnaire": PUBLIC,
    "suppliers:directory": roles(*DIRECTORY),
    "suppliers:compare": roles(*DIRECTORY),
    "suppliers:applications": roles(Role.FRAMEWORK_ADMIN),
    "suppliers:my_profile": roles(Role.SUPPLIER),
    "suppliers:my_rates": roles(Role.SUPPLIER),
    "suppliers:detail": roles(*DIRECTORY),
    "suppliers:decide": roles(Role.FRAMEWORK_ADMIN, post_only=True),
    "suppliers:accreditation": roles(Role.FRAMEWORK_ADMIN, post_only=True),
    "suppliers:new_call_off": roles(*CALL_OFF_RAISERS),
    "suppliers:edit_call_off": roles(*CALL_OFF_RAISERS),
    "suppliers:call_offs": roles(*DIRECTORY),
    "suppliers:call_off": roles(*DIRECTORY),
    "suppliers:send_call_off": roles(Role.PROCUREMENT, post_only=True),
    "suppliers:sign_call_off": roles(Role.PROCUREMENT, Role.SUPPLIER, post_only=True),
    "suppliers:terminate_call_off": roles(Role.PROCUREMENT, Role.FRAMEWORK_ADMIN, post_only=True),
    "suppliers:vary_call_off": roles(Role.PROCUREMENT, post_only=True),
    "suppliers:monthly_return": roles(Role.SUPPLIER),
    "suppliers:changes": roles(Role.FRAMEWORK_ADMIN),
    "suppliers:change": roles(Role.FRAMEWORK_ADMIN, Role.SUPPLIER),
    "metrics:dashboard": roles(*DASHBOARD),
    "metrics:definitions": roles(*DASHBOARD),
    "metrics:export": roles(*DASHBOARD),
    "metrics:board_reports": roles(Role.BOARD, *OH),
    "metrics:download_report": roles(Role.BOARD, *OH),
    "metrics:survey": PUBLIC,
    # Staff immunisation and seasonal campaigns (health_protection/immunisation): OH runs them, a vaccinator works
    # only at the clinics of campaigns they are named on, the member of staff sees their own record.
    "immunisation:campaigns": roles(*OH, Role.VACCINATOR),
    "immunisation:new_campaign": roles(*OH),
    "immunisation:campaign": roles(*OH, Role.VACCINATOR),
    "immunisation:new_clinic": roles(*OH),
    "immunisation:vaccinators": roles(*OH),
    "immunisation:uptake": roles(*OH),
    "immunisation:national_return": roles(*OH),
    "immunisation:batches": roles(*OH),
    "immunisation:clinic": roles(Role.VACCINATOR, Role.CLINICIAN),
    "immunisation:clinic_batch": roles(Role.VACCINATOR, Role.CLINICIAN, post_only=True),
    "immunisation:record_vaccination": roles(Role.VACCINATOR, Role.CLINICIAN),
    "immunisation:staff": roles(*OH),
    "immunisation:record": roles(*OH),
    "immunisation:open_record": roles(Role.CLINICIAN, post_only=True),
    "immunisation:add_entry": roles(Role.CLINICIAN, post_only=True),
    "immunisation:maternity": roles(Role.CLINICIAN, post_only=True),
    "immunisation:due": roles(*OH),
    "immunisation:my_record": roles(Role.EMPLOYEE),
    # API: every operation needs a signed-in user; rows are scoped, so other roles get empty lists or 404.
    "api-root": SIGNED_IN,
    "api-schema": SIGNED_IN,
    "api-docs": SIGNED_IN,
    "organisation-list": SIGNED_IN,
    "organisation-detail": SIGNED_IN,
    "employee-list": SIGNED_IN,
    "employee-detail": SIGNED_IN,
    "referral-list": SIGNED_IN,
    "referral-detail": SIGNED_IN,
    "referral-appointments": SIGNED_IN,
    "referral-close": SIGNED_IN_POST,
    "referral-consent": SIGNED_IN_POST,
    "referral-notes": SIGNED_IN,
    "referral-messages": SIGNED_IN,
    "referral-release": SIGNED_IN_POST,
    "referral-report": SIGNED_IN,
    "referral-report-versions": SIGNED_IN,
    "referral-adjustments": SIGNED_IN,
    "referral-attachments": SIGNED_IN_POST,
    "referral-return-to-manager": SIGNED_IN_POST,
    "referral-send-for-consent": SIGNED_IN_POST,
    "referral-submit": SIGNED_IN_POST,
    "referral-draft": SIGNED_IN_POST,
    "referral-resend": SIGNED_IN_POST,
    "referral-triage": SIGNED_IN_POST,
    "referral-withdraw": SIGNED_IN_POST,
    "appointment-attendance": SIGNED_IN_POST,
    "appointment-correct-attendance": SIGNED_IN_POST,
    "appointment-reschedule": SIGNED_IN_POST,
    "appointment-cancel": SIGNED_IN_POST,
    "assessment-list": SIGNED_IN,
    "assessment-detail": SIGNED_IN,
    "assessment-clearance": SIGNED_IN_POST,
    "questionnaire-api": PUBLIC,
    "supplier-list": SIGNED_IN,
    "supplier-detail": SIGNED_IN,
    "call-off-list": SIGNED_IN,
    "call-off-detail": SIGNED_IN,
    "call-off-sign": SIGNED_IN_POST,
    "call-off-terminate": SIGNED_IN_POST,
    "supplier-profile": roles(Role.SUPPLIER),
    "supplier-change-list": SIGNED_IN,
    "supplier-change-detail": SIGNED_IN,
    "supplier-change-decide": SIGNED_IN_POST,
    "metrics-kpis": SIGNED_IN,
    "metrics-timeseries": SIGNED_IN,
    "board-reports": SIGNED_IN,
    "board-report": SIGNED_IN,
    # Staff immunisation: rows scoped by visible_to; uptake and recording refused by the campaign's rule.
    "immunisation-record-list": SIGNED_IN,
    "immunisation-record-detail": SIGNED_IN,
    "immunisation-campaign-list": SIGNED_IN,
    "immunisation-campaign-detail": SIGNED_IN,
    "immunisation-campaign-uptake": SIGNED_IN,
    "immunisation-vaccination": SIGNED_IN_POST,
}

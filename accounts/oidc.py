"""OIDC single sign-on (e.g. NHS CIS2) as an option, with mozilla-django-oidc.

Memberships come from a claim (OIDC_MEMBERSHIPS_CLAIM, default "ohwb_memberships"): a list of
"<ODS code>:<role>" strings, e.g. ["RA1:clinician"]. Only memberships naming a known organisation
and role are kept; a user with none is refused. The claim is the source of truth: each sign-in
replaces the SSO user's memberships with the mapped ones.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from organisations.models import Membership, Organisation
from organisations.roles import ROLE_ORGANISATION_KINDS, Role

from .backends import SignedInUserMixin

logger = logging.getLogger(__name__)

# Set in the session when the sign-in came through SSO: the provider did the strong authentication.
SSO_SESSION_KEY = "ohwb_sso_strong_auth"


def mapped_memberships(claims: dict[str, Any]) -> list[tuple[Organisation, str]]:
    raw = claims.get(getattr(settings, "OIDC_MEMBERSHIPS_CLAIM", "ohwb_memberships")) or []
    if isinstance(raw, str):
        raw = [raw]
    wanted = []
    for item in raw:
        ods_code, _, role = str(item).partition(":")
        if role in Role.values:
            wanted.append((ods_code.strip().upper(), role))
    organisations = {o.ods_code.upper(): o for o in Organisation.objects.filter(ods_code__in=[w[0] for w in wanted])}
    return [
        (organisations[ods], role)
        for ods, role in wanted
        if ods in organisations and organisations[ods].kind in ROLE_ORGANISATION_KINDS[role]
    ]


class PortalOIDCBackend(SignedInUserMixin, OIDCAuthenticationBackend):
    def authenticate(self, request: Any, **kwargs: Any) -> Any:
        try:
            user = super().authenticate(request, **kwargs)
        except SuspiciousOperation as exc:
            logger.warning("SSO sign-in refused: %s", exc)
            return None
        if user is not None and request is not None:
            request.session[SSO_SESSION_KEY] = bool(getattr(settings, "OIDC_PROVIDER_IS_STRONG_AUTH", True))
        return user

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get("sub")) and bool(mapped_memberships(claims))

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        return self.UserModel.objects.filter(username=self._username(claims))

    def create_user(self, claims: dict[str, Any]) -> Any:
        user = self.UserModel.objects.create_user(self._username(claims), email=claims.get("email", ""))
        return self.update_user(user, claims)

    @transaction.atomic
    def update_user(self, user: Any, claims: dict[str, Any]) -> Any:
        user.first_name = claims.get("given_name", user.first_name)
        user.last_name = claims.get("family_name", user.last_name)
        user.email = claims.get("email", user.email)
        user.save()
        keep = []
        for organisation, role in mapped_memberships(claims):
            membership, _ = Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
            keep.append(membership.pk)
        Membership.objects.filter(user=user).exclude(pk__in=keep).delete()
        user.refresh_from_db()
        user.choose_default_membership()
        return user

    @staticmethod
    def _username(claims: dict[str, Any]) -> str:
        return f"sso:{claims['sub']}"[:150]

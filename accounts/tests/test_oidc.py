"""OIDC single sign-on against a local fake provider: claims map to memberships; unmapped users are refused."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import Client, override_settings

from accounts.models import User
from organisations.roles import Role

pytestmark = [pytest.mark.django_db, pytest.mark.urls("accounts.tests.oidc_urls")]


class FakeProvider:
    """A minimal OpenID provider on 127.0.0.1: token, userinfo and JWKS endpoints, RS256-signed ID tokens."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.claims: dict = {}
        self.nonce = ""
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, payload):
                body = json.dumps(payload).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                if self.path.startswith("/jwks"):
                    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(provider.key.public_key()))
                    jwk.update({"kid": "test-key", "alg": "RS256", "use": "sig"})
                    self._json({"keys": [jwk]})
                elif self.path.startswith("/userinfo"):
                    self._json(provider.claims)
                else:
                    self.send_error(404)

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = parse_qs(self.rfile.read(length).decode())
                assert form["code"] == ["good-code"]
                now = int(time.time())
                id_token = jwt.encode(
                    {
                        "iss": provider.url,
                        "sub": provider.claims["sub"],
                        "aud": "portal",
                        "iat": now,
                        "exp": now + 300,
                        "nonce": provider.nonce,
                    },
                    provider.key,
                    algorithm="RS256",
                    headers={"kid": "test-key"},
                )
                self._json({"access_token": "access", "id_token": id_token, "token_type": "Bearer"})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()


@pytest.fixture
def provider():
    with (
        FakeProvider() as fake,
        override_settings(
            OIDC_ENABLED=True,
            AUTHENTICATION_BACKENDS=["accounts.oidc.PortalOIDCBackend", "django.contrib.auth.backends.ModelBackend"],
            OIDC_RP_CLIENT_ID="portal",
            OIDC_RP_CLIENT_SECRET="test-secret",
            OIDC_OP_AUTHORIZATION_ENDPOINT=f"{fake.url}/authorize",
            OIDC_OP_TOKEN_ENDPOINT=f"{fake.url}/token",
            OIDC_OP_USER_ENDPOINT=f"{fake.url}/userinfo",
            OIDC_OP_JWKS_ENDPOINT=f"{fake.url}/jwks",
        ),
    ):
        yield fake


def sign_in_through(provider, claims):
    provider.claims = claims
    client = Client()
    start = client.get("/oidc/authenticate/")
    assert start.status_code == 302 and start["Location"].startswith(f"{provider.url}/authorize")
    query = parse_qs(urlparse(start["Location"]).query)
    provider.nonce = query["nonce"][0]
    callback = client.get("/oidc/callback/", {"code": "good-code", "state": query["state"][0]})
    return client, callback


def test_mapped_claims_sign_in_with_memberships(provider, world):
    claims = {
        "sub": "cis2-555",
        "email": "nurse@nhs.net",
        "given_name": "Nia",
        "family_name": "Hart",
        "ohwb_memberships": ["RA1OH:clinician", "RA1:manager", "NOPE:clinician", "RA1:wizard"],
    }
    client, callback = sign_in_through(provider, claims)
    assert callback.status_code == 302 and callback["Location"] == "/"
    user = User.objects.get(username="sso:cis2-555")
    assert sorted((m.organisation.ods_code, m.role) for m in user.memberships.all()) == [
        ("RA1", Role.MANAGER),
        ("RA1OH", Role.CLINICIAN),
    ]
    # The provider did the strong authentication: no second TOTP prompt.
    assert client.get("/organisations/staff/").status_code == 200


def test_role_in_wrong_kind_of_organisation_is_not_mapped(provider, world):
    _, callback = sign_in_through(provider, {"sub": "x1", "email": "a@nhs.net", "ohwb_memberships": ["RA1:clinician"]})
    assert callback["Location"] == "/accounts/sso-refused/"
    assert not User.objects.filter(username="sso:x1").exists()


def test_unmapped_user_is_refused(provider, world):
    client, callback = sign_in_through(provider, {"sub": "nobody", "email": "n@nhs.net", "ohwb_memberships": []})
    assert callback["Location"] == "/accounts/sso-refused/"
    assert client.get("/accounts/sso-refused/").status_code == 403
    assert client.get("/").status_code == 302  # not signed in


def test_claims_replace_memberships_on_each_sign_in(provider, world):
    sign_in_through(provider, {"sub": "s2", "email": "s@nhs.net", "ohwb_memberships": ["RA1:manager", "RA1:board"]})
    sign_in_through(provider, {"sub": "s2", "email": "s@nhs.net", "ohwb_memberships": ["RA1:board"]})
    user = User.objects.get(username="sso:s2")
    assert [m.role for m in user.memberships.all()] == [Role.BOARD]
    assert user.active_membership.role == Role.BOARD

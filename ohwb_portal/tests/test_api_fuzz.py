"""Schemathesis against the OpenAPI schema, for every role: no 5xx, and responses match the schema.

Four roles (the ones that write most through the API) get every example hypothesis generates; the other six get
the first example of each operation, which keeps the run affordable (see docs/SECURITY.md for the figures)."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token

from organisations.roles import Role
from organisations.tests.factories import member

pytestmark = pytest.mark.django_db(transaction=True)  # each request commits, as in production

RAW_SCHEMA = SchemaGenerator().get_schema(request=None, public=True)
schema = schemathesis.openapi.from_dict(RAW_SCHEMA)
APP = get_wsgi_application()
FUZZ_ROLES = [Role.MANAGER, Role.CLINICIAN, Role.BOARD, Role.PROCUREMENT]  # every example
OTHER_ROLES = [role for role in Role.values if role not in FUZZ_ROLES]  # the first example of each operation
EXAMPLES = 3
OPERATIONS = [
    f"{method.upper()} {path}"
    for path, item in RAW_SCHEMA["paths"].items()
    for method in item
    if method in ("get", "post", "put", "patch", "delete")
]
_tried_by_every_role: set[str] = set()


@pytest.fixture
def tokens(world):
    from conftest import ROLE_HOME

    return {role: Token.objects.create(user=member(role, getattr(world, ROLE_HOME[role]))).key for role in Role.values}


@pytest.fixture
def one_connection():
    """One database connection for all the requests of a test, as Django's own test client keeps it: the WSGI
    handler would otherwise close it after each request (CONN_MAX_AGE 0) and every request would reconnect."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_per_role(case, tokens, one_connection):
    roles = list(FUZZ_ROLES)
    operation = f"{case.method.upper()} {case.path}"
    if operation not in _tried_by_every_role:
        _tried_by_every_role.add(operation)
        roles += OTHER_ROLES
    for role in roles:
        response = case.call(app=APP, headers={"Authorization": f"Token {tokens[role]}"})
        assert response.status_code < 500, f"{role}: {case.method} {case.formatted_path} -> {response.status_code}"
        case.validate_response(response, checks=[schemathesis.checks.response_schema_conformance])


def test_every_role_is_fuzzed():
    assert sorted(FUZZ_ROLES + OTHER_ROLES) == sorted(Role.values)
    assert len(OPERATIONS) >= 40
    print(
        f"\nSchemathesis: {len(OPERATIONS)} operations; {len(FUZZ_ROLES)} roles x up to {EXAMPLES} examples, "
        f"{len(OTHER_ROLES)} more roles x 1 example per operation"
    )

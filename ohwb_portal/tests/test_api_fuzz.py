"""Schemathesis against the OpenAPI schema, per role: no 5xx, and responses match the schema."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token

from organisations.roles import Role
from organisations.tests.factories import member

pytestmark = pytest.mark.django_db(transaction=True)  # each request commits, as in production

RAW_SCHEMA = SchemaGenerator().get_schema(request=None, public=True)
schema = schemathesis.openapi.from_dict(RAW_SCHEMA)
APP = get_wsgi_application()
FUZZ_ROLES = [Role.MANAGER, Role.CLINICIAN, Role.BOARD, Role.PROCUREMENT]


@pytest.fixture
def tokens(world):
    from conftest import ROLE_HOME

    return {role: Token.objects.create(user=member(role, getattr(world, ROLE_HOME[role]))).key for role in FUZZ_ROLES}


@schema.parametrize()
@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_per_role(case, tokens):
    for role, key in tokens.items():
        response = case.call(app=APP, headers={"Authorization": f"Token {key}"})
        assert response.status_code < 500, f"{role}: {case.method} {case.formatted_path} -> {response.status_code}"
        case.validate_response(response, checks=[schemathesis.checks.response_schema_conformance])

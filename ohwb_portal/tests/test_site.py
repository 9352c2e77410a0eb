"""Site-wide behaviour: API docs closed to anonymous users, token auth, error pages, health check, demo."""

import pytest
from django.core.management import call_command
from django.test import Client
from rest_framework.authtoken.models import Token

from organisations.roles import Role

pytestmark = pytest.mark.django_db


def test_openapi_schema_builds_and_is_closed_to_anonymous(client_for):
    assert Client().get("/api/schema/").status_code == 403
    assert Client().get("/api/docs/").status_code == 403
    response = client_for(Role.MANAGER).get("/api/schema/?format=json")
    assert response.status_code == 200
    assert "/api/v1/employees/" in response.json()["paths"]


def test_token_authentication(user_for):
    user = user_for(Role.MANAGER)
    token = Token.objects.create(user=user)
    response = Client().get("/api/v1/employees/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert Client().get("/api/v1/employees/", HTTP_AUTHORIZATION="Token not-a-token").status_code in (401, 403)


def test_not_found_page_is_accessible_nhs_page(client_for):
    response = client_for(Role.MANAGER).get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1" in html and "Page not found" in html and 'lang="en-GB"' in html
    assert "nhsuk-header" in html and 'id="maincontent"' in html


def test_security_headers_present(client_for):
    response = client_for(Role.MANAGER).get("/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_seed_demo_makes_every_role_and_is_repeatable(demo_data, django_user_model):
    call_command("seed_demo")  # a second time, onto the demo the run seeded
    for role in Role.values:
        for username in (role, f"{role}2"):
            user = django_user_model.objects.get(username=username)
            assert user.memberships.filter(role=role).exists()
    manager = django_user_model.objects.get(username="manager")
    assert manager.memberships.count() == 2  # manager and recruiter: shows the role switcher


def test_demo_user_signs_in_with_demo_password(demo_data, settings):
    client = Client()
    response = client.post("/accounts/sign-in/", {"username": "board", "password": settings.DEMO_PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200

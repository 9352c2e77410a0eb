"""Every route is declared in ohwb_portal/route_policy.py and behaves as declared, for anonymous users and
for every role. Routes with an object in the address are checked for anonymous users here and for other
organisations' objects (404) in each app's tests."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import ROLE_HOME, signed_in_client
from ohwb_portal.route_policy import ROUTES
from organisations.roles import Role
from organisations.tests.factories import member

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
    response = Client().get(url_for(name, ALL[name]))
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

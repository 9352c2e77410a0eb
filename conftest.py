"""Fixtures shared by every app's tests: a small world of organisations and role-based clients."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.models import User
from ohwb_portal.tests import demo_database
from organisations.models import Organisation
from organisations.roles import TWO_FACTOR_ROLES, OrganisationKind, Role, ServiceLine
from organisations.tests.factories import (
    OrganisationFactory,
    ServiceAssignmentFactory,
    confirmed_totp_device,
    member,
)


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under `--dist loadgroup` the fault tests run one after another on one worker: each starts and kills
    real Celery workers, gunicorn and database servers of its own, and two at once would starve each other's
    timeouts on a small machine. The other workers go on with the rest of the suite meanwhile."""
    for item in items:
        if item.get_closest_marker("fault"):
            item.add_marker(pytest.mark.xdist_group("fault"))


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):  # the run's first process: its xdist workers inherit the run's id
        demo_database.run_id()


def pytest_sessionfinish(session: pytest.Session) -> None:
    if not hasattr(session.config, "workerinput"):
        demo_database.drop_template()


def clear_this_runs_cache() -> None:
    """Empty the cache of this test process (rate-limit counters, cached figures).

    `cache.clear()` would flush the whole Redis database, which every xdist worker of the run shares: another
    worker's rate-limit test would see its counters vanish half-way. This process's keys all start with its
    KEY_PREFIX (settings/test.py), so only those go.
    """
    cache = caches["default"]  # the backend itself: django.core.cache.cache is a proxy that isinstance cannot see
    if isinstance(cache, RedisCache):
        client = cache._cache.get_client(write=True)
        for key in client.scan_iter(match=f"{cache.key_prefix}:*", count=1000):
            client.delete(key)
    else:
        cache.clear()


@pytest.fixture
def demo_data(transactional_db: None, django_db_blocker: Any) -> Any:
    """The demo (seed_demo) in the database, copied from the one seeded once a run (tests/demo_database.py)."""
    with django_db_blocker.unblock(), demo_database.demo_copy():
        clear_this_runs_cache()  # figures this worker cached belong to its other database
        yield
    clear_this_runs_cache()


class _RolledBack(Exception):
    """Raised at the end of a trial so that everything the call wrote is undone."""


def rolled_back(call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run `call(*args, **kwargs)` in a transaction that is rolled back, and return what it returned."""
    result = None
    try:
        with transaction.atomic():
            result = call(*args, **kwargs)
            raise _RolledBack
    except _RolledBack:
        return result


def accepts(call: Callable[[], Any], refusal: type[Exception]) -> bool:
    """Whether a service takes this call (its writes undone): False when it refuses it, with `refusal` or with
    PermissionDenied."""
    try:
        rolled_back(call)
    except (PermissionDenied, refusal):
        return False
    return True


@dataclass
class World:
    """An ICS with two trusts; an in-house OH service serves trust A only, another serves trust B."""

    ics: Organisation
    trust_a: Organisation
    trust_b: Organisation
    oh_service: Organisation
    other_oh_service: Organisation
    supplier: Organisation
    framework_operator: Organisation


@pytest.fixture
def world(db) -> World:  # type: ignore[no-untyped-def]
    return build_world()


def build_world() -> World:
    ics = OrganisationFactory(name="North Test ICS", ods_code="QTE", kind=OrganisationKind.ICS)
    trust_a = OrganisationFactory(name="Trust A", ods_code="RA1", ics=ics)
    trust_b = OrganisationFactory(name="Trust B", ods_code="RB1", ics=ics)
    oh = OrganisationFactory(name="Trust A Occupational Health", ods_code="RA1OH", kind=OrganisationKind.OH_SERVICE)
    other_oh = OrganisationFactory(name="Other OH", ods_code="OTHOH", kind=OrganisationKind.OH_SERVICE)
    for line in (ServiceLine.GENERAL_OH, ServiceLine.PRE_EMPLOYMENT):
        ServiceAssignmentFactory(oh_service=oh, client=trust_a, service_line=line)
        ServiceAssignmentFactory(oh_service=other_oh, client=trust_b, service_line=line)
    supplier = OrganisationFactory(name="Acme OH Ltd", ods_code="SUP1", kind=OrganisationKind.SUPPLIER)
    operator = OrganisationFactory(name="Framework Operator", ods_code="FW1", kind=OrganisationKind.FRAMEWORK_OPERATOR)
    return World(ics, trust_a, trust_b, oh, other_oh, supplier, operator)


# The organisation each role's test user belongs to, in the world above.
ROLE_HOME = {
    Role.MANAGER: "trust_a",
    Role.EMPLOYEE: "trust_a",
    Role.RECRUITER: "trust_a",
    Role.PROCUREMENT: "trust_a",
    Role.BOARD: "trust_a",
    Role.IG_LEAD: "trust_a",
    Role.OH_ADMIN: "oh_service",
    Role.CLINICIAN: "oh_service",
    Role.SUPPLIER: "supplier",
    Role.FRAMEWORK_ADMIN: "framework_operator",
    Role.VACCINATOR: "oh_service",
}


def signed_in_client(user: User) -> Client:
    """A client signed in as `user`, past two-factor when the user's role needs it."""
    client = Client()
    client.force_login(user)
    if user.memberships.filter(role__in=TWO_FACTOR_ROLES).exists():
        device = confirmed_totp_device(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def user_for(world):  # type: ignore[no-untyped-def]
    """user_for("clinician") or user_for("manager", world.trust_b): a user acting in that role."""

    def make(role: str, organisation: Organisation | None = None) -> User:
        return member(role, organisation or getattr(world, ROLE_HOME[role]))

    return make


@pytest.fixture
def client_for(user_for):  # type: ignore[no-untyped-def]
    """client_for("manager") -> a signed-in test client acting as a manager of trust A."""

    def make(role: str, organisation: Organisation | None = None) -> Client:
        return signed_in_client(user_for(role, organisation))

    return make

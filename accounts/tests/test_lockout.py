"""Lockout counts failures per username and address together (PRODUCT.md section 8).

A trust's staff sign in from behind one shared address: one person's (or one attacker's) wrong passwords must not
lock everyone else out. An attacker who rotates addresses is still bounded by a slower limit per username across
all addresses (accounts.lockout).
"""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from organisations.roles import Role

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"
TRUST_NAT = "192.0.2.10"  # documentation addresses (RFC 5737); nothing is sent anywhere
HOME = "198.51.100.7"


def sign_in(username: str, address: str, password: str = PASSWORD) -> int:
    client = Client(REMOTE_ADDR=address)
    return client.post("/accounts/sign-in/", {"username": username, "password": password}).status_code


def fail(username: str, address: str, times: int) -> None:
    for _ in range(times):
        assert sign_in(username, address, "wrong-password-1") in (200, 429)


def test_one_user_locked_at_a_shared_address_does_not_lock_the_others(user_for, world):
    a, b = user_for(Role.MANAGER), user_for(Role.EMPLOYEE)
    with time_machine.travel(timezone.now(), tick=False):
        fail(a.username, TRUST_NAT, settings.AXES_FAILURE_LIMIT)
        assert sign_in(a.username, TRUST_NAT) == 429  # A is locked at that address
        assert sign_in(b.username, TRUST_NAT) == 302  # B, behind the same address, signs in
        assert sign_in(a.username, HOME) == 302  # A from another address (the trade-off, see accounts.lockout)


def test_unknown_usernames_from_one_address_lock_no_real_user(user_for):
    """Spraying made-up names from the trust's address (as a scanner would) does not lock the trust out."""
    user = user_for(Role.MANAGER)
    with time_machine.travel(timezone.now(), tick=False):
        for n in range(12):
            sign_in(f"nobody-{n}", TRUST_NAT, "wrong-password-1")
        assert sign_in(user.username, TRUST_NAT) == 302


def test_rotating_addresses_hits_the_slower_per_username_limit(user_for):
    user, colleague = user_for(Role.MANAGER), user_for(Role.EMPLOYEE)
    limit = settings.OHWB_LOCKOUT_USERNAME_FAILURE_LIMIT
    per_address = settings.AXES_FAILURE_LIMIT - 1  # stay under the per-address lock each time
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        addresses = [f"203.0.113.{n}" for n in range(limit // per_address + 1)]
        for address in addresses:
            fail(user.username, address, per_address)
        assert sign_in(user.username, "203.0.113.250") == 429  # a fresh address: still locked
        assert sign_in(colleague.username, addresses[0]) == 302
        traveller.shift(settings.OHWB_LOCKOUT_USERNAME_WINDOW + timedelta(minutes=1))
        assert sign_in(user.username, "203.0.113.251") == 302


def test_under_the_per_username_limit_a_user_is_not_locked(user_for):
    user = user_for(Role.MANAGER)
    with time_machine.travel(timezone.now(), tick=False):
        fail(user.username, "203.0.113.1", settings.AXES_FAILURE_LIMIT - 1)
        fail(user.username, "203.0.113.2", settings.AXES_FAILURE_LIMIT - 1)
        assert sign_in(user.username, "203.0.113.3") == 302

"""Sessions end after 30 minutes idle and after 10 hours in any case."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from organisations.roles import Role

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client()
    client.post("/accounts/sign-in/", {"username": user.username, "password": "correct-horse-battery"})
    return client


def test_idle_session_is_signed_out(user_for):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = signed_in(user_for(Role.MANAGER))
        assert client.get("/").status_code == 200
        traveller.shift(timedelta(minutes=29))
        assert client.get("/").status_code == 200
        traveller.shift(timedelta(minutes=31))
        response = client.get("/")
        assert response.status_code == 302 and response["Location"].startswith("/accounts/sign-in/")
        assert client.get("/").status_code == 302  # really signed out


def test_active_session_still_ends_after_ten_hours(user_for):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = signed_in(user_for(Role.MANAGER))
        for _ in range(10 * 60 // 20 + 1):  # just past ten hours
            traveller.shift(timedelta(minutes=20))
            response = client.get("/")
        assert response.status_code == 302

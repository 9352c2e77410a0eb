"""The service-user survey link page is rate limited per address (PRODUCT.md section 8).

Failed attempts (an unknown or already used link) count; past the limit every request from that address,
even with a good link, gets a clear page and a 429 until the window passes. Other addresses are not held up.
"""

import secrets

import pytest
from django.test import Client

from metrics.views import SURVEY_RATE_LIMIT

pytestmark = pytest.mark.django_db

LIMIT = int(SURVEY_RATE_LIMIT.split("/")[0])


def address() -> str:
    """An address of its own per client (documentation range): the counters live in the shared cache."""
    return f"2001:db8::{secrets.token_hex(2)}:{secrets.token_hex(2)}"


@pytest.fixture
def good_link(case):
    from metrics import services

    return services.create_survey_for_case(case.referral)


def test_the_attempt_after_the_limit_is_refused_with_a_clear_page(good_link):
    guesser = Client(REMOTE_ADDR=address())
    statuses = [guesser.get(f"/metrics/survey/guess-{n}/").status_code for n in range(LIMIT)]
    assert statuses == [404] * LIMIT
    refused = guesser.get("/metrics/survey/guess-last/")
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "Too many attempts" in page and "Wait 10 minutes" in page
    assert guesser.get(good_link).status_code == 429  # even a good link, from the guessing address
    assert guesser.post(good_link, {"score": "5"}).status_code == 429  # and no answer is taken


def test_other_addresses_and_a_person_using_a_good_link_are_not_held_up(good_link):
    guesser = Client(REMOTE_ADDR=address())
    for n in range(LIMIT + 1):
        guesser.get(f"/metrics/survey/guess-{n}/")
    person = Client(REMOTE_ADDR=address())
    for _ in range(LIMIT + 5):  # reloading one's own good link is not guessing
        assert person.get(good_link).status_code == 200
    assert b"Thank you" in person.post(good_link, {"score": "4", "comment": ""}).content

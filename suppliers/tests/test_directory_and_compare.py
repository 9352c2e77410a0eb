"""The directory and the comparison as a buyer reads them: dates typed like every other date, no blank cells,
a call-off raised from the comparison, and home page cards that say what each role does."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.home import work_for
from conftest import signed_in_client
from ohwb_portal.route_policy import ROUTES
from organisations.roles import Role
from organisations.tests.factories import member

pytestmark = pytest.mark.django_db


class TestAccreditedOn:
    def _names(self, dps, query):
        response = signed_in_client(dps.procurement).get(f"/suppliers/?{query}")
        html = response.content.decode()
        return html, {name for name in ("Acme OH Ltd", "Beta Health Ltd") if name in html}

    def test_a_day_after_beta_lapses_only_acme_is_listed_however_the_date_is_typed(self, dps):
        day = timezone.localdate() + timedelta(days=60)  # Beta's accreditation ends in 20 days, Acme's in 200
        typed = [
            f"accredited_on={day.day}/{day.month}/{day.year}",
            f"accredited_on={day.isoformat()}",
            f"accredited_on_0={day.day}&accredited_on_1={day.month}&accredited_on_2={day.year}",
        ]
        for query in typed:
            html, names = self._names(dps, query)
            assert names == {"Acme OH Ltd"}, query
            assert "YYYY-MM-DD" not in html

    @pytest.mark.parametrize(
        ("query", "message"),
        [
            ("accredited_on=31/2/2027", "Accredited on must be a real date"),
            ("accredited_on_0=1&accredited_on_1=3", "Accredited on must include a year"),
            ("accredited_on=soon", "Accredited on must"),
        ],
    )
    def test_a_date_that_is_not_one_gets_a_message_not_silence(self, dps, query, message):
        html, _ = self._names(dps, query)
        assert "There is a problem" in html and message in html

    def test_the_api_takes_the_same_dates(self, dps):
        day = timezone.localdate() + timedelta(days=60)
        client = signed_in_client(dps.procurement)
        answer = client.get(f"/api/v1/suppliers/?accredited_on={day.day}/{day.month}/{day.year}").json()
        rows = answer["results"] if isinstance(answer, dict) else answer
        assert [row["legal_name"] for row in rows] == ["Acme OH Ltd"]
        assert client.get("/api/v1/suppliers/?accredited_on=31/2/2027").status_code == 400


class TestCompare:
    def _compare(self, dps, user):
        return signed_in_client(user).get(f"/suppliers/compare/?supplier={dps.acme.pk}&supplier={dps.beta.pk}")

    def test_a_lot_not_offered_says_so(self, dps):
        html = self._compare(dps, dps.procurement).content.decode()
        # Acme: management referrals and physiotherapy; Beta: management referrals and vaccination.
        assert html.count("Not offered") == 2
        assert "—" not in html

    def test_procurement_raises_a_call_off_from_the_comparison(self, dps):
        html = self._compare(dps, dps.procurement).content.decode()
        raise_url = f"/suppliers/{dps.acme.pk}/call-off/?from=compare"
        assert raise_url in html and f"/suppliers/{dps.beta.pk}/call-off/?from=compare" in html
        form = signed_in_client(dps.procurement).get(raise_url + f"&supplier={dps.acme.pk}").content.decode()
        for lot in ("management_referrals", "physiotherapy"):
            pk = dps.lots[lot].pk
            ticked = rf'<input[^>]*name="lots"[^>]*value="{pk}"[^>]*checked|<input[^>]*checked[^>]*value="{pk}"'
            assert re.search(ticked, form), lot
        assert "Back to the comparison" in form

    @pytest.mark.parametrize("role", [Role.BOARD, Role.FRAMEWORK_ADMIN, Role.SUPPLIER])
    def test_others_see_no_raise_button(self, dps, role):
        user = {Role.BOARD: member(Role.BOARD, dps.world.trust_a), Role.FRAMEWORK_ADMIN: dps.admin}.get(
            role, dps.acme_user
        )
        assert "Raise a call-off" not in self._compare(dps, user).content.decode()


@pytest.mark.parametrize("role", [Role.PROCUREMENT, Role.BOARD, Role.FRAMEWORK_ADMIN, Role.SUPPLIER])
def test_the_raise_card_is_for_the_roles_the_route_policy_lets_raise(world, role):
    user = member(role, getattr(world, {"procurement": "trust_a", "board": "trust_a"}.get(role, "supplier")))
    if role == Role.FRAMEWORK_ADMIN:
        user = member(role, world.framework_operator)
    descriptions = [link.description for link, _ in work_for(user.active_membership)]
    may_raise = role in ROUTES["suppliers:new_call_off"].roles
    assert ("Raise, sign and follow call-off agreements" in descriptions) == may_raise
    assert any("call-off agreements" in text for text in descriptions)

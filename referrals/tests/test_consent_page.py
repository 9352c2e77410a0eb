"""The employee's consent page (PRODUCT.md section 3, Consent): it shows the report, so it offers the choices made
after reading it (release, ask for factual corrections, withhold), never "show me the report first"; the facts
box belongs to the corrections choice (a conditional reveal), and the server still asks for the facts."""

import re

import pytest

from conftest import signed_in_client
from referrals.models import ConsentChoice, ConsentDecision, Status

pytestmark = pytest.mark.django_db


def _page(case):
    return signed_in_client(case.employee_user).get(f"/referrals/{case.referral.pk}/consent/").content.decode()


def _radio_values(html):
    return re.findall(r'name="choice" type="radio" value="([a-z_]+)"', html)


def test_the_page_shows_the_report_and_does_not_offer_to_show_it_first(case):
    case.accept().book().attend().report()
    html = _page(case)
    assert "Reduced hours for 4 weeks" in html
    assert "Show me the report first" not in html
    assert _radio_values(html) == ["release_now", "corrections", "withhold"]


def test_after_show_me_first_elsewhere_releasing_is_approving(case):
    case.accept().book().attend().report().decide(ConsentChoice.SHOW_ME_FIRST)
    html = _page(case)
    assert _radio_values(html) == ["approve", "corrections", "withhold"] and "Show me the report first" not in html


def test_the_facts_box_is_revealed_only_by_the_corrections_choice(case):
    case.accept().book().attend().report()
    html = _page(case)
    # Only the corrections radio controls the box, and the box starts hidden (nhsuk-frontend shows it when chosen).
    assert html.count('data-aria-controls="conditional-corrections"') == 1
    assert re.search(r'value="corrections" data-aria-controls="conditional-corrections"', html)
    box = re.search(
        r'<div class="nhsuk-radios__conditional([^"]*)" id="conditional-corrections">(.*?)</div>\s*</div>', html, re.S
    )
    assert box and "nhsuk-radios__conditional--hidden" in box.group(1)
    assert "Which facts are wrong?" in box.group(2) and 'name="comment"' in box.group(2)
    assert html.count("Which facts are wrong?") == 1 and "(optional)" not in box.group(2)


def test_asking_for_corrections_without_the_facts_is_refused_in_the_employees_words(case):
    case.accept().book().attend().report()
    employee = signed_in_client(case.employee_user)
    response = employee.post(f"/referrals/{case.referral.pk}/consent/", {"choice": "corrections", "comment": " "})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Say which facts in the report are wrong, so the clinician can correct them" in html
    # Kept open with the choice made, so the box is shown with its error.
    assert re.search(r'class="nhsuk-radios__conditional" id="conditional-corrections"', html)
    assert not ConsentDecision.objects.filter(report=case.report_obj).exists()
    assert case.reload().status == Status.AWAITING_CONSENT


def test_corrections_with_the_facts_go_to_the_clinician(case):
    case.accept().book().attend().report()
    employee = signed_in_client(case.employee_user)
    response = employee.post(
        f"/referrals/{case.referral.pk}/consent/", {"choice": "corrections", "comment": "My job title is wrong"}
    )
    assert response.status_code == 302
    assert ConsentDecision.objects.get(report=case.report_obj).comment == "My job title is wrong"
    assert case.reload().status == Status.REPORT_DRAFTED


def test_facts_typed_before_choosing_another_option_are_not_kept_with_that_decision(case):
    case.accept().book().attend().report()
    employee = signed_in_client(case.employee_user)
    employee.post(f"/referrals/{case.referral.pk}/consent/", {"choice": "withhold", "comment": "Something private"})
    decision = ConsentDecision.objects.get(report=case.report_obj)
    assert (decision.choice, decision.comment) == ("withhold", "")


def test_show_me_first_posted_by_hand_to_the_page_is_not_a_choice_it_offers(case):
    case.accept().book().attend().report()
    employee = signed_in_client(case.employee_user)
    response = employee.post(f"/referrals/{case.referral.pk}/consent/", {"choice": "show_me_first"})
    assert response.status_code == 200 and not ConsentDecision.objects.filter(report=case.report_obj).exists()

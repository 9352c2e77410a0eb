"""The board's wellbeing improvement plan, from outside: the board's pages and API, what every other role gets, and the
annual report that shows the plan beside the measures."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from commissioning.wellbeing_plan import services
from commissioning.wellbeing_plan.models import ActionStatus, PlanAction
from conftest import signed_in_client
from metrics import services as metrics_services
from metrics.models import BoardReport
from metrics.scopes import scope_for
from organisations.roles import Role
from organisations.tests.factories import member

pytestmark = pytest.mark.django_db

DUE = {"due_on_0": "31", "due_on_1": "3", "due_on_2": "2027"}


def _action(board, status=ActionStatus.ON_TRACK, **extra):
    fields = {"action": "Wellbeing conversations for every manager", "owner": "Director of people"}
    fields.update(extra)
    return services.add_action(by=board, due_on=date(2027, 3, 31), status=status, **fields)


def test_the_board_adds_an_action_and_updates_it_and_the_page_keeps_its_history(world):
    board = member(Role.BOARD, world.trust_a)
    client = signed_in_client(board)
    answer = client.post(
        reverse("wellbeing_plan:add"),
        {"action": "Rest spaces on every site", "owner": "Director of estates", "status": "not_started", **DUE},
    )
    assert answer.status_code == 302
    added = PlanAction.objects.get()
    assert (added.organisation, added.due_on, added.created_by) == (world.trust_a, date(2027, 3, 31), board)

    edit = reverse("wellbeing_plan:edit", args=[added.pk])
    form = {"action": added.action, "owner": added.owner, "status": "at_risk", "progress": "No budget yet", **DUE}
    assert client.post(edit, form).status_code == 302
    page = client.get(reverse("wellbeing_plan:plan")).content.decode()
    assert "Rest spaces on every site" in page and "At risk" in page and "No budget yet" in page
    history = client.get(edit).content.decode()
    assert "At risk" in history and "Not started" in history and board.display_name in history


def test_a_form_with_mistakes_says_what_to_fix_and_keeps_what_was_typed(client_for):
    answer = client_for(Role.BOARD).post(
        reverse("wellbeing_plan:add"), {"action": "Rest spaces on every site", "owner": "", "status": "on_track"}
    )
    page = answer.content.decode()
    assert answer.status_code == 200 and not PlanAction.objects.exists()
    assert "Enter who owns the action" in page and "Rest spaces on every site" in page
    assert "There is a problem" in page


def test_an_overdue_action_is_marked_and_a_done_one_is_not(world):
    board = member(Role.BOARD, world.trust_a)
    late = _action(board, action="Late one")
    services.update_action(by=board, plan_action=late, due_on=timezone.localdate() - timedelta(days=1))
    done = _action(board, status=ActionStatus.DONE, action="Done one")
    services.update_action(by=board, plan_action=done, due_on=timezone.localdate() - timedelta(days=1))
    page = signed_in_client(board).get(reverse("wellbeing_plan:plan")).content.decode()
    assert page.count(">Overdue</strong>") == 1
    assert "Overdue: 1" in page


@pytest.mark.parametrize("status", ActionStatus.values)
def test_nobody_but_the_plans_own_board_changes_it_in_any_state(world, status):
    board_a = member(Role.BOARD, world.trust_a)
    action = _action(board_a, status=status)
    edit = reverse("wellbeing_plan:edit", args=[action.pk])
    form = {"action": "Changed", "owner": "Someone", "status": "done", **DUE}
    # Another trust's board: not found, on the page and in the API.
    board_b = signed_in_client(member(Role.BOARD, world.trust_b))
    assert board_b.get(edit).status_code == 404
    assert board_b.post(edit, form).status_code == 404
    api = reverse("wellbeing-plan-action-detail", args=[action.pk])
    assert board_b.patch(api, {"status": "done"}, content_type="application/json").status_code == 404
    # The ICS board reads its member's plan, but cannot change it.
    ics_board = signed_in_client(member(Role.BOARD, world.ics))
    page = ics_board.get(edit)
    assert page.status_code == 200 and b"Only Trust A's board changes its plan" in page.content
    assert ics_board.post(edit, form).status_code == 200
    assert ics_board.patch(api, {"status": "done"}, content_type="application/json").status_code == 409
    # Every other role of the same trust: refused.
    for role in set(Role.values) - {Role.BOARD}:
        client = signed_in_client(member(role, world.trust_a))
        assert client.get(edit).status_code == 403, role
        assert client.post(edit, form).status_code == 403, role
        assert client.patch(api, {"status": "done"}, content_type="application/json").status_code == 404, role
    action.refresh_from_db()
    assert (action.action, action.status) == ("Wellbeing conversations for every manager", status)


def test_only_a_board_member_adds_to_a_plan(world):
    for role in set(Role.values) - {Role.BOARD}:
        client = signed_in_client(member(role, world.trust_a))
        assert client.get(reverse("wellbeing_plan:add")).status_code == 403, role
        answer = client.post(
            reverse("wellbeing-plan-action-list"),
            {"action": "X", "owner": "Y", "due_on": "2027-03-31"},
            content_type="application/json",
        )
        assert answer.status_code == 409, role
    assert not PlanAction.objects.exists()


def test_the_api_lists_what_the_board_sees_and_writes_through_the_same_rules(world):
    board = signed_in_client(member(Role.BOARD, world.trust_a))
    made = board.post(
        reverse("wellbeing-plan-action-list"),
        {"action": "Menopause clinic", "owner": "Chief nurse", "due_on": "2027-03-31", "status": "on_track"},
        content_type="application/json",
    )
    assert made.status_code == 201
    pk = made.json()["id"]
    changed = board.patch(
        reverse("wellbeing-plan-action-detail", args=[pk]), {"status": "done"}, content_type="application/json"
    )
    assert changed.json() | {"updated_at": None} == {
        "id": pk,
        "organisation": "Trust A",
        "action": "Menopause clinic",
        "owner": "Chief nurse",
        "due_on": "2027-03-31",
        "status": "done",
        "status_display": "Done",
        "overdue": False,
        "progress": "",
        "updated_at": None,
    }
    _action(member(Role.BOARD, world.trust_b), action="Trust B's own")
    listed = [row["action"] for row in board.get(reverse("wellbeing-plan-action-list")).json()["results"]]
    assert listed == ["Menopause clinic"]
    ics = signed_in_client(member(Role.BOARD, world.ics))
    listed = {row["action"] for row in ics.get(reverse("wellbeing-plan-action-list")).json()["results"]}
    assert listed == {"Menopause clinic", "Trust B's own"}


def test_the_annual_report_shows_the_plan_beside_the_measures(world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    board = member(Role.BOARD, world.trust_a)
    _action(board, action="Wellbeing guardian on the board", status=ActionStatus.DONE)
    _action(member(Role.BOARD, world.trust_b), action="Trust B's plan only")
    report = metrics_services.request_board_report(user=board, scope=scope_for(world.trust_a), narrative={})
    report = metrics_services.build_board_report_pdf(BoardReport.objects.get(pk=report.pk))
    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(report.pdf.path).pages)
    assert "Wellbeing improvement plan" in text
    assert "Wellbeing guardian on the board" in text and "Done" in text
    assert "Trust B's plan only" not in text
    assert text.index("Wellbeing improvement plan") < text.index("Monthly trends")

"""The board's wellbeing improvement plan: the plan, add an action, update one. Thin: rows through visible_to (another
organisation's action answers 404), changes through the services (which refuse anyone but the plan's own board)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from ohwb_portal.access import roles_required
from ohwb_portal.refusals import shown_on
from ohwb_portal.requests import AuthenticatedRequest
from organisations.roles import Role

from . import actions, presenters, selectors, services
from .forms import PlanActionForm


@roles_required(Role.BOARD)
def plan(request: AuthenticatedRequest) -> HttpResponse:
    own = actions.own_plan_organisation(request.user)
    plans = [
        (
            org,
            [(a, presenters.status_tag(a)) for a in rows],
            presenters.summary(rows),
            own is not None and org.pk == own.pk,
        )
        for org, rows in selectors.plans(user=request.user)
    ]
    plans.sort(key=lambda p: not p[3])  # the board's own plan first, then its ICS members'
    return render(
        request,
        "wellbeing_plan/plan.html",
        {"plans": plans, "own": own},
    )


@roles_required(Role.BOARD)
def add(request: AuthenticatedRequest) -> HttpResponse:
    if actions.own_plan_organisation(request.user) is None:
        return redirect("wellbeing_plan:plan")
    form = PlanActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with shown_on(form):
            added = services.add_action(by=request.user, **form.fields_for_service())
            messages.success(request, f"“{added.action}” is in the plan.")
            return redirect("wellbeing_plan:plan")
    return render(request, "wellbeing_plan/form.html", {"form": form, "plan_action": None})


@roles_required(Role.BOARD)
def edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan_action = get_object_or_404(selectors.actions(user=request.user), pk=pk)
    if not actions.may_edit(request.user, plan_action):
        # An ICS board reads its members' plans; it does not write them.
        return render(
            request,
            "wellbeing_plan/action.html",
            {
                "plan_action": plan_action,
                "tag": presenters.status_tag(plan_action),
                "changes": presenters.changes(plan_action),
            },
        )
    initial = {name: getattr(plan_action, name) for name in ("action", "owner", "due_on", "status", "progress")}
    form = PlanActionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with shown_on(form):
            services.update_action(by=request.user, plan_action=plan_action, **form.fields_for_service())
            messages.success(request, f"“{form.cleaned_data['action']}” is updated.")
            return redirect("wellbeing_plan:plan")
    return render(
        request,
        "wellbeing_plan/form.html",
        {"form": form, "plan_action": plan_action, "changes": presenters.changes(plan_action)},
    )

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from organisations.roles import Role

from .models import AccessLogEntry


@login_required
def access_log(request: HttpRequest) -> HttpResponse:
    """For an employee: who has looked at my record. For an IG lead: every access in their organisation."""
    membership = request.user.active_membership  # type: ignore[union-attr]
    if membership is None or membership.role not in (Role.EMPLOYEE, Role.IG_LEAD):
        raise PermissionDenied
    entries = AccessLogEntry.objects.visible_to(request.user).select_related("user", "organisation", "employee")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "audit/access_log.html", {"page": page, "own_record": membership.role == Role.EMPLOYEE})

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render

from ohwb_portal.requests import AuthenticatedRequest

from . import selectors
from .esr_import import COLUMNS, import_staff_csv
from .forms import StaffImportForm


@login_required
def staff_list(request: AuthenticatedRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    employees = selectors.staff_list(user=request.user, search=search)
    page = Paginator(employees, 25).get_page(request.GET.get("page"))
    can_import = selectors.organisations_for_staff_import(user=request.user).exists()
    return render(request, "organisations/staff_list.html", {"page": page, "search": search, "can_import": can_import})


@login_required
def staff_import(request: AuthenticatedRequest) -> HttpResponse:
    organisations = selectors.organisations_for_staff_import(user=request.user)
    if not organisations.exists():
        raise PermissionDenied
    form = StaffImportForm(request.POST or None, request.FILES or None, organisations=organisations)
    result = None
    if request.method == "POST" and form.is_valid():
        result = import_staff_csv(
            organisation=form.cleaned_data["organisation"], content=form.cleaned_data["file"].read()
        )
        if result.ok:
            messages.success(
                request, f"Imported {result.created} new and updated {result.updated} existing staff records."
            )
            return redirect("organisations:staff_list")
    return render(
        request, "organisations/staff_import.html", {"form": form, "result": result, "columns": list(COLUMNS)}
    )

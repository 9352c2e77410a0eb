import json

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from ohwb_portal.access import roles_required
from ohwb_portal.csv_export import SafeWriter
from ohwb_portal.requests import AuthenticatedRequest
from organisations.models import Employee
from organisations.roles import Role

from . import selectors
from .filters import AccessLogFilter
from .models import AccessKind
from .services import log_access
from .subject_access import ENCODER, export_for, export_pdf

PAGE_SIZE = 50
CSV_HEADER: list[object] = [
    "When",
    "Who read it",
    "Their role",
    "Their organisation",
    "Whose record",
    "ESR number",
    "Case reference",
    "What was read",
    "Why",
]


@roles_required(Role.EMPLOYEE, Role.IG_LEAD)
def access_log(request: AuthenticatedRequest) -> HttpResponse:
    """For an employee: who has looked at my record. For an IG lead: every access in their organisation."""
    own_record = request.user.active_membership.role == Role.EMPLOYEE  # type: ignore[union-attr]
    filterset = AccessLogFilter(request.GET, queryset=selectors.access_log(user=request.user), own_record=own_record)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    filtered = any(value for key, value in request.GET.items() if key != "page")
    return render(
        request,
        "audit/access_log.html",
        {"filter": filterset, "page": page, "own_record": own_record, "filtered": filtered},
    )


@roles_required(Role.IG_LEAD)
def access_log_export(request: AuthenticatedRequest) -> HttpResponse:
    """The rows the IG lead's filters select, as CSV (every cell formula-safe). The export is itself logged, with
    the filters it was made with, and holds every matching row up to that moment."""
    filterset = AccessLogFilter(request.GET, queryset=selectors.access_log(user=request.user))
    if not filterset.is_valid():
        # The page shows what is wrong with the filters; an export must not quietly widen to every row.
        return redirect(f"{reverse('audit:access_log')}?{request.GET.urlencode()}")
    organisation = request.user.active_membership.organisation  # type: ignore[union-attr]
    logged = log_access(
        user=request.user,
        kind=AccessKind.EXPORT,
        obj=organisation,
        reason=f"Access log export (CSV): {filterset.described()}"[:200],
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="access-log-{timezone.localdate():%Y-%m-%d}.csv"'
    response["Cache-Control"] = "no-store"  # who read whose health record: never kept by a browser or proxy
    writer = SafeWriter(response)
    writer.writerow(CSV_HEADER)
    for entry in filterset.qs.filter(pk__lt=logged.pk).iterator(chunk_size=500):
        writer.writerow(
            [
                f"{timezone.localtime(entry.at):%Y-%m-%d %H:%M:%S}",
                entry.user.display_name if entry.user else "Unknown",
                entry.role_label,
                entry.organisation.name if entry.organisation else "",
                entry.employee.full_name if entry.employee else "",
                entry.employee.esr_number if entry.employee else "",
                entry.case_reference,
                entry.get_kind_display(),
                entry.reason,
            ]
        )
    return response


@roles_required(Role.IG_LEAD)
def subject_access(request: AuthenticatedRequest) -> HttpResponse:
    """An IG lead chooses a member of staff and opens everything held about them:
    a printable page, a PDF or JSON, all made from one document (audit.subject_access)."""
    membership = request.user.active_membership
    if membership is None or membership.role != Role.IG_LEAD:
        raise PermissionDenied
    staff = Employee.objects.visible_to(request.user)
    if request.method == "POST":
        employee = get_object_or_404(staff, pk=request.POST.get("employee"))
        document = export_for(user=request.user, employee=employee)
        fmt = request.POST.get("format")
        if fmt == "json":
            response = HttpResponse(json.dumps(document, cls=ENCODER, indent=2), content_type="application/json")
            response["Content-Disposition"] = f'attachment; filename="subject-access-{employee.esr_number}.json"'
        elif fmt == "pdf":
            response = HttpResponse(export_pdf(document), content_type="application/pdf")
            response["Content-Disposition"] = f'attachment; filename="subject-access-{employee.esr_number}.pdf"'
        else:
            response = render(request, "audit/subject_access_export.html", {"document": document})
        response["Cache-Control"] = "no-store"  # personal data: never kept by a browser or proxy
        return response
    query = request.GET.get("q", "").strip()
    matches = staff.filter(last_name__icontains=query)[:50] if query else []
    return render(request, "audit/subject_access.html", {"query": query, "matches": matches})

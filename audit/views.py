import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string

from ohwb_portal.requests import AuthenticatedRequest
from organisations.models import Employee
from organisations.roles import Role

from .models import AccessLogEntry
from .subject_access import ENCODER, export_for


@login_required
def access_log(request: AuthenticatedRequest) -> HttpResponse:
    """For an employee: who has looked at my record. For an IG lead: every access in their organisation."""
    membership = request.user.active_membership
    if membership is None or membership.role not in (Role.EMPLOYEE, Role.IG_LEAD):
        raise PermissionDenied
    entries = AccessLogEntry.objects.visible_to(request.user).select_related("user", "organisation", "employee")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "audit/access_log.html", {"page": page, "own_record": membership.role == Role.EMPLOYEE})


@login_required
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
            from weasyprint import HTML  # the board report's PDF engine; imported only when asked for

            html = render_to_string("audit/subject_access_pdf.html", {"document": document})
            response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
            response["Content-Disposition"] = f'attachment; filename="subject-access-{employee.esr_number}.pdf"'
        else:
            response = render(request, "audit/subject_access_export.html", {"document": document})
        response["Cache-Control"] = "no-store"  # personal data: never kept by a browser or proxy
        return response
    query = request.GET.get("q", "").strip()
    matches = staff.filter(last_name__icontains=query)[:50] if query else []
    return render(request, "audit/subject_access.html", {"query": query, "matches": matches})

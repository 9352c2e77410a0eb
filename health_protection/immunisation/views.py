"""Pages: OH runs campaigns and keeps staff immunisation records; a vaccinator works through a clinic's list on a
tablet or phone; a member of staff sees their own record. Rows only through visible_to (selectors)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.models import AccessKind
from audit.services import log_access, log_shown
from ohwb_portal.access import roles_required
from ohwb_portal.csv_export import SafeWriter
from ohwb_portal.refusals import shown_as_message, shown_on
from ohwb_portal.requests import AuthenticatedRequest
from organisations.models import Employee
from organisations.roles import Role

from . import national_return, presenters, selectors, services
from .forms import (
    BatchForm,
    CampaignForm,
    ClinicBatchForm,
    ClinicForm,
    EntryForm,
    MaternityForm,
    SearchForm,
    VaccinationForm,
    VaccinatorForm,
)
from .models import Campaign, CampaignClinic
from .services import EntryDetails, VaccinationDetails

OH = (Role.OH_ADMIN, Role.CLINICIAN)
AT_CLINICS = (Role.VACCINATOR, Role.CLINICIAN)


def _campaign(request: AuthenticatedRequest, pk: int) -> Campaign:
    return get_object_or_404(selectors.campaigns(user=request.user), pk=pk)


def _clinic(request: AuthenticatedRequest, pk: int) -> CampaignClinic:
    return get_object_or_404(selectors.clinics(user=request.user), pk=pk)


def _staff_member(request: AuthenticatedRequest, pk: int) -> Employee:
    employee = selectors.employee(user=request.user, pk=pk)
    if employee is None:
        raise Http404
    return employee


# --- campaigns ------------------------------------------------------------------------------------------------------


@roles_required(*OH, Role.VACCINATOR)
def campaigns(request: AuthenticatedRequest) -> HttpResponse:
    found = selectors.campaigns(user=request.user)
    page = Paginator(found, 25).get_page(request.GET.get("page"))
    rows = [(c, presenters.state_label(c)) for c in page.object_list]
    return render(request, "immunisation/campaigns.html", {"page": page, "rows": rows})


@roles_required(*OH)
def new_campaign(request: AuthenticatedRequest) -> HttpResponse:
    form = CampaignForm(request.POST or None, clients=selectors.campaign_clients(user=request.user))
    if request.method == "POST" and form.is_valid():
        with shown_on(form):
            campaign = services.create_campaign(by=request.user, **form.cleaned_data)
            messages.success(request, f"Campaign set up: {campaign}.")
            return redirect("immunisation:campaign", campaign.pk)
    return render(request, "immunisation/campaign_form.html", {"form": form})


@roles_required(*OH, Role.VACCINATOR)
def campaign(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    found = _campaign(request, pk)
    actions = presenters.campaign_actions(request.user, found)
    context: dict[str, Any] = {
        "campaign": found,
        "state": presenters.state_label(found),
        "actions": actions,
        "clinics": selectors.clinics(user=request.user).filter(campaign=found),
    }
    if "see_uptake" in actions:
        context["uptake"] = selectors.uptake(found, timezone.localdate())
        context["vaccinators"] = selectors.vaccinators_of(found)
    return render(request, "immunisation/campaign.html", context)


@roles_required(*OH)
def new_clinic(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    found = _campaign(request, pk)
    batches = selectors.usable_batches(user=request.user, campaign=found, on=timezone.localdate())
    form = ClinicForm(request.POST or None, batches=batches)
    if request.method == "POST" and form.is_valid():
        with shown_on(form):
            clinic = services.add_clinic(by=request.user, campaign=found, **form.cleaned_data)
            messages.success(request, f"Clinic added: {clinic}.")
            return redirect("immunisation:campaign", found.pk)
    return render(request, "immunisation/clinic_form.html", {"form": form, "campaign": found})


@roles_required(*OH)
def vaccinators(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    found = _campaign(request, pk)
    form = VaccinatorForm(request.POST or None, candidates=selectors.vaccinator_candidates(found))
    if request.method == "POST" and form.is_valid():
        with shown_on(form):
            named = services.name_vaccinator(by=request.user, campaign=found, user=form.cleaned_data["user"])
            messages.success(request, f"{named.user.get_full_name() or named.user.username} can now record here.")
            return redirect("immunisation:vaccinators", found.pk)
    context = {"form": form, "campaign": found, "named": selectors.vaccinators_of(found)}
    return render(request, "immunisation/vaccinators.html", context)


@roles_required(*OH)
def uptake(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    found = _campaign(request, pk)
    today = timezone.localdate()
    context = {
        "campaign": found,
        "uptake": selectors.uptake(found, today),
        "weeks": selectors.weekly_uptake(found, today),
        "months": national_return.return_months(found, today),
    }
    return render(request, "immunisation/uptake.html", context)


@roles_required(*OH)
def national_return_csv(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    found = _campaign(request, pk)
    month_end = national_return.chosen_month_end(found, request.GET.get("month"), timezone.localdate())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{national_return.file_name(found, month_end)}"'
    writer = SafeWriter(response)
    for row in national_return.rows(found, month_end):
        writer.writerow(row)
    log_access(
        user=request.user,
        kind=AccessKind.EXPORT,
        obj=found.organisation,
        reason="Vaccination uptake national return (CSV)",
        oh_service=found.oh_service,
    )
    return response


@roles_required(*OH)
def batches(request: AuthenticatedRequest) -> HttpResponse:
    form = BatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with shown_on(form):
            batch = services.add_batch(by=request.user, **form.cleaned_data)
            messages.success(request, f"Batch added: {batch}.")
            return redirect("immunisation:batches")
    held = selectors.batches(user=request.user).order_by("-expires_on")
    page = Paginator(held, 25).get_page(request.GET.get("page"))
    return render(request, "immunisation/batches.html", {"form": form, "page": page, "today": timezone.localdate()})


# --- the vaccinator's clinic ----------------------------------------------------------------------------------------


@roles_required(*AT_CLINICS)
def clinic(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    found = _clinic(request, pk)
    search = SearchForm(request.GET)
    q = search.cleaned_data["q"] if search.is_valid() else ""
    people = selectors.clinic_list(user=request.user, clinic=found, q=q)
    log_shown(user=request.user, objects=[v for _, v in people if v is not None], reason="Clinic list")
    rows = [(p, *presenters.outcome_words(v)) for p, v in people]
    today = timezone.localdate()
    context = {
        "clinic": found,
        "campaign": found.campaign,
        "search": search,
        "q": q,
        "rows": rows,
        "actions": presenters.campaign_actions(request.user, found.campaign),
        "batch_form": ClinicBatchForm(
            initial={"batch": found.batch_id},
            batches=selectors.usable_batches(user=request.user, campaign=found.campaign, on=today),
        ),
        "batch_expired": found.batch is not None and found.batch.expires_on < today,
    }
    return render(request, "immunisation/clinic.html", context)


@roles_required(*AT_CLINICS)
@require_POST
def clinic_batch(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    found = _clinic(request, pk)
    batches_in_date = selectors.usable_batches(user=request.user, campaign=found.campaign, on=timezone.localdate())
    form = ClinicBatchForm(request.POST, batches=batches_in_date)
    if form.is_valid():
        with shown_as_message(request):
            services.set_clinic_batch(by=request.user, clinic=found, batch=form.cleaned_data["batch"])
            messages.success(request, f"Batch in use: {form.cleaned_data['batch'].batch_number}.")
    else:
        messages.error(request, "Choose a batch that is in date.")
    return redirect("immunisation:clinic", found.pk)


@roles_required(*AT_CLINICS)
def record_vaccination(request: AuthenticatedRequest, pk: int, employee_pk: int) -> HttpResponse:
    found = _clinic(request, pk)
    person = selectors.clinic_person(clinic=found, pk=employee_pk)
    if person is None:
        raise Http404
    today = timezone.localdate()
    offered = selectors.batches_at_clinic(user=request.user, campaign=found.campaign, on=today)
    initial = {"batch": found.batch_id if found.batch and found.batch.expires_on >= today else None}
    form = VaccinationForm(request.POST or None, batches=offered, today=today, initial=initial)
    back = reverse("immunisation:clinic", args=[found.pk]) + (f"?q={request.GET['q']}" if request.GET.get("q") else "")
    if request.method == "POST" and form.is_valid():
        with shown_on(form):
            services.record_vaccination(
                by=request.user,
                campaign=found.campaign,
                employee=person,
                details=VaccinationDetails(**form.cleaned_data),
                clinic=found,
            )
            messages.success(request, f"Recorded for {person.full_name}.")
            return redirect(reverse("immunisation:clinic", args=[found.pk]))
    existing = selectors.outcome_of(campaign=found.campaign, employee=person)
    if existing is not None:
        log_shown(user=request.user, objects=[existing], reason="Clinic: before recording")
    context = {"clinic": found, "person": person, "form": form, "existing": existing, "back": back}
    return render(request, "immunisation/record_vaccination.html", context)


# --- staff records --------------------------------------------------------------------------------------------------


@roles_required(*OH)
def staff(request: AuthenticatedRequest) -> HttpResponse:
    search = SearchForm(request.GET)
    q = search.cleaned_data["q"] if search.is_valid() else ""
    page = Paginator(selectors.staff(user=request.user, q=q), 25).get_page(request.GET.get("page"))
    return render(request, "immunisation/staff.html", {"search": search, "page": page, "q": q})


@roles_required(*OH)
def record(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    employee = _staff_member(request, pk)
    found = selectors.record_of(user=request.user, employee=employee)
    oh_service = found.oh_service if found else services.serving_oh_service(employee)
    if found is not None:
        log_access(
            user=request.user,
            kind=AccessKind.IMMUNISATION,
            obj=found,
            reason="Immunisation record",
            employee=employee,
            oh_service=found.oh_service,
        )
    actions = presenters.record_actions(request.user, found, oh_service_id=oh_service.pk if oh_service else None)
    context: dict[str, Any] = {
        "employee": employee,
        "record": found,
        "statuses": presenters.status_rows(list(found.statuses.all())) if found else [],
        "entries": list(found.entries.all()) if found else [],
        "check": selectors.matching_check(employee) if found is None else found.pre_employment_check,
        "actions": actions,
        "entry_form": EntryForm(initial={"on": timezone.localdate()}),
        "maternity_form": MaternityForm(initial={"maternity_role": found.maternity_role if found else False}),
        "vaccinations": selectors.own_vaccinations(user=request.user).filter(employee=employee),
    }
    log_shown(user=request.user, objects=context["vaccinations"], reason="Immunisation record: campaigns")
    return render(request, "immunisation/record.html", context)


@roles_required(Role.CLINICIAN)
@require_POST
def open_record(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    employee = _staff_member(request, pk)
    with shown_as_message(request):
        services.open_record(by=request.user, employee=employee)
        messages.success(request, "Record opened.")
    return redirect("immunisation:record", employee.pk)


@roles_required(Role.CLINICIAN)
@require_POST
def add_entry(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    employee = _staff_member(request, pk)
    form = EntryForm(request.POST)
    if form.is_valid():
        with shown_as_message(request):
            details = EntryDetails(
                **{**form.cleaned_data, "screening_result": form.cleaned_data["screening_result"] or ""}
            )
            entry = services.add_entry(by=request.user, employee=employee, details=details)
            messages.success(request, f"Recorded: {entry}.")
    else:
        problems = "; ".join(str(e) for errors in form.errors.values() for e in errors)
        messages.error(request, f"Nothing was recorded: {problems}")
    return redirect("immunisation:record", employee.pk)


@roles_required(Role.CLINICIAN)
@require_POST
def maternity(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    employee = _staff_member(request, pk)
    form = MaternityForm(request.POST)
    form.is_valid()
    with shown_as_message(request):
        services.set_maternity_role(
            by=request.user, employee=employee, maternity_role=form.cleaned_data.get("maternity_role", False)
        )
        messages.success(request, "Saved.")
    return redirect("immunisation:record", employee.pk)


@roles_required(*OH)
def due(request: AuthenticatedRequest) -> HttpResponse:
    statuses = selectors.due_list(user=request.user, by_day=timezone.localdate())
    page = Paginator(statuses, 25).get_page(request.GET.get("page"))
    log_shown(user=request.user, objects=page.object_list, reason="Immunisations due")
    rows = [(s, presenters.due_words(s.next_due_on)[0]) for s in page.object_list]
    return render(request, "immunisation/due.html", {"page": page, "rows": rows})


@roles_required(Role.EMPLOYEE)
def my_record(request: AuthenticatedRequest) -> HttpResponse:
    mine = list(selectors.own_records(user=request.user))
    for found in mine:
        log_access(
            user=request.user,
            kind=AccessKind.IMMUNISATION,
            obj=found,
            reason="Own immunisation record",
            employee=found.employee,
            oh_service=found.oh_service,
        )
    vaccinations = list(selectors.own_vaccinations(user=request.user))
    log_shown(user=request.user, objects=vaccinations, reason="Own seasonal vaccinations")
    records = [(r, presenters.status_rows(list(r.statuses.all()))) for r in mine]
    return render(request, "immunisation/my_record.html", {"records": records, "vaccinations": vaccinations})

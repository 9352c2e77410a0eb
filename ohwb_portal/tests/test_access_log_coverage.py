"""Every read of a clinical field writes its access-log row (PRODUCT.md section 8), whatever the route.

Two walks, so that a new read path cannot forget the log:
- every DRF serializer of the project is introspected; one that exposes a clinical field (audit/clinical.py)
  must be built on audit.serializers.ClinicalSerializer, which logs as it serializes;
- every route of the URLconf that answers GET is requested by every role, in a world whose clinical fields
  hold unique marker strings; wherever a marker comes back, the request must have written exactly one row
  for the record it belongs to (a row per object shown, for lists too).
Each walk is also run on a deliberately leaky serializer and route, to show that it fails on them.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import include, path, reverse
from django.utils import timezone
from rest_framework import serializers

from assessments import services as assessment_services
from audit.clinical import CLINICAL_MODELS, CLINICAL_NAMES
from audit.models import AccessLogEntry
from audit.serializers import ClinicalSerializer
from conftest import World, build_world, signed_in_client
from health_protection.surveillance import services as surveillance_services
from ohwb_portal.route_policy import ROUTES
from ohwb_portal.tests.sweep_objects import BUILDERS, Sweep
from ohwb_portal.tests.test_authorization_matrix import ALL, OBJECT_ROUTES
from organisations.roles import Role
from organisations.tests.factories import EmployeeFactory, member
from referrals import services as referral_services
from referrals.models import AdjustmentStatus, Appointment, Attachment, ClinicalNote, ConsentChoice, MeasureStage

pytestmark = pytest.mark.django_db

# --- the serializer walk -------------------------------------------------------------------------------------------

# Serializers that carry a clinical name but show nobody else's data: say why, or log.
NOT_A_READ = {
    "assessments.api.serializers.QuestionnaireInput": "input: the candidate's answers coming in",
    "assessments.api.serializers.QuestionnaireOutput": "the candidate's own draft, through their single-use link",
    "referrals.api.serializers.ReportInput": "input: the clinician's report coming in",
    "referrals.api.serializers.CloseInput": "input: the closing work-ability score coming in",
}


def _project_apps() -> list[str]:
    base = str(settings.BASE_DIR)
    return [c.name for c in apps.get_app_configs() if c.path.startswith(base) and "site-packages" not in c.path]


def _project_serializer_modules() -> None:
    """Import every module of every app's api package, so that each serializer class is defined."""
    for name in _project_apps():
        try:
            package = importlib.import_module(f"{name}.api")
        except ModuleNotFoundError:
            continue
        for info in pkgutil.iter_modules(package.__path__):
            importlib.import_module(f"{name}.api.{info.name}")


def project_serializers() -> list[type[serializers.BaseSerializer]]:
    _project_serializer_modules()
    project_apps = set(_project_apps())
    found, todo = set(), [serializers.BaseSerializer]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.split(".")[0] in project_apps and ".tests" not in sub.__module__:
                found.add(sub)
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")


def _resolve(model: Any, source: str) -> tuple[str | None, str]:
    """The model label and attribute a dotted source ends on (`report.diagnosis` from a Referral)."""
    *hops, attribute = source.split(".")
    for hop in hops:
        try:
            model = model._meta.get_field(hop).related_model
        except FieldDoesNotExist:
            return None, attribute
        if model is None:
            return None, attribute
    return model._meta.label_lower, attribute


def clinical_fields(cls: type[serializers.BaseSerializer]) -> set[str]:
    if issubclass(cls, serializers.ListSerializer):
        return set()
    try:
        instance = cls()
        fields = instance.fields  # type: ignore[attr-defined]
    except Exception as exc:  # noqa: BLE001  a serializer this walk cannot build is a failure to look at
        return {f"<cannot introspect: {exc}>"}
    model = getattr(getattr(cls, "Meta", None), "model", None)
    found = set()
    for name, bound in fields.items():
        if name in CLINICAL_NAMES:
            found.add(name)
        if model is not None:
            source = name if bound.source in (None, "*") else bound.source
            label, attribute = _resolve(model, source)
            spec = CLINICAL_MODELS.get(label or "")
            if spec is not None and attribute in spec.fields:
                found.add(name)
    return found


def unlogged_serializers(classes: list[type[serializers.BaseSerializer]]) -> dict[str, set[str]]:
    """Serializers that show a clinical field and are not built on ClinicalSerializer (nor explained)."""
    problems = {}
    for cls in classes:
        dotted = f"{cls.__module__}.{cls.__qualname__}"
        exposed = clinical_fields(cls)
        if exposed and not issubclass(cls, ClinicalSerializer) and dotted not in NOT_A_READ:
            problems[dotted] = exposed
    return problems


def test_every_serializer_that_shows_a_clinical_field_logs():
    classes = project_serializers()
    assert len(classes) > 20, "the walk found too few serializers to be looking in the right place"
    assert unlogged_serializers(classes) == {}
    names = {f"{c.__module__}.{c.__qualname__}" for c in classes}
    assert set(NOT_A_READ) <= names, "NOT_A_READ names serializers that no longer exist"
    logged = {f"{c.__module__}.{c.__qualname__}" for c in classes if issubclass(c, ClinicalSerializer)}
    assert {
        "referrals.api.serializers.NoteOutput",
        "referrals.api.serializers.ReportOutput",
        "assessments.api.serializers.ClinicalAssessmentOutput",
    } <= logged


def test_the_serializer_walk_catches_a_serializer_that_does_not_log():
    class LeakyNotes(serializers.ModelSerializer):
        class Meta:
            model = ClinicalNote
            fields = ["id", "text"]

    class LeakyNested(serializers.Serializer):
        diagnosis = serializers.CharField(source="report.diagnosis")

    problems = unlogged_serializers([LeakyNotes, LeakyNested])
    assert [set(v) for v in problems.values()] == [{"text"}, {"diagnosis"}]


def test_every_clinical_model_named_exists():
    for label, spec in CLINICAL_MODELS.items():
        model = apps.get_model(label)
        for name in spec.fields - {"answers"}:
            model._meta.get_field(name)


def test_no_clinical_model_is_in_the_admin():
    from django.contrib import admin

    registered = {model._meta.label_lower for model in admin.site._registry}
    assert not registered & set(CLINICAL_MODELS)


def test_board_report_download_is_logged(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    sweep = Sweep(world)
    report = sweep.board_report("own", Role.BOARD)
    response = sweep.clients[Role.BOARD].get(reverse("metrics:download_report", args=[report.pk]))
    assert response.status_code == 200
    row = AccessLogEntry.objects.get()
    assert (row.kind, row.object_type, row.object_id, row.role) == (
        "export",
        "metrics.boardreport",
        str(report.pk),
        "board",
    )


def test_assessment_list_logs_a_row_per_check(world):
    sweep = Sweep(world)
    checks = [sweep.check("own")[0] for _ in range(3)]
    sweep.check("own", submitted=False)  # no answers yet: nothing shown, no row
    client = sweep.clients[Role.CLINICIAN]
    response = client.get("/api/v1/assessments/")
    assert response.status_code == 200
    rows = AccessLogEntry.objects.filter(kind="questionnaire")
    assert sorted(int(r.object_id) for r in rows) == sorted(c.response.pk for c in checks)
    assert {(r.role, r.oh_service_id, r.reason) for r in rows} == {
        ("clinician", world.oh_service.pk, "API: questionnaire answers")
    }
    # The recruiter's list shows no answers and writes no row.
    before = AccessLogEntry.objects.count()
    assert sweep.clients[Role.RECRUITER].get("/api/v1/assessments/").status_code == 200
    assert AccessLogEntry.objects.count() == before


def test_a_clinical_serializer_without_a_request_refuses():
    from django.core.exceptions import ImproperlyConfigured

    from referrals.api.serializers import NoteOutput

    with pytest.raises(ImproperlyConfigured, match="logged"):
        NoteOutput(ClinicalNote(pk=1, text="x", author_id=1, referral_id=1)).data  # noqa: B018


# --- the route walk ------------------------------------------------------------------------------------------------
# Its tests share one marked world per worker (a module fixture, kept until the module's last test): they stay
# last in this module, after every test that builds a world of its own.


def _marker(what: str) -> str:
    return f"zq{what}{secrets.token_hex(4)}zq"


@dataclass
class MarkedWorld:
    """Cases and a check whose every clinical field holds a marker string; markers -> the record they belong to."""

    sweep: Sweep
    markers: dict[str, tuple[str, str]] = field(default_factory=dict)
    kwargs: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    clients: dict[str, Client] = field(default_factory=dict)

    def mark(self, what: str, record: Any) -> str:
        text = _marker(what)
        self.markers[text] = (record._meta.label_lower, str(record.pk))
        return text


def _marked_case(world: MarkedWorld, *, release: bool) -> Any:
    users = world.sweep.users
    employee = EmployeeFactory(organisation=world.sweep.world.trust_a, user=users[Role.EMPLOYEE])
    referral = referral_services.create_management_referral(
        manager=users[Role.MANAGER],
        employee=employee,
        submit=True,
        reason_category="musculoskeletal",
        absent_at_referral=False,
        manager_questions=["fit_for_role"],
        work_details="Porter",
        employee_agreed=True,
    )
    attachment = Attachment.objects.create(
        referral=referral,
        file=ContentFile(b"placeholder", name="risk.pdf"),
        original_name="risk.pdf",
        content_type="application/pdf",
        size=11,
        uploaded_by=users[Role.MANAGER],
    )
    attachment.file.save("risk.pdf", ContentFile(world.mark("doc", attachment).encode()))
    clinician, oh_admin = users[Role.CLINICIAN], users[Role.OH_ADMIN]
    referral_services.accept(referral=referral, by=oh_admin, priority="routine", practitioner_type="oh_nurse")
    appointment = referral_services.book_appointment(
        referral=referral,
        by=oh_admin,
        clinician=clinician,
        start=timezone.now() + timedelta(days=2),
        length_minutes=30,
        modality="telephone",
    )
    Appointment.objects.filter(pk=appointment.pk).update(start=timezone.now() - timedelta(minutes=1))  # it starts
    referral_services.record_attendance(appointment=appointment, by=clinician, attended=True)
    referral_services.record_measures(referral=referral, by=clinician, stage=MeasureStage.INTAKE, work_ability=5)
    note = referral_services.add_clinical_note(referral=referral, author=clinician, text=world.mark("note", referral))
    referral_services.add_clinical_note(
        referral=referral, author=clinician, text=world.mark("addendum", referral), addendum_to=note
    )
    report = referral_services.save_report_draft(
        referral=referral,
        author=clinician,
        fitness="fit_with_adjustments",
        adjustments=["No night shifts"],
        answers=dict.fromkeys(referral.question_texts, "Yes"),
        equality_act="unlikely",
        follow_up_plan="None",
    )
    report.adjustments = [world.mark("adjustment", report)]
    report.answers = {q: world.mark("answer", report) for q in referral.question_texts}
    report.follow_up_plan = world.mark("plan", report)
    report.save()
    referral_services.send_for_consent(report=report, by=clinician)
    employee_user = users[Role.EMPLOYEE]
    if release:
        referral_services.record_consent(report=report, by=employee_user, choice=ConsentChoice.RELEASE_NOW)
        follow_up = report.follow_ups.get()
        referral_services.answer_adjustment(
            follow_up=follow_up, by=users[Role.MANAGER], status=AdjustmentStatus.PARTLY, reason="Partly"
        )
        follow_up.refresh_from_db()
        type(follow_up).objects.filter(pk=follow_up.pk).update(reason=world.mark("adjustmentanswer", report))
    else:
        referral_services.record_consent(report=report, by=employee_user, choice=ConsentChoice.SHOW_ME_FIRST)
    return referral


def _marked_check(world: MarkedWorld) -> Any:
    started = assessment_services.start_check(
        recruiter=world.sweep.users[Role.RECRUITER],
        candidate_name="Sam Candidate",
        candidate_email="sam@example.com",
        job_role="Porter",
        exposure_prone=False,
    )
    token = started.link_url.rstrip("/").rsplit("/", 1)[-1]
    answers = dict.fromkeys(["conditions", "medication", "absence", "adjustments", "infections"], "no")
    answers["immunisation_history"] = "MMR"
    assessment_services.save_answers(raw_token=token, answers=answers, submit=True)
    response = started.assessment.response
    response.answers["immunisation_history"] = world.mark("questionnaire", response)
    response.save()
    return started.assessment


def _marked_injury(world: MarkedWorld) -> Any:
    """An inoculation injury in follow-up: its source, assessment notes and a test's result notes marked."""
    injury = world.sweep.injury("own", "resulted")
    test = injury.tests.get(week=6)
    type(test).objects.filter(pk=test.pk).update(result_notes=world.mark("injuryresult", injury))
    type(injury).objects.filter(pk=injury.pk).update(
        assessment_notes=world.mark("injurynotes", injury), source_details=world.mark("injurysource", injury)
    )
    return injury


def _marked_surveillance(world: MarkedWorld) -> Any:
    """An enrolment whose result and screening answers hold markers (answers sent after the result, so the
    result page shows them too)."""
    enrolment = world.sweep.surveillance_enrolment("own")
    surveillance_services.record_result(
        enrolment=enrolment,
        by=world.sweep.users[Role.CLINICIAN],
        performed_on=timezone.localdate(),
        outcome="fit_with_restrictions",
        category="Category 3: poor hearing",
        findings=world.mark("findings", enrolment),
        restrictions=world.mark("restrictions", enrolment),
    )
    surveillance_services.invite(enrolment=enrolment, by=world.sweep.users[Role.OH_ADMIN])
    invitation = enrolment.invitations.filter(used_at__isnull=True, revoked_at__isnull=True).get()
    type(invitation).objects.filter(pk=invitation.pk).update(
        answers={"hearing": "yes", "hearing_details": world.mark("answers", enrolment)},
        submitted_at=timezone.now(),
        used_at=timezone.now(),
    )
    return enrolment


# Which of the marked objects each kind of address is asked with; other kinds are built by the matrix's builders.
MARKED = {"referral", "referral+attachment", "assessment", "surveillance_enrolment", "injury"}


@pytest.fixture(scope="module")
def marked(django_db_setup, django_db_blocker, tmp_path_factory):  # type: ignore[no-untyped-def]
    """The marked world, built once per worker for this module: in a transaction rolled back at the end, each
    test running in a savepoint of it (so no route's requests are seen by another's)."""
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("marked")), RATELIMIT_ENABLE=False),
    ):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield _marked_world(build_world())
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _marked_world(world: World) -> MarkedWorld:
    sweep = Sweep(world)
    marked_world = MarkedWorld(sweep)
    released = _marked_case(marked_world, release=True)
    shown_first = _marked_case(marked_world, release=False)
    check = _marked_check(marked_world)
    enrolment = _marked_surveillance(marked_world)
    injury = _marked_injury(marked_world)
    marked_world.kwargs = {
        "surveillance_enrolment": [{"pk": enrolment.pk}],
        "injury": [{"pk": injury.pk}],
        "referral": [{"pk": released.pk}, {"pk": shown_first.pk}],
        "referral+attachment": [{"pk": released.pk, "attachment_pk": released.attachments.get().pk}],
        "assessment": [{"pk": check.pk}],
    }
    marked_world.clients = dict(sweep.clients)
    # An OH service's IG lead too: the access log and exports are theirs.
    oh_ig_lead = signed_in_client(member(Role.IG_LEAD, world.oh_service))
    oh_ig_lead.defaults["REMOTE_ADDR"] = "10.9." + ".".join(str(secrets.randbelow(250)) for _ in range(2))
    marked_world.clients["ig_lead@oh_service"] = oh_ig_lead
    return marked_world


def _body(response: Any) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", errors="replace")


def _role_of(client_key: str) -> str:
    return client_key.split("@")[0]


def unlogged_reads(world: MarkedWorld, requests: list[tuple[str, str, str]]) -> tuple[list[str], set[tuple]]:
    """Request each (route, client, url); return the reads of marked records without exactly one row each,
    and every (route, role, record) that showed a marker (to prove the walk saw something)."""
    problems, exposures = [], set()
    for name, client_key, url in requests:
        before = AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        response = world.clients[client_key].get(url)
        body = _body(response)
        shown = {record for marker, record in world.markers.items() if marker in body}
        rows = Counter(AccessLogEntry.objects.filter(pk__gt=before).values_list("object_type", "object_id").order_by())
        for record in sorted(shown):
            exposures.add((name, _role_of(client_key), record[0]))
            if rows[record] != 1:
                problems.append(f"{url} as {client_key} showed {record[0]} {record[1]}: {rows[record]} rows")
    return problems, exposures


def _object_of(name: str) -> str:
    """The kind of object a route's address names: as the authorization matrix declares it, else (a route
    newer than the matrix's table) by its name, so that a new case or check route is walked all the same."""
    if name in OBJECT_ROUTES:
        return OBJECT_ROUTES[name].model
    arguments = re.findall(r"\(\?P<(\w+)>|<(?:\w+:)?(\w+)>", str(ALL[name].pattern))
    for prefix, model in (("referral", "referral"), ("assessment", "assessment")):
        if name.startswith(prefix) and [a or b for a, b in arguments] == ["pk"]:
            return model
    raise AssertionError(f"{name}: no object to walk it with; declare it in the authorization matrix's OBJECT_ROUTES")


# Every route that answers GET (a route with no policy yet fails the matrix test; walk it here all the same).
WALKED = sorted(name for name in ALL if name not in ROUTES or ROUTES[name].get_allowed)


def _walk_requests(world: MarkedWorld, name: str) -> list[tuple[str, str, str]]:
    pattern = ALL[name]
    has_arguments = "<" in str(pattern.pattern) or "(?P" in str(pattern.pattern)
    requests = []
    for client_key in world.clients:
        role = _role_of(client_key)
        if not has_arguments:
            kwargs_list: list[dict[str, Any]] = [{}]
        elif _object_of(name) in MARKED:
            kwargs_list = world.kwargs[_object_of(name)]
        else:
            spec = OBJECT_ROUTES[name]
            kwargs_list = BUILDERS[spec.model](world.sweep, "own", role, spec.options)
        requests.extend((name, client_key, reverse(name, kwargs=kw)) for kw in kwargs_list)
    return requests


# Where the walk must see clinical data (else the markers, not the logging, are broken).
MUST_SHOW = {
    "referrals:detail": {Role.CLINICIAN, Role.MANAGER},
    "referrals:adjustments": {Role.MANAGER},
    "referrals:consent": {Role.EMPLOYEE},
    "referrals:attachment": {Role.MANAGER},
    "assessments:detail": {Role.CLINICIAN},
    "referral-notes": {Role.CLINICIAN},
    "referral-report": {Role.MANAGER},
    "assessment-list": {Role.CLINICIAN},
    "assessment-detail": {Role.CLINICIAN},
    "surveillance:enrolment": {Role.CLINICIAN},
    "surveillance:record_result": {Role.CLINICIAN},
    "surveillance-enrolment-results": {Role.CLINICIAN},
    "injuries:detail": {Role.CLINICIAN, Role.EMPLOYEE},
    "injury-detail": {Role.CLINICIAN, Role.EMPLOYEE},
    "injury-list": {Role.CLINICIAN, Role.EMPLOYEE},
}


def test_the_routes_that_must_show_clinical_data_are_walked():
    assert set(MUST_SHOW) <= set(WALKED)


@pytest.mark.parametrize("name", WALKED)
def test_every_route_that_shows_clinical_data_logs_one_row_per_record(name, marked, db):
    problems, exposures = unlogged_reads(marked, _walk_requests(marked, name))
    assert problems == []
    seen = {role for _, role, _ in exposures}
    assert MUST_SHOW.get(name, set()) <= seen, sorted(seen)


# A route that shows notes and logs nothing: the walk must catch it.
def _leaky_view(request: Any, pk: int) -> HttpResponse:
    return HttpResponse(" ".join(ClinicalNote.objects.filter(referral_id=pk).values_list("text", flat=True)))


urlpatterns = [path("leaky/<int:pk>/", _leaky_view), path("", include(settings.ROOT_URLCONF))]


@pytest.mark.urls(__name__)
def test_the_route_walk_catches_a_route_that_does_not_log(marked, db):
    case_pk = marked.kwargs["referral"][0]["pk"]
    problems, _ = unlogged_reads(marked, [("leaky", Role.CLINICIAN, f"/leaky/{case_pk}/")])
    assert len(problems) == 1 and re.search(r"showed referrals.referral \d+: 0 rows", problems[0])

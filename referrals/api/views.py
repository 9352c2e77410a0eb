"""/api/v1/referrals/ and /api/v1/appointments/: the same services and scoping as the pages."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from audit.serializers import echo_of_write
from ohwb_portal.requests import AuthenticatedApiRequest
from organisations.models import Employee
from referrals import presenters, selectors, services
from referrals.models import Appointment, ConsentChannel, ConsentChoice, Referral

from . import serializers as s

# A refused action (ActionRefused) reaches DRF's handler: 409 with its message (ohwb_portal.refusals).


class ReferralViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.ReferralOutput
    filterset_fields = ["status", "priority", "reason_category", "kind"]
    request: AuthenticatedApiRequest

    def get_queryset(self) -> QuerySet[Referral]:
        return Referral.objects.visible_to(self.request.user).select_related("employee").order_by("-created_at")

    def get_serializer_class(self) -> type[BaseSerializer]:
        # One case says what its reader may do to it now; the list stays lean.
        return s.ReferralOutput if self.action == "list" else s.ReferralDetailOutput

    @extend_schema(request=s.ReferralCreateInput, responses={201: s.ReferralDetailOutput})
    def create(self, request: AuthenticatedApiRequest) -> Response:
        """A management referral, sent (`submit`: true, every check) or saved as a draft (only the employee)."""
        data_in = s.ReferralCreateInput(data=request.data, employees=Employee.objects.visible_to(request.user))
        data_in.is_valid(raise_exception=True)
        data = dict(data_in.validated_data)
        submit = data.pop("submit")
        employee = data.pop("employee")
        referral = services.create_management_referral(manager=request.user, employee=employee, submit=submit, **data)
        return Response(self.get_serializer(referral).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["put"], request=s.ReferralFieldsInput, responses=s.ReferralDetailOutput)
    @extend_schema(methods=["delete"], request=None, responses={204: None})
    @action(detail=True, methods=["put", "delete"])
    def draft(self, request: AuthenticatedApiRequest, pk: str) -> Response:
        """PUT: change the draft (the fields given; nothing is checked until it is sent with `submit`).
        DELETE: delete the draft. Only its manager sees or changes a draft."""
        referral = self.get_object()
        if request.method == "DELETE":
            services.delete_draft(referral=referral, by=request.user)
            return Response(status=status.HTTP_204_NO_CONTENT)
        data = s.ReferralFieldsInput(data=request.data, employees=Employee.objects.visible_to(request.user))
        data.is_valid(raise_exception=True)
        services.update_draft(referral=referral, by=request.user, **data.validated_data)
        return self._case_now()

    @extend_schema(request=s.ResendInput, responses=s.ReferralDetailOutput)
    @action(detail=True, methods=["post"])
    def resend(self, request: AuthenticatedApiRequest, pk: str) -> Response:
        """A referral returned to its manager (by triage, or after two missed appointments), changed as given and
        sent again with the reply to OH's question. The same checks as sending a new referral."""
        referral = self.get_object()
        data = s.ResendInput(data=request.data, employees=Employee.objects.visible_to(request.user))
        data.is_valid(raise_exception=True)
        services.resend_referral(referral=referral, by=request.user, **data.validated_data)
        return self._case_now()

    def _case_now(self) -> Response:
        """The case as it is after an action, as this user sees it."""
        return Response(self.get_serializer(self.get_queryset().get(pk=self.kwargs["pk"])).data)

    @extend_schema(request=None, responses=s.ReferralDetailOutput)
    @action(detail=True, methods=["post"])
    def submit(self, request: AuthenticatedApiRequest, pk: str) -> Response:
        referral = self.get_object()
        services.submit_referral(referral=referral, by=request.user)
        return self._case_now()

    @extend_schema(request=s.TriageInput, responses=s.ReferralDetailOutput)
    @action(detail=True, methods=["post"])
    def triage(self, request: AuthenticatedApiRequest, pk: str) -> Response:
        referral = self.get_object()
        data = s.TriageInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.accept(referral=referral, by=request.user, **data.validated_data)
        return self._case_now()

    @extend_schema(request=s.ReasonInput, responses=s.ReferralDetailOutput)
    @action(detail=True, methods=["post"], url_path="return")
    def return_to_manager(self, request: AuthenticatedApiRequest, pk: str) -> Response:
        referral = self.get_object()
        data = s.ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.return_to_manager(referral=referral, by=request.user, reason=data.validated_data["reason"])
        return self._case_now()

    @extend_schema(request=s.ReasonInput, responses=s.ReferralDetailOutput)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: AuthenticatedApiRequest, pk: str) -> Response:
        referral = self.get_object()
        data = s.ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.withdraw(referral=referral, by=request.user, reason=data.validated_data["reason"])
        return self._case_now()

    @extend_schema(request=s.CloseInput, responses=s.ReferralDetailOutput)
    @action(detail=True, methods=["post"])
    def close(self, request: AuthenticatedApiRequest, pk: str) -> Response:
        referral = self.get_object()
        data = s.CloseInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.close_case(referral=referral, by=request.user, **data.validated_data)
        return self._case_now()

    @extend_schema(methods=["get"], responses=s.AppointmentOutput(many=True))
    @extend_schema(methods=["post"], request=s.AppointmentInput, responses={201: s.AppointmentOutput})
    @action(detail=True, methods=["get", "post"])
    def appointments(self, request: AuthenticatedApiRequest, pk: str) -> Response:
        referral = self.get_object()
        if request.method == "GET":
            appointments = selectors.appointments(user=request.user, referral=referral)
            return Response(s.AppointmentOutput(appointments, many=True, context=self._fields()).data)
        data = s.AppointmentInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        clinician = get_object_or_404(selectors.users(), pk=values.pop("clinician"))
        appointment = services.book_appointment(referral=referral, by=request.user, clinician=clinician, **values)
        return Response(s.AppointmentOutput(appointment, context=self._fields()).data, status=status.HTTP_201_CREATED)

    def _fields(self) -> dict[str, Any]:
        return {"fields": presenters.appointment_fields(self.request.user)}

    @extend_schema(request={"multipart/form-data": s.AttachmentsInput}, responses={201: s.AttachmentOutput(many=True)})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def attachments(self, request: AuthenticatedApiRequest, pk: str) -> Response:
        """The referring manager adds documents; the count and total size per referral are capped."""
        referral = self.get_object()
        data = s.AttachmentsInput(data=request.data, context={"stored": selectors.stored_attachments(referral)})
        data.is_valid(raise_exception=True)
        added = services.add_attachments(referral=referral, by=request.user, uploads=data.validated_data["files"])
        return Response(s.AttachmentOutput(added, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["get"], responses=s.NoteOutput(many=True))
    @extend_schema(methods=["post"], request=s.NoteInput, responses={201: s.NoteOutput})
    @action(detail=True, methods=["get", "post"])
    def notes(self, request: AuthenticatedApiRequest, pk: str) -> Response:
        referral = self.get_object()
        if not selectors.reads_clinical_record(user=request.user, referral=referral):
            raise PermissionDenied("Clinical notes are for clinicians of the OH service handling this case.")
        notes = selectors.clinical_notes(user=request.user, referral=referral)
        if request.method == "GET":
            # NoteOutput logs the read (audit.serializers.ClinicalSerializer).
            return Response(s.NoteOutput(notes, many=True, context=self.get_serializer_context()).data)
        data = s.NoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        addendum_id = data.validated_data.get("addendum_to")
        addendum_to = get_object_or_404(notes, pk=addendum_id) if addendum_id else None
        note = services.add_clinical_note(
            referral=referral, author=request.user, text=data.validated_data["text"], addendum_to=addendum_to
        )
        return Response(s.NoteOutput(note, context=echo_of_write(request)).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["get"], responses=s.CaseMessageOutput(many=True))
    @extend_schema(methods=["post"], request=s.CaseMessageInput, responses={201: s.CaseMessageOutput})
    @action(detail=True, methods=["get", "post"])
    def messages(self, request: AuthenticatedApiRequest, pk: str) -> Response:
        """Messages between the referring manager and the OH service, oldest first (GET does not mark them read;
        the case page does). POST sends one; a withdrawn or closed case refuses it (409)."""
        referral = self.get_object()
        if not selectors.reads_case_messages(user=request.user, referral=referral):
            raise PermissionDenied("Case messages are between the manager who made the referral and the OH service.")
        if request.method == "GET":
            thread = selectors.case_messages(user=request.user, referral=referral)
            return Response(s.CaseMessageOutput(thread, many=True).data)
        data = s.CaseMessageInput(data=request.data)
        data.is_valid(raise_exception=True)
        message = services.send_case_message(referral=referral, by=request.user, text=data.validated_data["text"])
        return Response(s.CaseMessageOutput(message).data, status=status.HTTP_201_CREATED)

    def _shown_report(self, referral: Referral) -> Any:
        report = selectors.shown_report(user=self.request.user, referral=referral)
        if report is None:
            raise Http404
        return report

    def _awaiting_decision(self, referral: Referral) -> Any:
        return get_object_or_404(selectors.awaiting_decision(user=self.request.user, referral=referral))

    @extend_schema(methods=["get"], responses=s.ReportOutput)
    @extend_schema(methods=["put"], request=s.ReportInput, responses=s.ReportOutput)
    @action(detail=True, methods=["get", "put"])
    def report(self, request: AuthenticatedApiRequest, pk: str) -> Response:
        """GET: the version this user is shown (for the manager, the newest released one; `is_earlier`
        says a later version exists). PUT: write the draft version (a new version once one was sent)."""
        referral = self.get_object()
        if request.method == "GET":
            report = self._shown_report(referral)
            return Response(s.ReportOutput(report, context=self.get_serializer_context()).data)
        data = s.ReportInput(data=request.data, context={"questions": referral.question_texts})
        data.is_valid(raise_exception=True)
        report = services.save_report_draft(referral=referral, author=request.user, **data.validated_data)
        return Response(s.ReportOutput(self._version(referral, report.pk), context=echo_of_write(request)).data)

    def _version(self, referral: Referral, report_pk: int) -> Any:
        return selectors.report_versions(user=self.request.user, referral=referral).get(pk=report_pk)

    @extend_schema(responses=s.ReportOutput(many=True))
    @action(detail=True, methods=["get"], url_path="report/versions")
    def report_versions(self, request: AuthenticatedApiRequest, pk: str) -> Response:
        """Every version this user may read, newest first: clinicians all, the employee those sent to them,
        the manager those released to them. ReportOutput logs a row per version shown."""
        referral = self.get_object()
        versions = list(selectors.report_versions(user=request.user, referral=referral))
        if not versions:  # as GET report: nothing this user may read
            raise Http404
        return Response(s.ReportOutput(versions, many=True, context=self.get_serializer_context()).data)

    @extend_schema(responses=s.AdjustmentAnswerOutput(many=True))
    @action(detail=True, methods=["get"])
    def adjustments(self, request: AuthenticatedApiRequest, pk: str) -> Response:
        """The manager's answers on the adjustments of the released report: for that manager and the
        clinicians of the service; 404 for anyone else, as for a report they may not read."""
        referral = self.get_object()
        released = selectors.followed_up_report(user=request.user, referral=referral).exists()
        if not (released and selectors.shows_adjustment_answers(request.user)):
            raise Http404
        answers = selectors.adjustment_answers(user=request.user, referral=referral)
        return Response(s.AdjustmentAnswerOutput(answers, many=True, context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses=s.ReportOutput)
    @action(detail=True, methods=["post"], url_path="report/send-for-consent")
    def send_for_consent(self, request: AuthenticatedApiRequest, pk: str) -> Response:
        referral = self.get_object()
        report = self._shown_report(referral)
        services.send_for_consent(report=report, by=request.user)
        return Response(s.ReportOutput(self._version(referral, report.pk), context=echo_of_write(request)).data)

    @extend_schema(request=s.ConsentInput, responses=s.ReferralDetailOutput)
    @action(detail=True, methods=["post"], url_path="report/consent")
    def consent(self, request: AuthenticatedApiRequest, pk: str) -> Response:
        report = self._awaiting_decision(self.get_object())
        data = s.ConsentInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.record_consent(report=report, by=request.user, channel=ConsentChannel.PORTAL, **data.validated_data)
        return self._case_now()

    @extend_schema(request=None, responses=s.ReferralDetailOutput)
    @action(detail=True, methods=["post"], url_path="report/release")
    def release(self, request: AuthenticatedApiRequest, pk: str) -> Response:
        """Release recorded by the clinician when the employee consented outside the portal."""
        report = self._awaiting_decision(self.get_object())
        services.record_consent(
            report=report,
            by=request.user,
            choice=ConsentChoice.RELEASE_NOW,
            channel=ConsentChannel.RECORDED_BY_CLINICIAN,
        )
        return self._case_now()


class AppointmentViewSet(viewsets.GenericViewSet):
    serializer_class = s.AppointmentOutput
    request: AuthenticatedApiRequest

    def get_queryset(self) -> QuerySet[Appointment]:
        return Appointment.objects.visible_to(self.request.user)

    @extend_schema(request=s.AttendanceInput, responses=s.AppointmentOutput)
    @action(detail=True, methods=["post"])
    def attendance(self, request: AuthenticatedApiRequest, pk: str) -> Response:
        appointment = self.get_object()
        data = s.AttendanceInput(data=request.data)
        data.is_valid(raise_exception=True)
        with transaction.atomic():
            services.record_attendance(
                appointment=appointment, by=request.user, attended=data.validated_data["attended"]
            )
        return self._answer(appointment)

    @extend_schema(request=s.AttendanceCorrectionInput, responses=s.AppointmentOutput)
    @action(detail=True, methods=["post"], url_path="correct-attendance")
    def correct_attendance(self, request: AuthenticatedApiRequest, pk: str) -> Response:
        """Attended <-> did not attend, on the working day it was recorded, with the reason kept in the history."""
        appointment = self.get_object()
        data = s.AttendanceCorrectionInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.correct_attendance(appointment=appointment, by=request.user, **data.validated_data)
        return self._answer(appointment)

    @extend_schema(request=s.RescheduleInput, responses=s.AppointmentOutput)
    @action(detail=True, methods=["post"])
    def reschedule(self, request: AuthenticatedApiRequest, pk: str) -> Response:
        """Move an appointment that has not started; the employee is told."""
        appointment = self.get_object()
        data = s.RescheduleInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.reschedule_appointment(appointment=appointment, by=request.user, **data.validated_data)
        return self._answer(appointment)

    @extend_schema(request=s.CancelAppointmentInput, responses=s.AppointmentOutput)
    @action(detail=True, methods=["post"])
    def cancel(self, request: AuthenticatedApiRequest, pk: str) -> Response:
        """Cancel an appointment that has not started; the case goes back to be booked again, the employee is told."""
        appointment = self.get_object()
        data = s.CancelAppointmentInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.cancel_appointment(appointment=appointment, by=request.user, **data.validated_data)
        return self._answer(appointment)

    def _answer(self, appointment: Appointment) -> Response:
        appointment.refresh_from_db()
        fields = presenters.appointment_fields(self.request.user)
        return Response(s.AppointmentOutput(appointment, context={"fields": fields}).data)

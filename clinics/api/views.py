"""/api/v1/clinics/, /api/v1/bookings/ and /api/v1/waiting-list/: the same services and scoping as the pages."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from ohwb_portal.requests import AuthenticatedApiRequest

from .. import selectors, services
from ..models import Booking, Clinic, Slot
from . import serializers as s

# A refused action (ActionRefused) reaches DRF's handler: 409 with its message (ohwb_portal.refusals).


class ClinicViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.ClinicOutput
    request: AuthenticatedApiRequest

    def get_queryset(self) -> QuerySet[Clinic]:
        return Clinic.objects.visible_to(self.request.user).order_by("name", "pk")

    @extend_schema(request=s.ClinicInput, responses={201: s.ClinicOutput})
    def create(self, request: AuthenticatedApiRequest) -> Response:
        """An OH administrator sets up a clinic; its slots for the next 12 weeks are made at once."""
        data = s.ClinicInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        clinician = get_object_or_404(selectors.clinicians(user=request.user), pk=values.pop("clinician"))
        clinic = services.create_clinic(by=request.user, clinician=clinician, **values)
        return Response(s.ClinicOutput(clinic).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[s.SlotQuery], responses=s.SlotOutput(many=True))
    @action(detail=True, methods=["get"])
    def slots(self, request: AuthenticatedApiRequest, pk: str) -> Response:
        """The clinic's offered slots from now (or `start_after`), soonest first, 200 at most; free ones only unless
        `free` is false."""
        clinic = self.get_object()
        query = s.SlotQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        slots = Slot.objects.visible_to(request.user).filter(clinic=clinic).offered()
        slots = slots.filter(start__gt=query.validated_data.get("start_after") or timezone.now())
        slots = slots.annotate(free=Exists(Slot.objects.visible_to(request.user).filter(pk=OuterRef("pk")).free()))
        if query.validated_data["free"]:
            slots = slots.filter(free=True)  # type: ignore[misc]  # an annotation
        return Response(s.SlotOutput(slots.order_by("start")[:200], many=True).data)


class BookingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.BookingOutput
    filterset_fields = ["status", "clinician"]
    request: AuthenticatedApiRequest

    def get_queryset(self) -> QuerySet[Booking]:
        return selectors.bookings(user=self.request.user).order_by("start", "pk")

    @extend_schema(request=s.BookingInput, responses={201: s.BookingOutput})
    def create(self, request: AuthenticatedApiRequest) -> Response:
        """Book a referral (waiting to be booked) or a further assessment into a free slot; a slot taken meanwhile
        answers 409."""
        data = s.BookingInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        slot = get_object_or_404(Slot.objects.visible_to(request.user).offered(), pk=values["slot"])
        if "referral" in values:
            referral = get_object_or_404(selectors.bookable_referrals(user=request.user), pk=values["referral"])
            booking = services.book_slot(slot=slot, by=request.user, referral=referral)
        else:
            check = get_object_or_404(selectors.bookable_checks(user=request.user), pk=values["assessment"])
            booking = services.book_slot(slot=slot, by=request.user, assessment=check)
        return Response(s.BookingOutput(booking).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.MoveInput, responses=s.BookingOutput)
    @action(detail=True, methods=["post"])
    def move(self, request: AuthenticatedApiRequest, pk: str) -> Response:
        """Move the booking into another free slot; the employee is sent the changed invitation."""
        booking = self.get_object()
        data = s.MoveInput(data=request.data)
        data.is_valid(raise_exception=True)
        slot = get_object_or_404(Slot.objects.visible_to(request.user).offered(), pk=data.validated_data["slot"])
        moved = services.move_booking(booking=booking, slot=slot, by=request.user, reason=data.validated_data["reason"])
        return Response(s.BookingOutput(moved).data)

    @extend_schema(request=s.CancelInput, responses=s.BookingOutput)
    @action(detail=True, methods=["post"])
    def cancel(self, request: AuthenticatedApiRequest, pk: str) -> Response:
        booking = self.get_object()
        data = s.CancelInput(data=request.data)
        data.is_valid(raise_exception=True)
        cancelled = services.cancel_booking(booking=booking, by=request.user, reason=data.validated_data["reason"])
        return Response(s.BookingOutput(cancelled).data)


class WaitingListView(APIView):
    @extend_schema(responses=s.WaitingListOutput)
    def get(self, request: AuthenticatedApiRequest) -> Response:
        """Cases waiting for an appointment in the user's OH service, by service line and priority, oldest first
        (the first 100); other roles get an empty list."""
        found = selectors.waiting_list(user=request.user, limit=100)
        return Response(s.WaitingListOutput(found).data)

"""Calendar invitations (.ics, RFC 5545, written with the icalendar package) and the letter for staff without an
e-mail address. Neither says why the appointment is made: when, how and where, the case reference, and how to
change it. The summary is neutral, as work calendars are often shared."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from icalendar import Calendar, Event

from .models import Booking, BookingStatus

CALENDAR_TYPE = "text/calendar; method={method}; charset=utf-8"


def invitation(booking: Booking, *, change_link: str = "") -> dict[str, str]:
    """The booking's invitation as an e-mail attachment: REQUEST for a booking or change (SEQUENCE counts the
    changes, the UID stays), CANCEL once cancelled."""
    cancelled = booking.status == BookingStatus.CANCELLED
    method = "CANCEL" if cancelled else "REQUEST"
    calendar = Calendar()
    calendar.add("prodid", "-//OHWB Portal//Clinics//EN")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", booking.uid)
    event.add("sequence", booking.sequence)
    event.add("dtstamp", timezone.now())
    # In the portal's own time zone (with its VTIMEZONE below), as the letter and the messages give the time.
    event.add("dtstart", timezone.localtime(booking.start))
    event.add("dtend", timezone.localtime(booking.end))
    event.add("summary", f"Appointment, reference {booking.case_reference}")
    event.add("class", "PRIVATE")
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if booking.location:
        event.add("location", booking.location)
    how = booking.get_modality_display()
    description = f"{how}. Reference {booking.case_reference}."
    if change_link:
        description += f" To move or cancel it: {change_link}"
    event.add("description", description)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return {
        "filename": "appointment.ics",
        "content_type": CALENDAR_TYPE.format(method=method),
        "content": calendar.to_ical().decode(),
    }


def letter_pdf(booking: Booking, *, context: dict[str, Any]) -> bytes:
    """The appointment letter as a PDF (WeasyPrint), for staff with no e-mail address, to print and send."""
    from weasyprint import HTML

    html = render_to_string("clinics/letter_pdf.html", {"booking": booking, **context})
    return bytes(HTML(string=html).write_pdf(pdf_variant="pdf/ua-1"))

"""A time of day as people type it: "9.30am", "9:30", "09:30", "14.30", "2pm"."""

from __future__ import annotations

import re
from datetime import time
from typing import Any

from django import forms

_TIME = re.compile(r"^(?P<hour>\d{1,2})(?:[.:](?P<minute>\d{2}))?\s*(?P<half>am|pm|a\.m\.|p\.m\.)?$")


def parse_time(text: str) -> time | None:
    """The time meant, or None when the text is not a time of day."""
    match = _TIME.match(text.strip().lower())
    if match is None or (match["minute"] is None and match["half"] is None):
        return None
    hour, minute = int(match["hour"]), int(match["minute"] or 0)
    if match["half"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match["half"].startswith("p") else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


class TimeOfDayField(forms.TimeField):
    def to_python(self, value: Any) -> time | None:
        if isinstance(value, time):
            return value
        if value in self.empty_values:
            return None
        parsed = parse_time(str(value))
        if parsed is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from .periods import MonthRange, months_between

NARRATIVE_SECTIONS = ["Summary from the OH lead", "What went well", "What we will improve next year"]


class BoardReportForm(forms.Form):
    summary = forms.CharField(label=NARRATIVE_SECTIONS[0], widget=forms.Textarea(attrs={"rows": 4}))
    went_well = forms.CharField(label=NARRATIVE_SECTIONS[1], widget=forms.Textarea(attrs={"rows": 4}), required=False)
    improve = forms.CharField(label=NARRATIVE_SECTIONS[2], widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def narrative(self) -> dict[str, str]:
        values = [self.cleaned_data["summary"], self.cleaned_data["went_well"], self.cleaned_data["improve"]]
        return {title: text for title, text in zip(NARRATIVE_SECTIONS, values, strict=True) if text.strip()}


class SurveyForm(forms.Form):
    score = forms.TypedChoiceField(
        label="Overall, how satisfied were you with the occupational health service?",
        coerce=int,
        widget=forms.RadioSelect,
        choices=[
            (5, "Very satisfied"),
            (4, "Satisfied"),
            (3, "Neither satisfied nor dissatisfied"),
            (2, "Dissatisfied"),
            (1, "Very dissatisfied"),
        ],
        error_messages={"required": "Choose how satisfied you were"},
    )
    comment = forms.CharField(
        label="Anything you would like to tell us?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )


MONTH_NAMES = [calendar.month_name[m].lower() for m in range(1, 13)]
LONGEST_RANGE = 36  # months: older figures are computed from the cases, not the rollup


def _month_number(text: str) -> int | None:
    """A month as people type it: 3, 03, Mar or March."""
    text = text.strip().lower()
    if text.isdigit():
        return int(text) if 1 <= int(text) <= 12 else None
    for number, name in enumerate(MONTH_NAMES, start=1):
        if len(text) >= 3 and name.startswith(text):
            return number
    return None


class DateRangeForm(forms.Form):
    """The months a dashboard shows, in the user's words (a month and a year at each end), kept in the URL.
    Left empty, the board's 12 whole months and this month so far."""

    from_month = forms.CharField(label="Month", required=False, max_length=9)
    from_year = forms.CharField(label="Year", required=False, max_length=4)
    to_month = forms.CharField(label="Month", required=False, max_length=9)
    to_year = forms.CharField(label="Year", required=False, max_length=4)

    ENDS = {"from": "the first month", "to": "the last month"}
    legends = [("from", "From (month and year)"), ("to", "To (month and year)")]

    def __init__(self, data: Any = None, *, today: date | None = None) -> None:
        self.today = today or timezone.localdate()
        fields = [f"{end}_{part}" for end in self.ENDS for part in ("month", "year")]
        asked = {k: data[k] for k in fields if data is not None and k in data}
        # Nothing typed: unbound, so the boxes show the default months rather than nothing.
        super().__init__(asked if any(str(v).strip() for v in asked.values()) else None)
        self.default = MonthRange.default(self.today)
        if not self.is_bound:
            self.initial = {
                "from_month": self.default.first.month,
                "from_year": self.default.first.year,
                "to_month": self.default.last.month,
                "to_year": self.default.last.year,
            }

    def _end(self, end: str) -> date | None:
        words = self.ENDS[end]
        month_text = self.cleaned_data.get(f"{end}_month", "").strip()
        year_text = self.cleaned_data.get(f"{end}_year", "").strip()
        if not month_text and not year_text:
            return None
        if not month_text or not year_text:
            missing = "month" if not month_text else "year"
            self.add_error(f"{end}_{missing}", f"Enter the {missing} of {words}")
            return None
        month = _month_number(month_text)
        if month is None:
            self.add_error(f"{end}_month", f"The month of {words} must be a number from 1 to 12, or its name")
            return None
        if not (year_text.isdigit() and len(year_text) == 4):
            self.add_error(f"{end}_year", f"The year of {words} must be 4 numbers, for example {self.today.year}")
            return None
        return date(int(year_text), month, 1)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = self._end("from"), self._end("to")
        if self.errors:
            return cleaned
        current = self.today.replace(day=1)
        last = last or current
        first = first or MonthRange.default(last if last < current else self.today).first
        if last > current:
            self.add_error("to_month", f"The last month cannot be after this month ({self.today:%B %Y})")
        elif first > last:
            self.add_error("from_month", "The first month must be the same as the last month or before it")
        elif len(months_between(first, last)) > LONGEST_RANGE:
            self.add_error("from_month", f"Choose at most {LONGEST_RANGE} months ({LONGEST_RANGE // 12} years)")
        else:
            cleaned["period"] = MonthRange(first, last, self.today)
        return cleaned

    def period(self) -> MonthRange:
        """The range asked for, or the default one when the form is empty or wrong (its errors are shown)."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["period"]
        return self.default

    def end_errors(self, end: str) -> list[str]:
        return [*self.errors.get(f"{end}_month", []), *self.errors.get(f"{end}_year", [])]

"""Every KPI of PRODUCT.md section 6, with its definition in words, shown to users beside the figures."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kpi:
    code: str
    name: str
    kind: str  # input or output
    definition: str
    numerator: str
    denominator: str
    unit: str  # count, days, percent, score
    target: float | None  # None: a trend to watch
    higher_is_better: bool | None  # None: neither (volume)

    @property
    def target_words(self) -> str:
        """The target in words ("10 days or fewer", "90% or more"), as pages, PDFs and exports show it."""
        if self.target is None:
            return "No target, a trend to watch" + ("" if self.higher_is_better is None else ", higher is better")
        amount = f"{self.target:g}%" if self.unit == "percent" else f"{self.target:g}"
        if self.unit == "score":
            return f"More than {amount}"
        unit = "" if self.unit == "percent" else f" {self.unit}"
        return f"{amount}{unit} or {'more' if self.higher_is_better else 'fewer'}"

    def meets_target(self, value: float | None) -> bool | None:
        if value is None or self.target is None or self.higher_is_better is None:
            return None
        if self.unit == "score":
            return value > self.target
        return value >= self.target if self.higher_is_better else value <= self.target


KPIS: dict[str, Kpi] = {
    k.code: k
    for k in [
        Kpi(
            "REFERRALS_RECEIVED",
            "Referrals received",
            "input",
            "Management referrals and self-referrals received in the period.",
            "Referrals submitted in the period",
            "",
            "count",
            None,
            None,
        ),
        Kpi(
            "WAIT_TO_FIRST_APPT",
            "Wait to first appointment",
            "input",
            "Median working days from a referral being accepted to its first appointment.",
            "Working days from acceptance to first appointment, for first appointments in the period",
            "",
            "days",
            10,
            False,
        ),
        Kpi(
            "DNA_RATE",
            "Did not attend",
            "input",
            "Share of appointments the employee did not attend.",
            "Appointments not attended",
            "Appointments attended or not attended",
            "percent",
            5,
            False,
        ),
        Kpi(
            "OPEN_CASELOAD",
            "Open caseload",
            "input",
            "Cases open at the end of the period.",
            "Cases submitted and not yet closed or withdrawn at period end",
            "",
            "count",
            None,
            None,
        ),
        Kpi(
            "REPORT_TURNAROUND",
            "Report turnaround",
            "output",
            "Share of reports sent to the employee for consent within 2 working days of the appointment.",
            "Reports sent within 2 working days",
            "Reports sent for consent in the period",
            "percent",
            90,
            True,
        ),
        Kpi(
            "CLEARANCE_TURNAROUND",
            "Pre-employment clearance turnaround",
            "output",
            "Share of pre-employment clearances given within 2 working days of a complete questionnaire.",
            "Clearances within 2 working days",
            "Clearances given in the period",
            "percent",
            90,
            True,
        ),
        Kpi(
            "RETURN_TO_WORK",
            "Return to work",
            "output",
            "Share of cases absent at referral that closed with the employee back at work, in any form.",
            "Closed cases, absent at referral, that returned to work",
            "Closed cases absent at referral",
            "percent",
            None,
            True,
        ),
        Kpi(
            "REMAINED_IN_WORK",
            "Remained in work",
            "output",
            "Share of cases at work at referral that closed with the employee still in work.",
            "Closed cases, at work at referral, still in work",
            "Closed cases at work at referral",
            "percent",
            None,
            True,
        ),
        Kpi(
            "WORK_ABILITY_GAIN",
            "Work ability gain",
            "output",
            "Mean change in the 0 to 10 work ability score from intake to closure.",
            "Sum of (closure score - intake score)",
            "Closed cases with both scores",
            "score",
            0,
            True,
        ),
        Kpi(
            "OUTCOME_CAPTURE",
            "Outcome capture",
            "output",
            "Share of closed cases with end measures recorded.",
            "Closed cases with end measures",
            "Cases closed in the period",
            "percent",
            80,
            True,
        ),
        Kpi(
            "ADJUSTMENTS_IN_PLACE",
            "Adjustments in place",
            "output",
            "Share of recommended adjustments the manager confirmed were put in place within 4 weeks of release.",
            "Adjustments confirmed in place within 4 weeks",
            "Adjustments in reports released in the period",
            "percent",
            80,
            True,
        ),
        Kpi(
            "SATISFACTION",
            "Service-user satisfaction",
            "output",
            "Share of service-user survey answers 'satisfied' or 'very satisfied'.",
            "Answers of 4 or 5 out of 5",
            "Survey answers in the period",
            "percent",
            90,
            True,
        ),
        Kpi(
            "SLA_ATTAINMENT",
            "Service levels met",
            "output",
            "Share of call-off service levels met, month by month, per supplier.",
            "Service level months met",
            "Service level months measured",
            "percent",
            95,
            True,
        ),
        # Health protection (PRODUCT.md section 11).
        Kpi(
            "INJURIES_ASSESSED_SAME_DAY",
            "Inoculation injuries assessed the same day",
            "output",
            "Share of inoculation injuries (sharps, splash, bite) reported in the period that occupational health "
            "risk-assessed on the day they were reported. An injury reported today and not yet assessed is counted "
            "once its day is over.",
            "Injuries risk-assessed on the day they were reported",
            "Injuries reported in the period",
            "percent",
            95,
            True,
        ),
        Kpi(
            "SURVEILLANCE_COMPLIANCE",
            "Health surveillance compliance",
            "output",
            "Share of staff enrolled in a health surveillance programme who are not overdue for their check at the "
            "end of the period (up to date, or due and not yet past the date due).",
            "Enrolled staff whose check was not overdue at period end",
            "Staff enrolled in a surveillance programme at period end",
            "percent",
            95,
            True,
        ),
        # The national frontline healthcare worker survey's measure.
        Kpi(
            "FLU_UPTAKE_FRONTLINE",
            "Flu vaccination, frontline staff",
            "output",
            "Share of frontline staff with direct patient contact vaccinated against flu this season, here or "
            "elsewhere, counted from the start of the organisation's flu campaign (1 September) to the end of the "
            "period, as the national return counts it.",
            "Frontline staff vaccinated since the campaign started",
            "Frontline staff: doctors, qualified nurses, other professionally qualified clinical staff and support "
            "to clinical staff",
            "percent",
            80,
            True,
        ),
    ]
}

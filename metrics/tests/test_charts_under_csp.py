"""Charts on a page obey the portal's CSP (`style-src 'self'`): no inline style of any kind, the styles in
static/css/charts.css, and ids that two charts on one page do not repeat."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from django.conf import settings

from metrics import charts

STATIC_CSS = Path(settings.BASE_DIR) / "static" / charts.STYLESHEET
MONTHS = [date(2026, m, 1) for m in range(1, 7)]


def _two_charts() -> str:
    first = charts.trend_svg.__wrapped__("Days to report", MONTHS, [9.0, 8.0, 7.5, None, 6.0, 5.0], 10.0)
    second = charts.trend_svg.__wrapped__("Did not attend", MONTHS, [4.0, 3.0, 2.0, 1.0, 2.0, 3.0], 5.0)
    return charts.for_page(first) + charts.for_page(second)


def test_a_chart_on_a_page_has_no_inline_style_element_or_attribute():
    page = _two_charts()
    assert "<style" not in page
    assert not re.search(r"\sstyle=", page)
    assert "<script" not in page


def test_two_charts_on_one_page_repeat_no_id():
    ids = re.findall(r'\sid="([^"]*)"', _two_charts())
    assert ids and "" not in ids
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def test_the_pdf_keeps_the_styles_inside_the_chart():
    """WeasyPrint draws an SVG with the styles it carries; the PDF has no CSP."""
    assert "<style" in charts.trend_svg.__wrapped__("Days to report", MONTHS, [9.0, 8.0, 7.0, 6.0, 5.0, 4.0], 10.0)


def test_the_chart_stylesheet_is_the_one_pygal_writes_for_our_style():
    assert STATIC_CSS.read_text() == charts.stylesheet(), (
        "static/css/charts.css is out of date: run `python -m metrics.charts > static/css/charts.css`"
    )


def test_every_chart_rule_is_scoped_to_charts():
    rules = [line for line in STATIC_CSS.read_text().splitlines() if line and not line.startswith("/*")]
    for rule in rules:
        for selector in rule.split("{", 1)[0].split(","):
            assert selector.startswith(("svg.pygal-chart", ".ohwb-chart__hidden")), rule

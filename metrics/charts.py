"""Charts drawn on the server as SVG (pygal, no JavaScript, no external references), so the same figure
appears on the page and in the PDF. Each chart is shown with its data table for screen readers.

pygal styles a chart with a <style> element inside the SVG. The PDF keeps it; a web page cannot, because our
CSP allows stylesheets from our own origin only (`style-src 'self'`), and an SVG with its styles blocked is
drawn as solid black shapes. So a page shows `for_page(svg)`, without the inline styles, and links
static/css/charts.css: the same rules, scoped to charts, written by `python -m metrics.charts`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any

import pygal
from pygal.style import Style

from ohwb_portal.caching import remembered

_SCRIPT = re.compile(r"<script.*?</script>", re.S)
_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.S)
_CHART_ID = re.compile(r'<svg[^>]* id="(chart-[^"]+)"')
_LEGEND_ID = re.compile(r'id="(activate-serie-\d+)"')
_MONTH_TO_DATE_LEGEND = re.compile(r'<g id="activate-serie-1" class="legend[^"]*">.*?</g>', re.S)
_RULE = re.compile(r"([^{}]*)\{([^{}]*)\}")
STYLESHEET = "css/charts.css"
# pygal sets this one inline style on the tooltip group, which nothing shows without its script.
_INLINE_STYLES = {'style="opacity: 0"': 'class="ohwb-chart__hidden"'}
_EXTRA_RULES = ".ohwb-chart__hidden{opacity:0}"


def _svg(chart: pygal.graph.graph.Graph) -> str:
    """pygal leaves a small config script in even with js=[]: remove it (our CSP would block it anyway)."""
    return _SCRIPT.sub("", str(chart.render(is_unicode=True)))


def memoised(draw: Callable[..., str]) -> Callable[..., str]:
    """A chart is a pure function of its title and data, and drawing one costs ~10 ms: keep each for a day."""

    @wraps(draw)
    def cached(*args: Any) -> str:
        key = "chart:" + hashlib.sha256(repr((draw.__name__, args)).encode()).hexdigest()
        return remembered(key, 24 * 60 * 60, lambda: draw(*args))

    return cached


NHS_STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#212b32",
    foreground_strong="#212b32",
    foreground_subtle="#768692",
    # Trends: the complete months (blue), this month so far (purple, dotted), the target (red, dashed).
    colors=("#005eb8", "#330072", "#da291c", "#009639", "#ffb81c"),
    font_family="Arial, sans-serif",
    label_font_size=12,
    major_label_font_size=12,
    legend_font_size=12,
    title_font_size=14,
)


MONTH_TO_DATE = "This month so far (incomplete)"
_DASHES = {1: "2,3", 2: "6,4"}  # month to date dotted, target dashed: told apart without colour


@memoised
def trend_svg(
    title: str, months: list[date], values: list[float | None], target: float | None = None, incomplete: bool = False
) -> str:
    """A monthly trend. With `incomplete`, the last month is this month so far: drawn apart (dotted, its own
    legend entry) so that a month not over does not read as a drop. The series keep fixed places (complete
    months, month to date, target), so static/css/charts.css styles every chart alike."""
    chart = pygal.Line(
        style=NHS_STYLE,
        width=640,
        height=280,
        show_legend=True,
        legend_at_bottom=True,
        legend_at_bottom_columns=3,
        x_label_rotation=30,
        truncate_label=-1,  # "Dec 2026", not "Dec ..."
        truncate_legend=-1,
        disable_xml_declaration=True,
        js=[],
        show_dots=True,
        dots_size=3,
        explicit_size=True,
        print_values=False,
        no_data_text="No data",
        allow_interruptions=True,
    )
    chart.title = title
    chart.x_labels = [m.strftime("%b %Y") for m in months]
    complete: list[float | None] = list(values[:-1]) + [None] if incomplete and values else list(values)
    # The dotted piece joins the last complete month to this month so far.
    so_far: list[float | None] = [None] * len(values)
    if incomplete and values:
        so_far[-1] = values[-1]
        if len(values) > 1:
            so_far[-2] = values[-2]
    chart.add("Complete months", complete)
    chart.add(MONTH_TO_DATE, so_far, stroke_style={"dasharray": _DASHES[1], "width": 2})
    if target is not None:
        chart.add("Target", [target] * len(months), show_dots=False, stroke_style={"dasharray": _DASHES[2]})
    svg = _svg(chart)
    # With no month to date, its series only keeps the target in third place: no legend entry for it.
    return svg if incomplete else _MONTH_TO_DATE_LEGEND.sub("", svg)


WEEKS_SO_FAR = "Frontline staff vaccinated, cumulative"


@memoised
def weekly_svg(title: str, weeks: list[date], values: list[float | None], target: float | None = None) -> str:
    """A season week by week (cumulative uptake, for instance), with the target: drawn as a trend is, its series in
    the same places (the second, a trend's month to date, left empty) so static/css/charts.css styles it alike."""
    chart = pygal.Line(
        style=NHS_STYLE,
        width=640,
        height=280,
        show_legend=True,
        legend_at_bottom=True,
        legend_at_bottom_columns=2,
        x_label_rotation=30,
        truncate_label=-1,
        truncate_legend=-1,
        disable_xml_declaration=True,
        js=[],
        show_dots=True,
        dots_size=3,
        explicit_size=True,
        print_values=False,
        no_data_text="No data",
        allow_interruptions=True,
        range=(0, 100),
    )
    chart.title = title
    chart.x_labels = [w.strftime("%-d %b") for w in weeks]
    chart.add(WEEKS_SO_FAR, values)
    chart.add(MONTH_TO_DATE, [None] * len(weeks), stroke_style={"dasharray": _DASHES[1], "width": 2})
    if target is not None:
        chart.add("Target", [target] * len(weeks), show_dots=False, stroke_style={"dasharray": _DASHES[2]})
    return _MONTH_TO_DATE_LEGEND.sub("", _svg(chart))


VALUE_USED = "Value used, cumulative"


@memoised
def cumulative_svg(title: str, months: list[date], values: list[float], ceiling: float, ceiling_label: str) -> str:
    """A running total month by month against a ceiling (a call-off's value used against its estimated value): drawn
    as a trend is, its series in the same places (the second left empty, the ceiling dashed third)."""
    chart = pygal.Line(
        style=NHS_STYLE,
        width=640,
        height=280,
        show_legend=True,
        legend_at_bottom=True,
        legend_at_bottom_columns=2,
        x_label_rotation=30,
        truncate_label=-1,
        truncate_legend=-1,
        disable_xml_declaration=True,
        js=[],
        show_dots=True,
        dots_size=3,
        explicit_size=True,
        print_values=False,
        no_data_text="No data",
        include_x_axis=True,
        value_formatter=lambda v: f"£{v:,.0f}",
    )
    chart.title = title
    chart.x_labels = [m.strftime("%b %Y") for m in months]
    chart.add(VALUE_USED, values)
    chart.add(MONTH_TO_DATE, [None] * len(months), stroke_style={"dasharray": _DASHES[1], "width": 2})
    chart.add(ceiling_label, [ceiling] * len(months), show_dots=False, stroke_style={"dasharray": _DASHES[2]})
    return _MONTH_TO_DATE_LEGEND.sub("", _svg(chart))


@memoised
def bars_svg(title: str, labels: list[str], values: list[float | None]) -> str:
    chart = pygal.HorizontalBar(
        style=NHS_STYLE,
        width=640,
        height=max(160, 34 * len(labels) + 60),
        show_legend=False,
        disable_xml_declaration=True,
        js=[],
        explicit_size=True,
        no_data_text="No data",
    )
    chart.title = title
    chart.x_labels = labels
    chart.add("Value", values)
    return _svg(chart)


def for_page(svg: str) -> str:
    """The chart for a web page: no inline styles (static/css/charts.css has them) and ids unique on the page
    (pygal names every legend item `activate-serie-N`, so two charts would repeat them)."""
    page = _STYLE.sub("", svg)
    for inline, replacement in _INLINE_STYLES.items():
        page = page.replace(inline, replacement)
    chart_id = _CHART_ID.search(page)
    prefix = chart_id.group(1) if chart_id else "chart"
    page = page.replace(' id=""', "")
    return _LEGEND_ID.sub(lambda m: f'id="{prefix}-{m.group(1)}"', page)


def _scoped(css: str) -> list[str]:
    """pygal's rules (written with no chart-id prefix), each selector scoped to charts on our pages."""
    css = css.replace("&gt;", ">")
    rules = []
    for selectors, body in _RULE.findall(css):
        scoped = ",".join(f"svg.pygal-chart {sel.strip()}".rstrip() for sel in selectors.split(","))
        rules.append(f"{scoped}{{{body}}}")
    return rules


def stylesheet() -> str:
    """The rules pygal writes into our charts (every series colour, both chart kinds), for static/css/charts.css."""
    samples = []
    for kind in (pygal.Line, pygal.HorizontalBar):
        chart = kind(style=NHS_STYLE, no_prefix=True, js=[], disable_xml_declaration=True)
        for serie in range(len(NHS_STYLE.colors)):
            # A trend's month to date (second series) is dotted and its target (third) dashed.
            dash = _DASHES.get(serie)
            style = {"dasharray": dash, "width": 2} if serie == 1 else {"dasharray": dash} if dash else None
            chart.add(str(serie), [1, 2], stroke_style=style)
        samples.append(str(chart.render(is_unicode=True)))
    rules: list[str] = []
    for sample in samples:
        for block in _STYLE.findall(sample):
            rules.extend(rule for rule in _scoped(block) if rule not in rules)
    header = "/* Written by `python -m metrics.charts > static/css/charts.css`: pygal's chart styles. Do not edit. */"
    return "\n".join([header, *rules, _EXTRA_RULES]) + "\n"


if __name__ == "__main__":
    print(stylesheet(), end="")

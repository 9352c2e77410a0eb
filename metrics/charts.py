"""Charts drawn on the server as SVG (pygal, no JavaScript, no external references), so the same figure
appears on the page and in the PDF. Each chart is shown with its data table for screen readers."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any

import pygal
from pygal.style import Style

from .caching import remembered

_SCRIPT = re.compile(r"<script.*?</script>", re.S)


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
    colors=("#005eb8", "#da291c", "#009639", "#ffb81c", "#330072"),
    font_family="Arial, sans-serif",
    label_font_size=12,
    major_label_font_size=12,
    legend_font_size=12,
    title_font_size=14,
)


@memoised
def trend_svg(title: str, months: list[date], values: list[float | None], target: float | None = None) -> str:
    chart = pygal.Line(
        style=NHS_STYLE,
        width=640,
        height=260,
        show_legend=target is not None,
        x_label_rotation=0,
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
    chart.x_labels = [m.strftime("%b %y") for m in months]
    chart.add("Value", values)
    if target is not None:
        chart.add("Target", [target] * len(months), show_dots=False, stroke_style={"dasharray": "4,4"})
    return _svg(chart)


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

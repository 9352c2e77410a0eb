from typing import Any

from django import template

from metrics.charts import cumulative_svg, for_page

register = template.Library()


@register.filter
def page_chart(svg: str) -> str:
    """A chart drawn by metrics.charts, fit for a page under our CSP (the page links static/css/charts.css).
    The template marks it safe, as it did the chart before: our own SVG, drawn on the server from figures."""
    return for_page(svg)


@register.simple_tag
def value_used_chart(value: Any) -> str:
    """A call-off's value used, month by month, against its estimated value (suppliers.selectors.ValueUsed), fit
    for a page. Drawn here because the charts are metrics'; the call-off page loads this library by name. The
    template marks it safe, as it does the trends: our own SVG, drawn on the server from figures."""
    return for_page(
        cumulative_svg(
            "Value used against the estimated value",
            [m.month for m in value.months],
            [float(m.cumulative) for m in value.months],
            float(value.estimated),
            "Estimated value",
        )
    )

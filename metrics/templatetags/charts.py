from django import template

from metrics.charts import for_page

register = template.Library()


@register.filter
def page_chart(svg: str) -> str:
    """A chart drawn by metrics.charts, fit for a page under our CSP (the page links static/css/charts.css).
    The template marks it safe, as it did the chart before: our own SVG, drawn on the server from figures."""
    return for_page(svg)

from django import template
from django.utils.safestring import SafeString, mark_safe

from metrics.charts import for_page

register = template.Library()


@register.filter
def page_chart(svg: str) -> SafeString:
    """A chart drawn by metrics.charts, fit for a page under our CSP (the page links static/css/charts.css)."""
    return mark_safe(for_page(svg))  # noqa: S308 - our own SVG, drawn on the server from figures, not user input

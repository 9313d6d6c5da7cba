"""Small filters of the shipment pages."""

from django import template

from core.panel import COUNT_CAP, count_label

register = template.Library()


@register.filter
def capped(count: int) -> str:
    """A tab count; counting stops past the cap, shown as 1,000+."""
    if count is None:
        return ""
    return count_label(count, COUNT_CAP)

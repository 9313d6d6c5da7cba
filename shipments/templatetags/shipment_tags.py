"""Small filters of the shipment pages."""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

from shipments.queue import COUNT_CAP

register = template.Library()


@register.filter
def capped(count: int) -> str:
    """A tab count; counting stops at the cap, shown as 1,000+."""
    if count is None:
        return ""
    return f"{intcomma(COUNT_CAP)}+" if count >= COUNT_CAP else intcomma(count)

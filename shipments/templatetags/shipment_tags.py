"""Small filters of the shipment pages."""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils import timezone

from shipments.queue import COUNT_CAP

register = template.Library()


@register.filter
def age(moment) -> str:
    """How long ago, in the one unit a work queue needs: 40 min, 5 h, 3 d."""
    if not moment:
        return ""
    minutes = int((timezone.now() - moment).total_seconds() // 60)
    if minutes < 60:
        return f"{max(minutes, 0)} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // (24 * 60)} d"


@register.filter
def capped(count: int) -> str:
    """A tab count; counting stops at the cap, shown as 1,000+."""
    if count is None:
        return ""
    return f"{intcomma(COUNT_CAP)}+" if count >= COUNT_CAP else intcomma(count)

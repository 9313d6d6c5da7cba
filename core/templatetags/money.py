"""Template filters for Indian formats; loaded as builtins, so every template has them."""

from django import template
from django.utils import timezone

from core.india import format_inr

register = template.Library()

IST_FORMAT = "%d %b %Y, %H:%M"  # 04 Jul 2025, 14:30


@register.filter
def inr(amount):
    """₹1,23,456.00"""
    return format_inr(amount)


@register.filter
def ist(moment, fmt=IST_FORMAT):
    """A UTC time shown in India Standard Time."""
    if not moment:
        return ""
    return timezone.localtime(moment).strftime(fmt)


@register.filter
def weight(grams):
    if grams is None:
        return ""
    return f"{grams / 1000:.2f} kg"

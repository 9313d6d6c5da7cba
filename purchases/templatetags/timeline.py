"""How the purchase timeline reads: `{% load timeline %}`."""

from django import template

from purchases.audit import action_in_words

register = template.Library()


@register.filter
def in_words(entry) -> str:
    """The entry's action as a store owner reads it (purchases.audit.action_in_words)."""
    return action_in_words(entry)

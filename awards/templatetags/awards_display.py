"""How a published list reads on a page: its rule ("Top 20", "pass mark 85", "quota per category: Kesehatan 2")
and its scores."""

from django import template
from django.template.defaultfilters import floatformat

from awards.services.shortlists import describe_rule

register = template.Library()


@register.filter
def rule_text(snapshot):
    return describe_rule(snapshot.rule, snapshot.rule_params)


@register.filter
def score(value):
    """A score, mean or cut-off with two decimals (localised), or a dash for an entry without one."""
    return "\u2013" if value is None else floatformat(value, 2)  # en dash, as elsewhere on the pages

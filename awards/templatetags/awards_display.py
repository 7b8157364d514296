"""How a published list's rule reads on a page: "Top 20", "pass mark 85", "quota per category: Kesehatan 2"."""

from django import template

from awards.services.shortlists import describe_rule

register = template.Library()


@register.filter
def rule_text(snapshot):
    return describe_rule(snapshot.rule, snapshot.rule_params)

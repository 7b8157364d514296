"""Template filters for published lists (awards.templatetags.awards_display)."""

from decimal import Decimal

from django.template import Context, Template
from django.utils import translation


def render(source, **context):
    return Template("{% load awards_display %}" + source).render(Context(context))


def test_score_has_two_localised_decimals_and_a_dash_when_missing():
    with translation.override("id"):
        assert render("{{ s|score }}", s=Decimal("95")) == "95,00"
        assert render("{{ s|score }}", s=Decimal("72.456")) == "72,46"
        assert render("{{ s|score }}", s=0) == "0,00"  # a zero score is a score, not a missing one
        assert render("{{ s|score }}", s=None) == "\u2013"
    with translation.override("en"):
        assert render("{{ s|score }}", s=Decimal("72.5")) == "72.50"

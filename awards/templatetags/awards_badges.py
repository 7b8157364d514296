"""Badges the awards app adds to an agency's pages: on a published list or not, and the place won.

Submissions may not import awards, so its pages include awards/_innovation_badges.html, which loads this tag.
The tag reads every badge of the innovation's agency at once and keeps them on the request, so a page listing
many innovations costs two queries per agency, not per innovation.
"""

from collections import defaultdict

from django import template
from django.utils.translation import gettext as _

from awards.models import Award, ShortlistRow

register = template.Library()


def _badges_of_agency(agency_id):
    badges = defaultdict(list)
    rows = (
        ShortlistRow.objects.filter(innovation__agency_id=agency_id, snapshot__superseded_by__isnull=True)
        .select_related("snapshot__stage")
        .order_by("snapshot__stage__order")
    )
    for row in rows:
        stage = row.snapshot.stage.name
        if row.listed:
            text = _("Shortlisted in %(stage)s (rank %(rank)s)") % {"stage": stage, "rank": row.rank}
        else:
            text = _("Not shortlisted in %(stage)s") % {"stage": stage}
        badges[row.innovation_id].append({"text": text, "kind": "listed" if row.listed else "not-listed"})
    # Places stay private until the committee publishes the winners.
    awards = Award.objects.filter(innovation__agency_id=agency_id, competition__winners_release__isnull=False)
    for award in awards:
        text = award.get_place_display() + (f": {award.title}" if award.title else "")
        badges[award.innovation_id].append({"text": text, "kind": "winner"})
    return badges


@register.simple_tag(takes_context=True)
def innovation_badges(context, innovation):
    request = context.get("request")
    cache = getattr(request, "_awards_badges", None) if request is not None else None
    if cache is None:
        cache = {}
        if request is not None:
            request._awards_badges = cache
    if innovation.agency_id not in cache:
        cache[innovation.agency_id] = _badges_of_agency(innovation.agency_id)
    return cache[innovation.agency_id].get(innovation.pk, [])

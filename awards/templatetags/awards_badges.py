"""Badges the awards app adds to an agency's pages: on a published list or not, and the place won.

Submissions may not import awards, so its pages include awards/_innovation_badges.html, which loads this tag.
A list page passes its innovations as `batch`: the first badge asked for loads the badges of the whole batch, so
the page costs two queries however many innovations it shows. The rows are looked up by innovation id, which the
shortlist rows' (snapshot, innovation) index answers directly; filtering by agency made the database read every
row of the current lists (3,800 at national size, 6 ms).
"""

from collections import defaultdict

from django import template
from django.utils.translation import gettext as _

from awards.models import Award, ShortlistRow

register = template.Library()


def _badges_of(innovation_ids):
    badges = defaultdict(list)
    rows = (
        ShortlistRow.objects.filter(innovation_id__in=innovation_ids, snapshot__superseded_by__isnull=True)
        .order_by("snapshot__stage__order")
        .values_list("innovation_id", "listed", "rank", "snapshot__stage__name")
    )
    for innovation_id, listed, rank, stage in rows:
        if listed:
            text = _("Shortlisted in %(stage)s (rank %(rank)s)") % {"stage": stage, "rank": rank}
        else:
            text = _("Not shortlisted in %(stage)s") % {"stage": stage}
        badges[innovation_id].append({"text": text, "kind": "listed" if listed else "not-listed"})
    # Places stay private until the committee publishes the winners.
    awards = (
        Award.objects.filter(innovation_id__in=innovation_ids, competition__winners_release__isnull=False)
        # An innovation's awards are all of its competition: the model's order by competition adds only joins.
        .order_by("category_id", "place")
        .only("innovation_id", "place", "title")
    )
    for award in awards:
        text = award.get_place_display() + (f": {award.title}" if award.title else "")
        badges[award.innovation_id].append({"text": text, "kind": "winner"})
    return badges


@register.simple_tag(takes_context=True)
def innovation_badges(context, innovation, batch=None):
    """The innovation's badges; `batch`, the innovations of the page, are loaded with it (kept on the request)."""
    request = context.get("request")
    known = getattr(request, "_awards_badges", None) if request is not None else None
    if known is None:
        known = {}
        if request is not None:
            request._awards_badges = known
    if innovation.pk not in known:
        ids = {innovation.pk, *(item.pk for item in batch or ())} - known.keys()
        badges = _badges_of(sorted(ids))
        known.update({pk: badges.get(pk, []) for pk in ids})
    return known[innovation.pk]

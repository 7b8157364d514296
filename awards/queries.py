"""Reusable querysets of the awards app: published lists, the public gallery, the committee's overview."""

from django.db.models import Exists, OuterRef, Prefetch, Q

from awards.models import Award, ShortlistRow, ShortlistSnapshot
from competitions.models import Stage
from submissions.models import Innovation


def current_snapshots():
    return ShortlistSnapshot.objects.filter(superseded_by__isnull=True)


def stages_with_snapshots(competition):
    """The competition's stages, each with `snapshots` (newest first) prefetched."""
    return (
        Stage.objects.filter(competition=competition)
        .order_by("order")
        .prefetch_related(
            Prefetch(
                "snapshots",
                queryset=ShortlistSnapshot.objects.select_related("published_by", "superseded_by").order_by(
                    "-published_at"
                ),
            )
        )
    )


def published_innovations():
    """Entries the public may see: listed on a current published list, or awarded once the winners are public."""
    listed = ShortlistRow.objects.filter(innovation=OuterRef("pk"), listed=True, snapshot__superseded_by__isnull=True)
    awarded = Award.objects.filter(innovation=OuterRef("pk"), competition__winners_release__isnull=False)
    return Innovation.objects.filter(competition__is_public=True).filter(Q(Exists(listed)) | Q(Exists(awarded)))


def snapshot_innovations(snapshot):
    """The innovations on a published list (listed ones), the ones the public may object about."""
    return Innovation.objects.filter(shortlist_rows__snapshot=snapshot, shortlist_rows__listed=True).order_by("title")

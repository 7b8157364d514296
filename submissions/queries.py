"""Reusable querysets and annotations for agencies and innovations."""

from django.db.models import Count, OuterRef, Subquery

from submissions.enums import InnovationStatus
from submissions.models import EndorsementDecision, Innovation, ScreeningDecision


def status_counts(competition) -> list[tuple[str, str, int]]:
    """(status, label, count) for every status, zeros included, so the counts always add up to the total."""
    counts = dict(
        Innovation.objects.filter(competition=competition).values_list("status").annotate(n=Count("pk")).order_by()
    )
    return [(value, label, counts.get(value, 0)) for value, label in InnovationStatus.choices]


LATEST_DECISION_FIELDS = (
    "screening_outcome",
    "screening_reason",
    "screening_at",
    "endorsement_outcome",
    "endorsement_comment",
    "endorsement_at",
)


def with_latest_decisions(queryset, fields=LATEST_DECISION_FIELDS):
    """Annotate the newest screening reason/outcome and the newest endorsement comment, in one query.

    `fields` names the annotations a page prints (each is a correlated subquery the database plans and runs).
    """
    screening = ScreeningDecision.objects.filter(innovation=OuterRef("pk")).order_by("-decided_at", "-pk")
    endorsement = EndorsementDecision.objects.filter(innovation=OuterRef("pk")).order_by("-decided_at", "-pk")
    annotations = {
        "screening_outcome": Subquery(screening.values("outcome")[:1]),
        "screening_reason": Subquery(screening.values("reason")[:1]),
        "screening_at": Subquery(screening.values("decided_at")[:1]),
        "endorsement_outcome": Subquery(endorsement.values("outcome")[:1]),
        "endorsement_comment": Subquery(endorsement.values("comment")[:1]),
        "endorsement_at": Subquery(endorsement.values("decided_at")[:1]),
    }
    return queryset.annotate(**{name: annotations[name] for name in fields})


def waiting_for_endorsement(queryset):
    """Entries that wait for a local admin, the longest-waiting first."""
    return (
        queryset.filter(status=InnovationStatus.SUBMITTED, competition__uses_endorsement=True)
        .select_related("agency__region", "agency__local_admin__user", "competition", "category")
        .order_by("submitted_at", "pk")
    )


def attachment_counts(queryset):
    return queryset.annotate(n_attachments=Count("attachments", distinct=True))

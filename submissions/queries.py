"""Reusable querysets and annotations for agencies and innovations."""

from django.db.models import Count

from submissions.enums import InnovationStatus
from submissions.models import Innovation


def status_counts(competition) -> list[tuple[str, str, int]]:
    """(status, label, count) for every status, zeros included, so the counts always add up to the total."""
    counts = dict(
        Innovation.objects.filter(competition=competition).values_list("status").annotate(n=Count("pk")).order_by()
    )
    return [(value, label, counts.get(value, 0)) for value, label in InnovationStatus.choices]

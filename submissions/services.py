"""State changes of agencies and innovations. Each function is keyword-only, takes actor=, runs atomically."""

from django.db import transaction

from submissions.models import Innovation, StageEntry


@transaction.atomic
def advance_to_stage(*, innovation_ids, stage, actor) -> int:
    """Move the given innovations into `stage` (called when a shortlist is published).

    Effects: creates a StageEntry per innovation (once: re-running is harmless) and sets
    Innovation.stage_reached to `stage` where it is earlier. Notifies no one (the publisher e-mails).
    Returns how many innovations entered the stage for the first time.
    """
    ids = list(innovation_ids)
    innovations = Innovation.objects.select_for_update().filter(pk__in=ids, competition=stage.competition)
    existing = set(
        StageEntry.objects.filter(stage=stage, innovation_id__in=ids).values_list("innovation_id", flat=True)
    )
    new = [
        StageEntry(innovation_id=pk, stage=stage)
        for pk in innovations.values_list("pk", flat=True)
        if pk not in existing
    ]
    StageEntry.objects.bulk_create(new)
    innovations.exclude(stage_reached__order__gte=stage.order).update(stage_reached=stage)
    return len(new)

"""The ceremony: leaderboard PDFs per category (Celery) and the data of the reveal screen, from frozen records."""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from awards.enums import JobKind, JobStatus, Place
from awards.models import Award, GenerationJob, ShortlistSnapshot
from awards.services._common import enqueue_on_commit
from competitions.models import Category

# Revealed last to first: the ceremony builds up to Juara I.
REVEAL_ORDER = [
    Place.SPECIAL,
    Place.HONOURABLE_3,
    Place.HONOURABLE_2,
    Place.HONOURABLE_1,
    Place.THIRD,
    Place.SECOND,
    Place.FIRST,
]


def latest_snapshot(competition):
    """The current published list of the latest stage that has one: the frozen final ranking."""
    return (
        ShortlistSnapshot.objects.filter(stage__competition=competition, superseded_by__isnull=True)
        .select_related("stage")
        .order_by("-stage__order")
        .first()
    )


def leaderboard_rows(snapshot, category=None):
    """Listed rows of the snapshot (of one category), best first, with `position` within the category."""
    if snapshot is None:
        return []
    rows = snapshot.rows.filter(listed=True).select_related("innovation__agency", "innovation__category")
    if category is not None:
        rows = rows.filter(innovation__category=category)
    rows = list(rows.order_by("rank"))
    for position, row in enumerate(rows, start=1):
        row.position = position
    return rows


def ceremony_slides(competition, category=None) -> list[dict]:
    """What the projector reveals, first to last: the awards of the category (Harapan III up to Juara I), or
    without awards the frozen list's top ten from the tenth up."""
    snapshot = latest_snapshot(competition)
    scores = {}
    if snapshot is not None:
        scores = dict(snapshot.rows.values_list("innovation_id", "score"))
    awards = Award.objects.filter(competition=competition, category=category).select_related("innovation__agency")
    if awards:
        ordered = sorted(awards, key=lambda a: (REVEAL_ORDER.index(a.place), a.pk))
        return [
            {
                "label": a.title or Place(a.place).label,
                "title": a.innovation.title,
                "agency": a.innovation.agency.name,
                "score": scores.get(a.innovation_id),
            }
            for a in ordered
        ]
    rows = leaderboard_rows(snapshot, category)[:10]
    return [
        {"label": f"#{row.position}", "title": row.innovation.title, "agency": row.innovation.agency.name,
         "score": row.score}
        for row in reversed(rows)
    ]  # fmt: skip


@transaction.atomic
def start_leaderboard(*, competition, category, actor) -> GenerationJob:
    """Make the leaderboard PDF of a category (or of all entries) from the frozen list, in the background.

    Effects: creates a GenerationJob (kind leaderboard, one item) naming the snapshot it prints; enqueues
    `awards.render_leaderboard` on commit.
    """
    from awards import tasks

    snapshot = latest_snapshot(competition)
    job = GenerationJob.objects.create(
        competition=competition,
        kind=JobKind.LEADERBOARD,
        total=1,
        created_by=actor,
        params={"category_id": category.pk if category else None, "snapshot_id": snapshot.pk if snapshot else None},
    )
    enqueue_on_commit(tasks.render_leaderboard, job_id=job.pk)
    return job


def render_leaderboard_job(*, job_id) -> bool:
    """Render a leaderboard job's PDF once. Effects: stores private/jobs/<competition>/leaderboard-<job>.pdf,
    sets the job's result, done = 1 and status done. A second run does nothing."""
    from awards import pdf

    with transaction.atomic():
        job = (
            GenerationJob.objects.select_for_update(of=("self",))
            .select_related("competition")
            .filter(pk=job_id)
            .first()
        )
        if job is None or job.status == JobStatus.DONE:
            return False
        job.status = JobStatus.RUNNING
        job.started_at = job.started_at or timezone.now()
        snapshot = ShortlistSnapshot.objects.select_related("stage").filter(pk=job.params.get("snapshot_id")).first()
        category = Category.objects.filter(pk=job.params.get("category_id")).first()
        context = {
            "competition": job.competition,
            "snapshot": snapshot,
            "category": category,
            "rows": leaderboard_rows(snapshot, category),
            "generated_at": timezone.now(),
        }
        data = pdf.render_pdf("awards/pdf/leaderboard.html", context, "awards/leaderboard.css")
        name = f"private/jobs/{job.competition_id}/leaderboard-{job.pk}.pdf"
        if default_storage.exists(name):
            default_storage.delete(name)
        job.result = default_storage.save(name, ContentFile(data))
        job.done = job.total = 1
        job.status = JobStatus.DONE
        job.finished_at = timezone.now()
        job.save()
    return True

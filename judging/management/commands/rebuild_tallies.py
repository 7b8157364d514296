"""`manage.py rebuild_tallies [--competition SLUG]`: recompute the ranking's entry tallies from the sheets.

Needed only after writes that bypass model saves (bulk SQL, COPY, QuerySet.update, a restore of an older backup);
every normal change keeps them current by itself (judging.tallies).
"""

from django.core.management.base import BaseCommand

from competitions.models import Stage
from judging import tallies


class Command(BaseCommand):
    help = "Recompute the ranking's entry tallies of every stage (or one competition's) from the score sheets."

    def add_arguments(self, parser):
        parser.add_argument("--competition", help="slug of one competition (default: all)")

    def handle(self, *args, competition=None, **options):
        stages = Stage.objects.filter(assignments__isnull=False).distinct().order_by("competition_id", "order")
        if competition:
            stages = stages.filter(competition__slug=competition)
        for stage in stages:
            count = tallies.rebuild(stage)
            self.stdout.write(f"{stage.competition.slug} / {stage.name}: {count} entries with counted sheets")

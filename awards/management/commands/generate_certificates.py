from django.core.management.base import BaseCommand, CommandError

from awards.services import certificates
from competitions.models import Competition


class Command(BaseCommand):
    help = "Issue and render the certificates of a competition (the same batch as the committee's button)."

    def add_arguments(self, parser):
        parser.add_argument("competition", help="the competition's slug")

    def handle(self, *args, competition, **options):
        found = Competition.objects.filter(slug=competition).first()
        if found is None:
            raise CommandError(f"no competition with slug {competition!r}")
        job = certificates.start_certificate_batch(competition=found, actor=None)
        job.refresh_from_db()
        self.stdout.write(
            f"job {job.pk}: {job.get_status_display()} {job.done}/{job.total} "
            f"({job.failed} failed){' ' + job.result.name if job.result else ''}"
        )

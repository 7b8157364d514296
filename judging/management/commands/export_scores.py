"""python manage.py export_scores <competition-slug> --stage <order> [--part scores|ranking] [--format csv|xlsx]"""

from django.core.management.base import BaseCommand, CommandError

from competitions.models import Stage
from judging import export


class Command(BaseCommand):
    help = "Export a stage's raw per-criterion scores and its ranking (CSV to stdout or a file, or XLSX)."

    def add_arguments(self, parser):
        parser.add_argument("competition", help="the competition's slug")
        parser.add_argument("--stage", type=int, required=True, help="the stage's order number")
        parser.add_argument("--part", choices=["scores", "ranking"], default="scores", help="CSV: which table")
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("--output", help="file to write (required for xlsx; CSV goes to stdout without it)")

    def handle(self, *args, **options):
        stage = Stage.objects.filter(competition__slug=options["competition"], order=options["stage"]).first()
        if stage is None:
            raise CommandError(f"No stage {options['stage']} in competition {options['competition']!r}.")
        if options["format"] == "xlsx":
            if not options["output"]:
                raise CommandError("--output is required for xlsx.")
            with open(options["output"], "wb") as fh:
                fh.write(export.to_xlsx(stage))
            return
        table = export.scores_table(stage) if options["part"] == "scores" else export.ranking_table(stage)
        text = export.to_csv(*table)
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
        else:
            self.stdout.write(text, ending="")

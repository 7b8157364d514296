import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from kovablik.backup import create_backup


class Command(BaseCommand):
    help = "Write one archive with every database row (one consistent snapshot) and every stored file, checksummed."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="archive to write (default: backups/kovablik-<UTC time>.tar.gz beside manage.py)",
        )

    def handle(self, *args, output=None, **options):
        if output is None:
            stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
            output = Path(settings.BASE_DIR) / "backups" / f"kovablik-{stamp}.tar.gz"
        manifest = create_backup(output)
        files = sum(1 for name in manifest["members"] if name.startswith("files/"))
        rows = sum(manifest["row_counts"].values())
        self.stdout.write(f"{output}: {rows} rows in {len(manifest['row_counts'])} tables, {files} files")

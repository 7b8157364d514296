from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kovablik.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore an archive made by `backup` onto a fresh database (migrated once the archive checks out) and an "
        "empty file storage. The whole archive is verified against its checksums before anything is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace a database and file storage that already hold data (everything in them is lost)",
        )

    def handle(self, *args, archive, force=False, **options):
        if not archive.is_file():
            raise CommandError(f"no such archive: {archive}")
        try:
            manifest = restore_backup(archive, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        files = sum(1 for name in manifest["members"] if name.startswith("files/"))
        rows = sum(manifest["row_counts"].values())
        self.stdout.write(f"restored {rows} rows in {len(manifest['row_counts'])} tables and {files} files")

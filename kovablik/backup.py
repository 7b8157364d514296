"""One-file backups of the whole portal: every database row and every stored file, with checksums.

The archive (tar.gz) holds:
    manifest.json   format version, when, Django version, applied migrations, row count per table,
                    and the SHA-256 and size of every other member
    database.json   every row of every model in Django's fixture format (microseconds kept), read in one
                    snapshot transaction
    files/<storage alias>/<name>   every file of every configured storage except static files

Restoring needs the same code version (the same migrations) so the rows fit the schema exactly.
"""

import datetime
import hashlib
import io
import json
import tarfile
import tempfile
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.files.base import File
from django.core.files.storage import storages
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils.timezone import is_aware

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE = "database.json"
FILES_PREFIX = "files/"
CHUNK = 1024 * 1024


class BackupError(Exception):
    pass


def sha256_of(handle) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    while chunk := handle.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def file_storages() -> dict:
    """Every configured storage that holds uploads or generated files (static files are rebuilt, not restored)."""
    return {alias: storages[alias] for alias in settings.STORAGES if alias != "staticfiles"}


def walk(storage, folder: str = ""):
    """Every file name in a storage, through the storage API so object storage works as well as a disk."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(folders):
        yield from walk(storage, f"{folder}/{sub}" if folder else sub)


def model_tables() -> list[str]:
    """Tables of installed models that exist in the database, including automatic many-to-many tables."""
    existing = set(connection.introspection.table_names())
    tables = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy and model._meta.db_table in existing:
            tables.append(model._meta.db_table)
    return sorted(set(tables))


def row_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in model_tables():
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - our table names
            counts[table] = cursor.fetchone()[0]
    return counts


def applied_migrations() -> list[str]:
    return sorted(f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations())


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder cuts datetimes and times to milliseconds; a backup keeps every microsecond."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            if isinstance(o, datetime.time) and is_aware(o):
                raise ValueError("JSON can't represent timezone-aware times.")
            return o.isoformat()
        return super().default(o)


def backed_up_models():
    tables = set(model_tables())
    return [
        model
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and model._meta.db_table in tables
    ]


def dump_rows(path: Path) -> None:
    """Every row of every model (through the base manager: nothing filtered out) in Django's JSON fixture format,
    readable by loaddata. Automatic many-to-many rows travel inside their model's rows."""

    def objects():
        for model in backed_up_models():
            yield from model._base_manager.order_by(model._meta.pk.name).iterator(chunk_size=2000)

    with path.open("w", encoding="utf-8") as handle:
        serializers.serialize("json", objects(), stream=handle, cls=ExactJSONEncoder)


def _snapshot_transaction():
    """Start the backup's read transaction: on PostgreSQL one REPEATABLE READ snapshot, so rows written while
    the backup runs are either all in it or all out of it. SQLite's transaction is a snapshot already."""
    # Only the outermost transaction can choose its isolation; inside another one (a test) it is that one's.
    if connection.vendor == "postgresql" and len(connection.atomic_blocks) == 1:
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")


def create_backup(output: Path) -> dict:
    """Write the archive to output (through a temporary file, so a failed run leaves no half archive).

    Returns the manifest.
    """
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kovablik-backup-") as tmp:
        tmp = Path(tmp)
        database = tmp / DATABASE
        members = {}
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            with transaction.atomic():
                _snapshot_transaction()
                counts = row_counts()
                migrations = applied_migrations()
                dump_rows(database)
                with database.open("rb") as handle:
                    members[DATABASE] = dict(zip(("sha256", "size"), sha256_of(handle), strict=True))
                archive.add(database, arcname=DATABASE)
                # Files are read in the same window as the rows they belong to.
                for alias, storage in file_storages().items():
                    for name in walk(storage):
                        arcname = f"{FILES_PREFIX}{alias}/{name}"
                        with storage.open(name, "rb") as handle:
                            digest, size = sha256_of(handle)
                            handle.seek(0)
                            info = tarfile.TarInfo(arcname)
                            info.size = size
                            info.mtime = int(datetime.datetime.now().timestamp())
                            archive.addfile(info, handle)
                        members[arcname] = {"sha256": digest, "size": size}
            manifest = {
                "format": FORMAT,
                "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
                "django": django.get_version(),
                "database_vendor": connection.vendor,
                "migrations": migrations,
                "row_counts": counts,
                "members": members,
            }
            payload = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(payload)
            info.mtime = int(datetime.datetime.now().timestamp())
            archive.addfile(info, io.BytesIO(payload))
        partial.replace(output)
    return manifest


def read_verified(archive_path: Path, into: Path) -> dict:
    """Unpack the archive into a folder and check every member against the manifest; raise BackupError if any
    member is missing, extra, or differs. Nothing outside `into` is touched."""
    with tarfile.open(archive_path, "r:gz") as archive:
        try:
            manifest = json.load(archive.extractfile(MANIFEST))
        except KeyError as exc:
            raise BackupError("not a Kovablik backup: manifest.json is missing") from exc
        if manifest.get("format") != FORMAT:
            raise BackupError(f"unknown backup format {manifest.get('format')!r}")
        expected = manifest["members"]
        seen = set()
        for member in archive.getmembers():
            if member.name == MANIFEST:
                continue
            if member.name not in expected or not member.isfile():
                raise BackupError(f"unexpected member in the archive: {member.name}")
            target = (into / member.name).resolve()
            if not target.is_relative_to(into.resolve()):
                raise BackupError(f"unsafe path in the archive: {member.name}")
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.extractfile(member) as source, target.open("wb") as out:
                digest = hashlib.sha256()
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
            if digest.hexdigest() != expected[member.name]["sha256"]:
                raise BackupError(f"checksum mismatch: {member.name}")
            seen.add(member.name)
        missing = set(expected) - seen
        if missing:
            raise BackupError(f"members missing from the archive: {sorted(missing)}")
    return manifest


def database_has_data() -> bool:
    """True when any table holds rows that migrate did not create itself."""
    created_by_migrate = {"django_content_type", "auth_permission"}
    return any(count for table, count in row_counts().items() if table not in created_by_migrate)


def stored_files() -> list[tuple[str, str]]:
    return [(alias, name) for alias, storage in file_storages().items() for name in walk(storage)]


def restore_backup(archive_path: Path, *, force: bool = False) -> dict:
    """Make the database and the file storages exactly what the archive holds.

    Effects: verifies the whole archive first; migrates the database; then, in one transaction, empties every
    model table and loads the rows (sequences reset); then replaces the stored files and checks each one's checksum
    as written. Refuses a database or storage that already holds data unless force is set, and a backup of other
    migrations always.
    """
    with tempfile.TemporaryDirectory(prefix="kovablik-restore-") as tmp:
        tmp = Path(tmp)
        manifest = read_verified(Path(archive_path), tmp)
        # A fresh database gets its schema now, only once the archive is known to be whole.
        call_command("migrate", "--noinput", verbosity=0)
        here = applied_migrations()
        if here != manifest["migrations"]:
            only_backup = sorted(set(manifest["migrations"]) - set(here))
            only_here = sorted(set(here) - set(manifest["migrations"]))
            raise BackupError(
                "the backup was made with other migrations; restore it with the code version that made it "
                f"(only in backup: {only_backup}; only in this database: {only_here})"
            )
        if not force and (database_has_data() or stored_files()):
            raise BackupError("the database or the file storage is not empty; use --force to replace them")

        with transaction.atomic():
            tables = model_tables()
            with connection.cursor() as cursor:
                for sql in connection.ops.sql_flush(no_style(), tables, reset_sequences=True, allow_cascade=True):
                    cursor.execute(sql)
            call_command("loaddata", str(tmp / DATABASE), "--verbosity", "0")
            counts = row_counts()
            if counts != manifest["row_counts"]:
                raise BackupError(f"row counts differ after loading: {counts} != {manifest['row_counts']}")

        wanted = {name for name in manifest["members"] if name.startswith(FILES_PREFIX)}
        for alias, name in stored_files():
            if f"{FILES_PREFIX}{alias}/{name}" not in wanted:
                storages[alias].delete(name)
        for arcname in sorted(wanted):
            alias, name = arcname[len(FILES_PREFIX) :].split("/", 1)
            storage = storages[alias]
            if storage.exists(name):
                storage.delete(name)
            with (tmp / arcname).open("rb") as handle:
                saved = storage.save(name, File(handle, name=name))
            if saved != name:
                raise BackupError(f"the storage renamed {name} to {saved}")
            with storage.open(name, "rb") as handle:
                if sha256_of(handle)[0] != manifest["members"][arcname]["sha256"]:
                    raise BackupError(f"checksum mismatch after writing {arcname}")
    return manifest

"""`manage.py backup` and `restore`: the restored database and files are exactly the backed-up ones."""

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from kovablik import backup
from tests import factories as f
from tests.services import database_url_of_test_db, require_postgres

ROOT = Path(__file__).resolve().parents[2]
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def make_portal_data():
    """Rows in every app and files in every folder a real portal has, with awkward values on purpose."""
    competition = f.CompetitionFactory(name="Kolabik 2026 — “Inovasi” ✓", slug="kolabik-2026")
    competition.logo.save("logo.png", ContentFile(PNG))
    f.CommitteeMemberFactory(competition=competition, user=f.UserFactory(username="panitia"))
    stage = f.StageFactory(competition=competition, order=3, kind="proposal", name="Evaluasi Proposal")
    criterion = f.CriterionFactory(stage=stage, name="Kebaruan", weight="15.5")
    innovation = f.InnovationFactory(competition=competition, title="SIPANDU: layanan 24 jam\nbaris kedua")
    f.AttachmentFactory(innovation=innovation, original_name="SK Tim.pdf", content=b"%PDF-1.4\n")
    assignment = f.AssignmentFactory(stage=stage, innovation=innovation, judge=f.UserFactory(username="juri"))
    f.ScoreSheetFactory(assignment=assignment)
    certificate = f.CertificateFactory(competition=competition, innovation=innovation)
    certificate.file.save("sertifikat.pdf", ContentFile(b"%PDF-1.7 sertifikat\x00\xff"))
    return {"competition": competition, "criterion": criterion}


def table_rows(cursor, table: str) -> list[tuple]:
    cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from the introspection
    return sorted(cursor.fetchall(), key=repr)


def snapshot_tables() -> dict[str, list[tuple]]:
    with connection.cursor() as cursor:
        return {table: table_rows(cursor, table) for table in backup.model_tables()}


def file_checksums(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def make_backup(tmp_path) -> Path:
    archive = tmp_path / "cadangan.tar.gz"
    call_command("backup", "--output", str(archive), stdout=io.StringIO())
    return archive


def lose_everything(media):
    """Every row and every stored file gone, as on a dead server."""
    call_command("flush", "--noinput", verbosity=0)
    for path in media.rglob("*"):
        if path.is_file():
            path.unlink()


def rewrite_archive(source: Path, target: Path, change):
    """Copy the archive, each member's bytes passed through change(name, data)."""
    with tarfile.open(source) as original, tarfile.open(target, "w:gz") as copy:
        for member in original.getmembers():
            data = change(member.name, original.extractfile(member).read())
            member.size = len(data)
            copy.addfile(member, io.BytesIO(data))


def test_backup_archive_lists_every_row_and_file_with_checksums(transactional_db, media, tmp_path):
    make_portal_data()

    archive = make_backup(tmp_path)

    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        for name, member in manifest["members"].items():
            assert hashlib.sha256(tar.extractfile(name).read()).hexdigest() == member["sha256"]
    files = {name for name in manifest["members"] if name.startswith("files/")}
    assert len(files) == 3
    assert any(name.startswith("files/default/private/attachments/") for name in files)
    assert manifest["row_counts"]["submissions_attachment"] == 1
    assert manifest["row_counts"]["awards_certificate"] == 1
    assert not archive.with_name(archive.name + ".partial").exists()


def test_backup_restore_round_trip_exact(transactional_db, media, tmp_path):
    make_portal_data()
    rows_before = snapshot_tables()
    files_before = file_checksums(media)
    archive = make_backup(tmp_path)
    lose_everything(media)

    call_command("restore", str(archive), stdout=io.StringIO())

    assert snapshot_tables() == rows_before
    assert file_checksums(media) == files_before
    assert sum(len(rows) for rows in rows_before.values()) > 20


def test_restore_refuses_non_empty_database_without_force(transactional_db, media, tmp_path):
    make_portal_data()
    archive = make_backup(tmp_path)
    f.UserFactory(username="baru_setelah_cadangan")

    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive), stdout=io.StringIO())

    from django.contrib.auth.models import User

    assert User.objects.filter(username="baru_setelah_cadangan").exists()
    call_command("restore", str(archive), "--force", stdout=io.StringIO())
    assert not User.objects.filter(username="baru_setelah_cadangan").exists()


def test_restore_refuses_tampered_archive_and_writes_nothing(transactional_db, media, tmp_path):
    make_portal_data()
    tampered = tmp_path / "diubah.tar.gz"

    def forge_certificate(name, data):
        return data.replace(b"sertifikat", b"palsu-sert") if name.endswith("sertifikat.pdf") else data

    rewrite_archive(make_backup(tmp_path), tampered, forge_certificate)
    lose_everything(media)

    with pytest.raises(CommandError, match="checksum mismatch"):
        call_command("restore", str(tampered), stdout=io.StringIO())

    from django.contrib.auth.models import User

    assert not User.objects.exists()
    assert file_checksums(media) == {}


def test_restore_refuses_backup_of_other_migrations(transactional_db, media, tmp_path):
    other = tmp_path / "versi-lain.tar.gz"

    def add_future_migration(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["migrations"].append("judging.9999_from_the_future")
        return json.dumps(manifest).encode()

    rewrite_archive(make_backup(tmp_path), other, add_future_migration)

    with pytest.raises(CommandError, match="other migrations"):
        call_command("restore", str(other), "--force", stdout=io.StringIO())


def _manage(*args, database_url, media_root):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_MEDIA_ROOT"))},
        "DATABASE_URL": database_url,
        "DJANGO_MEDIA_ROOT": str(media_root),
        "DATABASE_CONN_MAX_AGE": "0",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.mark.postgres
def test_backup_restore_onto_fresh_postgres_database_exact(transactional_db, media, tmp_path):
    require_postgres()
    make_portal_data()
    source_url = database_url_of_test_db()
    fresh_name = f"{connection.settings_dict['NAME']}_restore"
    fresh_url = source_url.rsplit("/", 1)[0] + "/" + fresh_name
    admin_url = source_url.rsplit("/", 1)[0] + "/postgres"
    archive = tmp_path / "cadangan.tar.gz"
    restored_media = tmp_path / "media-restored"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{fresh_name}"')
        admin.execute(f'CREATE DATABASE "{fresh_name}"')
    try:
        _manage("backup", "--output", str(archive), database_url=source_url, media_root=media)
        output = _manage("restore", str(archive), database_url=fresh_url, media_root=restored_media)

        assert "restored" in output
        with psycopg.connect(source_url) as source, psycopg.connect(fresh_url) as fresh:
            tables = [
                row[0]
                for row in source.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'django_migrations'"
                )
            ]
            assert len(tables) > 20
            for table in tables:
                assert table_rows(fresh.cursor(), table) == table_rows(source.cursor(), table), table
            # The restored database hands out new ids after the restored ones, not over them.
            source_seq = source.execute("SELECT last_value FROM auth_user_id_seq").fetchone()[0]
            fresh_seq = fresh.execute("SELECT last_value FROM auth_user_id_seq").fetchone()[0]
            assert fresh_seq >= max(row[0] for row in table_rows(source.cursor(), "auth_user"))
            assert source_seq >= 1
        assert file_checksums(restored_media) == file_checksums(media)
        assert len(file_checksums(media)) == 3
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{fresh_name}" WITH (FORCE)')

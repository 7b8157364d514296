"""Certificates with Redis and a real Celery worker process (PostgreSQL test database)."""

import pytest
from django.core.files.storage import default_storage

from awards.enums import JobStatus
from awards.models import Certificate, GenerationJob
from awards.services import certificates as service
from tests.services import WorkerProcess, database_url_of_test_db, require_broker, require_postgres, wait_for

pytestmark = pytest.mark.integration


@pytest.fixture
def worker_env(transactional_db, settings, media_root):
    require_postgres()
    require_broker()
    from kovablik.celery import app

    app.conf.task_always_eager = False
    app.control.purge()  # messages left by an earlier run would name rows of another test database
    return {"DJANGO_MEDIA_ROOT": str(media_root), "KOVABLIK_SITE_URL": settings.SITE_URL}


def job_state(job):
    job.refresh_from_db()
    return job


def assert_complete(competition, job, expected):
    certificates = list(Certificate.objects.filter(competition=competition))
    serials = [c.serial for c in certificates]
    assert job.status == JobStatus.DONE and job.done == job.total == expected
    assert len(certificates) == expected and len(set(serials)) == expected
    for certificate in certificates:
        with default_storage.open(certificate.file.name, "rb") as handle:
            assert handle.read(5) == b"%PDF-"
    assert default_storage.exists(job.result.name)


def test_demo_batch_completes_on_a_real_worker_even_when_it_is_killed_mid_batch(worker_env):
    import io

    from django.core.management import call_command

    from competitions.models import Competition

    call_command("seed_demo", stdout=io.StringIO())
    competition = Competition.objects.get(slug="kolabik-2022")
    committee = competition.committee.first().user
    worker = WorkerProcess(database_url_of_test_db(), extra_env=worker_env).start()
    try:
        job = service.start_certificate_batch(competition=competition, actor=committee)
        wait_for(lambda: job_state(job).done >= 3, timeout=180, message="the first files")
    finally:
        worker.kill()
    killed_at = job_state(job).done
    serials_before = dict(Certificate.objects.values_list("pk", "serial"))

    restarted = WorkerProcess(database_url_of_test_db(), extra_env=worker_env).start()
    try:
        wait_for(lambda: job_state(job).status == JobStatus.DONE, timeout=300, message="the batch to finish")
    finally:
        restarted.stop()

    assert killed_at < job.total, "the worker finished before it was killed: the test proved nothing"
    assert job.total == len(service.certificate_specs(competition)) > 40
    assert_complete(competition, job, expected=job.total)
    assert dict(Certificate.objects.values_list("pk", "serial")) == serials_before
    assert GenerationJob.objects.count() == 1


def pool_processes(parent_pid: int) -> list[int]:
    from pathlib import Path

    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid == parent_pid:
                found.append(int(entry.name))
    return found


def loads_pango(pid: int) -> bool:
    from pathlib import Path

    return "libpango" in Path(f"/proc/{pid}/maps").read_text()


def test_worker_pool_processes_start_with_the_pdf_renderer_already_loaded(worker_env):
    """Loaded by the parent before it forks, WeasyPrint/Pango are shared by the pool instead of loaded by each."""
    worker = WorkerProcess(database_url_of_test_db(), extra_env=worker_env).start()
    try:
        children = wait_for(lambda: len(pool_processes(worker.proc.pid)) == 2, timeout=60, message="the pool")
        children = pool_processes(worker.proc.pid)
        assert children and all(loads_pango(pid) for pid in children)
        assert loads_pango(worker.proc.pid)
    finally:
        worker.stop()

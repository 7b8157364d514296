"""Background work under failure: a certificate batch started while Redis is down waits for the worker and completes
once Redis is back; a task that keeps failing is retried, then shown to the committee as failed, and can be retried."""

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from awards.enums import JobStatus
from awards.models import Certificate, GenerationJob, JobItem
from tests import factories as f
from tests.services import WorkerProcess, database_url_of_test_db, require_postgres, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.integration]


def _worker(broker_on, media_root, site_url):
    broker = f"{broker_on.url}/0"
    return WorkerProcess(
        database_url_of_test_db(),
        extra_env={
            "CELERY_BROKER_URL": broker,
            "CELERY_RESULT_BACKEND": broker,
            "DJANGO_MEDIA_ROOT": str(media_root),
            "KOVABLIK_SITE_URL": site_url,
        },
    ).start()


def test_certificate_batch_waits_while_redis_down_then_completes(
    client, transactional_db, broker_on, settings, tmp_path, committee, competition, proposal_stage, agency, judge
):
    require_postgres()
    settings.MEDIA_ROOT = tmp_path / "media"
    for n in range(2):
        f.InnovationFactory(competition=competition, agency=agency, status="eligible", title=f"Inovasi {n}")
    client.force_login(committee)
    broker_on.stop()

    response = client.post(reverse("awards:start_certificates", args=[competition.slug]), follow=True)

    assert response.status_code == 200
    job = GenerationJob.objects.get()
    assert job.status == JobStatus.QUEUED
    assert "Menunggu worker" in response.content.decode()

    broker_on.start()
    worker = _worker(broker_on, settings.MEDIA_ROOT, settings.SITE_URL)
    try:
        # A worker that starts re-sends what a broker outage left unsent.
        wait_for(lambda: GenerationJob.objects.get().status == JobStatus.DONE, timeout=240, message="the batch")
    finally:
        worker.stop()

    certificates = list(Certificate.objects.filter(competition=competition))
    assert len(certificates) == 3
    for certificate in certificates:
        with default_storage.open(certificate.file.name, "rb") as handle:
            assert handle.read(5) == b"%PDF-"


def test_failing_task_retried_then_shown_failed_and_retry_completes(
    client, transactional_db, broker_on, settings, tmp_path, committee, competition, proposal_stage, agency
):
    require_postgres()
    settings.MEDIA_ROOT = tmp_path / "media"
    f.InnovationFactory(competition=competition, agency=agency, status="eligible")
    # The worker's media root is a file, not a folder: every attempt to store the PDF fails, as a full or
    # unmounted disk would.
    broken = tmp_path / "not-a-folder"
    broken.write_text("x")
    client.force_login(committee)
    worker = _worker(broker_on, broken, settings.SITE_URL)
    try:
        client.post(reverse("awards:start_certificates", args=[competition.slug]))
        wait_for(lambda: GenerationJob.objects.get().status == JobStatus.FAILED, timeout=240, message="the failure")
    finally:
        worker.stop()

    item = JobItem.objects.get()
    assert item.attempts >= 1 and item.error
    page = client.get(reverse("awards:committee_certificates", args=[competition.slug])).content.decode()
    assert "Gagal" in page or "Failed" in page

    worker = _worker(broker_on, settings.MEDIA_ROOT, settings.SITE_URL)
    try:
        client.post(reverse("awards:job_retry", args=[competition.slug, GenerationJob.objects.get().pk]))
        wait_for(lambda: GenerationJob.objects.get().status == JobStatus.DONE, timeout=240, message="the retry")
    finally:
        worker.stop()

    certificate = Certificate.objects.get()
    with default_storage.open(certificate.file.name, "rb") as handle:
        assert handle.read(5) == b"%PDF-"

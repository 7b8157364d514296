"""A certificate batch started while Redis is down waits for the worker, then completes once Redis is back."""

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from awards.enums import JobStatus
from awards.models import Certificate, GenerationJob
from tests import factories as f
from tests.services import WorkerProcess, database_url_of_test_db, require_postgres, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.integration]


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
    broker = f"{broker_on.url}/0"
    worker = WorkerProcess(
        database_url_of_test_db(),
        extra_env={
            "CELERY_BROKER_URL": broker,
            "CELERY_RESULT_BACKEND": broker,
            "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "KOVABLIK_SITE_URL": settings.SITE_URL,
        },
    ).start()
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

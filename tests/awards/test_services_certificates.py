import io
import os

import pytest
from django.core.files.storage import default_storage
from django.utils import translation
from pypdf import PdfReader

from awards.enums import CertificateKind, ItemStatus, JobStatus
from awards.models import Certificate, JobItem
from awards.services import certificates as service
from tests import factories as f


def pdf_of(certificate):
    with default_storage.open(certificate.file.name, "rb") as handle:
        return PdfReader(io.BytesIO(handle.read()))


def test_issue_certificates_allocates_each_serial_once(competition, committee, eligible, other_eligible, judge):
    competition.slug = "kolabik-2026"
    competition.save()

    first = service.issue_certificates(competition=competition, actor=committee)
    serials = dict(Certificate.objects.values_list("pk", "serial"))
    second = service.issue_certificates(competition=competition, actor=committee)

    assert (first, second) == (3, 0)
    assert dict(Certificate.objects.values_list("pk", "serial")) == serials
    assert sorted(serials.values()) == ["KOLABIK-2026-A-0001", "KOLABIK-2026-P-0001", "KOLABIK-2026-P-0002"]
    assert len(set(Certificate.objects.values_list("code", flat=True))) == 3


def test_batch_renders_a4_landscape_pdf_with_holder_kind_code_and_url(
    competition, committee, eligible, run_on_commit, settings
):
    job = run_on_commit(service.start_certificate_batch, competition=competition, actor=committee)

    job.refresh_from_db()
    certificate = Certificate.objects.get(innovation=eligible, kind=CertificateKind.PARTICIPATION)
    reader = pdf_of(certificate)
    text = " ".join(reader.pages[0].extract_text().split())
    box = reader.pages[0].mediabox
    assert (job.status, job.done, job.total, job.percent) == (JobStatus.DONE, 1, 1, 100)
    assert len(reader.pages) == 1
    assert round(float(box.width)) == 842 and round(float(box.height)) == 595
    assert "Dinas Kesehatan" in text
    with translation.override("id"):
        assert str(CertificateKind.PARTICIPATION.label) in text
    assert certificate.code in text
    assert f"{settings.SITE_URL}/verify/{certificate.code}/" in text.replace(" ", "")


def test_batch_run_twice_keeps_serials_and_makes_no_new_file(competition, committee, eligible, judge, run_on_commit):
    run_on_commit(service.start_certificate_batch, competition=competition, actor=committee)
    before = {c.serial: (c.file.name, os.path.getmtime(c.file.path)) for c in Certificate.objects.all()}

    job = run_on_commit(service.start_certificate_batch, competition=competition, actor=committee)

    job.refresh_from_db()
    after = {c.serial: (c.file.name, os.path.getmtime(c.file.path)) for c in Certificate.objects.all()}
    assert after == before
    assert (job.status, job.done, job.total) == (JobStatus.DONE, 2, 2)
    assert set(JobItem.objects.filter(job=job).values_list("attempts", flat=True)) == {0}
    assert job.result and default_storage.exists(job.result.name)


def test_batch_rerenders_only_the_certificate_that_changed(
    competition, committee, eligible, other_eligible, run_on_commit
):
    run_on_commit(service.start_certificate_batch, competition=competition, actor=committee)
    unchanged = Certificate.objects.get(innovation=other_eligible)
    unchanged_mtime = os.path.getmtime(unchanged.file.path)
    eligible.agency.name = "Dinas Kesehatan Kota"
    eligible.agency.save()

    run_on_commit(service.start_certificate_batch, competition=competition, actor=committee)

    changed = Certificate.objects.get(innovation=eligible)
    assert changed.holder == "Dinas Kesehatan Kota"
    assert "Dinas Kesehatan Kota" in pdf_of(changed).pages[0].extract_text()
    assert os.path.getmtime(Certificate.objects.get(pk=unchanged.pk).file.path) == unchanged_mtime
    assert Certificate.objects.count() == 2


def test_batch_issues_finalist_winner_and_judge_certificates(competition, committee, eligible, judge, run_on_commit):
    from django.utils import timezone

    from awards.models import Award, ShortlistRow, ShortlistSnapshot

    snapshot = ShortlistSnapshot.objects.create(
        stage=judge.panel_seats.get().stage,
        rule="top_n",
        rule_params={"n": 1},
        published_by=committee,
        published_at=timezone.now(),
        content_hash="x" * 64,
    )
    ShortlistRow.objects.create(snapshot=snapshot, innovation=eligible, rank=1, listed=True)
    Award.objects.create(competition=competition, innovation=eligible, place="juara_1", assigned_by=committee)

    run_on_commit(service.start_certificate_batch, competition=competition, actor=committee)

    kinds = sorted(Certificate.objects.values_list("kind", flat=True))
    assert kinds == ["finalist", "judge", "participation", "winner"]
    winner = Certificate.objects.get(kind="winner")
    with translation.override("id"):
        from awards.enums import Place

        assert str(Place.FIRST.label) in " ".join(pdf_of(winner).pages[0].extract_text().split())


def test_retry_failed_items_makes_the_missing_file(competition, committee, eligible, run_on_commit):
    job = run_on_commit(service.start_certificate_batch, competition=competition, actor=committee)
    certificate = Certificate.objects.get()
    default_storage.delete(certificate.file.name)
    JobItem.objects.filter(job=job).update(status=ItemStatus.FAILED, error="disk full")
    job.status = JobStatus.FAILED
    job.save()

    count = run_on_commit(service.retry_failed_items, job=job, actor=committee)

    job.refresh_from_db()
    assert count == 1
    assert (job.status, job.failed, job.done) == (JobStatus.DONE, 0, 1)
    assert default_storage.exists(Certificate.objects.get().file.name)


def test_mark_item_failed_fails_the_job_with_counts(competition, committee, eligible, other_eligible):
    job = service.start_certificate_batch(competition=competition, actor=committee)  # on_commit hooks not run
    first, second = JobItem.objects.filter(job=job)

    service.mark_item_failed(item_id=first.pk, error="boom")
    service.render_certificate_item(item_id=second.pk)

    job.refresh_from_db()
    assert (job.status, job.done, job.failed) == (JobStatus.FAILED, 1, 1)
    assert JobItem.objects.get(pk=first.pk).error == "boom"


def test_start_while_unfinished_returns_the_same_job(competition, committee, eligible):
    first = service.start_certificate_batch(competition=competition, actor=committee)

    second = service.start_certificate_batch(competition=competition, actor=committee)

    assert first.pk == second.pk
    assert Certificate.objects.count() == 1


def test_enqueue_with_unreachable_broker_leaves_job_queued(
    competition, committee, eligible, run_on_commit, broker_down
):
    job = run_on_commit(service.start_certificate_batch, competition=competition, actor=committee)

    job.refresh_from_db()
    assert (job.status, job.done, job.total) == (JobStatus.QUEUED, 0, 1)


def test_resume_unfinished_jobs_finishes_a_queued_batch(competition, committee, eligible, run_on_commit):
    job = service.start_certificate_batch(competition=competition, actor=committee)  # messages "lost"

    run_on_commit(service.resume_unfinished_jobs)

    job.refresh_from_db()
    assert job.status == JobStatus.DONE


def test_revoke_certificate_records_reason(competition, committee, eligible):
    certificate = f.CertificateFactory(competition=competition, innovation=eligible)

    service.revoke_certificate(certificate=certificate, reason="Data palsu", actor=committee)

    certificate.refresh_from_db()
    assert certificate.revoked_at is not None
    assert certificate.revoked_reason == "Data palsu"


@pytest.mark.parametrize(
    ("slug", "expected"), [("kolabik-2026", "KOLABIK"), ("kovablik-jatim", "KOVABLIK-JATIM"), ("2026", "KVB")]
)
def test_serial_prefix_drops_the_year(slug, expected):
    competition = f.CompetitionFactory.build(slug=slug, year=2026)

    assert service.serial_prefix(competition) == expected


def test_certificate_of_an_entry_dropped_by_a_correction_is_revoked(competition, committee, proposal_stage, ranked):
    from awards.services import shortlists

    shortlists.publish_shortlist(stage=proposal_stage, rule="top_n", params={"n": 2}, actor=committee)
    service.issue_certificates(competition=competition, actor=committee)
    shortlists.publish_shortlist(
        stage=proposal_stage, rule="top_n", params={"n": 1}, actor=committee, correction_reason="Salah hitung"
    )

    service.issue_certificates(competition=competition, actor=committee)

    dropped = Certificate.objects.get(kind="finalist", innovation=ranked["d"])
    kept = Certificate.objects.get(kind="finalist", innovation=ranked["a"])
    assert dropped.revoked_at is not None and dropped.revoked_reason
    assert kept.revoked_at is None
    assert Certificate.objects.filter(kind="participation", revoked_at__isnull=True).count() == 4


@pytest.fixture
def tasks_run():
    """The (name, kwargs) of every task run (eagerly), in order, as Celery reports it."""
    from celery.signals import task_prerun

    runs = []

    def record(sender=None, kwargs=None, **_):
        runs.append((sender.name, kwargs))

    task_prerun.connect(record, weak=False)
    yield runs
    task_prerun.disconnect(record)


def test_batch_renders_several_certificates_per_task_each_to_its_own_file(
    competition, committee, run_on_commit, tasks_run
):
    entries = f.InnovationFactory.create_batch(service.ITEMS_PER_TASK + 2, competition=competition, status="eligible")

    job = run_on_commit(service.start_certificate_batch, competition=competition, actor=committee)

    job.refresh_from_db()
    renders = [kwargs["item_ids"] for name, kwargs in tasks_run if name == "awards.render_certificates"]
    certificates = list(Certificate.objects.filter(innovation__in=entries))
    assert [len(ids) for ids in renders] == [service.ITEMS_PER_TASK, 2]
    assert [name for name, _ in tasks_run][-1] == "awards.finish_certificate_job"
    assert (job.status, job.done, job.total) == (JobStatus.DONE, len(entries), len(entries))
    assert len({c.serial for c in certificates}) == len({c.file.name for c in certificates}) == len(entries)
    for certificate in certificates:
        text = " ".join(pdf_of(certificate).pages[0].extract_text().split())
        assert certificate.serial in text.replace(" ", "") and certificate.holder in text


@pytest.fixture
def retries_run_eagerly():
    """Eager tasks retry in place, as a worker would retry them later (instead of raising Retry to the caller)."""
    from kovablik.celery import app

    saved = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = saved


def test_certificate_that_cannot_be_stored_fails_alone_in_its_batch_task(
    competition, committee, eligible, other_eligible, run_on_commit, media_root, tasks_run, retries_run_eagerly
):
    service.issue_certificates(competition=competition, actor=committee)
    broken = Certificate.objects.get(innovation=eligible)
    # A directory that is not empty where the file must go: the storage cannot replace it, on every try.
    in_the_way = media_root / "private" / "certificates" / str(competition.pk) / f"{broken.serial}.pdf"
    in_the_way.mkdir(parents=True)
    (in_the_way / "keep").write_text("x")

    job = run_on_commit(service.start_certificate_batch, competition=competition, actor=committee)

    job.refresh_from_db()
    items = {item.certificate_id: item for item in JobItem.objects.filter(job=job)}
    other = Certificate.objects.get(innovation=other_eligible)
    assert (job.status, job.done, job.failed) == (JobStatus.FAILED, 1, 1)
    assert items[broken.pk].status == ItemStatus.FAILED and "OSError" in items[broken.pk].error
    assert items[other.pk].status == ItemStatus.DONE and default_storage.exists(other.file.name)
    assert [name for name, _ in tasks_run].count("awards.render_certificate") == 3  # the single task and 2 retries

"""Certificates: serials, batch jobs, rendering, ZIP, revocation."""

import base64
import hashlib
import json
import logging
import secrets
import tempfile
import zipfile

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from awards.enums import CertificateKind, ItemStatus, JobKind, JobStatus
from awards.models import Award, Certificate, GenerationJob, JobItem, SerialCounter, ShortlistRow
from awards.services._common import enqueue_many_on_commit, enqueue_on_commit
from competitions.models import Competition
from judging.models import PanelMember
from submissions.enums import InnovationStatus
from submissions.models import Innovation

logger = logging.getLogger(__name__)

# Bump when the certificate template changes in a way that should re-render every file.
TEMPLATE_VERSION = "1"
# Files made per task: one message, one task start and one database connection (Celery closes it after every
# task) for several certificates, each still in its own transaction. Small, so that the pool's processes end a
# batch together.
ITEMS_PER_TASK = 8
KIND_LETTERS = {
    CertificateKind.PARTICIPATION: "P",
    CertificateKind.FINALIST: "F",
    CertificateKind.WINNER: "W",
    CertificateKind.JUDGE: "A",
}


def serial_prefix(competition) -> str:
    """KOLABIK for slug "kolabik-2022" (the year follows in the serial anyway)."""
    slug = competition.slug.upper()
    year = str(competition.year)
    if slug == year:
        slug = ""
    elif slug.endswith("-" + year):
        slug = slug[: -len(year) - 1]
    return "".join(ch for ch in slug if ch.isalnum() or ch == "-")[:20].strip("-") or "KVB"


def new_code() -> str:
    """80 random bits in base32: unguessable, and easy to read out or type from paper."""
    return base64.b32encode(secrets.token_bytes(10)).decode()


def verify_url(certificate) -> str:
    return settings.SITE_URL + reverse("awards:verify", kwargs={"code": certificate.code})


def _locked_counter(competition, kind):
    try:
        with transaction.atomic():
            SerialCounter.objects.get_or_create(competition=competition, kind=kind)
    except IntegrityError:  # created by a concurrent batch a moment ago
        pass
    return SerialCounter.objects.select_for_update().get(competition=competition, kind=kind)


def certificate_specs(competition) -> list[dict]:
    """Every certificate the competition should have today, as {key fields..., holder}.

    Participation: every eligible entry. Finalist: every entry listed on a current published shortlist (per stage).
    Winner: every awarded entry (one per entry; a ranked place before a special award). Judge: every active
    panel member of any stage.
    """
    specs = []
    innovations = Innovation.objects.filter(competition=competition, status=InnovationStatus.ELIGIBLE)
    for innovation in innovations.select_related("agency").order_by("pk"):
        specs.append(
            {
                "kind": CertificateKind.PARTICIPATION,
                "innovation_id": innovation.pk,
                "holder": innovation.agency.name,
            }
        )
    rows = (
        ShortlistRow.objects.filter(
            snapshot__stage__competition=competition, snapshot__superseded_by__isnull=True, listed=True
        )
        .select_related("innovation__agency", "snapshot")
        .order_by("snapshot__stage__order", "rank")
    )
    for row in rows:
        specs.append(
            {
                "kind": CertificateKind.FINALIST,
                "innovation_id": row.innovation_id,
                "stage_id": row.snapshot.stage_id,
                "holder": row.innovation.agency.name,
            }
        )
    seen = set()
    awards = Award.objects.filter(competition=competition).select_related("innovation__agency")
    for award in sorted(awards, key=lambda a: (a.place == "special", a.pk)):
        if award.innovation_id in seen:
            continue
        seen.add(award.innovation_id)
        specs.append(
            {
                "kind": CertificateKind.WINNER,
                "innovation_id": award.innovation_id,
                "award_id": award.pk,
                "holder": award.innovation.agency.name,
            }
        )
    judges = {}
    for seat in PanelMember.objects.filter(stage__competition=competition, withdrawn_at__isnull=True).select_related(
        "judge"
    ):
        judges.setdefault(seat.judge_id, seat.judge.get_full_name() or seat.judge.username)
    for judge_id, name in sorted(judges.items()):
        specs.append({"kind": CertificateKind.JUDGE, "judge_id": judge_id, "holder": name})
    return specs


def _key(kind, innovation_id=None, stage_id=None, judge_id=None, **_):
    return (kind, innovation_id, stage_id, judge_id)


@transaction.atomic
def issue_certificates(*, competition, actor=None) -> int:
    """Create the certificates the competition is missing, each with a serial allocated once, and a code.

    Effects: creates Certificate rows (never a second one for the same holder and kind: the key is looked up
    first and unique constraints back it up); updates the holder name or award of existing ones if it changed
    (their file is then re-rendered by the next batch); increments SerialCounter under select_for_update;
    revokes, with a recorded reason, valid certificates whose entitlement is gone (e.g. an entry a corrected
    list no longer lists), so that their verification page says so. Returns how many were created.
    """
    existing = {
        _key(c.kind, c.innovation_id, c.stage_id, c.judge_id): c
        for c in Certificate.objects.filter(competition=competition)
    }
    new = []
    counters = {}
    seen = set()
    for spec in certificate_specs(competition):
        key = _key(**spec)
        seen.add(key)
        certificate = existing.get(key)
        if certificate is not None:
            changes = {
                field: spec[field]
                for field in ("holder", "award_id")
                if field in spec and getattr(certificate, field) != spec[field]
            }
            if changes:
                Certificate.objects.filter(pk=certificate.pk).update(**changes)
            continue
        kind = spec["kind"]
        if kind not in counters:
            counters[kind] = _locked_counter(competition, kind)
        counter = counters[kind]
        counter.last += 1
        serial = f"{serial_prefix(competition)}-{competition.year}-{KIND_LETTERS[kind]}-{counter.last:04d}"
        new.append(Certificate(competition=competition, serial=serial, code=new_code(), **spec))
    Certificate.objects.bulk_create(new)
    for counter in counters.values():
        counter.save(update_fields=["last"])
    _revoke_unentitled(existing, seen)
    return len(new)


def _revoke_unentitled(existing, seen):
    """A certificate whose entitlement is gone (list corrected, award or panel seat withdrawn) must stop verifying."""
    stale = [c.pk for key, c in existing.items() if key not in seen and c.revoked_at is None]
    if stale:
        with translation.override(settings.LANGUAGE_CODE):
            reason = str(_("No longer entitled: the list, award or panel seat it certified has changed."))
        Certificate.objects.filter(pk__in=stale).update(revoked_at=timezone.now(), revoked_reason=reason)


def certificate_context(certificate) -> dict:
    """Everything printed on a certificate; its hash decides whether a stored file is still current."""
    competition = certificate.competition
    context = {
        "competition": str(competition),
        "organiser": competition.organiser,
        "kind": certificate.kind,
        "holder": certificate.holder,
        "innovation": certificate.innovation.title if certificate.innovation_id else "",
        "stage": certificate.stage.name if certificate.stage_id else "",
        "place": "",
        "award_title": "",
        "serial": certificate.serial,
        "code": certificate.code,
        "verify_url": verify_url(certificate),
        "issued": certificate.issued_at.date().isoformat() if certificate.issued_at else "",
        "signatory_name": competition.signatory_name,
        "signatory_title": competition.signatory_title,
        "logo": competition.logo.name if competition.logo else "",
        "signature": competition.signature.name if competition.signature else "",
        "version": TEMPLATE_VERSION,
    }
    if certificate.award_id:
        context["place"] = certificate.award.place
        context["award_title"] = certificate.award.title
    return context


def content_hash(context: dict) -> str:
    return hashlib.sha256(json.dumps(context, sort_keys=True).encode()).hexdigest()


def render_certificate_pdf(certificate) -> tuple[bytes, str]:
    from awards import pdf
    from awards.enums import Place

    context = certificate_context(certificate)
    competition = certificate.competition
    template_context = {
        **context,
        "certificate": certificate,
        "kind_label": CertificateKind(certificate.kind).label,
        "place_label": Place(context["place"]).label if context["place"] else "",
        "issued_at": certificate.issued_at,
        "competition_obj": competition,
        "qr": pdf.qr_data_uri(context["verify_url"]),
        "logo_uri": pdf.file_data_uri(competition.logo),
        "signature_uri": pdf.file_data_uri(competition.signature),
    }
    return pdf.render_pdf("awards/pdf/certificate.html", template_context, "awards/certificate.css"), content_hash(
        context
    )


def warm_up_renderer() -> None:
    """Render a made-up certificate without touching the database, loading everything a real one needs.

    The Celery worker calls this in its parent process before forking the pool (kovablik.celery), so WeasyPrint,
    Pango, fontconfig, the fonts, the parsed stylesheet and the URL configuration are loaded once and shared
    copy-on-write by the pool processes, instead of being loaded again by each on its first certificate.
    """
    competition = Competition(
        name="Kompetisi",
        year=2000,
        slug="warm-up",
        organiser="Organisasi",
        signatory_name="Nama",
        signatory_title="Jabatan",
    )
    certificate = Certificate(
        competition=competition,
        innovation=Innovation(pk=1, title="Inovasi"),  # unsaved: the italic line of the entry's title
        kind=CertificateKind.PARTICIPATION,
        serial="KVB-2000-P-0000",
        code=new_code(),
        holder="Pemegang",
        issued_at=timezone.now(),
    )
    render_certificate_pdf(certificate)


def certificate_is_current(certificate) -> bool:
    return bool(
        certificate.file
        and certificate.content_hash == content_hash(certificate_context(certificate))
        and default_storage.exists(certificate.file.name)
    )


def _certificates_for_batch(competition):
    return Certificate.objects.filter(competition=competition, revoked_at__isnull=True).select_related(
        "competition", "innovation", "stage", "award"
    )


def start_certificate_batch(*, competition, actor) -> GenerationJob:
    """Issue missing certificates and (re-)render every file that is missing or out of date, in the background.

    Effects: issue_certificates() (new serials only for new holders); if a batch of this competition is still
    unfinished, re-sends its pending files and returns it instead of starting a second one; otherwise creates a
    GenerationJob with one JobItem per valid certificate, marks the ones whose file is current as done at once,
    and enqueues `awards.render_certificates` tasks for the remaining files, ITEMS_PER_TASK files each (on
    commit). A batch with nothing to render is finished (ZIP) by `awards.finish_certificate_job`.
    """
    with transaction.atomic():
        # The competition row is the batch's mutex: two clicks never start two batches.
        Competition.objects.select_for_update().get(pk=competition.pk)
        active = GenerationJob.objects.filter(
            competition=competition, kind=JobKind.CERTIFICATES, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
        ).first()
        if active is not None:
            _resend(active)
            return active
        issue_certificates(competition=competition, actor=actor)
        job = GenerationJob.objects.create(competition=competition, kind=JobKind.CERTIFICATES, created_by=actor)
        items = []
        for certificate in _certificates_for_batch(competition):
            current = certificate_is_current(certificate)
            items.append(
                JobItem(job=job, certificate=certificate, status=ItemStatus.DONE if current else ItemStatus.PENDING)
            )
        JobItem.objects.bulk_create(items)
        job.total = len(items)
        job.done = sum(1 for item in items if item.status == ItemStatus.DONE)
        job.save(update_fields=["total", "done"])
        _resend(job)
        return job


def _enqueue_rendering(item_ids):
    from awards import tasks

    chunks = [item_ids[i : i + ITEMS_PER_TASK] for i in range(0, len(item_ids), ITEMS_PER_TASK)]
    enqueue_many_on_commit(tasks.render_certificates, [{"item_ids": chunk} for chunk in chunks])


def _resend(job):
    from awards import tasks

    pending = list(job.items.filter(status=ItemStatus.PENDING).order_by("pk").values_list("pk", flat=True))
    _enqueue_rendering(pending)
    if not pending and not job.items.filter(status=ItemStatus.FAILED).exists():
        enqueue_on_commit(tasks.finish_certificate_job, job_id=job.pk)


def render_certificate_item(*, item_id) -> bool:
    """Render one job item's certificate unless its stored file is already current. Returns False if gone.

    Effects: writes private/certificates/<competition>/<serial>.pdf through the default storage (replacing an
    outdated file), sets Certificate.file and content_hash, marks the item done and updates the job's counts;
    when the last item is done, enqueues `awards.finish_certificate_job`. Safe to run twice at once: the item
    row is locked, so the second run finds it done.
    """
    with transaction.atomic():
        item = (
            JobItem.objects.select_for_update(of=("self",))
            .select_related("certificate__competition", "certificate__innovation", "certificate__stage")
            .select_related("certificate__award")
            .filter(pk=item_id)
            .first()
        )
        if item is None:
            return False
        if item.status != ItemStatus.DONE:
            certificate = item.certificate
            if not certificate_is_current(certificate):
                data, digest = render_certificate_pdf(certificate)
                name = f"private/certificates/{certificate.competition_id}/{certificate.serial}.pdf"
                if default_storage.exists(name):
                    default_storage.delete(name)
                stored = default_storage.save(name, ContentFile(data))
                Certificate.objects.filter(pk=certificate.pk).update(file=stored, content_hash=digest)
            item.status = ItemStatus.DONE
            item.attempts += 1
            item.error = ""
            item.save(update_fields=["status", "attempts", "error", "updated_at"])
        _update_progress(item.job_id)
    return True


def render_certificate_items(*, item_ids) -> list[int]:
    """Render several job items one after the other, each exactly as render_certificate_item (own transaction).

    Effects: those of render_certificate_item for each item; an item whose rendering raises is logged and sent
    back alone as an `awards.render_certificate` task, which retries it and finally marks it failed, so that one
    bad certificate never fails the others of its task. Returns the ids sent back.
    """
    from awards import tasks

    failed = []
    for item_id in item_ids:
        try:
            render_certificate_item(item_id=item_id)
        except Exception:
            logger.warning("certificate item %s failed in a batch task; retrying it alone", item_id, exc_info=True)
            failed.append(item_id)
    enqueue_many_on_commit(tasks.render_certificate, [{"item_id": item_id} for item_id in failed])
    return failed


@transaction.atomic
def mark_item_failed(*, item_id, error: str):
    """Record that an item's file could not be made after its retries. Effects: item failed, job counts updated."""
    item = JobItem.objects.select_for_update().filter(pk=item_id).first()
    if item is None or item.status == ItemStatus.DONE:
        return
    item.status = ItemStatus.FAILED
    item.attempts += 1
    item.error = error[:2000]
    item.save(update_fields=["status", "attempts", "error", "updated_at"])
    _update_progress(item.job_id)


def _update_progress(job_id):
    from awards import tasks

    job = GenerationJob.objects.select_for_update().get(pk=job_id)
    counts = dict(job.items.values_list("status").annotate(n=Count("pk")).order_by())
    job.done = counts.get(ItemStatus.DONE, 0)
    job.failed = counts.get(ItemStatus.FAILED, 0)
    fields = ["done", "failed"]
    if job.status == JobStatus.QUEUED:
        job.status = JobStatus.RUNNING
        job.started_at = timezone.now()
        fields += ["status", "started_at"]
    if job.done + job.failed >= job.total and job.status != JobStatus.DONE:
        if job.failed:
            job.status = JobStatus.FAILED
            job.finished_at = timezone.now()
            fields += ["status", "finished_at"]
        else:
            enqueue_on_commit(tasks.finish_certificate_job, job_id=job.pk)
    job.save(update_fields=fields)


def finish_certificate_job(*, job_id) -> bool:
    """Pack the batch's files into one ZIP and mark the job done (once; a second run does nothing).

    Effects: writes private/jobs/<competition>/certificates-<job>.zip, sets GenerationJob.result, status done,
    finished_at, done = total.
    """
    with transaction.atomic():
        job = GenerationJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status == JobStatus.DONE:
            return False
        if job.items.exclude(status=ItemStatus.DONE).exists():
            return False
        certificates = Certificate.objects.filter(job_items__job=job).order_by("kind", "serial")
        with tempfile.TemporaryFile() as handle:
            with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_STORED) as archive:
                for certificate in certificates:
                    with default_storage.open(certificate.file.name, "rb") as pdf_file:
                        archive.writestr(f"{certificate.kind}/{certificate.serial}.pdf", pdf_file.read())
            handle.seek(0)
            name = f"private/jobs/{job.competition_id}/certificates-{job.pk}.zip"
            if default_storage.exists(name):
                default_storage.delete(name)
            job.result = default_storage.save(name, File(handle))
        job.status = JobStatus.DONE
        job.done = job.total
        job.finished_at = timezone.now()
        job.save(update_fields=["result", "status", "done", "finished_at"])
    return True


@transaction.atomic
def retry_failed_items(*, job, actor) -> int:
    """Try the files that failed again. Effects: failed items back to pending, job running, tasks enqueued."""
    job = GenerationJob.objects.select_for_update().get(pk=job.pk)
    ids = list(job.items.filter(status=ItemStatus.FAILED).order_by("pk").values_list("pk", flat=True))
    if not ids:
        return 0
    JobItem.objects.filter(pk__in=ids).update(status=ItemStatus.PENDING, error="")
    job.status = JobStatus.RUNNING
    job.failed = 0
    job.error = ""
    job.finished_at = None
    job.save(update_fields=["status", "failed", "error", "finished_at"])
    _enqueue_rendering(ids)
    return len(ids)


@transaction.atomic
def resume_unfinished_jobs() -> int:
    """Re-send the remaining work of every unfinished job (called when a worker starts, e.g. after a crash).

    Effects: enqueues render tasks for pending items and finish/leaderboard tasks; rendering is idempotent,
    so a message that is also redelivered by the broker only finds its item done.
    """
    from awards import tasks

    jobs = GenerationJob.objects.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
    for job in jobs:
        if job.kind == JobKind.CERTIFICATES:
            _resend(job)
        else:
            enqueue_on_commit(tasks.render_leaderboard, job_id=job.pk)
    return len(jobs)


@transaction.atomic
def revoke_certificate(*, certificate, reason: str, actor) -> Certificate:
    """Revoke a certificate: the verify page then says so. Effects: sets revoked_at, revoked_reason and revoked_by
    (the committee's audit timeline shows who)."""
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.revoked_at is None:
        certificate.revoked_at = timezone.now()
        certificate.revoked_reason = reason
        certificate.revoked_by = actor
        certificate.save(update_fields=["revoked_at", "revoked_reason", "revoked_by"])
    return certificate


def certificate_counts(competition) -> dict:
    return Certificate.objects.filter(competition=competition).aggregate(
        total=Count("pk"), revoked=Count("pk", filter=Q(revoked_at__isnull=False))
    )

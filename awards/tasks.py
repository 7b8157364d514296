"""Celery tasks: thin wrappers taking ids and calling awards services. Idempotent, acks_late."""

import logging

from celery import shared_task
from celery.signals import worker_ready

logger = logging.getLogger(__name__)

MAX_RETRIES = 2


@shared_task(name="awards.render_certificates", acks_late=True, ignore_result=True)
def render_certificates(*, item_ids):
    from awards.services import certificates

    certificates.render_certificate_items(item_ids=item_ids)


# One file with retries: a file that failed inside render_certificates, and messages sent before batching.
@shared_task(name="awards.render_certificate", bind=True, acks_late=True, max_retries=MAX_RETRIES, ignore_result=True)
def render_certificate(self, *, item_id):
    from awards.services import certificates

    try:
        certificates.render_certificate_item(item_id=item_id)
    except Exception as exc:
        if self.request.retries < MAX_RETRIES:
            raise self.retry(exc=exc, countdown=2**self.request.retries) from exc
        logger.exception("certificate item %s failed", item_id)
        certificates.mark_item_failed(item_id=item_id, error=f"{type(exc).__name__}: {exc}")


@shared_task(name="awards.finish_certificate_job", acks_late=True)
def finish_certificate_job(*, job_id):
    from awards.services import certificates

    certificates.finish_certificate_job(job_id=job_id)


@shared_task(name="awards.render_leaderboard", acks_late=True)
def render_leaderboard(*, job_id):
    from awards.services import ceremony

    ceremony.render_leaderboard_job(job_id=job_id)


@shared_task(name="awards.send_shortlist_emails", acks_late=True)
def send_shortlist_emails(*, snapshot_id):
    from awards.services import shortlists

    shortlists.send_shortlist_emails(snapshot_id=snapshot_id)


@worker_ready.connect
def resume_unfinished_jobs(sender=None, **kwargs):
    """A worker that starts (again) finishes what a killed one left: re-sending is harmless, rendering idempotent."""
    from awards.services import certificates

    try:
        certificates.resume_unfinished_jobs()
    except Exception:
        logger.exception("could not resume unfinished jobs")

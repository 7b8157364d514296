"""Celery tasks: thin wrappers taking ids and calling judging services. Re-sending a mail is harmless."""

from celery import shared_task


@shared_task(name="judging.send_invitation", acks_late=True)
def send_invitation(*, member_id, new_account, base_url):
    from judging import services

    services.send_invitation(member_id=member_id, new_account=new_account, base_url=base_url)


@shared_task(name="judging.send_reminder", acks_late=True)
def send_reminder(*, member_id, base_url):
    from judging import services

    services.send_reminder(member_id=member_id, base_url=base_url)


@shared_task(name="judging.send_reopen_notice", acks_late=True)
def send_reopen_notice(*, sheet_id, base_url):
    from judging import services

    services.send_reopen_notice(sheet_id=sheet_id, base_url=base_url)

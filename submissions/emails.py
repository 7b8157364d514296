"""E-mails of the agency side, rendered from templates/emails/submission_<name>_{subject.txt,body.txt,body.html}."""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)


def send(name: str, recipients, context: dict) -> bool:
    """Send one templated e-mail in the default language; a mail server failure is logged, never raised.

    The state change that triggered the mail is already committed, so failing the request would only hide it.
    """
    recipients = sorted({r for r in recipients if r})
    if not recipients:
        return False
    context = {"site_url": settings.SITE_URL, **context}
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"emails/submission_{name}_subject.txt", context).split())
        text = render_to_string(f"emails/submission_{name}_body.txt", context)
        html = render_to_string(f"emails/submission_{name}_body.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, recipients)
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except Exception:  # the mail server is outside our control; the page must still answer
        logger.exception("could not send %s e-mail to %s", name, recipients)
        return False
    return True


def agency_recipients(agency) -> list[str]:
    emails = [agency.email]
    emails += [m.user.email for m in agency.memberships.select_related("user") if m.user.is_active]
    return emails

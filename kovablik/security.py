"""Cross-cutting protections: the privileged-session idle timeout, framing of our own pages, the login lockout page.

The header policy itself (CSP, HSTS, cookies, X-Frame-Options) is configured in settings; this module holds the
code that settings cannot express.
"""

import ipaddress
import logging
import time
from functools import wraps

from axes.backends import AxesStandaloneBackend
from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.shortcuts import render
from django.utils.translation import gettext as _

from competitions.rules import is_committee
from judging.rules import is_judge

logger = logging.getLogger(__name__)

# Session keys; the leading underscore keeps them clear of the apps' own keys.
PRIVILEGED_KEY = "_kovablik_privileged"
LAST_SEEN_KEY = "_kovablik_last_seen"
# Refresh the last-seen stamp at most this often, so an active user does not cost a session write per request.
LAST_SEEN_RESOLUTION_SECONDS = 60


def is_privileged(user) -> bool:
    """Accounts that can see unpublished scores or change results: committee, judges, staff."""
    if not user.is_authenticated:
        return False
    return user.is_staff or is_committee(user) or is_judge(user)


def mark_session(sender, request, user, **kwargs):
    """On login, remember in the session whether the idle timeout applies, so requests need no role query."""
    if request is None or not hasattr(request, "session"):
        return
    request.session[PRIVILEGED_KEY] = is_privileged(user)
    request.session[LAST_SEEN_KEY] = int(time.time())


class PrivilegedSessionTimeoutMiddleware:
    """Log committee, judge and staff accounts out after KOVABLIK_PRIVILEGED_IDLE_MINUTES without a request.

    An unattended laptop in a judging room must not stay signed in to unpublished scores. Agency accounts keep
    Django's ordinary session age: they draft long proposals and hold nothing secret from other people.
    After the timeout the request goes on as anonymous, so a protected page sends the user to the login form with
    a message saying why.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        self._check(request)
        return self.get_response(request)

    def _check(self, request):
        session = request.session
        if "_auth_user_id" not in session:
            return
        privileged = session.get(PRIVILEGED_KEY)
        if privileged is None:
            # A session from before this middleware existed: decide once and remember.
            privileged = session[PRIVILEGED_KEY] = is_privileged(request.user)
        if not privileged:
            return
        now = int(time.time())
        last_seen = session.get(LAST_SEEN_KEY, now)
        if now - last_seen > settings.KOVABLIK_PRIVILEGED_IDLE_MINUTES * 60:
            logout(request)
            request.user = AnonymousUser()
            messages.info(
                request,
                _("You were signed out after %(minutes)d minutes without activity. Please log in again.")
                % {"minutes": settings.KOVABLIK_PRIVILEGED_IDLE_MINUTES},
            )
            return
        if now - last_seen >= LAST_SEEN_RESOLUTION_SECONDS or LAST_SEEN_KEY not in session:
            session[LAST_SEEN_KEY] = now


class CSPMiddleware(BaseCSPMiddleware):
    """django-csp's middleware, with frame-ancestors kept in step with X-Frame-Options.

    A view marked with Django's xframe_options_sameorigin (or embeddable_by_own_pages) may be framed by our own
    pages; without this, the policy's frame-ancestors 'none' would still block it in every current browser.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if response.get("X-Frame-Options", "").upper() == "SAMEORIGIN":
            parts.replace = {**(parts.replace or {}), "frame-ancestors": ["'self'"]}
        return parts


def embeddable_by_own_pages(view):
    """Let pages of this site (only) show the view's response in a frame, e.g. an attachment viewer.

    Every other response is DENY / frame-ancestors 'none'. Both headers are relaxed together (CSPMiddleware
    follows X-Frame-Options): browsers that understand CSP ignore X-Frame-Options, older ones read only it.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["X-Frame-Options"] = "SAMEORIGIN"
        return response

    return wrapped


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' lockout check for every login that comes with an HTTP request.

    Every login form (ours and the admin's) passes the request. A call without one (the test client's login(),
    a shell) has no client to throttle, so it is left to the next backend instead of failing.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_ip(request) -> str | None:
    """The client's address for login throttling (AXES_CLIENT_IP_CALLABLE).

    Behind KOVABLIK_PROXY_COUNT proxies, the address our nearest proxies saw is that many entries from the right
    of X-Forwarded-For; entries further left are whatever the client chose to send and are never trusted.
    """
    count = settings.KOVABLIK_PROXY_COUNT
    if count:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= count and _is_ip(forwarded[-count]):
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def throttle_username(request, credentials=None) -> str | None:
    """The username a login attempt is counted under (AXES_USERNAME_CALLABLE).

    Cut to the throttle table's 255 characters and cleared of NUL, so a hostile login form cannot make the
    attempt's bookkeeping fail; real usernames are at most 150 characters and pass unchanged.
    """
    field = settings.AXES_USERNAME_FORM_FIELD
    source = credentials if credentials else getattr(request, "POST", {})
    username = source.get(field)
    if username is None:
        return None
    return str(username).replace("\x00", "")[:255]


def lockout(request, original_response=None, credentials=None):
    """django-axes calls this when a login is refused because of too many failures (AXES_LOCKOUT_CALLABLE)."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "kovablik/lockout.html", context, status=429)


def unlock_login(*, attempt_id: int, actor) -> None:
    """Lift one login lockout before its cool-off ends.

    Effects: deletes the AccessAttempt row (its failure count goes with it); logs who lifted it for whom.
    Notifies no one and enqueues nothing.
    """
    from axes.models import AccessAttempt

    with transaction.atomic():
        attempt = AccessAttempt.objects.select_for_update().filter(pk=attempt_id).first()
        if attempt is None:
            return
        logger.warning(
            "login lockout lifted by %s for username=%r ip=%s after %d failures",
            actor.get_username(),
            attempt.username,
            attempt.ip_address,
            attempt.failures_since_start,
        )
        attempt.delete()

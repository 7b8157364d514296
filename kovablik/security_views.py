"""Security administration pages: the login lockouts the staff can lift."""

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kovablik.rules import may_unlock_logins
from kovablik.security import unlock_login


def _locked_attempts():
    threshold = timezone.now() - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=threshold
    ).order_by("-attempt_time")


@login_required
def lockouts(request):
    if not may_unlock_logins(request.user):
        raise Http404
    return render(request, "kovablik/lockouts.html", {"attempts": _locked_attempts()})


@login_required
@require_POST
def unlock(request, pk):
    if not may_unlock_logins(request.user):
        raise Http404
    attempt = get_object_or_404(_locked_attempts(), pk=pk)
    unlock_login(attempt_id=attempt.pk, actor=request.user)
    messages.success(request, _("The login of %(username)s is unlocked.") % {"username": attempt.username})
    return redirect("security_lockouts")

"""The two-level chain: the local admin's dashboard and decisions, and the committee's view of what waits."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from competitions.rules import get_competition_for_committee, is_committee
from submissions import queries, rules, services
from submissions.enums import InnovationStatus
from submissions.forms import EndorsementForm


def _with_wait(innovations):
    now = timezone.now()
    for innovation in innovations:
        innovation.waiting_days = (now - innovation.submitted_at).days if innovation.submitted_at else 0
    return innovations


@login_required
def local_admin_dashboard(request):
    if not rules.is_local_admin(request.user):
        raise Http404
    local_admin = request.user.local_admin
    waiting = _with_wait(list(queries.waiting_for_endorsement(rules.endorsable_innovations(request.user))))
    innovations = (
        rules.visible_innovations(request.user)
        .filter(agency__in=rules.local_admin_agencies(request.user))
        .select_related("competition", "agency", "category")
        .order_by("agency__name", "title")
    )
    return render(
        request,
        "submissions/local_admin_dashboard.html",
        {
            "local_admin": local_admin,
            "agencies_count": rules.local_admin_agencies(request.user).count(),
            "waiting": waiting,
            "innovations": innovations,
        },
    )


@login_required
def endorse(request, pk):
    innovation = get_object_or_404(
        rules.endorsable_innovations(request.user).select_related("competition", "agency", "category", "group"),
        pk=pk,
    )
    if innovation.status != InnovationStatus.SUBMITTED:
        messages.info(request, _("This entry does not wait for your endorsement."))
        return redirect(innovation)
    form = EndorsementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decide_endorsement(
                innovation=innovation,
                outcome=form.cleaned_data["outcome"],
                comment=form.cleaned_data["comment"],
                actor=request.user,
            )
        except services.Refused as refused:
            form.add_error(None, refused.problems[0].message)
        else:
            messages.success(request, _("Decision recorded; the agency has been told by e-mail."))
            return redirect("submissions:local_admin_dashboard")
    answers = innovation.answers.select_related("question").order_by("question__order")
    return render(
        request,
        "submissions/endorse.html",
        {
            "innovation": innovation,
            "form": form,
            "answers": answers,
            "attachments": innovation.attachments.select_related("requirement"),
        },
    )


@login_required
def endorsement_waiting(request, slug):
    competition = get_competition_for_committee(request.user, slug=slug)
    waiting = _with_wait(list(queries.waiting_for_endorsement(competition.innovations.all())))
    return render(request, "submissions/endorsement_waiting.html", {"competition": competition, "waiting": waiting})


@login_required
@require_POST
def remind(request, pk):
    """The committee nudges the local admin about an entry that waits for endorsement (one e-mail, no data change)."""
    innovation = rules.get_visible_innovation(request.user, pk)
    committee = is_committee(request.user, innovation.competition)
    if not committee:
        raise Http404
    if services.send_endorsement_reminder(innovation=innovation, actor=request.user):
        messages.success(request, _("Reminder sent to the local admin."))
    else:
        messages.error(request, _("No reminder sent: the entry no longer waits, or its region has no local admin."))
    return redirect("submissions:endorsement_waiting", slug=innovation.competition.slug)

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from submissions import rules
from submissions.models import Innovation


@login_required
def dashboard(request):
    if not rules.is_agency_member(request.user):
        raise Http404
    agencies = rules.user_agencies(request.user)
    innovations = (
        Innovation.objects.filter(agency__in=agencies)
        .select_related("competition", "category", "group", "agency", "stage_reached")
        .order_by("-competition__year", "title")
    )
    return render(request, "submissions/dashboard.html", {"agencies": agencies, "innovations": innovations})


@login_required
def local_admin_dashboard(request):
    if not rules.is_local_admin(request.user):
        raise Http404
    local_admin = request.user.local_admin
    innovations = (
        Innovation.objects.filter(agency__local_admin=local_admin)
        .select_related("competition", "agency", "category")
        .order_by("agency__name", "title")
    )
    return render(
        request,
        "submissions/local_admin_dashboard.html",
        {"local_admin": local_admin, "agencies": local_admin.agencies.all(), "innovations": innovations},
    )


@login_required
def innovation_detail(request, pk):
    innovation = get_object_or_404(
        rules.visible_innovations(request.user).select_related("competition", "agency", "category", "group"),
        pk=pk,
    )
    answers = innovation.answers.select_related("question").order_by("question__order")
    return render(request, "submissions/innovation_detail.html", {"innovation": innovation, "answers": answers})

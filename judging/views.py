from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from judging import rules
from judging.models import Assignment


@login_required
def dashboard(request):
    if not rules.is_judge(request.user):
        raise Http404
    assignments = (
        Assignment.objects.filter(judge=request.user, stage__panel__judge=request.user, stage__panel__withdrawn_at=None)
        .select_related("stage__competition", "innovation", "sheet")
        .order_by("stage__competition__name", "stage__order", "innovation__title")
    )
    return render(request, "judging/dashboard.html", {"assignments": assignments})

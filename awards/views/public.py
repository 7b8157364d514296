from django.db.models import Q
from django.shortcuts import render
from django.views.decorators.http import require_GET

from awards import rules


@require_GET
def results_index(request):
    q = request.GET.get("q", "").strip()
    competitions = rules.public_competitions().order_by("-year", "name")
    if q:
        competitions = competitions.filter(Q(name__icontains=q) | Q(organiser__icontains=q))
    return render(request, "awards/results_index.html", {"competitions": competitions, "q": q})

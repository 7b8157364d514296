from django.shortcuts import render
from django.views.decorators.http import require_GET

from competitions.models import Competition


@require_GET
def results_index(request):
    competitions = Competition.objects.filter(is_public=True).order_by("-year", "name")
    return render(request, "awards/results_index.html", {"competitions": competitions})

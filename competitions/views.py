from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from competitions.models import Competition


@require_GET
def detail(request, slug):
    competition = get_object_or_404(Competition, slug=slug, is_public=True)
    return render(
        request,
        "competitions/detail.html",
        {
            "competition": competition,
            "stages": competition.stages.order_by("order"),
            "categories": competition.categories.all(),
        },
    )

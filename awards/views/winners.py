from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from awards import rules
from awards.enums import JobKind
from awards.forms import AwardForm, LeaderboardForm
from awards.models import Award, GenerationJob, WinnersRelease
from awards.services import ceremony
from awards.services import winners as service
from competitions.models import Category
from judging.ranking import rank_final
from submissions.models import Innovation


def _candidates(competition, category):
    """(ranked entries, innovation queryset) for a category: the final ranking, else the frozen list's entries."""
    ranking = rank_final(competition, category=category)
    ids = [entry.innovation_id for entry in ranking]
    if not ids:
        ids = [row.innovation_id for row in ceremony.leaderboard_rows(ceremony.latest_snapshot(competition), category)]
    innovations = Innovation.objects.filter(competition=competition, pk__in=ids).select_related("agency")
    return ranking, innovations


@login_required
@require_GET
def winners(request, slug):
    competition = rules.get_competition_for_committee(request.user, slug=slug)
    release = WinnersRelease.objects.filter(competition=competition).first()
    sections = []
    # Category by category, then the overall places and special awards across categories (category None).
    for category in [*Category.objects.filter(competition=competition), None]:
        ranking, innovations = _candidates(competition, category)
        by_id = {i.pk: i for i in innovations}
        key = category.pk if category else 0
        sections.append(
            {
                "category": category,
                "key": key,
                "ranking": [(entry, by_id.get(entry.innovation_id)) for entry in ranking[:10]],
                "form": AwardForm(innovations=innovations, prefix=f"c{key}"),
                "awards": Award.objects.filter(competition=competition, category=category).select_related(
                    "innovation__agency"
                ),
            }
        )
    return render(
        request,
        "awards/winners.html",
        {"competition": competition, "sections": sections, "release": release},
    )


@login_required
@require_POST
def assign(request, slug, category_id):
    competition = rules.get_competition_for_committee(request.user, slug=slug)
    category = get_object_or_404(Category, competition=competition, pk=category_id) if category_id else None
    _ranking, innovations = _candidates(competition, category)
    form = AwardForm(request.POST, innovations=innovations, prefix=f"c{category_id}")
    if form.is_valid():
        try:
            service.assign_award(
                competition=competition,
                category=category,
                actor=request.user,
                **form.cleaned_data,
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The place has been assigned."))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("awards:winners", slug=competition.slug)


@login_required
@require_POST
def remove(request, slug, pk):
    competition = rules.get_competition_for_committee(request.user, slug=slug)
    award = get_object_or_404(Award, competition=competition, pk=pk)
    try:
        service.remove_award(award=award, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("awards:winners", slug=competition.slug)


@login_required
@require_POST
def publish(request, slug):
    competition = rules.get_competition_for_committee(request.user, slug=slug)
    try:
        service.publish_winners(competition=competition, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The winners are now public."))
    return redirect("awards:winners", slug=competition.slug)


@login_required
@require_GET
def ceremony_index(request, slug):
    competition = rules.get_competition_for_committee(request.user, slug=slug)
    categories = Category.objects.filter(competition=competition)
    return render(
        request,
        "awards/ceremony_index.html",
        {
            "competition": competition,
            "categories": categories,
            "snapshot": ceremony.latest_snapshot(competition),
            "form": LeaderboardForm(categories=categories),
            "jobs": GenerationJob.objects.filter(competition=competition, kind=JobKind.LEADERBOARD)[:10],
        },
    )


@login_required
@require_POST
def start_leaderboard(request, slug):
    competition = rules.get_competition_for_committee(request.user, slug=slug)
    form = LeaderboardForm(request.POST, categories=Category.objects.filter(competition=competition))
    if form.is_valid():
        ceremony.start_leaderboard(competition=competition, category=form.cleaned_data["category"], actor=request.user)
        messages.success(request, _("The leaderboard is being made."))
    return redirect("awards:ceremony_index", slug=competition.slug)


@login_required
@require_GET
def ceremony_screen(request, slug, category_id=None):
    competition = rules.get_competition_for_committee(request.user, slug=slug)
    category = get_object_or_404(Category, competition=competition, pk=category_id) if category_id else None
    return render(
        request,
        "awards/ceremony.html",
        {
            "competition": competition,
            "category": category,
            "slides": ceremony.ceremony_slides(competition, category),
        },
    )

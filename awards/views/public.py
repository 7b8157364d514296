from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from awards import public_cache, queries, rules
from awards.filters import GalleryFilter
from awards.forms import ObjectionForm
from awards.models import Award
from awards.services import shortlists as service
from submissions.models import Answer


@require_GET
def results_index(request):
    q = request.GET.get("q", "").strip()
    competitions = rules.public_competitions().order_by("-year", "name")
    if q:
        competitions = competitions.filter(Q(name__icontains=q) | Q(organiser__icontains=q))
    return render(request, "awards/results_index.html", {"competitions": competitions, "q": q})


def _public_rows(snapshot, q=""):
    """A published list's listed rows, unevaluated: only run when its rendered rows are not in the cache."""
    rows = (
        snapshot.rows.filter(listed=True)
        .select_related("innovation__agency__region", "innovation__category")
        .order_by("innovation__category__order", "innovation__category__name", "rank")
    )
    if q:
        rows = rows.filter(Q(innovation__title__icontains=q) | Q(innovation__agency__name__icontains=q))
    return rows


@require_GET
def competition_results(request, slug):
    """A competition's current published lists and, once public, its winners.

    Anonymous visitors get the whole page from the cache (awards.public_cache): looked up before any query.
    """
    cached = public_cache.cacheable(request)
    version = None
    if cached:
        language = get_language()
        hit, version = public_cache.lookup(slug, language)
        if hit is not None:
            return hit
    competition = rules.get_public_competition(slug)
    q = request.GET.get("q", "").strip()
    snapshots = list(
        rules.public_snapshots()
        .filter(stage__competition=competition, superseded_by__isnull=True)
        .select_related("stage__competition", "supersedes", "superseded_by")
        .order_by("-stage__order")
    )
    for snapshot in snapshots:
        snapshot.public_rows = _public_rows(snapshot, q)
        if not q:
            snapshot.rows_html = public_cache.rows_html(snapshot, snapshot.public_rows)
        snapshot.may_object = rules.may_object(snapshot)
    release = getattr(competition, "winners_release", None) if rules.winners_are_public(competition) else None
    winners = None
    if release is not None:
        winners = (
            Award.objects.filter(competition=competition)
            .select_related("innovation__agency", "category")
            .order_by("category__order", "category__name", "place")
        )
        if q:
            winners = winners.filter(Q(innovation__title__icontains=q) | Q(innovation__agency__name__icontains=q))
    context = {"competition": competition, "snapshots": snapshots, "winners": winners, "release": release, "q": q}
    if cached:
        # The cached page is the same whatever else the query string holds: the language links return to the path.
        context["language_next"] = request.path
    response = render(request, "awards/competition_results.html", context)
    if cached:
        public_cache.store(slug, language, version, response, public_cache.timeout(snapshots))
    return response


@require_GET
def snapshot_public(request, slug, pk):
    competition = rules.get_public_competition(slug)
    snapshot = get_object_or_404(
        rules.public_snapshots()
        .filter(stage__competition=competition)
        .select_related("stage__competition", "supersedes", "superseded_by"),
        pk=pk,
    )
    snapshot.rows_html = public_cache.rows_html(snapshot, _public_rows(snapshot))
    return render(
        request,
        "awards/snapshot_public.html",
        {"competition": competition, "snapshot": snapshot, "may_object": rules.may_object(snapshot)},
    )


@require_http_methods(["GET", "POST"])
def objection_create(request, slug, pk):
    competition = rules.get_public_competition(slug)
    snapshot = get_object_or_404(
        rules.public_snapshots().filter(stage__competition=competition).select_related("stage"), pk=pk
    )
    if not rules.may_object(snapshot):
        messages.error(request, _("Objections to this list are not accepted now."))
        return redirect("awards:snapshot_public", slug=competition.slug, pk=snapshot.pk)
    innovations = queries.snapshot_innovations(snapshot)
    form = ObjectionForm(request.POST or None, innovations=innovations)
    if request.method == "POST" and form.is_valid():
        try:
            service.file_objection(snapshot=snapshot, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your objection has been filed. The committee will answer it by e-mail."))
            return redirect("awards:snapshot_public", slug=competition.slug, pk=snapshot.pk)
    return render(
        request, "awards/objection_form.html", {"competition": competition, "snapshot": snapshot, "form": form}
    )


@require_GET
def gallery(request):
    summary = Answer.objects.filter(innovation=OuterRef("pk")).order_by("question__order").values("text")[:1]
    base = (
        queries.published_innovations()
        .select_related("agency__region", "category", "competition")
        .annotate(summary=Subquery(summary))
        .order_by("-competition__year", "competition__name", "title")
    )
    filterset = GalleryFilter(request.GET or None, queryset=base)
    innovations = filterset.qs if filterset.is_bound and filterset.is_valid() else base
    page = Paginator(innovations, 24).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "awards/gallery.html", {"filter": filterset, "page": page, "query": query.urlencode()})

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from competitions.models import Competition
from competitions.rules import committee_competitions, get_competition_for_committee
from kovablik import audit, dashboards
from kovablik.roles import roles_of


@require_GET
def home(request):
    """Signed-in users land on their first role's dashboard; everyone else sees the public front page."""
    if request.user.is_authenticated:
        roles = roles_of(request.user)
        if roles:
            return redirect(roles[0].url)
        return render(request, "kovablik/no_role.html")
    competitions = Competition.objects.filter(is_public=True).order_by("-year", "name")[:20]
    return render(request, "kovablik/home.html", {"competitions": competitions})


@login_required
def committee_dashboard(request):
    competitions = committee_competitions(request.user).order_by("-year", "name")
    if not competitions.exists() and not request.user.is_superuser:
        raise Http404
    return render(
        request,
        "kovablik/committee_dashboard.html",
        {"competitions": competitions},
    )


@login_required
def committee_competition(request, slug):
    competition = get_competition_for_committee(request.user, slug=slug)
    context = {"competition": competition, **dashboards.committee_panels(competition)}
    return render(request, "kovablik/committee_competition.html", context)


@login_required
@require_GET
def committee_audit(request, slug):
    competition = get_competition_for_committee(request.user, slug=slug)
    entries = audit.committee_audit(competition)
    if request.GET.get("format") == "csv":
        return audit.audit_csv(competition, entries)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "kovablik/audit.html", {"competition": competition, "page": page})


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")

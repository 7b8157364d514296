from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
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


@never_cache
@require_GET
def switch_language(request, code):
    """Remember the visitor's language in the language cookie and go back to `next` (a page of this site only).

    The language switch is a set of plain links to this view rather than a form posting to Django's set_language:
    pages then carry no per-visitor CSRF token, so the public results page can be cached for every anonymous
    visitor. A GET that changes state is harmless here: another site can at most switch someone's language.
    """
    if code not in dict(settings.LANGUAGES):
        raise Http404
    next_url = request.GET.get("next", "")
    allowed_hosts = {request.get_host()}
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts=allowed_hosts, require_https=request.is_secure()):
        next_url = reverse("home")
    response = HttpResponseRedirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response

"""Every page of the portal as each role sees it: the URL patterns filled from a small data set, for smoke tests."""

import re

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests import factories as f

SKIPPED_PREFIXES = ("admin/", "^media/", "i18n/", "accounts/logout/")


def url_patterns(patterns=None, prefix="", namespace=None):
    """(route, url name) of every named pattern, namespaces included."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else pattern.namespace
            yield from url_patterns(pattern.url_patterns, prefix + str(pattern.pattern), inner or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield prefix + str(pattern.pattern), f"{namespace}:{pattern.name}" if namespace else pattern.name


def portal_data():
    """One competition with a submitted innovation, an attachment and a certificate, and a user in each role."""
    competition = f.CompetitionFactory(slug="kolabik-uji", name="Kolabik Uji", is_public=True)
    stage = f.StageFactory(competition=competition, order=3, kind="proposal", name="Evaluasi Proposal")
    category = f.CategoryFactory(competition=competition)
    committee = f.CommitteeMemberFactory(competition=competition, user=f.UserFactory(username="panitia")).user
    region = f.RegionFactory(name="Kota Pasuruan", kind="city")
    local_admin = f.LocalAdminFactory(user=f.UserFactory(username="admin_lokal"), region=region).user
    agency = f.AgencyFactory(name="Dinas Kesehatan", region=region, local_admin=local_admin.local_admin)
    member = f.AgencyMembershipFactory(agency=agency, user=f.UserFactory(username="anggota")).user
    judge = f.PanelMemberFactory(stage=stage, judge=f.UserFactory(username="juri")).judge
    innovation = f.InnovationFactory(competition=competition, agency=agency, category=category, status="submitted")
    f.AssignmentFactory(stage=stage, judge=judge, innovation=innovation)
    attachment = f.AttachmentFactory(innovation=innovation, original_name="SK.pdf")
    certificate = f.CertificateFactory(competition=competition, innovation=innovation)
    superuser = f.UserFactory(username="super", is_superuser=True, is_staff=True)
    ids = {
        "slug": competition.slug,
        "stage_id": stage.pk,
        "order": stage.order,
        "category_id": category.pk,
        "code": certificate.code,
        "innovations": innovation.pk,
        "screening": innovation.pk,
        "attachments": attachment.pk,
        "agencies": agency.pk,
        "certificates": certificate.pk,
    }
    users = {
        "anonymous": None,
        "agency_member": member,
        "local_admin": local_admin,
        "judge": judge,
        "committee": committee,
        "superuser": superuser,
    }
    return ids, users


def page_urls(ids) -> list[str]:
    """A URL for every GET page; a pk is taken from the folder before it (innovations/<pk> -> an innovation)."""
    urls = []
    for route, name in url_patterns():
        if route.startswith(SKIPPED_PREFIXES) or "uidb64" in route:
            continue
        kwargs = {}
        for match in re.finditer(r"<(?:(\w+):)?(\w+)>", route):
            converter, param = match.groups()
            folder = route[: match.start()].rstrip("/").rsplit("/", 1)[-1]
            fallback = 1 if converter == "int" else "x"
            kwargs[param] = ids.get(param) or ids.get(folder) or fallback
        urls.append(reverse(name, kwargs=kwargs))
    return sorted(set(urls))


def crawl(client, users, urls, inspect=None) -> dict[tuple[str, str], int]:
    """GET every URL as every role; returns {(role, url): status}. inspect(role, url, response) sees each response."""
    statuses = {}
    for role, user in users.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        for url in urls:
            response = client.get(url)
            statuses[(role, url)] = response.status_code
            if inspect is not None:
                inspect(role, url, response)
    return statuses

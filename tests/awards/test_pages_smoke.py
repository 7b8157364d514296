import re

from django.urls import reverse

from awards.services import shortlists
from tests import factories as f
from tests.kovablik.pages import crawl, url_patterns


def awards_urls(ids):
    urls = []
    for route, name in url_patterns():
        if not name.startswith("awards:"):
            continue
        kwargs = {}
        for match in re.finditer(r"(\w+)/<(?:\w+:)?(\w+)>", route):
            folder, param = match.groups()
            kwargs[param] = ids.get(param) or ids.get(folder) or 1
        urls.append(reverse(name, kwargs=kwargs))
    return sorted(set(urls))


def test_every_awards_page_answers_every_role_without_error(
    client, competition, committee, agency_member, other_agency_member, judge, proposal_stage, ranked
):
    snapshot = shortlists.publish_shortlist(
        stage=proposal_stage, rule="top_n", params={"n": 2}, actor=committee, objection_days=2
    )
    certificate = f.CertificateFactory(competition=competition, innovation=ranked["a"])
    ids = {
        "slug": competition.slug,
        "stage_id": proposal_stage.pk,
        "category_id": ranked["a"].category_id,
        "lists": snapshot.pk,
        "code": certificate.code,
        "certificates": certificate.pk,
    }
    users = {
        "anonymous": None,
        "agency_member": agency_member,
        "other_agency_member": other_agency_member,
        "judge": judge,
        "committee": committee,
    }
    urls = awards_urls(ids)
    assert len(urls) > 20

    statuses = crawl(client, users, urls)

    errors = {key: status for key, status in statuses.items() if status >= 500 or status == 403}
    assert errors == {}
    assert statuses[("anonymous", f"/results/{competition.slug}/")] == 200
    assert statuses[("anonymous", f"/results/{competition.slug}/lists/{snapshot.pk}/objection/")] == 200
    assert statuses[("committee", f"/committee/{competition.slug}/awards/lists/{snapshot.pk}/")] == 200
    assert statuses[("agency_member", f"/committee/{competition.slug}/awards/certificates/")] == 404

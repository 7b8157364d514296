"""The leaderboard's stage navigation, rendered once per process for what it prints, and its category choice."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests import factories as f

pytestmark = pytest.mark.django_db


def url(stage):
    return reverse("judging:leaderboard", args=[stage.competition.slug, stage.order])


def test_the_nav_links_every_stage_page_and_follows_a_rename_at_once(client, committee, proposal_stage):
    client.force_login(committee)
    html = client.get(url(proposal_stage)).content.decode()
    slug = proposal_stage.competition.slug
    for name in ("rubric", "panel", "assignment", "progress", "leaderboard", "audit"):
        assert reverse(f"judging:{name}", args=[slug, 3]) in html
    assert reverse("committee_competition", args=[slug]) in html
    assert '<li class="breadcrumb-item active" aria-current="page">Evaluasi Proposal</li>' in html

    proposal_stage.name = "Penilaian Proposal"
    proposal_stage.save()
    competition = proposal_stage.competition
    competition.name = "Kompetisi Berganti Nama"
    competition.save()
    html = client.get(url(proposal_stage)).content.decode()
    assert '<li class="breadcrumb-item active" aria-current="page">Penilaian Proposal</li>' in html
    assert "Kompetisi Berganti Nama" in html.split('<ol class="breadcrumb">', 1)[1].split("</ol>", 1)[0]


def test_the_nav_is_in_the_language_of_the_request(client, committee, proposal_stage):
    client.force_login(committee)
    with translation.override("en"):
        english = client.get(url(proposal_stage), headers={"accept-language": "en"}).content.decode()
    indonesian = client.get(url(proposal_stage), headers={"accept-language": "id"}).content.decode()
    assert "Audit trail" in english
    assert "Audit trail" not in indonesian


def test_the_categories_are_offered_in_their_order(client, committee, proposal_stage):
    competition = proposal_stage.competition
    f.CategoryFactory(competition=competition, name="Tata Kelola", order=2)
    f.CategoryFactory(competition=competition, name="Pelayanan Publik", order=1)
    f.CategoryFactory(name="Kategori Lain")  # of another competition
    client.force_login(committee)
    html = client.get(url(proposal_stage)).content.decode()
    assert html.index("Pelayanan Publik") < html.index("Tata Kelola")
    assert "Kategori Lain" not in html

"""The committee leaderboard shows 50 ranked rows a page, keeping the chosen category across pages."""

import re

import pytest
from django.urls import reverse

from tests import factories as f
from tests.judging.builders import make_entries, make_rubric, score

pytestmark = pytest.mark.django_db


def test_leaderboard_pages_through_the_ranking_with_the_category_kept(client, committee, proposal_stage):
    make_rubric(proposal_stage, [(1, 100)])
    category = f.CategoryFactory(competition=proposal_stage.competition)
    other = f.CategoryFactory(competition=proposal_stage.competition)
    judge = f.UserFactory()
    innovations = make_entries(proposal_stage, 53, category=category)
    for value, innovation in enumerate(innovations):
        score(proposal_stage, judge, innovation, [value])  # the last made scores highest
    (elsewhere,) = make_entries(proposal_stage, 1, category=other)
    score(proposal_stage, judge, elsewhere, [100])
    client.force_login(committee)
    url = reverse("judging:leaderboard", args=[proposal_stage.competition.slug, proposal_stage.order])

    first = client.get(url, {"category": category.pk}).content.decode()
    ranks = [int(n) for n in re.findall(r'<tr data-innovation="\d+">\s*<td>(\d+)</td>', first)]
    assert ranks == list(range(1, 51))
    assert elsewhere.title not in first
    assert f'href="?category={category.pk}&amp;page=2"' in first
    # The page's judge totals come with its rows: the top entry's judge total is shown.
    assert "100,0000" not in first and "52,0000" in first

    second = client.get(url, {"category": category.pk, "page": 2}).content.decode()
    ranks = [int(n) for n in re.findall(r'<tr data-innovation="\d+">\s*<td>(\d+)</td>', second)]
    assert ranks == [51, 52, 53]
    assert f'data-innovation="{innovations[0].pk}"' in second  # scored 0: last


def test_a_cached_leaderboard_page_follows_every_change_to_the_ranking(client, committee, proposal_stage):
    make_rubric(proposal_stage, [(1, 100)])
    a, b = make_entries(proposal_stage, 2)
    j1, j2 = f.UserFactory(), f.UserFactory()
    sheet = score(proposal_stage, j1, a, [80])
    score(proposal_stage, j1, b, [60])
    client.force_login(committee)
    url = reverse("judging:leaderboard", args=[proposal_stage.competition.slug, proposal_stage.order])

    def order():
        html = client.get(url).content.decode()
        assert "&lt;tr" not in html  # the cached table is markup, not escaped text
        return [int(pk) for pk in re.findall(r'<tr data-innovation="(\d+)">', html)]

    assert order() == [a.pk, b.pk]
    assert order() == [a.pk, b.pk]  # served from the cache
    score(proposal_stage, j2, a, [0])  # a: mean 40
    assert order() == [b.pk, a.pk]
    from judging import services

    services.reopen_sheet(sheet=sheet, reason="Salah input", actor=committee)  # a: only the 0 counts
    assert order() == [b.pk, a.pk]
    (c,) = make_entries(proposal_stage, 1)  # a new entry without a sheet shows, last
    assert order() == [b.pk, a.pk, c.pk]
    proposal_stage.aggregation = "median"
    proposal_stage.save()
    html = client.get(url).content.decode()
    assert '<th scope="col">Nilai (Median)</th>' in html  # the cached table's own header follows the method


def test_an_entry_swapped_for_another_shows_at_once(client, committee, proposal_stage):
    """A corrected list takes one entry out of the stage and puts another in: same count, the page follows."""
    from submissions.models import StageEntry

    make_rubric(proposal_stage, [(1, 100)])
    _a, b = make_entries(proposal_stage, 2)
    client.force_login(committee)
    url = reverse("judging:leaderboard", args=[proposal_stage.competition.slug, proposal_stage.order])
    assert f'data-innovation="{b.pk}"' in client.get(url).content.decode()
    StageEntry.objects.filter(stage=proposal_stage, innovation=b).delete()
    c = f.InnovationFactory(competition=proposal_stage.competition, status="eligible")
    f.StageEntryFactory(innovation=c, stage=proposal_stage)
    html = client.get(url).content.decode()
    assert f'data-innovation="{c.pk}"' in html and f'data-innovation="{b.pk}"' not in html

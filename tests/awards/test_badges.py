"""The agency's pages show whether each entry is on a published list, and its place once winners are public."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from awards.models import Award, ShortlistRow, ShortlistSnapshot, WinnersRelease
from tests import factories as f


@pytest.fixture
def published(competition, committee, proposal_stage):
    return ShortlistSnapshot.objects.create(
        stage=proposal_stage, rule="top_n", rule_params={"n": 1}, published_by=committee,
        published_at=timezone.now(), content_hash="b" * 64,
    )  # fmt: skip


def entries(competition, agency, n):
    return [f.InnovationFactory(competition=competition, agency=agency, status="eligible") for _ in range(n)]


def test_badges_show_listed_not_listed_and_winner_after_release(
    client, agency_member, agency, competition, committee, published
):
    listed, dropped = entries(competition, agency, 2)
    ShortlistRow.objects.create(snapshot=published, innovation=listed, rank=1, listed=True)
    ShortlistRow.objects.create(snapshot=published, innovation=dropped, rank=2, listed=False)
    Award.objects.create(competition=competition, innovation=listed, place="juara_1", assigned_by=committee)
    client.force_login(agency_member)

    html = client.get(reverse("submissions:dashboard")).content.decode()
    assert "Masuk daftar pendek Evaluasi Proposal (peringkat 1)" in html
    assert "Tidak masuk daftar pendek Evaluasi Proposal" in html
    assert "Juara I" not in html  # the place stays private until the winners are published

    WinnersRelease.objects.create(competition=competition, published_by=committee, published_at=timezone.now())
    html = client.get(reverse("submissions:innovation", args=[listed.pk])).content.decode()
    assert "Juara I" in html


def test_badges_of_another_agency_never_show(client, agency_member, other_agency, competition, published):
    (theirs,) = entries(competition, other_agency, 1)
    ShortlistRow.objects.create(snapshot=published, innovation=theirs, rank=1, listed=True)
    client.force_login(agency_member)
    assert "daftar pendek" not in client.get(reverse("submissions:dashboard")).content.decode()


def test_badges_cost_the_same_queries_for_1_and_20_entries(
    client, agency_member, agency, competition, published, django_assert_num_queries
):
    client.force_login(agency_member)
    url = reverse("submissions:dashboard")

    def add(n):
        for rank, innovation in enumerate(entries(competition, agency, n), start=ShortlistRow.objects.count() + 1):
            ShortlistRow.objects.create(snapshot=published, innovation=innovation, rank=rank, listed=True)

    # 10: the dashboard's own 8 (see tests/submissions/test_queries.py) and 2 for the badges of all its entries,
    # when the cards are rendered (not kept from an earlier request: the cache is emptied).
    add(1)
    client.get(url)
    cache.clear()
    with django_assert_num_queries(10):
        client.get(url)
    add(19)
    cache.clear()
    with django_assert_num_queries(10):
        client.get(url)

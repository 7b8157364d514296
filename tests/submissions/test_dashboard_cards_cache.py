"""The agency dashboard's cards are rendered once per version of the entries (submissions.views.agency).

Whatever the agency does, and every decision on its entries, must show on the very next visit.
"""

import pytest
from django.urls import reverse

from submissions import services
from submissions.enums import InnovationStatus
from submissions.models import Innovation
from tests import factories as f

pytestmark = pytest.mark.django_db

URL = reverse("submissions:dashboard")


def entry(setup, competition, agency, status, **fields):
    return f.InnovationFactory(
        competition=competition, group=setup["group"], category=setup["category"], agency=agency, status=status,
        entry_number=f"N-{status}", declaration=True, **fields,
    )  # fmt: skip


def cards(response):
    html = response.content.decode()
    return html[html.index('id="mine-heading"') :]


def test_a_second_visit_serves_the_same_cards_without_their_queries(
    client, agency_member, setup, competition, agency, django_assert_num_queries
):
    entry(setup, competition, agency, InnovationStatus.SUBMITTED)
    client.force_login(agency_member)
    with django_assert_num_queries(10):  # rendered: the entries, their stages, the badges' lists and places
        first = client.get(URL)
    with django_assert_num_queries(6):
        second = client.get(URL)
    assert cards(second) == cards(first)


def test_a_saved_draft_shows_its_new_title_at_once(client, agency_member, draft):
    client.force_login(agency_member)
    assert draft.title in cards(client.get(URL))
    services.save_draft(innovation=draft, header={"title": "Layanan Jemput Bola Terbaru"}, answers={}, actor=None)
    assert "Layanan Jemput Bola Terbaru" in cards(client.get(URL))


def test_a_withdrawal_shows_at_once(client, agency_member, setup, competition, agency):
    submitted = entry(setup, competition, agency, InnovationStatus.SUBMITTED)
    client.force_login(agency_member)
    assert 'data-status="submitted"' in cards(client.get(URL))
    services.withdraw(innovation=submitted, actor=agency_member)
    html = cards(client.get(URL))
    assert 'data-status="withdrawn"' in html and 'data-status="submitted"' not in html


def test_a_screening_decision_and_its_reason_show_at_once(client, agency_member, committee, setup, competition, agency):
    submitted = entry(setup, competition, agency, InnovationStatus.SUBMITTED)
    client.force_login(agency_member)
    cards(client.get(URL))
    services.screen(innovation=submitted, outcome="ineligible", reason="Tidak ada bukti dukung", actor=committee)
    html = cards(client.get(URL))
    assert 'data-status="ineligible"' in html and "Tidak ada bukti dukung" in html


def test_entering_a_stage_shows_at_once(client, agency_member, committee, setup, competition, agency, proposal_stage):
    eligible = entry(setup, competition, agency, InnovationStatus.ELIGIBLE)
    client.force_login(agency_member)
    assert proposal_stage.name not in cards(client.get(URL))
    # A bulk update: the entry's updated_at stays, its stage_reached is part of the cards' version.
    services.advance_to_stage(innovation_ids=[eligible.pk], stage=proposal_stage, actor=committee)
    assert Innovation.objects.get(pk=eligible.pk).stage_reached_id == proposal_stage.pk
    assert proposal_stage.name in cards(client.get(URL))


def test_returned_entries_are_rendered_at_every_visit(
    client, agency_member, setup, competition, agency, django_assert_num_queries
):
    # A returned entry's next step depends on the clock (the screening window), so its cards are never kept.
    entry(setup, competition, agency, InnovationStatus.RETURNED)
    client.force_login(agency_member)
    client.get(URL)
    with django_assert_num_queries(10):
        client.get(URL)


def test_card_versions_are_of_the_users_own_agencies_in_the_cards_order(
    agency_member, setup, competition, agency, other_agency
):
    from django.contrib.auth.models import AnonymousUser

    from submissions.queries import CARD_VERSION_FIELDS, card_versions

    b = entry(setup, competition, agency, InnovationStatus.SUBMITTED, title="B")
    a = entry(setup, competition, agency, InnovationStatus.ELIGIBLE, title="A")
    entry(setup, competition, other_agency, InnovationStatus.INELIGIBLE, title="C")
    rows = card_versions(agency_member)
    assert [row[0] for row in rows] == [a.pk, b.pk]
    assert dict(zip(CARD_VERSION_FIELDS, rows[1], strict=True))["status"] == "submitted"
    assert card_versions(AnonymousUser()) == []


def test_user_agencies_from_the_compiled_sql_are_the_rules_ones(agency_member, agency, other_agency):
    from django.contrib.auth.models import AnonymousUser

    from submissions import queries, rules

    second = f.AgencyFactory()
    f.AgencyMembershipFactory(agency=second, user=agency_member)
    assert queries.user_agencies(agency_member) == list(rules.user_agencies(agency_member))
    assert {a.pk for a in queries.user_agencies(agency_member)} == {agency.pk, second.pk}
    assert queries.user_agencies(AnonymousUser()) == []

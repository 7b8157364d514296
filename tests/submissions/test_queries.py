"""Counts that always add up, and list pages whose query count does not grow with the rows."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from submissions import queries
from submissions.enums import InnovationStatus
from submissions.models import Innovation
from tests import factories as f

pytestmark = pytest.mark.django_db

STATUSES = [value for value, _label in InnovationStatus.choices]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mix=st.lists(st.sampled_from(STATUSES), max_size=25))
def test_status_counts_add_up_under_every_mix(mix, competition, committee, client):
    Innovation.objects.filter(competition=competition).delete()
    agency = f.AgencyFactory()
    group = f.EntryGroupFactory(competition=competition)
    category = f.CategoryFactory(competition=competition)
    for n, status in enumerate(mix):
        f.InnovationFactory(
            competition=competition, group=group, category=category, agency=agency, status=status,
            entry_number=None if status == InnovationStatus.DRAFT else f"E-{n}",
        )  # fmt: skip
    other = f.CompetitionFactory()  # entries of another competition never count here
    f.InnovationFactory(competition=other, status=InnovationStatus.SUBMITTED)

    counts = queries.status_counts(competition)

    assert sum(n for _value, _label, n in counts) == len(mix)
    assert [value for value, _label, _n in counts] == STATUSES
    for value, _label, n in counts:
        assert n == mix.count(value)
    client.force_login(committee)
    page = client.get(reverse("committee_competition", args=[competition.slug])).content.decode()
    for value, _label, n in counts:
        assert f'data-status="{value}">{n}<' in page


def make_entries(n, competition, agency, setup, status=InnovationStatus.SUBMITTED):
    for i in range(n):
        innovation = f.InnovationFactory(
            competition=competition, group=setup["group"], category=setup["category"], agency=agency,
            status=status, entry_number=f"N-{agency.pk}-{i}", declaration=True,
        )  # fmt: skip
        f.AnswerFactory(innovation=innovation, question=setup["questions"][0])


@pytest.mark.parametrize("rows", [1, 20])
def test_agency_dashboard_query_count_is_constant(
    rows, client, django_assert_num_queries, agency_member, competition, agency, setup
):
    make_entries(rows, competition, agency, setup)
    client.force_login(agency_member)
    # 8 for the page (with the competitions' stages prefetched for each entry's next step; the member check shares
    # the navigation's role query; the entries' versions, which key the rendered cards), 2 for the awards badges
    # (lists and places) of the page's entries, whatever the number of entries.
    with django_assert_num_queries(10):
        response = client.get(reverse("submissions:dashboard"))
    assert response.content.decode().count('class="card mb-3 innovation-card"') == rows


@pytest.mark.parametrize("rows", [1, 20])
def test_screening_queue_query_count_is_constant(
    rows, client, django_assert_num_queries, committee, competition, agency, setup
):
    make_entries(rows, competition, agency, setup)
    client.force_login(committee)
    with django_assert_num_queries(9):
        response = client.get(reverse("submissions:screening_queue", args=[competition.slug]))
    assert response.content.decode().count('name="innovations"') == rows


@pytest.mark.parametrize("rows", [1, 20])
def test_endorsement_waiting_query_count_is_constant(
    rows, client, django_assert_num_queries, committee, competition, agency, setup
):
    competition.uses_endorsement = True
    competition.save()
    make_entries(rows, competition, agency, setup)
    client.force_login(committee)
    with django_assert_num_queries(5):
        response = client.get(reverse("submissions:endorsement_waiting", args=[competition.slug]))
    assert response.content.decode().count('class="waiting-days"') == rows


@pytest.mark.parametrize("rows", [1, 20])
def test_local_admin_dashboard_query_count_is_constant(
    rows, client, django_assert_num_queries, local_admin, competition, agency, setup
):
    competition.uses_endorsement = True
    competition.save()
    make_entries(rows, competition, agency, setup)
    client.force_login(local_admin)
    with django_assert_num_queries(8):
        response = client.get(reverse("submissions:local_admin_dashboard"))
    assert response.content.decode().count('class="waiting-days"') == rows


@pytest.mark.parametrize("rows", [1, 20])
def test_agency_directory_query_count_is_constant(rows, client, django_assert_num_queries, committee, region):
    for i in range(rows):
        f.AgencyFactory(name=f"Instansi {i:02d}", region=region)
    client.force_login(committee)
    with django_assert_num_queries(8):
        response = client.get(reverse("submissions:agencies"))
    html = response.content.decode()
    assert all(f"Instansi {i:02d}" in html for i in range(rows))

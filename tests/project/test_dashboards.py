"""Each role lands on its own dashboard after login, and only that role may open it."""

import pytest
from django.urls import reverse

ROLES = ["committee", "local_admin", "agency_member", "judge"]
DASHBOARDS = {
    "committee": "committee_dashboard",
    "local_admin": "submissions:local_admin_dashboard",
    "agency_member": "submissions:dashboard",
    "judge": "judging:dashboard",
}
HEADINGS = {
    "committee": "Dasbor panitia",
    "local_admin": "Dasbor admin lokal",
    "agency_member": "Dasbor instansi",
    "judge": "Dasbor juri",
}


@pytest.fixture
def people(committee, local_admin, agency_member, judge):
    return {"committee": committee, "local_admin": local_admin, "agency_member": agency_member, "judge": judge}


@pytest.mark.parametrize("role", ROLES)
def test_login_lands_on_the_roles_dashboard(client, people, role):
    response = client.post(reverse("login"), {"username": people[role].username, "password": "Rahasia-Demo-2024"})
    assert response.status_code == 302
    landing = client.get(response.url, follow=True)
    assert landing.redirect_chain[-1][0] == reverse(DASHBOARDS[role])
    assert HEADINGS[role] in landing.content.decode()


@pytest.mark.parametrize("viewer", [*ROLES, "anonymous"])
@pytest.mark.parametrize("page", ROLES)
def test_dashboard_only_for_its_role(client, people, viewer, page):
    if viewer != "anonymous":
        client.force_login(people[viewer])
    response = client.get(reverse(DASHBOARDS[page]))
    if viewer == page:
        assert response.status_code == 200
        assert HEADINGS[page] in response.content.decode()
    elif viewer == "anonymous":
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    else:
        assert response.status_code == 404


def test_committee_competition_page_is_404_for_other_committees(client, committee, competition):
    from tests import factories as f

    outsider = f.CommitteeMemberFactory().user
    client.force_login(outsider)
    assert client.get(reverse("committee_competition", args=[competition.slug])).status_code == 404
    client.force_login(committee)
    response = client.get(reverse("committee_competition", args=[competition.slug]))
    assert response.status_code == 200 and competition.name in response.content.decode()


def test_user_without_role_is_told_so(client, db):
    from tests import factories as f

    client.force_login(f.UserFactory())
    response = client.get(reverse("home"))
    assert "belum memiliki peran" in response.content.decode()


def test_home_for_anonymous_lists_public_competitions(client, competition):
    response = client.get(reverse("home"))
    assert competition.name in response.content.decode()


def test_committee_page_counts_add_up_to_the_registered_total(client, committee, competition):
    from tests import factories as f

    for status in ["draft", "submitted", "eligible", "eligible", "withdrawn"]:
        f.InnovationFactory(competition=competition, status=status)
    f.InnovationFactory(status="eligible")  # another competition's entry is not counted
    client.force_login(committee)
    response = client.get(reverse("committee_competition", args=[competition.slug]))
    html = response.content.decode()
    assert "Seluruhnya 5 inovasi terdaftar." in html
    counts = {value: count for value, _label, count in response.context["status_counts"]}
    assert counts["eligible"] == 2 and sum(counts.values()) == 5

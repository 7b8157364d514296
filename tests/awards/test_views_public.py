import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from awards.models import Award, WinnersRelease
from awards.services import shortlists
from tests import factories as f

pytestmark = pytest.mark.usefixtures("empty_cache")


def test_results_page_shows_the_published_list_by_category(client, competition, published):
    response = client.get(reverse("awards:competition_results", kwargs={"slug": competition.slug}))

    text = response.content.decode()
    assert response.status_code == 200
    assert "Antrean Online" in text and "Data Sekolah" in text
    assert (
        text.index("Kesehatan") < text.index("Antrean Online") < text.index("Pendidikan") < text.index("Data Sekolah")
    )


def test_results_page_never_shows_unlisted_entries(client, competition, published):
    text = client.get(reverse("awards:competition_results", kwargs={"slug": competition.slug})).content.decode()

    assert "Bidan Siaga" not in text and "Cek Gizi" not in text
    assert "80.0000" not in text and "70.0000" not in text


def test_results_search_filters_rows(client, competition, published):
    url = reverse("awards:competition_results", kwargs={"slug": competition.slug})

    text = client.get(url, {"q": "antrean"}).content.decode()

    assert "Antrean Online" in text and "Data Sekolah" not in text


def test_results_fragment_is_cached_under_the_snapshot_hash(
    client, competition, published, agency_member, django_assert_num_queries
):
    # Signed-in visitors get the page rendered for them, with the rows from the fragment cache of the snapshot.
    client.force_login(agency_member)
    url = reverse("awards:competition_results", kwargs={"slug": competition.slug})
    client.get(url)
    from awards.models import ShortlistRow

    ShortlistRow.objects.filter(snapshot=published, listed=True).update(tie_break="changed")  # not shown anyway
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    assert "Antrean Online" in response.content.decode()
    assert not any("awards_shortlistrow" in q["sql"] for q in queries.captured_queries)


def test_non_public_competition_is_invisible(client, competition, published):
    competition.is_public = False
    competition.save()

    detail = client.get(reverse("awards:competition_results", kwargs={"slug": competition.slug}))
    index = client.get(reverse("awards:results")).content.decode()
    gallery = client.get(reverse("awards:gallery")).content.decode()

    assert detail.status_code == 404
    assert competition.name not in index
    assert "Antrean Online" not in gallery


def test_winners_hidden_until_published(client, competition, committee, published, ranked):
    Award.objects.create(
        competition=competition, category=ranked["c"].category, innovation=ranked["c"], place="juara_1",
        assigned_by=committee,
    )  # fmt: skip
    url = reverse("awards:competition_results", kwargs={"slug": competition.slug})

    before = client.get(url).content.decode()
    before_gallery = client.get(reverse("awards:gallery")).content.decode()
    WinnersRelease.objects.create(competition=competition, published_by=committee, published_at=timezone.now())
    after = client.get(url).content.decode()

    assert "Cek Gizi" not in before and "Cek Gizi" not in before_gallery
    assert "Cek Gizi" in after


def test_gallery_shows_only_published_entries_with_summary(client, competition, published, ranked):
    question = f.QuestionFactory(group=ranked["a"].group, order=1, title="Ringkasan")
    f.AnswerFactory(innovation=ranked["a"], question=question, text="Antrean dari rumah lewat ponsel.")
    f.InnovationFactory(competition=competition, title="Draf Rahasia")

    text = client.get(reverse("awards:gallery")).content.decode()

    assert "Antrean Online" in text and "Data Sekolah" in text
    assert "Antrean dari rumah lewat ponsel." in text
    for hidden in ("Bidan Siaga", "Cek Gizi", "Draf Rahasia"):
        assert hidden not in text


def test_gallery_filters_by_category_and_search(client, competition, published, ranked):
    url = reverse("awards:gallery")

    by_category = client.get(url, {"category": ranked["d"].category.pk}).content.decode()
    by_search = client.get(url, {"q": "antrean"}).content.decode()

    assert "Data Sekolah" in by_category and "Antrean Online" not in by_category
    assert "Antrean Online" in by_search and "Data Sekolah" not in by_search


def test_superseded_list_entries_leave_the_gallery(client, competition, committee, proposal_stage, published):
    shortlists.publish_shortlist(
        stage=proposal_stage, rule="top_n", params={"n": 1}, actor=committee, correction_reason="Koreksi"
    )

    text = client.get(reverse("awards:gallery")).content.decode()
    results = client.get(reverse("awards:competition_results", kwargs={"slug": competition.slug})).content.decode()

    assert "Antrean Online" in text and "Data Sekolah" not in text
    assert "Data Sekolah" not in results


def test_snapshot_public_page_of_another_competition_is_404(client, published):
    other = f.CompetitionFactory()

    response = client.get(reverse("awards:snapshot_public", kwargs={"slug": other.slug, "pk": published.pk}))

    assert response.status_code == 404


def test_objection_form_files_an_objection_in_the_window(client, competition, committee, proposal_stage, ranked):
    snapshot = shortlists.publish_shortlist(
        stage=proposal_stage, rule="top_n", params={"n": 2}, actor=committee, objection_days=5
    )
    url = reverse("awards:objection_create", kwargs={"slug": competition.slug, "pk": snapshot.pk})

    response = client.post(
        url, {"innovation": ranked["a"].pk, "name": "Warga", "email": "w@example.id", "reason": "Sudah pernah menang"}
    )

    assert response.status_code == 302
    assert snapshot.objections.get().reason == "Sudah pernah menang"


def test_objection_form_refuses_after_the_window(client, competition, published, ranked):
    url = reverse("awards:objection_create", kwargs={"slug": competition.slug, "pk": published.pk})

    response = client.post(url, {"innovation": ranked["a"].pk, "name": "W", "email": "w@example.id", "reason": "r"})

    assert response.status_code == 302
    assert not published.objections.exists()


def _competitions(n):
    for i in range(n):
        f.CompetitionFactory(name=f"Lomba {i}")


@pytest.mark.parametrize("rows", [1, 20])
def test_results_index_query_count_is_constant(client, db, rows, django_assert_num_queries):
    _competitions(rows)

    with django_assert_num_queries(1):
        response = client.get(reverse("awards:results"))

    assert response.content.decode().count("Lomba ") == rows


@pytest.mark.parametrize("rows", [1, 20])
@pytest.mark.parametrize(("page", "queries"), [("competition_results", 3), ("gallery", 5)])
def test_public_list_query_count_is_constant(
    client, competition, committee, proposal_stage, score, page, queries, rows, django_assert_num_queries
):
    for i in range(rows):
        score(f.InnovationFactory(competition=competition, status="eligible", title=f"Entri Uji {i}"), 50 + i)
    shortlists.publish_shortlist(
        stage=proposal_stage, rule="top_n", params={"n": rows}, actor=committee, confirm_incomplete=True
    )
    kwargs = {"slug": competition.slug} if page == "competition_results" else {}

    with django_assert_num_queries(queries):
        response = client.get(reverse(f"awards:{page}", kwargs=kwargs))

    assert response.content.decode().count("Entri Uji ") == rows


def test_public_snapshot_states_the_rule_in_words(client, competition, committee, proposal_stage, ranked):
    health, school = ranked["a"].category, ranked["d"].category
    snapshot = shortlists.publish_shortlist(
        stage=proposal_stage,
        rule="quota",
        params={"by": "category", "quotas": {str(health.pk): 2, str(school.pk): 1}},
        actor=committee,
    )

    page = client.get(reverse("awards:snapshot_public", kwargs={"slug": competition.slug, "pk": snapshot.pk}))

    text = page.content.decode()
    assert "kuota per kategori: " in text and "Kesehatan 2" in text and "Pendidikan 1" in text
    assert "80,00" in text  # the cut-off, 2 decimals


def test_objection_form_starts_with_an_empty_choice_and_requires_one(
    client, competition, committee, proposal_stage, ranked
):
    snapshot = shortlists.publish_shortlist(
        stage=proposal_stage, rule="top_n", params={"n": 2}, actor=committee, objection_days=5
    )
    url = reverse("awards:objection_create", kwargs={"slug": competition.slug, "pk": snapshot.pk})

    form = client.get(url).content.decode()
    response = client.post(url, {"innovation": "", "name": "Warga", "email": "w@example.id", "reason": "r"})

    first_option = form.split("<option", 2)[1]
    assert 'value=""' in first_option and "Pilih entri" in first_option and "selected" in first_option
    assert response.status_code == 200 and response.context["form"].errors["innovation"]
    assert not snapshot.objections.exists()

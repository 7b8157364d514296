import io
import zipfile

import pytest
from django.core.cache import cache
from django.urls import reverse
from pypdf import PdfReader

from awards.models import Award, Certificate, GenerationJob, ShortlistSnapshot, WinnersRelease
from awards.services import shortlists
from tests import factories as f


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


def committee_urls(competition, stage, snapshot, category, job, award, objection, certificate):
    slug = competition.slug
    return {
        "get": [
            reverse("awards:committee_home", kwargs={"slug": slug}),
            reverse("awards:shortlist", kwargs={"slug": slug, "stage_id": stage.pk}),
            reverse("awards:snapshot", kwargs={"slug": slug, "pk": snapshot.pk}),
            reverse("awards:winners", kwargs={"slug": slug}),
            reverse("awards:ceremony_index", kwargs={"slug": slug}),
            reverse("awards:ceremony", kwargs={"slug": slug, "category_id": category.pk}),
            reverse("awards:ceremony_overall", kwargs={"slug": slug}),
            reverse("awards:committee_certificates", kwargs={"slug": slug}),
            reverse("awards:job_status", kwargs={"slug": slug, "pk": job.pk}),
            reverse("awards:job_download", kwargs={"slug": slug, "pk": job.pk}),
        ],
        "post": [
            reverse("awards:shortlist", kwargs={"slug": slug, "stage_id": stage.pk}) + "?rule=top_n&top_n=1",
            reverse("awards:advance", kwargs={"slug": slug, "pk": snapshot.pk}),
            reverse("awards:answer_objection", kwargs={"slug": slug, "pk": objection.pk}),
            reverse("awards:assign_award", kwargs={"slug": slug, "category_id": category.pk}),
            reverse("awards:remove_award", kwargs={"slug": slug, "pk": award.pk}),
            reverse("awards:publish_winners", kwargs={"slug": slug}),
            reverse("awards:start_leaderboard", kwargs={"slug": slug}),
            reverse("awards:start_certificates", kwargs={"slug": slug}),
            reverse("awards:revoke", kwargs={"slug": slug, "pk": certificate.pk}),
            reverse("awards:job_retry", kwargs={"slug": slug, "pk": job.pk}),
        ],
    }


@pytest.fixture
def everything(competition, committee, proposal_stage, ranked):
    snapshot = shortlists.publish_shortlist(
        stage=proposal_stage, rule="top_n", params={"n": 2}, actor=committee, objection_days=3
    )
    objection = shortlists.file_objection(
        snapshot=snapshot, innovation=ranked["a"], name="W", email="w@example.id", reason="r"
    )
    category = ranked["a"].category
    award = Award.objects.create(
        competition=competition, category=category, innovation=ranked["a"], place="juara_1", assigned_by=committee
    )
    job = GenerationJob.objects.create(competition=competition, kind="certificates", status="done")
    certificate = f.CertificateFactory(competition=competition, innovation=ranked["a"])
    return committee_urls(competition, proposal_stage, snapshot, category, job, award, objection, certificate)


@pytest.mark.parametrize("outsider", ["other_agency_member", "agency_member", "judge"])
def test_committee_pages_are_404_for_outsiders(client, everything, outsider, request):
    client.force_login(request.getfixturevalue(outsider))

    statuses = {url: client.get(url).status_code for url in everything["get"]}
    statuses |= {url: client.post(url, {"reason": "x", "answer": "x"}).status_code for url in everything["post"]}

    assert set(statuses.values()) == {404}, statuses
    assert WinnersRelease.objects.count() == 0 and Award.objects.count() == 1
    assert Certificate.objects.filter(revoked_at__isnull=False).count() == 0


def test_committee_of_another_competition_gets_404(client, everything):
    stranger = f.CommitteeMemberFactory(competition=f.CompetitionFactory()).user
    client.force_login(stranger)

    assert {client.get(url).status_code for url in everything["get"]} == {404}


def test_anonymous_is_sent_to_login(client, everything):
    response = client.get(everything["get"][0])

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_preview_then_publish_with_an_override(client, committee, competition, proposal_stage, ranked):
    client.force_login(committee)
    url = reverse("awards:shortlist", kwargs={"slug": competition.slug, "stage_id": proposal_stage.pk})
    query = "?rule=top_n&top_n=2"
    preview = client.get(url + query)
    digest = preview.context["preview"].digest
    assert [r.innovation.title for r in preview.context["preview"].rows if r.listed] == [
        "Antrean Online",
        "Data Sekolah",
    ]

    refused = client.post(url + query, {"digest": digest, "objection_days": 0, "flip": [ranked["c"].pk]})
    response = client.post(
        url + query,
        {"digest": digest, "objection_days": 0, "flip": [ranked["c"].pk], f"reason_{ranked['c'].pk}": "Wilayah 3T"},
    )

    assert refused.status_code == 200 and refused.context["publish_form"].non_field_errors()
    snapshot = ShortlistSnapshot.objects.get()  # only the second attempt published
    assert response.status_code == 302 and response["Location"].endswith(f"/lists/{snapshot.pk}/")
    assert snapshot.rows.get(innovation=ranked["c"]).listed
    page = client.get(response["Location"]).content.decode()
    assert "Wilayah 3T" in page and snapshot.content_hash in page


def test_winners_assign_and_publish(client, committee, competition, proposal_stage, ranked):
    shortlists.publish_shortlist(stage=proposal_stage, rule="top_n", params={"n": 4}, actor=committee)
    client.force_login(committee)
    category = ranked["a"].category
    prefix = f"c{category.pk}"

    client.post(
        reverse("awards:assign_award", kwargs={"slug": competition.slug, "category_id": category.pk}),
        {f"{prefix}-innovation": ranked["a"].pk, f"{prefix}-place": "juara_1", f"{prefix}-title": ""},
    )
    client.post(reverse("awards:publish_winners", kwargs={"slug": competition.slug}))

    award = Award.objects.get()
    assert (award.innovation, award.place, award.category) == (ranked["a"], "juara_1", category)
    assert WinnersRelease.objects.filter(competition=competition).exists()
    page = client.get(reverse("awards:competition_results", kwargs={"slug": competition.slug})).content.decode()
    assert "Juara I" in page


def test_ceremony_screen_lists_places_from_harapan_to_juara_one(client, committee, competition, ranked):
    category = ranked["a"].category
    Award.objects.create(
        competition=competition, category=category, innovation=ranked["a"], place="juara_1", assigned_by=committee
    )
    Award.objects.create(
        competition=competition, category=category, innovation=ranked["b"], place="harapan_1", assigned_by=committee
    )
    client.force_login(committee)

    response = client.get(reverse("awards:ceremony", kwargs={"slug": competition.slug, "category_id": category.pk}))

    text = response.content.decode()
    assert text.index("Bidan Siaga") < text.index("Antrean Online")
    assert "awards/ceremony.js" in text and "<script>" not in text


def test_leaderboard_job_makes_a_pdf_of_the_category(
    client, committee, competition, proposal_stage, ranked, django_capture_on_commit_callbacks
):
    shortlists.publish_shortlist(stage=proposal_stage, rule="top_n", params={"n": 4}, actor=committee)
    client.force_login(committee)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("awards:start_leaderboard", kwargs={"slug": competition.slug}),
            {"category": ranked["a"].category.pk},
        )

    job = GenerationJob.objects.get(kind="leaderboard")
    assert job.status == "done"
    response = client.get(reverse("awards:job_download", kwargs={"slug": competition.slug, "pk": job.pk}))
    text = PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages[0].extract_text()
    assert "Antrean Online" in text and "Bidan Siaga" in text and "Data Sekolah" not in text
    assert "90,0000" in text  # Indonesian decimal comma


def test_certificates_start_status_and_zip_download(client, committee, competition, eligible, judge, run_on_commit):
    client.force_login(committee)
    slug = competition.slug

    run_on_commit(client.post, reverse("awards:start_certificates", kwargs={"slug": slug}))

    job = GenerationJob.objects.get(kind="certificates")
    status = client.get(reverse("awards:job_status", kwargs={"slug": slug, "pk": job.pk})).json()
    assert (status["status"], status["percent"], status["done"], status["total"]) == ("done", 100, 2, 2)
    response = client.get(status["download_url"])
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert sorted(archive.namelist()) == sorted(f"{c.kind}/{c.serial}.pdf" for c in Certificate.objects.all())


def test_revoke_from_the_committee_page(client, committee, competition, eligible):
    certificate = f.CertificateFactory(competition=competition, innovation=eligible)
    client.force_login(committee)

    client.post(reverse("awards:revoke", kwargs={"slug": competition.slug, "pk": certificate.pk}), {"reason": "Ganda"})

    certificate.refresh_from_db()
    assert certificate.revoked_reason == "Ganda" and certificate.revoked_at


@pytest.mark.parametrize("rows", [1, 20])
def test_committee_certificates_query_count_is_constant(
    client, committee, competition, rows, django_assert_num_queries
):
    for _ in range(rows):
        f.CertificateFactory(competition=competition)
    client.force_login(committee)
    url = reverse("awards:committee_certificates", kwargs={"slug": competition.slug})

    with django_assert_num_queries(8):
        response = client.get(url)

    assert response.content.decode().count('">KVB-2026-') == rows  # the serial links (the revoke question has it too)


@pytest.mark.parametrize("rows", [1, 20])
def test_snapshot_page_query_count_is_constant(
    client, committee, competition, proposal_stage, score, rows, django_assert_num_queries
):
    for i in range(rows):
        score(f.InnovationFactory(competition=competition, status="eligible", title=f"Entri Uji {i}"), 50 + i)
    snapshot = shortlists.publish_shortlist(
        stage=proposal_stage, rule="top_n", params={"n": rows}, actor=committee, confirm_incomplete=True
    )
    client.force_login(committee)

    with django_assert_num_queries(11):
        response = client.get(reverse("awards:snapshot", kwargs={"slug": competition.slug, "pk": snapshot.pk}))

    assert response.content.decode().count("Entri Uji ") == rows


def test_overall_special_award_from_the_winners_page(client, committee, competition, proposal_stage, ranked):
    shortlists.publish_shortlist(stage=proposal_stage, rule="top_n", params={"n": 4}, actor=committee)
    client.force_login(committee)
    page = client.get(reverse("awards:winners", kwargs={"slug": competition.slug}))
    assert len(page.context["sections"]) == 3  # two categories and the overall section

    client.post(
        reverse("awards:assign_award", kwargs={"slug": competition.slug, "category_id": 0}),
        {"c0-innovation": ranked["d"].pk, "c0-place": "special", "c0-title": "Inovasi Terfavorit"},
    )

    award = Award.objects.get()
    assert (award.category, award.place, award.title) == (None, "special", "Inovasi Terfavorit")
    overall = client.get(reverse("awards:ceremony_overall", kwargs={"slug": competition.slug})).content.decode()
    assert "Inovasi Terfavorit" in overall and "Data Sekolah" in overall


def test_preview_of_an_open_stage_warns_and_publishing_needs_the_box(
    client, committee, competition, open_stage, ranked
):
    score_one_sheet = f.InnovationFactory(competition=competition, status="eligible", title="Satu Juri")
    f.StageEntryFactory(innovation=score_one_sheet, stage=open_stage)
    client.force_login(committee)
    url = (
        reverse("awards:shortlist", kwargs={"slug": competition.slug, "stage_id": open_stage.pk})
        + "?rule=top_n&top_n=2"
    )
    preview = client.get(url)
    digest = preview.context["preview"].digest

    refused = client.post(url, {"digest": digest, "objection_days": 0})
    published = client.post(url, {"digest": digest, "objection_days": 0, "confirm_incomplete": "on"})

    page = preview.content.decode()
    assert "Penilaian belum lengkap" in page and 'id="id_confirm_incomplete"' in page
    assert "1 entri dalam daftar atau di dekat batas nilai memiliki lembar nilai terkirim yang kurang" in page
    assert "Tahap ini masih dibuka sampai" in page
    assert refused.status_code == 200 and refused.context["publish_form"].errors["confirm_incomplete"]
    assert published.status_code == 302
    assert ShortlistSnapshot.objects.count() == 1


def test_preview_of_complete_judging_has_no_warning_nor_box(client, committee, competition, proposal_stage, ranked):
    client.force_login(committee)
    url = reverse("awards:shortlist", kwargs={"slug": competition.slug, "stage_id": proposal_stage.pk})

    page = client.get(url + "?rule=top_n&top_n=2").content.decode()

    assert "Penilaian belum lengkap" not in page and "id_confirm_incomplete" not in page


def test_publishing_an_empty_list_is_refused_with_a_message(client, committee, competition, proposal_stage, ranked):
    client.force_login(committee)
    url = reverse("awards:shortlist", kwargs={"slug": competition.slug, "stage_id": proposal_stage.pk})
    url += "?rule=pass_mark&pass_mark=99"
    digest = client.get(url).context["preview"].digest

    response = client.post(url, {"digest": digest, "objection_days": 0})

    assert response.status_code == 200 and not ShortlistSnapshot.objects.exists()
    assert "Daftar kosong" in str(response.context["publish_form"].non_field_errors())


def test_snapshot_pages_show_the_rule_in_words_two_decimals_and_the_few_sheets_flag(
    client, committee, competition, proposal_stage, ranked, score
):
    score(f.InnovationFactory(competition=competition, status="eligible", title="Satu Juri"), 95)
    snapshot = shortlists.publish_shortlist(
        stage=proposal_stage, rule="top_n", params={"n": 2}, actor=committee, confirm_incomplete=True
    )
    client.force_login(committee)

    committee_page = client.get(reverse("awards:snapshot", kwargs={"slug": competition.slug, "pk": snapshot.pk}))
    public_page = client.get(reverse("awards:snapshot_public", kwargs={"slug": competition.slug, "pk": snapshot.pk}))

    for page in (committee_page.content.decode(), public_page.content.decode()):
        assert "lembar nilai kurang" in page and "95,00" in page and "95,0000" not in page
    committee_text = committee_page.content.decode()
    assert "2 Teratas" in committee_text and "{&#x27;n&#x27;" not in committee_text and "'n'" not in committee_text


def test_official_and_destructive_buttons_ask_for_confirmation(
    client, committee, competition, proposal_stage, presentation_stage, ranked
):
    snapshot = shortlists.publish_shortlist(
        stage=proposal_stage, rule="top_n", params={"n": 2}, actor=committee, objection_days=3
    )
    Award.objects.create(
        competition=competition,
        category=ranked["a"].category,
        innovation=ranked["a"],
        place="juara_1",
        assigned_by=committee,
    )
    certificate = f.CertificateFactory(competition=competition, innovation=ranked["a"])
    client.force_login(committee)
    slug = competition.slug

    def page(name, **kwargs):
        return client.get(reverse(f"awards:{name}", kwargs={"slug": slug, **kwargs})).content.decode()

    shortlist = client.get(
        reverse("awards:shortlist", kwargs={"slug": slug, "stage_id": proposal_stage.pk}) + "?rule=top_n&top_n=2"
    ).content.decode()
    assert 'data-confirm="Terbitkan daftar ini?' in shortlist
    assert 'data-confirm="Pindahkan inovasi dalam daftar ke tahap berikutnya sekarang?' in page(
        "snapshot", pk=snapshot.pk
    )
    winners = page("winners")
    assert 'data-confirm="Hapus penghargaan ini?"' in winners and 'data-confirm="Terbitkan para pemenang?' in winners
    certificates = page("committee_certificates")
    assert f'data-confirm="Cabut sertifikat {certificate.serial}?' in certificates
    assert 'data-confirm="Sertifikat sudah pernah diterbitkan.' in certificates


def test_first_certificate_batch_needs_no_confirmation(client, committee, competition):
    client.force_login(committee)

    page = client.get(reverse("awards:committee_certificates", kwargs={"slug": competition.slug})).content.decode()

    assert "Sertifikat sudah pernah diterbitkan" not in page

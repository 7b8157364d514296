import pytest
from django.urls import reverse
from django.utils import timezone, translation

from awards.enums import JobStatus
from awards.models import Award, Certificate, WinnersRelease
from awards.services import certificates as service
from tests import factories as f


@pytest.fixture
def issued(competition, committee, eligible, other_eligible, run_on_commit):
    run_on_commit(service.start_certificate_batch, competition=competition, actor=committee)
    return {c.innovation_id: c for c in Certificate.objects.all()}


def test_agency_downloads_its_own_certificate(client, agency_member, eligible, issued):
    certificate = issued[eligible.pk]
    client.force_login(agency_member)

    listing = client.get(reverse("awards:my_certificates")).content.decode()
    response = client.get(reverse("awards:certificate_download", kwargs={"pk": certificate.pk}))

    assert certificate.serial in listing
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_agency_cannot_download_another_agencys_certificate(client, other_agency_member, eligible, issued):
    client.force_login(other_agency_member)

    response = client.get(reverse("awards:certificate_download", kwargs={"pk": issued[eligible.pk].pk}))
    listing = client.get(reverse("awards:my_certificates")).content.decode()

    assert response.status_code == 404
    assert issued[eligible.pk].serial not in listing


def test_anonymous_cannot_download(client, eligible, issued):
    response = client.get(reverse("awards:certificate_download", kwargs={"pk": issued[eligible.pk].pk}))

    assert response.status_code == 302


def test_stored_files_are_not_under_a_public_url(client, eligible, issued, settings):
    response = client.get(settings.MEDIA_URL + issued[eligible.pk].file.name)

    assert response.status_code == 404


def test_verify_page_shows_holder_kind_competition_and_valid(client, competition, eligible, issued):
    certificate = issued[eligible.pk]

    response = client.get(reverse("awards:verify", kwargs={"code": certificate.code}))

    text = response.content.decode()
    assert response.status_code == 200
    assert "Dinas Kesehatan" in text and str(competition) in text and certificate.serial in text
    assert "alert-success" in text and "alert-danger" not in text


def test_verify_page_says_revoked(client, committee, eligible, issued):
    certificate = service.revoke_certificate(certificate=issued[eligible.pk], reason="Data palsu", actor=committee)

    text = client.get(reverse("awards:verify", kwargs={"code": certificate.code})).content.decode()

    assert "alert-danger" in text and "alert-success" not in text


def test_verify_lookup_redirects_to_the_code(client, eligible, issued):
    code = issued[eligible.pk].code

    response = client.get(reverse("awards:verify_lookup"), {"code": f" {code.lower()} "})

    assert response.status_code == 302 and response["Location"] == reverse("awards:verify", kwargs={"code": code})


def test_verify_page_accepts_the_code_typed_in_lower_case(client, eligible, issued):
    certificate = issued[eligible.pk]

    response = client.get(reverse("awards:verify", kwargs={"code": certificate.code.lower()}))

    assert response.status_code == 200 and certificate.serial in response.content.decode()


def test_verify_unknown_code_is_404(client, db):
    assert client.get(reverse("awards:verify", kwargs={"code": "AAAAAAAAAAAAAAAA"})).status_code == 404


def test_winner_certificate_is_not_verifiable_before_the_winners_are_public(
    client, competition, committee, eligible, agency_member, run_on_commit
):
    Award.objects.create(competition=competition, innovation=eligible, place="juara_1", assigned_by=committee)
    run_on_commit(service.start_certificate_batch, competition=competition, actor=committee)
    winner = Certificate.objects.get(kind="winner")
    url = reverse("awards:verify", kwargs={"code": winner.code})
    client.force_login(agency_member)

    before = client.get(url).status_code
    before_download = client.get(reverse("awards:certificate_download", kwargs={"pk": winner.pk})).status_code
    WinnersRelease.objects.create(competition=competition, published_by=committee, published_at=timezone.now())
    after = client.get(url)

    assert (before, before_download) == (404, 404)
    assert after.status_code == 200 and "Sistem Antrean Puskesmas" in after.content.decode()


@pytest.mark.parametrize("rows", [1, 20])
def test_my_certificates_query_count_is_constant(client, agency_member, agency, rows, django_assert_num_queries):
    for _ in range(rows):
        innovation = f.InnovationFactory(agency=agency, status="eligible")
        f.CertificateFactory(competition=innovation.competition, innovation=innovation, file="private/x.pdf")
    client.force_login(agency_member)

    with django_assert_num_queries(4):
        response = client.get(reverse("awards:my_certificates"))

    assert response.content.decode().count("KVB-2026-") == rows


@pytest.mark.parametrize("typed", ["/", "ab/cd", "../x", "  ", "ÄÖÜ1234", "?a=1"])
def test_verify_lookup_refuses_malformed_codes_without_error(client, db, typed):
    response = client.get(reverse("awards:verify_lookup"), {"code": typed})

    assert response.status_code == 200
    assert response.context["form"].errors


def test_start_with_the_broker_down_shows_the_job_waiting(
    client, committee, competition, eligible, run_on_commit, broker_down
):
    client.force_login(committee)

    response = run_on_commit(
        client.post, reverse("awards:start_certificates", kwargs={"slug": competition.slug}), follow=True
    )

    assert response.status_code == 200
    assert 'data-job-state="queued"' in response.content.decode()
    with translation.override("id"):
        assert str(JobStatus.QUEUED.label) in response.content.decode()


def test_verify_lookup_of_an_unknown_code_redisplays_the_form_with_a_message(client, db):
    response = client.get(reverse("awards:verify_lookup"), {"code": "ZZZZ-9999"})

    assert response.status_code == 200
    assert response.context["form"].errors["code"] == [
        "Tidak ada sertifikat dengan kode ini; periksa kodenya dan coba lagi."
    ]
    assert "Tidak ada sertifikat dengan kode ini" in response.content.decode()


def test_verify_lookup_of_an_unknown_code_in_english(client, db):
    response = client.get(reverse("awards:verify_lookup"), {"code": "ZZZZ9999"}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert "No certificate has this code; check it and try again." in response.content.decode()

"""The proposal form through the real view: every check is a message next to what must change."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from submissions.enums import InnovationStatus
from tests import factories as f

pytestmark = pytest.mark.django_db


def form_data(innovation, questions, **overrides):
    data = {
        "title": innovation.title,
        "category": innovation.category_id,
        "start_date": "2020-01-01",
        "innovator": "Tim Puskesmas",
        "contact_name": "Budi",
        "contact_phone": "08123",
        "contact_email": "budi@example.go.id",
        "video_url": "",
        f"answer_{questions[0].pk}": "Ringkasan singkat.",
        f"answer_{questions[1].pk}": "Latar belakang.",
        f"answer_{questions[2].pk}": "",
        "declaration": "on",
        "action": "submit",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def member_client(client, agency_member):
    client.force_login(agency_member)
    return client


def post(member_client, innovation, data, capture=None):
    url = reverse("submissions:edit", args=[innovation.pk])
    if capture:
        with capture(execute=True):
            return member_client.post(url, data)
    return member_client.post(url, data)


def assert_refused(response, innovation, message):
    """The submit is refused with the message on the page, and the entry is still a draft."""
    assert response.status_code == 422
    assert message in response.content.decode()
    innovation.refresh_from_db()
    assert innovation.status == InnovationStatus.DRAFT


def test_submit_complete_form_redirects_to_receipt(
    member_client, complete, questions, django_capture_on_commit_callbacks
):
    response = post(member_client, complete, form_data(complete, questions), django_capture_on_commit_callbacks)
    assert response.status_code == 302
    complete.refresh_from_db()
    assert complete.status == InnovationStatus.SUBMITTED
    assert response["Location"] == reverse("submissions:receipt", args=[complete.pk])
    receipt = member_client.get(response["Location"])
    assert complete.entry_number in receipt.content.decode()
    assert complete.entry_number in mail.outbox[0].body


def test_word_limit_is_enforced_on_the_server(member_client, complete, questions):
    too_long = " ".join(["kata"] * 21)
    response = post(member_client, complete, form_data(complete, questions, **{f"answer_{questions[0].pk}": too_long}))
    assert_refused(response, complete, "21 kata; batasnya 20")
    # Nothing typed is lost: the over-long text is saved as the draft.
    assert complete.answers.get(question=questions[0]).text == too_long


def test_required_section_must_be_filled(member_client, complete, questions):
    response = post(member_client, complete, form_data(complete, questions, **{f"answer_{questions[1].pk}": " "}))
    assert_refused(response, complete, "Bagian ini wajib diisi.")


def test_optional_section_may_stay_empty(member_client, complete, questions):
    optional = questions[2]
    assert not optional.required
    response = post(member_client, complete, form_data(complete, questions, **{f"answer_{optional.pk}": ""}))
    assert response.status_code == 302
    complete.refresh_from_db()
    assert complete.status == "submitted"
    assert not complete.answers.filter(question=optional).exclude(text="").exists()


def test_declaration_is_required(member_client, complete, questions):
    response = post(member_client, complete, form_data(complete, questions, declaration=None))
    assert_refused(response, complete, "menyatakan")
    assert complete.declaration is False


def test_submit_after_deadline_is_refused(member_client, complete, questions, submission_stage):
    submission_stage.opens_at = timezone.now() - datetime.timedelta(days=10)
    submission_stage.closes_at = timezone.now() - datetime.timedelta(hours=1)
    submission_stage.save()
    response = post(member_client, complete, form_data(complete, questions))
    assert_refused(response, complete, "Batas waktu pengajuan telah lewat")


def test_submit_before_window_opens_is_refused(member_client, complete, questions, submission_stage):
    submission_stage.opens_at = timezone.now() + datetime.timedelta(hours=1)
    submission_stage.save()
    response = post(member_client, complete, form_data(complete, questions))
    assert_refused(response, complete, "Pengajuan dibuka pada")


def test_entry_cap_per_agency(member_client, complete, questions, setup, competition, agency):
    for n in range(2):  # the group's cap is 2
        f.InnovationFactory(
            competition=competition, group=setup["group"], category=setup["category"], agency=agency,
            status=InnovationStatus.SUBMITTED, entry_number=f"X-{n}",
        )  # fmt: skip
    f.InnovationFactory(
        competition=competition, group=setup["group"], category=setup["category"], agency=agency,
        status=InnovationStatus.WITHDRAWN, entry_number="X-9",
    )  # fmt: skip
    response = post(member_client, complete, form_data(complete, questions))
    assert_refused(response, complete, "paling banyak")


def test_minimum_implementation_age(member_client, complete, questions, submission_stage):
    recent = (timezone.localdate(submission_stage.closes_at) - datetime.timedelta(days=400)).isoformat()
    response = post(member_client, complete, form_data(complete, questions, start_date=recent))
    assert_refused(response, complete, "24 bulan")


def test_missing_required_attachment(member_client, draft, questions):
    response = post(member_client, draft, form_data(draft, questions))
    assert_refused(response, draft, "SK Tim Inovasi")


def test_similar_title_is_a_warning_not_a_refusal(member_client, complete, questions, competition, setup, other_agency):
    f.InnovationFactory(
        competition=competition, group=setup["group"], category=setup["category"], agency=other_agency,
        title="Layanan Kesehatan Keliling!",
    )  # fmt: skip
    page = member_client.get(reverse("submissions:edit", args=[complete.pk])).content.decode()
    assert "Layanan Kesehatan Keliling!" in page
    response = post(member_client, complete, form_data(complete, questions))
    assert response.status_code == 302


def test_save_draft_keeps_valid_fields_when_one_is_invalid(member_client, draft, questions):
    data = form_data(draft, questions, action="save", contact_email="bukan-surel", innovator="Tim Baru")
    response = post(member_client, draft, data)
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.innovator == "Tim Baru"
    assert draft.answers.get(question=questions[0]).text == "Ringkasan singkat."


def test_autosave_saves_and_answers_json(member_client, draft, questions):
    response = member_client.post(
        reverse("submissions:autosave", args=[draft.pk]),
        {"title": draft.title, "category": draft.category_id, f"answer_{questions[1].pk}": "Teks otomatis"},
    )
    assert response.status_code == 200
    assert response.json()["saved"] is True
    assert draft.answers.get(question=questions[1]).text == "Teks otomatis"


def test_submitted_entry_is_locked(member_client, complete, questions, agency_member):
    from submissions import services

    services.submit(innovation=complete, actor=agency_member)
    response = member_client.get(reverse("submissions:edit", args=[complete.pk]))
    assert response.status_code == 302
    response = member_client.post(
        reverse("submissions:autosave", args=[complete.pk]), {f"answer_{questions[0].pk}": "Ubah"}
    )
    assert response.status_code == 409
    assert complete.answers.get(question=questions[0]).text == "Ringkasan singkat."


def test_start_entry_creates_a_draft(member_client, setup, competition, agency):
    response = member_client.post(
        reverse("submissions:start", args=[competition.slug]),
        {"agency": agency.pk, "group": setup["group"].pk, "category": setup["category"].pk, "title": "Inovasi Baru"},
    )
    innovation = agency.innovations.get(title="Inovasi Baru")
    assert response["Location"] == reverse("submissions:edit", args=[innovation.pk])
    assert innovation.status == InnovationStatus.DRAFT


def test_replication_entry_must_name_what_it_replicates(member_client, competition, agency, submission_stage):
    group = f.EntryGroupFactory(competition=competition, kind="replikasi", min_implementation_months=12)
    innovation = f.InnovationFactory(competition=competition, group=group, agency=agency, declaration=True)
    page = member_client.get(reverse("submissions:edit", args=[innovation.pk])).content.decode()
    assert 'name="replicates"' in page
    response = member_client.post(
        reverse("submissions:edit", args=[innovation.pk]),
        {"title": innovation.title, "category": innovation.category_id, "start_date": "2020-01-01",
         "declaration": "on", "action": "submit"},
    )  # fmt: skip
    assert_refused(response, innovation, "harus menyebut inovasi")


def test_bulk_screening_refuses_an_id_beyond_64_bits_without_a_server_error(client, committee, competition):
    client.force_login(committee)
    response = client.post(
        reverse("submissions:screening_bulk", args=[competition.slug]),
        {"innovations": [str(2**70)], "outcome": "eligible", "reason": "Lengkap"},
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["innovations"]


def test_a_video_link_without_scheme_is_saved_as_https_and_an_overlong_one_is_refused(member_client, draft, questions):
    data = form_data(draft, questions, action="save", video_url="youtu.be/abc123")
    response = post(member_client, draft, data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.video_url == "https://youtu.be/abc123"

    too_long = "https://youtu.be/" + "a" * 200
    response = post(member_client, draft, form_data(draft, questions, action="save", video_url=too_long))
    assert response.status_code == 400
    assert response.context["form"].errors["video_url"]
    draft.refresh_from_db()
    assert draft.video_url == "https://youtu.be/abc123"

"""Property-based fuzzing of every form: hostile text, numbers, Unicode, huge and missing values never cause a
server error, and a refused request writes nothing (a proposal draft keeps only valid values, by design)."""

from urllib.parse import urlparse

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import given

from submissions.models import Innovation
from tests import factories as f
from tests.kovablik.fuzz import (
    FUZZ,
    assert_no_server_error,
    form_data,
    fuzz_form,
    post_refused_or_whole,
)


@pytest.fixture
def draft(competition, agency, agency_member):
    f.StageFactory(competition=competition, kind="submission", order=1, name="Pengajuan")
    group = f.EntryGroupFactory(competition=competition)
    for order in (1, 2):
        f.QuestionFactory(group=group, order=order)
    f.AttachmentRequirementFactory(competition=competition)
    return f.InnovationFactory(competition=competition, group=group, agency=agency, title="Draf awal")


@pytest.fixture
def submitted(draft):
    from django.utils import timezone

    Innovation.objects.filter(pk=draft.pk).update(
        status="submitted", entry_number="KOLABIK-UJI-2026-0001", submitted_at=timezone.now()
    )
    draft.refresh_from_db()
    return draft


LOGIN_FIELDS = ["username", "password", "next", "csrfmiddlewaretoken"]


@FUZZ
@given(data=form_data(LOGIN_FIELDS))
def test_fuzz_login_no_server_error_no_login_no_open_redirect(client, agency_member, data):
    response = client.post(reverse("login"), data)

    assert_no_server_error(response)
    assert "_auth_user_id" not in client.session
    assert response.status_code != 302 or not urlparse(response["Location"]).netloc


@FUZZ
@given(data=form_data(["username", "password"]))
def test_fuzz_login_right_password_with_hostile_next_stays_on_site(client, agency_member, data):
    response = client.post(
        reverse("login"),
        {"username": agency_member.username, "password": f.PASSWORD, "next": data.get("username", "")},
    )
    client.logout()

    assert_no_server_error(response)
    assert response.status_code in (302, 429)
    if response.status_code == 302:
        assert not urlparse(response["Location"]).netloc


@FUZZ
@given(data=form_data(["email"]))
def test_fuzz_password_reset_no_server_error(client, agency_member, data):
    response = client.post(reverse("password_reset"), data)

    assert_no_server_error(response)


def proposal_fields(innovation):
    names = ["title", "category", "start_date", "innovator", "contact_name", "contact_phone", "contact_email"]
    names += ["video_url", "replicates", "declaration", "action"]
    names += [f"answer_{q.pk}" for q in innovation.group.questions.all()]
    return names


def assert_draft_valid(innovation):
    """What the draft holds is always valid data: a partial save keeps good values, never a broken one."""
    innovation.refresh_from_db()
    innovation.full_clean()
    for answer in innovation.answers.all():
        answer.full_clean()


@pytest.mark.parametrize("url_name", ["submissions:edit", "submissions:autosave"])
def test_fuzz_proposal_form(client, draft, agency_member, url_name):
    client.force_login(agency_member)
    url = reverse(url_name, args=[draft.pk])

    @FUZZ
    @given(data=form_data(proposal_fields(draft)))
    def fuzz(data):
        response = client.post(url, data)

        assert_no_server_error(response)
        try:
            assert_draft_valid(draft)
        except ValidationError as exc:
            pytest.fail(f"invalid data stored: {exc}")
        if not (response.status_code == 302 and "/receipt/" in response["Location"]):
            assert Innovation.objects.get(pk=draft.pk).status == "draft"

    fuzz()


def test_fuzz_start_innovation(client, draft, agency_member, competition):
    client.force_login(agency_member)
    url = reverse("submissions:start", args=[competition.slug])
    fuzz_form(client, url, ["agency", "group", "category", "title"])


def test_fuzz_attachment_form_fields(client, draft, agency_member):
    client.force_login(agency_member)
    url = reverse("submissions:upload", args=[draft.pk])
    fuzz_form(client, url, ["requirement", "file"])


def test_fuzz_screening_decision(client, submitted, committee, competition):
    client.force_login(committee)
    url = reverse("submissions:screening_decide", args=[competition.slug, submitted.pk])
    fuzz_form(client, url, ["outcome", "reason", "check_complete", "check_eligible", "action"])


def test_fuzz_screening_bulk(client, submitted, committee, competition):
    client.force_login(committee)
    url = reverse("submissions:screening_bulk", args=[competition.slug])
    fuzz_form(client, url, ["innovations", "outcome", "reason", "confirmed"])


def test_fuzz_endorsement(client, submitted, local_admin):
    client.force_login(local_admin)
    url = reverse("submissions:endorse", args=[submitted.pk])
    fuzz_form(client, url, ["outcome", "comment"])


def test_fuzz_agency_create_and_invite(client, committee, agency):
    client.force_login(committee)

    @FUZZ
    @given(
        create=form_data(["name", "kind", "region", "email", "local_admin"]),
        invite=form_data(["email", "is_contact"]),
    )
    def fuzz(create, invite):
        post_refused_or_whole(client, reverse("submissions:agency_create"), create)
        post_refused_or_whole(client, reverse("submissions:agency_invite", args=[agency.pk]), invite)

    fuzz()


def test_fuzz_shortlist_rule(client, committee, competition, proposal_stage):
    client.force_login(committee)
    url = reverse("awards:shortlist", args=[competition.slug, proposal_stage.pk])
    fuzz_form(client, url, ["rule", "top_n", "pass_mark", "quota_by", "objection_days", "correction_reason", "action"])


def test_fuzz_winners_and_certificate_forms(client, committee, competition, submitted):
    category = submitted.category
    certificate = f.CertificateFactory(competition=competition, innovation=submitted)
    client.force_login(committee)

    @FUZZ
    @given(
        award=form_data(["innovation", "place", "title"]),
        revoke=form_data(["reason"]),
    )
    def fuzz(award, revoke):
        post_refused_or_whole(client, reverse("awards:assign_award", args=[competition.slug, category.pk]), award)
        post_refused_or_whole(client, reverse("awards:revoke", args=[competition.slug, certificate.pk]), revoke)

    fuzz()


def test_fuzz_public_verify_and_objection(client, competition, proposal_stage, committee, agency):
    import datetime
    from decimal import Decimal

    from django.utils import timezone

    from awards.models import Objection
    from awards.services.shortlists import publish_shortlist

    innovation = f.InnovationFactory(competition=competition, agency=agency, status="eligible")
    f.StageEntryFactory(innovation=innovation, stage=proposal_stage)
    # The stage's window has closed and every sheet it asks for is in: judging is complete, the list may go out.
    proposal_stage.closes_at = timezone.now() - datetime.timedelta(days=1)
    proposal_stage.save()
    for _ in range(max(proposal_stage.judges_per_innovation, proposal_stage.min_sheets)):
        f.ScoreSheetFactory(
            assignment=f.AssignmentFactory(stage=proposal_stage, judge=f.UserFactory(), innovation=innovation),
            status="submitted",
            total=Decimal("88.5"),
            submitted_at=timezone.now() - datetime.timedelta(hours=1),
        )
    snapshot = publish_shortlist(stage=proposal_stage, rule="top_n", params={"n": 5}, actor=committee, objection_days=5)
    url = reverse("awards:objection_create", args=[competition.slug, snapshot.pk])
    # The control: a well-formed objection is accepted, so the fuzzed ones are refused for their content.
    accepted = client.post(
        url, {"innovation": innovation.pk, "name": "Warga", "email": "warga@example.id", "reason": "Data keliru."}
    )
    assert accepted.status_code == 302 and Objection.objects.count() == 1

    @FUZZ
    @given(lookup=form_data(["code"]), objection=form_data(["innovation", "name", "email", "reason"]))
    def fuzz(lookup, objection):
        assert_no_server_error(client.get(reverse("awards:verify_lookup"), lookup))
        post_refused_or_whole(client, url, objection)

    fuzz()

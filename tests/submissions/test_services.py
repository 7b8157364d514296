import datetime

import pytest
from django.core import mail
from django.utils import timezone

from submissions import services
from submissions.enums import EndorsementOutcome, InnovationStatus, ScreeningOutcome
from submissions.models import StageEntry
from tests import factories as f
from tests.submissions.conftest import pdf_bytes, upload

pytestmark = pytest.mark.django_db


def test_submit_complete_entry_gets_number_and_receipt(complete, agency_member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        innovation = services.submit(innovation=complete, actor=agency_member)
    innovation.refresh_from_db()
    assert innovation.status == InnovationStatus.SUBMITTED
    assert innovation.entry_number == "KOLABIK-UJI-2026-0001"
    assert innovation.submitted_at is not None
    assert len(mail.outbox) == 1
    assert "KOLABIK-UJI-2026-0001" in mail.outbox[0].subject
    assert "anggota@example.go.id" in mail.outbox[0].to


def test_submit_numbers_are_sequential_and_unique(complete, setup, competition, agency_member, other_agency):
    services.submit(innovation=complete, actor=agency_member)
    second = f.InnovationFactory(
        competition=competition, group=setup["group"], category=setup["category"], agency=complete.agency,
        start_date=datetime.date(2019, 1, 1), declaration=True,
    )  # fmt: skip
    for q in setup["questions"][:2]:
        f.AnswerFactory(innovation=second, question=q, text="isi")
    services.add_attachment(
        innovation=second,
        requirement=competition.attachment_kinds.get(code="sk"),
        upload=upload("a.pdf", pdf_bytes()),
        content_type="application/pdf",
        actor=agency_member,
    )
    services.submit(innovation=second, actor=agency_member)
    second.refresh_from_db()
    assert second.entry_number == "KOLABIK-UJI-2026-0002"


def test_submit_refused_after_deadline(complete, submission_stage, agency_member):
    submission_stage.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    submission_stage.opens_at = timezone.now() - datetime.timedelta(days=9)
    submission_stage.save()
    with pytest.raises(services.Refused) as refused:
        services.submit(innovation=complete, actor=agency_member)
    assert "batas waktu" in str(refused.value).lower() or "deadline" in str(refused.value).lower()
    complete.refresh_from_db()
    assert complete.status == InnovationStatus.DRAFT
    assert complete.entry_number is None


def test_screen_eligible_advances_to_first_scored_stage(
    complete, agency_member, committee, proposal_stage, django_capture_on_commit_callbacks
):
    services.submit(innovation=complete, actor=agency_member)
    f.StageFactory(competition=complete.competition, order=4, kind="presentation")
    with django_capture_on_commit_callbacks(execute=True):
        services.screen(innovation=complete, outcome=ScreeningOutcome.ELIGIBLE, reason="Lengkap.", actor=committee)
    complete.refresh_from_db()
    assert complete.status == InnovationStatus.ELIGIBLE
    assert complete.stage_reached == proposal_stage
    assert StageEntry.objects.filter(innovation=complete, stage=proposal_stage).exists()
    assert "Lengkap." in mail.outbox[-1].body


def test_screen_requires_reason(complete, agency_member, committee):
    services.submit(innovation=complete, actor=agency_member)
    with pytest.raises(services.Refused):
        services.screen(innovation=complete, outcome=ScreeningOutcome.INELIGIBLE, reason="  ", actor=committee)
    complete.refresh_from_db()
    assert complete.status == InnovationStatus.SUBMITTED


def test_returned_entry_can_be_resubmitted_after_deadline(complete, agency_member, committee, submission_stage):
    services.submit(innovation=complete, actor=agency_member)
    services.screen(innovation=complete, outcome=ScreeningOutcome.RETURNED, reason="Lengkapi SK.", actor=committee)
    submission_stage.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    submission_stage.opens_at = timezone.now() - datetime.timedelta(days=9)
    submission_stage.save()
    services.submit(innovation=complete, actor=agency_member)
    complete.refresh_from_db()
    assert complete.status == InnovationStatus.SUBMITTED
    assert complete.entry_number == "KOLABIK-UJI-2026-0001"


def test_endorsement_chain_return_then_endorse(
    complete, agency_member, local_admin, competition, django_capture_on_commit_callbacks
):
    competition.uses_endorsement = True
    competition.save()
    services.submit(innovation=complete, actor=agency_member)
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_endorsement(
            innovation=complete, outcome=EndorsementOutcome.RETURNED, comment="Perbaiki ringkasan.", actor=local_admin
        )
    complete.refresh_from_db()
    assert complete.status == InnovationStatus.RETURNED
    assert "Perbaiki ringkasan." in mail.outbox[-1].body
    services.submit(innovation=complete, actor=agency_member)
    services.decide_endorsement(innovation=complete, outcome=EndorsementOutcome.ENDORSED, comment="", actor=local_admin)
    complete.refresh_from_db()
    assert complete.status == InnovationStatus.ENDORSED


def test_withdraw_refused_after_screening_closes(complete, agency_member, screening_stage):
    services.submit(innovation=complete, actor=agency_member)
    with pytest.raises(services.Refused):
        services.withdraw(
            innovation=complete, actor=agency_member, at=screening_stage.closes_at + datetime.timedelta(seconds=1)
        )
    services.withdraw(innovation=complete, actor=agency_member)
    complete.refresh_from_db()
    assert complete.status == InnovationStatus.WITHDRAWN


def test_save_draft_keeps_text_over_the_limit(draft, questions, agency_member):
    long_text = " ".join(["kata"] * 30)
    services.save_draft(innovation=draft, header={}, answers={questions[0].pk: long_text}, actor=agency_member)
    assert draft.answers.get(question=questions[0]).text == long_text


def test_save_draft_refused_when_locked(complete, questions, agency_member):
    services.submit(innovation=complete, actor=agency_member)
    with pytest.raises(services.Refused):
        services.save_draft(innovation=complete, header={}, answers={questions[0].pk: "x"}, actor=agency_member)


@pytest.mark.parametrize("n", [1, 6])
def test_remove_from_stage_steps_back_in_the_same_queries_for_any_number(
    n, competition, committee, django_assert_num_queries
):
    proposal = f.StageFactory(competition=competition, order=3, kind="proposal")
    presentation = f.StageFactory(competition=competition, order=4, kind="presentation")
    reached = f.InnovationFactory.create_batch(n, competition=competition, status=InnovationStatus.ELIGIBLE)
    services.advance_to_stage(innovation_ids=[i.pk for i in reached], stage=proposal, actor=committee)
    services.advance_to_stage(innovation_ids=[i.pk for i in reached], stage=presentation, actor=committee)
    # Never in the proposal stage (a direct entry): it has no stage to step back to.
    direct = f.InnovationFactory(competition=competition, status=InnovationStatus.ELIGIBLE)
    services.advance_to_stage(innovation_ids=[direct.pk], stage=presentation, actor=committee)
    kept = f.InnovationFactory(competition=competition, status=InnovationStatus.ELIGIBLE)
    services.advance_to_stage(innovation_ids=[kept.pk], stage=presentation, actor=committee)

    with django_assert_num_queries(3):  # the lock, the delete, one update (not one per entry)
        removed = services.remove_from_stage(
            innovation_ids=[i.pk for i in [*reached, direct]], stage=presentation, actor=committee
        )

    assert removed == n + 1
    assert {i.stage_reached_id for i in type(direct).objects.filter(pk__in=[i.pk for i in reached])} == {proposal.pk}
    direct.refresh_from_db()
    kept.refresh_from_db()
    assert direct.stage_reached_id is None
    assert kept.stage_reached_id == presentation.pk
    assert set(StageEntry.objects.filter(stage=presentation).values_list("innovation_id", flat=True)) == {kept.pk}

"""The database itself refuses impossible rows, whatever code writes them."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from awards.models import Award, Certificate
from competitions.models import Category, Stage
from judging.models import Conflict, Criterion, CriterionScore, ScoreSheet
from submissions.enums import InnovationStatus
from submissions.models import Answer, ScreeningDecision
from tests import factories as f

pytestmark = pytest.mark.django_db


def refused(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_constraint_one_sheet_per_assignment():
    sheet = f.ScoreSheetFactory()
    refused(lambda: ScoreSheet.objects.create(assignment=sheet.assignment))


def test_constraint_score_within_its_scale():
    sheet = f.ScoreSheetFactory()
    criterion = f.CriterionFactory(stage=sheet.assignment.stage, max_score=Decimal(10))

    def score(value):
        return CriterionScore.objects.create(
            sheet=sheet, criterion=criterion, value=Decimal(value), scale_min=Decimal(0), scale_max=Decimal(10)
        )

    refused(lambda: score("10.5"))
    refused(lambda: score("-1"))
    score("10")
    assert CriterionScore.objects.get().value == Decimal(10)


def test_constraint_one_score_per_criterion_per_sheet():
    sheet = f.ScoreSheetFactory()
    criterion = f.CriterionFactory(stage=sheet.assignment.stage)
    kwargs = {"sheet": sheet, "criterion": criterion, "value": 5, "scale_min": 0, "scale_max": 100}
    CriterionScore.objects.create(**kwargs)
    refused(lambda: CriterionScore.objects.create(**kwargs))


def test_constraint_sheet_total_on_0_to_100():
    sheet = f.ScoreSheetFactory()
    sheet.total = Decimal("100.0001")
    refused(lambda: sheet.save())


def test_constraint_submitted_sheet_has_a_time():
    sheet = f.ScoreSheetFactory()
    sheet.status = "submitted"
    refused(lambda: sheet.save())


def test_constraint_criterion_scale_and_weight():
    stage = f.StageFactory()
    refused(lambda: f.CriterionFactory(stage=stage, min_score=Decimal(10), max_score=Decimal(10)))
    refused(lambda: f.CriterionFactory(stage=stage, weight=Decimal(-1)))
    refused(lambda: f.CriterionFactory(stage=stage, step=Decimal(0)))
    first = f.CriterionFactory(stage=stage, code="kebaruan")
    refused(lambda: f.CriterionFactory(stage=stage, code="kebaruan"))
    assert Criterion.objects.get() == first


def test_constraint_stage_window_and_limits():
    competition = f.CompetitionFactory()
    now = timezone.now()
    refused(lambda: f.StageFactory(competition=competition, opens_at=now, closes_at=now - datetime.timedelta(hours=1)))
    refused(lambda: f.StageFactory(competition=competition, pass_mark=Decimal("100.01")))
    refused(lambda: f.StageFactory(competition=competition, shortlist_size=0))
    refused(lambda: f.StageFactory(competition=competition, weight=101))
    f.StageFactory(competition=competition, order=1)
    refused(lambda: f.StageFactory(competition=competition, order=1))
    assert Stage.objects.count() == 1


def test_constraint_category_name_unique_per_competition():
    category = f.CategoryFactory(name="Kesehatan")
    refused(lambda: Category.objects.create(competition=category.competition, name="Kesehatan"))
    Category.objects.create(competition=f.CompetitionFactory(), name="Kesehatan")


def test_constraint_group_kind_unique_and_cap_positive():
    group = f.EntryGroupFactory()
    from competitions.models import EntryGroup

    refused(lambda: EntryGroup.objects.create(competition=group.competition, kind=group.kind))
    refused(lambda: EntryGroup.objects.create(competition=group.competition, kind="khusus", entry_cap_per_agency=0))


def test_constraint_innovation_entry_number_unique_and_submission_time():
    first = f.InnovationFactory(status=InnovationStatus.SUBMITTED, entry_number="KVB-0001")
    refused(
        lambda: f.InnovationFactory(
            competition=first.competition, status=InnovationStatus.SUBMITTED, entry_number="KVB-0001"
        )
    )
    # Drafts have no number yet: many drafts may coexist.
    f.InnovationFactory(competition=first.competition)
    f.InnovationFactory(competition=first.competition)
    refused(lambda: f.InnovationFactory(status=InnovationStatus.ELIGIBLE, submitted_at=None))


def test_constraint_one_answer_per_section():
    answer = f.AnswerFactory()
    refused(lambda: Answer.objects.create(innovation=answer.innovation, question=answer.question, text="lagi"))


def test_constraint_screening_needs_a_reason():
    innovation = f.InnovationFactory(status=InnovationStatus.SUBMITTED)
    user = f.UserFactory()
    refused(
        lambda: ScreeningDecision.objects.create(
            innovation=innovation, outcome="ineligible", reason="", decided_by=user
        )
    )


def test_constraint_conflict_names_exactly_one_target_with_reason():
    innovation = f.InnovationFactory()
    judge = f.UserFactory()
    competition = innovation.competition
    refused(lambda: Conflict.objects.create(competition=competition, judge=judge, reason="x"))
    refused(
        lambda: Conflict.objects.create(
            competition=competition, judge=judge, agency=innovation.agency, innovation=innovation, reason="x"
        )
    )
    refused(lambda: Conflict.objects.create(competition=competition, judge=judge, agency=innovation.agency, reason=""))


def test_constraint_one_ranked_place_per_category():
    innovation = f.InnovationFactory()
    other = f.InnovationFactory(competition=innovation.competition, category=innovation.category)
    user = f.UserFactory()
    common = {"competition": innovation.competition, "category": innovation.category, "assigned_by": user}
    Award.objects.create(innovation=innovation, place="juara_1", **common)
    refused(lambda: Award.objects.create(innovation=other, place="juara_1", **common))
    # Overall places (no category) are unique too.
    Award.objects.create(innovation=other, place="juara_1", competition=innovation.competition, assigned_by=user)
    third = f.InnovationFactory(competition=innovation.competition)
    refused(
        lambda: Award.objects.create(
            innovation=third, place="juara_1", competition=innovation.competition, assigned_by=user
        )
    )


def test_constraint_certificate_once_per_holder_and_kind():
    certificate = f.CertificateFactory()
    refused(
        lambda: f.CertificateFactory(
            competition=certificate.competition, innovation=certificate.innovation, kind=certificate.kind
        )
    )
    refused(lambda: f.CertificateFactory(serial=certificate.serial))
    refused(lambda: Certificate.objects.filter(pk=certificate.pk).update(revoked_at=timezone.now()))
    assert Certificate.objects.count() == 1

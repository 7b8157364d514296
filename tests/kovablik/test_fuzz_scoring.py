"""Property-based fuzzing of the judging forms: the score sheet (page and autosave), a conflict declaration and the
committee's rubric, panel and assignment forms never give a server error; a refused request writes nothing and a
stored score is always on its criterion's scale."""

from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import given, settings

from judging.models import CriterionScore, ScoreSheet
from tests import factories as f
from tests.kovablik.fuzz import (
    FUZZ,
    assert_refused_or_whole,
    database_fingerprint,
    form_data,
    fuzz_form,
    post_refused_or_whole,
)


@pytest.fixture
def rubric(proposal_stage):
    return [
        f.CriterionFactory(stage=proposal_stage, order=1, weight=Decimal(30)),
        f.CriterionFactory(stage=proposal_stage, order=2, weight=Decimal(15), max_score=Decimal(10), step="0.5"),
    ]


@pytest.fixture
def assignment(judge, proposal_stage, competition, agency, rubric):
    innovation = f.InnovationFactory(competition=competition, agency=agency, status="submitted")
    ScoreSheet.objects.filter(assignment__innovation=innovation).delete()
    return f.AssignmentFactory(stage=proposal_stage, judge=judge, innovation=innovation)


def sheet_fields(rubric):
    return [f"c{c.pk}" for c in rubric] + ["comment", "version", "submit"]


def assert_scores_on_scale():
    for score in CriterionScore.objects.select_related("criterion"):
        criterion = score.criterion
        assert criterion.min_score <= score.value <= criterion.max_score
        assert (score.value - criterion.min_score) % criterion.step == 0


def test_fuzz_score_sheet_page(client, judge, assignment, rubric):
    client.force_login(judge)
    url = reverse("judging:sheet", args=[assignment.pk])
    client.get(url)
    # The control: well-formed scores are saved, so what the fuzzing gets refused is refused for its content.
    control = client.post(url, {f"c{rubric[0].pk}": "80", f"c{rubric[1].pk}": "7.5", "version": "0"})
    assert control.status_code == 302
    assert CriterionScore.objects.count() == 2

    @FUZZ
    @given(data=form_data(sheet_fields(rubric)))
    def fuzz(data):
        before = database_fingerprint()
        response = client.post(url, data)
        if "submit" in data and response.status_code == 200:
            # Save-and-submit keeps the draft (nothing typed is lost) but a refused submit leaves it a draft.
            assert ScoreSheet.objects.get(assignment=assignment).status == "draft"
        else:
            assert_refused_or_whole(response, before)
        assert_scores_on_scale()

    fuzz()


def test_fuzz_score_sheet_autosave(client, judge, assignment, rubric):
    client.force_login(judge)
    client.get(reverse("judging:sheet", args=[assignment.pk]))
    url = reverse("judging:autosave", args=[assignment.pk])

    @FUZZ
    @given(data=form_data(sheet_fields(rubric)))
    def fuzz(data):
        before = database_fingerprint()
        response = client.post(url, data)
        assert response.status_code < 500, response.content[:2000]
        if response.status_code != 200:
            assert database_fingerprint() == before
        assert_scores_on_scale()
        assert not ScoreSheet.objects.filter(status="submitted").exists()

    fuzz()


def test_fuzz_conflict_declaration(client, judge, assignment):
    client.force_login(judge)
    url = reverse("judging:declare_conflict", args=[assignment.pk])
    fuzz_form(client, url, ["scope", "reason"])


RUBRIC_FIELDS = [
    "criteria-TOTAL_FORMS",
    "criteria-INITIAL_FORMS",
    "criteria-0-id",
    "criteria-0-order",
    "criteria-0-code",
    "criteria-0-name",
    "criteria-0-weight",
    "criteria-0-min_score",
    "criteria-0-max_score",
    "criteria-0-step",
    "criteria-0-DELETE",
    "source",
    "action",
]


def test_fuzz_committee_rubric_form(client, committee, competition, proposal_stage, rubric):
    client.force_login(committee)
    url = reverse("judging:rubric", args=[competition.slug, proposal_stage.order])

    # Fewer examples: a forged TOTAL_FORMS makes the page render up to Django's 1,000-form cap, which is slow.
    fuzz_form(client, url, RUBRIC_FIELDS, settings(FUZZ, max_examples=5))


def test_fuzz_committee_panel_and_assignment_forms(client, committee, competition, proposal_stage, rubric):
    client.force_login(committee)
    args = [competition.slug, proposal_stage.order]

    @FUZZ
    @given(
        panel=form_data(["email", "name", "affiliation", "agency", "region"]),
        manual=form_data(["judge", "innovation", "manual", "auto", "per_innovation"]),
    )
    def fuzz(panel, manual):
        for url_name, data in (("panel", panel), ("assignment", manual)):
            post_refused_or_whole(client, reverse(f"judging:{url_name}", args=args), data)

    fuzz()

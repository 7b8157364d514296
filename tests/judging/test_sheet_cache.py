"""The scoring page's rubric is rendered once per version of the sheet: a judge's save, autosave or submit and a
committee's reopen show on the very next load, with the cache kept between the loads (as in production)."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from judging import services
from judging.models import ScoreSheet
from tests import factories as f
from tests.judging.builders import make_entries, make_rubric, score


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


@pytest.fixture
def scored(proposal_stage, judge):
    """An assignment whose draft holds a score for the first of two criteria."""
    criteria = make_rubric(proposal_stage, [(10, 100), (30, 100)])
    (innovation,) = make_entries(proposal_stage, 1)
    f.AssignmentFactory(stage=proposal_stage, judge=judge, innovation=innovation)
    sheet = score(proposal_stage, judge, innovation, [70, None], submit=False)
    return sheet.assignment, criteria


def page(client, assignment) -> str:
    """The page with its CSRF tokens blanked (they are masked anew on every response)."""
    html = client.get(reverse("judging:sheet", args=[assignment.pk])).content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken"', html)


def value_of(html, criterion) -> str | None:
    found = re.search(rf'<input[^>]*id="id_c{criterion.pk}"[^>]*>', html)
    value = re.search(r'value="([^"]*)"', found.group(0))
    return value.group(1) if value else None


def test_second_load_serves_the_rubric_without_its_queries(client, judge, scored, django_assert_max_num_queries):
    assignment, criteria = scored
    client.force_login(judge)
    first = page(client, assignment)

    with django_assert_max_num_queries(6) as captured:  # without the rubric, its levels and the sheet's scores
        again = page(client, assignment)

    assert again == first
    assert value_of(first, criteria[0]) == "70"
    assert not any("judging_criterionlevel" in q["sql"] for q in captured.captured_queries)


def test_a_saved_draft_shows_at_once(client, judge, scored):
    assignment, (first, second) = scored
    client.force_login(judge)
    page(client, assignment)
    version = ScoreSheet.objects.get(assignment=assignment).version

    client.post(
        reverse("judging:sheet", args=[assignment.pk]),
        {f"c{first.pk}": "80", f"c{second.pk}": "40", "comment": "Cukup baik", "version": version, "save": "1"},
    )
    html = page(client, assignment)

    assert (value_of(html, first), value_of(html, second)) == ("80", "40")
    assert "Cukup baik" in html


def test_an_autosave_shows_at_once(client, judge, scored):
    assignment, (first, _second) = scored
    client.force_login(judge)
    page(client, assignment)
    version = ScoreSheet.objects.get(assignment=assignment).version

    response = client.post(
        reverse("judging:autosave", args=[assignment.pk]), {f"c{first.pk}": "65", "version": version}
    )

    assert response.status_code == 200
    assert value_of(page(client, assignment), first) == "65"


def test_submitted_then_reopened_sheet_shows_at_once(client, proposal_stage, judge, committee, scored):
    assignment, (_first, second) = scored
    client.force_login(judge)
    assert "readonly" not in page(client, assignment).split('id="sheet-form"')[1].split("</form>")[0]

    sheet = services.save_sheet(
        sheet=ScoreSheet.objects.get(assignment=assignment),
        scores={second.pk: "50"},
        comment=None,
        version=None,
        actor=judge,
    )
    services.submit_sheet(sheet=sheet, actor=judge)
    locked = page(client, assignment)
    assert f'id="id_c{second.pk}" value="50" readonly' in locked

    services.reopen_sheet(sheet=ScoreSheet.objects.get(assignment=assignment), reason="Periksa lagi", actor=committee)

    assert f'id="id_c{second.pk}" value="50" readonly' not in page(client, assignment)


def test_a_rubric_edited_before_any_score_shows_at_once(client, proposal_stage, judge):
    (criterion,) = make_rubric(proposal_stage, [(10, 100)])
    (innovation,) = make_entries(proposal_stage, 1)
    assignment = f.AssignmentFactory(stage=proposal_stage, judge=judge, innovation=innovation)
    client.force_login(judge)
    page(client, assignment)

    criterion.name = "Kebaruan yang diperjelas"
    criterion.save()

    assert "Kebaruan yang diperjelas" in page(client, assignment)

"""The judge queue's rows are rendered once per version of the queue: every change a judge or the committee makes to
what a row prints shows on the very next load, with the cache kept between the loads (as in production)."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from judging import services
from judging.enums import SheetStatus
from judging.models import ScoreSheet
from tests import factories as f
from tests.judging.builders import make_entries, make_rubric, score

ROW = re.compile(r"<tr>\s*<td>.*?</tr>", re.S)


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


@pytest.fixture
def queue(proposal_stage, judge):
    make_rubric(proposal_stage, [(10, 100), (30, 100)])
    innovations = make_entries(proposal_stage, 2)
    return [f.AssignmentFactory(stage=proposal_stage, judge=judge, innovation=i) for i in innovations]


def rows(client, **params) -> dict[int, str]:
    """The queue's rows by assignment id (no cache cleared: the page is read as a judge would reload it)."""
    html = client.get(reverse("judging:dashboard"), params).content.decode()
    found = {}
    for row in ROW.findall(html):
        found[int(re.search(r'href="/judging/sheet/(\d+)/"', row).group(1))] = row
    return found


def progress(row) -> str:
    return re.findall(r"<td>([^<]*)</td>", row)[2]


def criteria_of(scored, total) -> str:
    with translation.override("id"):
        return translation.gettext("%(scored)s of %(total)s criteria") % {"scored": scored, "total": total}


def label(status) -> str:
    with translation.override("id"):
        return str(SheetStatus(status).label)


def test_second_load_serves_the_rows_without_their_query(client, judge, queue, django_assert_num_queries):
    client.force_login(judge)
    first = rows(client)

    # session, user, roles, the judge's stages, the state counts; not the page's rows
    with django_assert_num_queries(5):
        again = rows(client)

    assert again == first
    assert set(first) == {a.pk for a in queue}


def test_a_draft_saved_by_the_judge_shows_at_once(client, proposal_stage, judge, queue):
    first, _second = queue
    client.force_login(judge)
    before = rows(client)[first.pk]
    criterion = proposal_stage.criteria.order_by("order").first()

    client.post(reverse("judging:sheet", args=[first.pk]), {f"c{criterion.pk}": "70", "version": 0, "save": "1"})
    after = rows(client)[first.pk]

    assert after != before
    assert f"<td>{label('draft')}</td>" in after
    assert progress(after) == criteria_of(1, 2)
    assert list(rows(client, show="draft")) == [first.pk]


def test_a_submitted_then_reopened_sheet_shows_at_once(client, proposal_stage, judge, committee, queue):
    first, _second = queue
    client.force_login(judge)
    rows(client)
    score(proposal_stage, judge, first.innovation, [70, 80])
    assert f"<td>{label('submitted')}</td>" in rows(client)[first.pk]

    services.reopen_sheet(sheet=ScoreSheet.objects.get(assignment=first), reason="Periksa lagi", actor=committee)

    assert f"<td>{label('reopened')}</td>" in rows(client)[first.pk]


def test_assignments_given_and_released_show_at_once(client, proposal_stage, judge, queue):
    first, second = queue
    client.force_login(judge)
    rows(client)
    (innovation,) = make_entries(proposal_stage, 1)
    third = f.AssignmentFactory(stage=proposal_stage, judge=judge, innovation=innovation)
    assert set(rows(client)) == {first.pk, second.pk, third.pk}

    second.released_at = datetime.datetime.now(tz=datetime.UTC)
    second.save()

    assert set(rows(client)) == {first.pk, third.pk}


def test_an_entry_retitled_a_stage_renamed_and_a_criterion_added_show_at_once(client, proposal_stage, judge, queue):
    first, _second = queue
    client.force_login(judge)
    rows(client)

    first.innovation.title = "Judul yang diperbaiki"
    first.innovation.save()
    assert "Judul yang diperbaiki" in rows(client)[first.pk]

    proposal_stage.name = "Penilaian Proposal Akhir"
    proposal_stage.save()
    assert "Penilaian Proposal Akhir" in rows(client)[first.pk]

    assert progress(rows(client)[first.pk]) == criteria_of(0, 2)
    f.CriterionFactory(stage=proposal_stage, order=3, code="c3")
    assert progress(rows(client)[first.pk]) == criteria_of(0, 3)


def test_queries_compiled_once_bind_each_judge_and_stage(competition, proposal_stage, judge, queue):
    """judge_stages and queue_state run SQL compiled once per process: every call must get its own ids bound."""
    from judging import queries

    later = f.StageFactory(competition=competition, order=4, kind="proposal", name="Presentasi")
    f.PanelMemberFactory(stage=later, judge=judge)
    (innovation,) = make_entries(later, 1)
    f.AssignmentFactory(stage=later, judge=judge, innovation=innovation)
    other = f.PanelMemberFactory(stage=proposal_stage, judge=f.UserFactory()).judge
    f.AssignmentFactory(stage=proposal_stage, judge=other, innovation=queue[0].innovation)

    mine, theirs = queries.judge_stages(judge), queries.judge_stages(other)

    assert [(s.pk, s.criteria_count) for s in mine] == [(proposal_stage.pk, 2), (later.pk, 0)]
    assert [s.pk for s in theirs] == [proposal_stage.pk]
    assert queries.queue_counts(judge, mine) == {"to_score": 3, "draft": 0, "submitted": 0}
    assert queries.queue_counts(other, theirs) == {"to_score": 1, "draft": 0, "submitted": 0}
    assert queries.queue_counts(judge, mine[1:]) == {"to_score": 1, "draft": 0, "submitted": 0}


def test_assignments_swapped_for_others_with_the_same_id_sum_show_at_once(client, judge, proposal_stage):
    """Two released, two given in one re-run, the ids adding up the same (10 + 40 = 20 + 30), the latest-edited
    entry kept throughout: the page follows."""
    make_rubric(proposal_stage, [(1, 100)])
    a, b, c, d, last = make_entries(proposal_stage, 5)
    base = 900_000
    old = [
        f.AssignmentFactory(pk=base + 10, stage=proposal_stage, judge=judge, innovation=a),
        f.AssignmentFactory(pk=base + 40, stage=proposal_stage, judge=judge, innovation=b),
    ]
    f.AssignmentFactory(pk=base + 50, stage=proposal_stage, judge=judge, innovation=last)
    last.title = "Diubah terakhir"
    last.save()  # the newest edit of the queue's entries stays this one
    client.force_login(judge)
    assert set(rows(client)) == {base + 10, base + 40, base + 50}
    for assignment in old:
        assignment.released_at = datetime.datetime.now(tz=datetime.UTC)
        assignment.save()
    f.AssignmentFactory(pk=base + 20, stage=proposal_stage, judge=judge, innovation=c)
    f.AssignmentFactory(pk=base + 30, stage=proposal_stage, judge=judge, innovation=d)
    assert set(rows(client)) == {base + 20, base + 30, base + 50}

"""Two saves of one sheet at the same time never lose an update (PostgreSQL row locks + version check)."""

import threading

import pytest
from django.db import connection, connections, transaction

from judging import services
from judging.models import ScoreSheet, SheetEvent
from tests import factories as f
from tests.judging.builders import make_entries, make_rubric
from tests.services import require_postgres, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sheet():
    require_postgres()
    stage = f.StageFactory(kind="proposal")
    make_rubric(stage, [(1, 10), (1, 10)])
    (innovation,) = make_entries(stage, 1)
    judge = f.UserFactory()
    assignment = f.AssignmentFactory(stage=stage, judge=judge, innovation=innovation)
    return services.sheet_for(assignment)


def _blocked_on_lock():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return cursor.fetchone()[0] > 0


def _in_thread(target, results, key):
    def run():
        try:
            results[key] = target()
        except Exception as exc:
            results[key] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def while_first_holds_lock(first, second, waiting_for: str) -> dict:
    """Run first() in a transaction kept open until second(), in another thread, waits on the row lock it took.

    Returns {"first": ..., "second": ...}, each the call's result or the exception it raised.
    """
    first_holds_lock = threading.Event()
    release_first = threading.Event()
    results = {}

    def hold():
        with transaction.atomic():
            result = first()
            first_holds_lock.set()
            release_first.wait(30)
        return result

    def then_second():
        first_holds_lock.wait(30)
        return second()

    threads = [_in_thread(hold, results, "first"), _in_thread(then_second, results, "second")]
    try:
        first_holds_lock.wait(30)
        wait_for(_blocked_on_lock, timeout=30, message=waiting_for)
    finally:
        release_first.set()
        for thread in threads:
            thread.join(30)
    return results


def test_second_save_from_a_stale_copy_is_refused_not_lost(sheet):
    c1, _c2 = sheet.assignment.stage.criteria.order_by("order")
    judge = sheet.assignment.judge

    results = while_first_holds_lock(
        lambda: services.save_sheet(sheet=sheet, scores={c1.pk: "7"}, comment="A", version=0, actor=judge),
        lambda: services.save_sheet(sheet=sheet, scores={c1.pk: "3"}, comment="B", version=0, actor=judge),
        waiting_for="the second save to wait for the row lock",
    )

    assert isinstance(results["first"], ScoreSheet)
    assert isinstance(results["second"], services.StaleSheet)
    fresh = ScoreSheet.objects.get(pk=sheet.pk)
    assert fresh.version == 1 and fresh.comment == "A"
    assert str(fresh.scores.get(criterion=c1).value) == "7.00"
    assert SheetEvent.objects.filter(sheet=sheet).count() == 1


def test_two_blind_saves_of_different_criteria_both_survive(sheet):
    c1, c2 = sheet.assignment.stage.criteria.order_by("order")
    judge = sheet.assignment.judge

    results = while_first_holds_lock(
        lambda: services.save_sheet(sheet=sheet, scores={c1.pk: "7"}, comment=None, version=None, actor=judge),
        lambda: services.save_sheet(sheet=sheet, scores={c2.pk: "4"}, comment=None, version=None, actor=judge),
        waiting_for="the second save to wait for the row lock",
    )

    assert isinstance(results["first"], ScoreSheet) and isinstance(results["second"], ScoreSheet)
    fresh = ScoreSheet.objects.get(pk=sheet.pk)
    assert fresh.version == 2
    assert {s.criterion_id: str(s.value) for s in fresh.scores.all()} == {c1.pk: "7.00", c2.pk: "4.00"}

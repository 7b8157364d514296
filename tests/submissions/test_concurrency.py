"""Two submits at the same moment never share an entry number nor pass an agency's cap together (PostgreSQL only).

The first submit keeps its transaction open while the second starts; the test waits until PostgreSQL reports the
second one waiting for a lock, then lets the first commit. Without the lock on the competition row, the second
would count the same committed entries, take the same number and fail on the unique constraint; without the cap
checked again under that lock, the second would pass on a count that missed the first.
"""

import threading

import pytest
from django.db import connection, transaction

from submissions import eligibility, services
from submissions.models import AgencyMembership, Innovation
from tests import factories as f
from tests.services import require_postgres, wait_for
from tests.submissions.conftest import pdf_bytes, upload

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def ready_entry(competition, setup, requirement, membership=None):
    membership = membership or f.AgencyMembershipFactory()
    innovation = f.InnovationFactory(
        competition=competition,
        group=setup["group"],
        category=setup["category"],
        agency=membership.agency,
        declaration=True,
    )
    for question in setup["questions"][:2]:
        f.AnswerFactory(innovation=innovation, question=question, text="isi")
    services.add_attachment(
        innovation=innovation,
        requirement=requirement,
        upload=upload("sk.pdf", pdf_bytes()),
        content_type="application/pdf",
        actor=membership.user,
    )
    return innovation, membership.user


def lock_waiters() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return cursor.fetchone()[0]


def race(first, first_user, second, second_user) -> list[Exception]:
    """Submit first and hold its transaction, submit second meanwhile, let first commit once second waits."""
    submitted, release = threading.Event(), threading.Event()
    errors = []

    def submit_and_hold():
        try:
            with transaction.atomic():
                services.submit(innovation=first, actor=first_user)
                submitted.set()
                release.wait(60)
        except Exception as exc:  # collected and asserted by the caller, so a failure names its cause
            errors.append(exc)
        finally:
            submitted.set()
            connection.close()

    def submit():
        try:
            services.submit(innovation=Innovation.objects.get(pk=second.pk), actor=second_user)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    holder = threading.Thread(target=submit_and_hold)
    holder.start()
    submitted.wait(60)
    other = threading.Thread(target=submit)
    other.start()
    wait_for(lambda: lock_waiters() > 0, timeout=60, message="the second submit to wait for the first")
    release.set()
    holder.join()
    other.join()
    return errors


def test_simultaneous_submits_take_consecutive_numbers(setup, competition, pdf_requirement):
    require_postgres()
    first, first_user = ready_entry(competition, setup, pdf_requirement)
    second, second_user = ready_entry(competition, setup, pdf_requirement)

    errors = race(first, first_user, second, second_user)

    assert errors == []
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.entry_number, second.entry_number) == ("KOLABIK-UJI-2026-0001", "KOLABIK-UJI-2026-0002")


def test_simultaneous_submits_of_one_agency_keep_to_its_cap(setup, competition, pdf_requirement):
    require_postgres()
    setup["group"].entry_cap_per_agency = 1
    setup["group"].save(update_fields=["entry_cap_per_agency"])
    first, user = ready_entry(competition, setup, pdf_requirement)
    membership = AgencyMembership.objects.get(user=user)
    second, _user = ready_entry(competition, setup, pdf_requirement, membership=membership)

    errors = race(first, user, second, user)

    first.refresh_from_db()
    second.refresh_from_db()
    assert [type(error) for error in errors] == [services.Refused]
    assert errors[0].problems == eligibility.cap_problems(second)
    assert (first.status, second.status) == ("submitted", "draft")
    assert second.entry_number is None


def test_the_competition_is_locked_only_for_the_cap_and_the_number(setup, competition, pdf_requirement):
    # Every submit of the competition waits for this lock, so the checks run before it: in the deadline surge the
    # lock was held for 15 queries a submit, and submits queued behind it.
    require_postgres()
    innovation, user = ready_entry(competition, setup, pdf_requirement)

    statements = []  # (sql, in the transaction): the receipt's queries run after the commit

    def record(execute, sql, params, many, context):
        statements.append((sql, connection.in_atomic_block))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        services.submit(innovation=innovation, actor=user)

    [locked_at] = [
        i for i, (sql, _) in enumerate(statements) if 'FROM "competitions_competition"' in sql and "FOR UPDATE" in sql
    ]
    under_lock = [
        sql
        for sql, in_transaction in statements[locked_at + 1 :]
        if in_transaction and not sql.startswith(("SAVEPOINT", "RELEASE"))
    ]
    # The cap, the number (a count and a check that it is free), the update; then the commit.
    assert len(under_lock) <= 4, under_lock
    innovation.refresh_from_db()
    assert (innovation.status, innovation.entry_number) == ("submitted", "KOLABIK-UJI-2026-0001")

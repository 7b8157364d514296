"""Two submits at the same moment never share an entry number, and neither fails (PostgreSQL only).

The first submit keeps its transaction open while the second starts; the test waits until PostgreSQL reports the
second one waiting for a lock, then lets the first commit. Without the lock on the competition row, the second
would count the same committed entries, take the same number and fail on the unique constraint.
"""

import threading

import pytest
from django.db import connection, transaction

from submissions import services
from submissions.models import Innovation
from tests import factories as f
from tests.services import require_postgres, wait_for
from tests.submissions.conftest import pdf_bytes, upload

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def ready_entry(competition, setup, requirement):
    membership = f.AgencyMembershipFactory()
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


def test_simultaneous_submits_take_consecutive_numbers(setup, competition, pdf_requirement):
    require_postgres()
    first, first_user = ready_entry(competition, setup, pdf_requirement)
    second, second_user = ready_entry(competition, setup, pdf_requirement)
    submitted, release = threading.Event(), threading.Event()
    errors = []

    def submit_and_hold():
        try:
            with transaction.atomic():
                services.submit(innovation=first, actor=first_user)
                submitted.set()
                release.wait(60)
        except Exception as exc:  # collected and asserted below, so a failure names its cause
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

    assert errors == []
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.entry_number, second.entry_number) == ("KOLABIK-UJI-2026-0001", "KOLABIK-UJI-2026-0002")

"""Role fixtures shared by every app's tests: one competition and a person in each role."""

import pytest

from tests import factories as f


def pytest_collection_modifyitems(items):
    # Tests with a real Celery worker share one Redis queue: keep them on one xdist worker, one at a time.
    for item in items:
        if "live_worker" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("celery-worker"))
            item.add_marker(pytest.mark.integration)


@pytest.fixture(autouse=True)
def _eager_celery_unless_live_worker(request):
    """Tasks run inline in every test but those with a real worker.

    Otherwise, with CELERY_BROKER_URL set (CI), a task enqueued by an ordinary test would sit in Redis and be run
    later by another test's worker, against that test's rows.
    """
    from kovablik.celery import app
    from tests.services import reset_broker_connections

    previous, broker_url = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager = "live_worker" not in request.fixturenames
    yield
    app.conf.task_always_eager = previous
    # A test that pointed Celery at another broker, or closed its pool, must not leave that to the next test.
    if app.conf.broker_url != broker_url or getattr(app._pool, "_closed", False):
        app.conf.broker_url = broker_url
        reset_broker_connections(app)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 at full strength costs ~0.3 s a user; tests check behaviour, not hashing strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def competition(db):
    return f.CompetitionFactory(slug="kolabik-uji", name="Kolabik Uji")


@pytest.fixture
def region(db):
    return f.RegionFactory(name="Kota Pasuruan", kind="city")


@pytest.fixture
def other_region(db):
    return f.RegionFactory(name="Kota Probolinggo", kind="city")


@pytest.fixture
def committee(competition):
    return f.CommitteeMemberFactory(competition=competition, user=f.UserFactory(username="panitia")).user


@pytest.fixture
def local_admin(region):
    return f.LocalAdminFactory(user=f.UserFactory(username="admin_lokal"), region=region).user


@pytest.fixture
def agency(region, local_admin):
    return f.AgencyFactory(name="Dinas Kesehatan", region=region, local_admin=local_admin.local_admin)


@pytest.fixture
def other_agency(other_region):
    return f.AgencyFactory(name="Dinas Pendidikan Probolinggo", region=other_region)


@pytest.fixture
def agency_member(agency):
    return f.AgencyMembershipFactory(agency=agency, user=f.UserFactory(username="anggota")).user


@pytest.fixture
def other_agency_member(other_agency):
    return f.AgencyMembershipFactory(agency=other_agency, user=f.UserFactory(username="anggota_lain")).user


@pytest.fixture
def proposal_stage(competition):
    return f.StageFactory(competition=competition, order=3, kind="proposal", name="Evaluasi Proposal")


@pytest.fixture
def judge(proposal_stage):
    return f.PanelMemberFactory(stage=proposal_stage, judge=f.UserFactory(username="juri")).judge


@pytest.fixture
def conflicted_judge(proposal_stage, agency):
    from judging.models import Conflict

    user = f.UserFactory(username="juri_konflik")
    f.PanelMemberFactory(stage=proposal_stage, judge=user, agency=agency)
    Conflict.objects.create(
        competition=proposal_stage.competition, judge=user, agency=agency, reason="Pernah bekerja di sini"
    )
    return user


@pytest.fixture
def anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


@pytest.fixture
def live_worker(transactional_db, settings):
    """A real Celery worker over Redis, reading and writing the test database (PostgreSQL)."""
    from kovablik.celery import app
    from tests.services import (
        WorkerProcess,
        database_url_of_test_db,
        require_broker,
        require_postgres,
        reset_broker_connections,
    )

    require_postgres()
    require_broker()
    app.conf.task_always_eager = False
    reset_broker_connections(app)
    # Leftovers of an aborted earlier run would otherwise be executed against this test's rows.
    app.control.purge()
    worker = WorkerProcess(database_url_of_test_db()).start()
    yield worker
    worker.stop()

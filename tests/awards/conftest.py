import pytest
from django.core.cache import cache

from awards.services import shortlists
from tests import factories as f


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Each test writes its PDFs and ZIPs under its own temporary media root."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def eager_tasks():
    """Tasks run inline in these tests even when CELERY_BROKER_URL is set (the integration tests switch it off)."""
    from kovablik.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


@pytest.fixture
def broker_down():
    """Celery pointed at a port where no broker listens, as when Redis is down; restored afterwards."""
    from kovablik.celery import app

    def forget_connections():
        # Celery caches its connection and producer pools per app; they would keep the dead (or live) broker.
        app._pool = None
        app.amqp._producer_pool = None

    saved = app.conf.task_always_eager, app.conf.broker_url
    forget_connections()
    app.conf.task_always_eager, app.conf.broker_url = False, "redis://127.0.0.1:1/0"
    yield
    app.conf.task_always_eager, app.conf.broker_url = saved
    forget_connections()


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run a callable and then its on_commit hooks (tasks run eagerly), as a committed request would."""

    def _run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return _run


@pytest.fixture
def proposal_stage(competition):
    """The proposal stage with its judging window over, as when a committee publishes its shortlist.

    (The project-wide fixture's window is still open: publishing from it needs the explicit confirmation.)
    """
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    return f.StageFactory(
        competition=competition,
        order=3,
        kind="proposal",
        name="Evaluasi Proposal",
        opens_at=now - timedelta(days=20),
        closes_at=now - timedelta(days=1),
    )


@pytest.fixture
def open_stage(proposal_stage):
    """The proposal stage with its window still open for another two days."""
    from datetime import timedelta

    from django.utils import timezone

    proposal_stage.closes_at = timezone.now() + timedelta(days=2)
    proposal_stage.save(update_fields=["closes_at"])
    return proposal_stage


@pytest.fixture
def eligible(competition, agency):
    """One eligible entry of the agency fixture (whose member is agency_member)."""
    return f.InnovationFactory(
        competition=competition, agency=agency, status="eligible", title="Sistem Antrean Puskesmas"
    )


@pytest.fixture
def other_eligible(competition, other_agency):
    return f.InnovationFactory(
        competition=competition, agency=other_agency, status="eligible", title="Rapor Digital Sekolah"
    )


@pytest.fixture
def score(proposal_stage):
    """score(innovation, *totals, stage=None): the innovation enters the stage with one submitted sheet per total."""
    from decimal import Decimal

    from django.utils import timezone

    def _score(innovation, *totals, stage=None):
        stage = stage or proposal_stage
        f.StageEntryFactory(innovation=innovation, stage=stage)
        for total in totals:
            assignment = f.AssignmentFactory(stage=stage, judge=f.UserFactory(), innovation=innovation)
            f.ScoreSheetFactory(
                assignment=assignment, status="submitted", total=Decimal(str(total)), submitted_at=timezone.now()
            )
        return innovation

    return _score


@pytest.fixture
def presentation_stage(competition):
    return f.StageFactory(competition=competition, order=4, kind="presentation", name="Presentasi")


@pytest.fixture
def ranked(competition, proposal_stage, presentation_stage, agency, other_agency, score):
    """Four scored entries of the proposal stage in two categories: A 90, B 80, C 70 (cat 1), D 85 (cat 2)."""
    health = f.CategoryFactory(competition=competition, name="Kesehatan", order=1)
    school = f.CategoryFactory(competition=competition, name="Pendidikan", order=2)
    entries = {}
    for key, title, category, agency_, total in [
        ("a", "Antrean Online", health, agency, 90),
        ("b", "Bidan Siaga", health, other_agency, 80),
        ("c", "Cek Gizi", health, agency, 70),
        ("d", "Data Sekolah", school, other_agency, 85),
    ]:
        innovation = f.InnovationFactory(
            competition=competition, category=category, agency=agency_, title=title, status="eligible"
        )
        entries[key] = score(innovation, total, total)
    return entries


@pytest.fixture
def empty_cache():
    """The shared cache (public pages, rows, versions) empty before and after the test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def published(proposal_stage, committee, ranked):
    """Top 2 of the proposal stage published: A and D listed, B and C not."""
    return shortlists.publish_shortlist(stage=proposal_stage, rule="top_n", params={"n": 2}, actor=committee)

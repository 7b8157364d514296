import pytest

from tests import factories as f


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Each test writes its PDFs and ZIPs under its own temporary media root."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run a callable and then its on_commit hooks (tasks run eagerly), as a committed request would."""

    def _run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return _run


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

import io

import pytest
from django.apps import apps
from django.core.management import call_command

from competitions.models import Competition
from judging.models import Conflict, PanelMember, ScoreSheet, SheetEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    # The demo writes its attachment PDFs through the default storage.
    settings.MEDIA_ROOT = tmp_path


def row_counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_seed_demo_twice_gives_the_same_counts():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    first = row_counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert row_counts() == first
    assert "panitia" in out.getvalue() and "dinkes" in out.getvalue() and "juri1" in out.getvalue()


@pytest.fixture
def seeded():
    # Seeding takes a few seconds: the twice-test above seeds on its own, these share one run.
    call_command("seed_demo", stdout=io.StringIO())


def test_seed_demo_is_a_realistic_kolabik(seeded):
    competition = Competition.objects.get(slug="kolabik-2022")
    assert competition.innovations.count() == 57
    assert competition.innovations.values("agency").distinct().count() >= 40
    assert 3 <= competition.categories.count() <= 4
    kinds = list(competition.stages.order_by("order").values_list("kind", "shortlist_size"))
    assert kinds == [
        ("submission", None),
        ("screening", None),
        ("proposal", 20),
        ("presentation", 10),
        ("final", 3),
    ]
    proposal = competition.stages.get(kind="proposal")
    weights = {c.code: int(c.weight) for c in proposal.criteria.all()}
    assert weights == {
        "latar-belakang": 10,
        "kebaruan": 15,
        "implementasi": 5,
        "signifikansi": 30,
        "adaptabilitas": 20,
        "sumber-daya": 5,
        "keberlanjutan": 15,
    }
    assert PanelMember.objects.filter(stage=proposal).count() == 5
    assert Conflict.objects.filter(competition=competition).count() >= 2
    sheets = ScoreSheet.objects.filter(assignment__stage=proposal)
    assert sheets.filter(status="submitted").count() > 0
    assert sheets.filter(status="draft").count() > 0
    # Submitted sheets went through the judging services: totals stored on 0-100 and submissions audited.
    assert all(0 <= s.total <= 100 for s in sheets.filter(status="submitted"))
    assert SheetEvent.objects.filter(action="submit").count() == sheets.filter(status="submitted").count()
    # Every submitted entry carries its required documents, as the submit rules demand, stored privately.
    from submissions.models import Attachment

    required = competition.attachment_kinds.filter(required=True).count()
    for innovation in competition.innovations.exclude(status="draft"):
        assert innovation.attachments.count() == required
    assert all(a.file.name.startswith("private/") for a in Attachment.objects.all())
    # No judge is ever assigned an innovation they declared a conflict with, or one of their own agency.
    for conflict in Conflict.objects.all():
        assigned = conflict.judge.assignments.all()
        if conflict.agency_id:
            assert not assigned.filter(innovation__agency=conflict.agency).exists()
        else:
            assert not assigned.filter(innovation=conflict.innovation).exists()
    for seat in PanelMember.objects.filter(agency__isnull=False):
        assert not seat.judge.assignments.filter(innovation__agency=seat.agency).exists()

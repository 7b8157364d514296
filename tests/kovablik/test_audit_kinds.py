"""The audit trail's kinds that tests/project/test_audit.py leaves out: endorsements and the winners' publication."""

from datetime import timedelta

from django.utils import timezone, translation

from awards.models import Award, WinnersRelease
from kovablik.audit import committee_audit
from submissions.models import EndorsementDecision, ScreeningDecision
from tests import factories as f


def test_endorsement_and_winners_publication_are_in_the_trail_newest_first(competition, committee, local_admin, agency):
    innovation = f.InnovationFactory(competition=competition, agency=agency, status="eligible", title="AKTA KILAT")
    endorsed = EndorsementDecision.objects.create(
        innovation=innovation, outcome="returned", comment="Lampiran SK belum ada", decided_by=local_admin
    )
    screened = ScreeningDecision.objects.create(
        innovation=innovation, outcome="eligible", reason="Dokumen lengkap", decided_by=committee
    )
    now = timezone.now()
    EndorsementDecision.objects.filter(pk=endorsed.pk).update(decided_at=now - timedelta(days=2))
    ScreeningDecision.objects.filter(pk=screened.pk).update(decided_at=now - timedelta(days=1))
    Award.objects.create(competition=competition, innovation=innovation, place="juara_1", assigned_by=committee)
    WinnersRelease.objects.create(competition=competition, published_by=committee, published_at=now)

    with translation.override("en"):
        entries = committee_audit(competition)

    by_action = {e.action: e for e in entries}
    endorsement = by_action["Endorsement decision"]
    assert (endorsement.subject, endorsement.detail, endorsement.reason) == (
        "AKTA KILAT",
        "Returned for revision",
        "Lampiran SK belum ada",
    )
    assert endorsement.actor == (local_admin.get_full_name() or local_admin.get_username())
    assert by_action["Screening decision"].reason == "Dokumen lengkap"
    assert by_action["Winners published"].subject == str(competition)
    assert [e.at for e in entries] == sorted((e.at for e in entries), reverse=True)
    assert entries[-1].action == "Endorsement decision"  # the oldest decision comes last

"""The committee's audit trail gathers every decision kind into one list, and exports it."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from awards.models import Award, Objection, ShortlistRow, ShortlistSnapshot
from judging.models import SheetEvent
from submissions.models import ScreeningDecision
from tests import factories as f


@pytest.fixture
def decisions(competition, committee, proposal_stage):
    innovation = f.InnovationFactory(competition=competition, status="eligible", title="SIPANDAI Keliling")
    ScreeningDecision.objects.create(
        innovation=innovation, outcome="eligible", reason="Dokumen lengkap", decided_by=committee
    )
    snapshot = ShortlistSnapshot.objects.create(
        stage=proposal_stage, rule="top_n", rule_params={"n": 1}, published_by=committee,
        published_at=timezone.now(), content_hash="a" * 64,
    )  # fmt: skip
    ShortlistRow.objects.create(
        snapshot=snapshot, innovation=innovation, rank=1, listed=True, override_reason="Kuota daerah 3T"
    )
    Award.objects.create(competition=competition, innovation=innovation, place="juara_1", assigned_by=committee)
    certificate = f.CertificateFactory(competition=competition, innovation=innovation)
    certificate.revoked_at = timezone.now()
    certificate.revoked_reason = "Nama instansi salah ketik"
    certificate.save()
    Objection.objects.create(
        snapshot=snapshot, innovation=innovation, name="Warga", email="warga@example.id",
        reason="=HYPERLINK(\"x\")", answer="Sudah diperiksa", answered_by=committee, answered_at=timezone.now(),
    )  # fmt: skip
    sheet = f.ScoreSheetFactory(assignment__stage=proposal_stage, assignment__innovation=innovation)
    SheetEvent.objects.create(sheet=sheet, action="reopen", actor=committee, reason="Salah input nilai")
    return innovation


def test_audit_lists_every_kind_of_decision(client, committee, competition, decisions):
    client.force_login(committee)
    html = client.get(reverse("committee_audit", args=[competition.slug])).content.decode()
    for reason in [
        "Dokumen lengkap",
        "Kuota daerah 3T",
        "Nama instansi salah ketik",
        "Sudah diperiksa",
        "Salah input nilai",
    ]:
        assert reason in html
    assert "SIPANDAI Keliling" in html


def test_audit_csv_export_has_every_row_and_defuses_formulas(client, committee, competition, decisions):
    client.force_login(committee)
    response = client.get(reverse("committee_audit", args=[competition.slug]), {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 1 + 7  # header + screening, snapshot, override, award, revocation, objection, reopen
    assert any(cell == '\'=HYPERLINK("x")' for row in rows for cell in row)


def test_audit_is_404_for_everyone_but_the_committee(client, competition, decisions, judge, agency_member):
    url = reverse("committee_audit", args=[competition.slug])
    for user in [judge, agency_member, f.CommitteeMemberFactory().user]:
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_audit_query_count_does_not_grow_with_rows(client, committee, competition, proposal_stage,
                                                   django_assert_num_queries):  # fmt: skip
    client.force_login(committee)
    url = reverse("committee_audit", args=[competition.slug])

    def add_screenings(n):
        for _ in range(n):
            innovation = f.InnovationFactory(competition=competition, status="eligible")
            ScreeningDecision.objects.create(
                innovation=innovation, outcome="eligible", reason="ok", decided_by=committee
            )

    add_screenings(1)
    client.get(url)  # warm the session and permission caches
    with django_assert_num_queries(13):
        client.get(url)
    add_screenings(19)
    with django_assert_num_queries(13):
        client.get(url)


def test_a_revocation_shows_who_revoked_it_and_a_system_one_says_automatic(client, competition, committee):
    from awards.services.certificates import revoke_certificate
    from kovablik.audit import committee_audit

    innovation = f.InnovationFactory(competition=competition, status="eligible")
    by_hand = f.CertificateFactory(competition=competition, innovation=innovation, holder="Dinas Kesehatan")
    revoke_certificate(certificate=by_hand, reason="Nama instansi salah ketik", actor=committee)
    by_hand.refresh_from_db()
    assert by_hand.revoked_by == committee
    other = f.InnovationFactory(competition=competition, status="eligible")
    automatic = f.CertificateFactory(competition=competition, innovation=other, holder="Dinas Pendidikan")
    automatic.revoked_at = timezone.now()
    automatic.revoked_reason = "Tidak lagi berhak"
    automatic.save()

    actors = {
        e.subject: e.actor
        for e in committee_audit(competition)
        if e.reason in {"Nama instansi salah ketik", "Tidak lagi berhak"}
    }
    assert actors["Dinas Kesehatan"] == (committee.get_full_name() or committee.get_username())
    assert actors["Dinas Pendidikan"] not in ("", None)  # "automatic", translated

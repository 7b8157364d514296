"""In real Chromium: the committee's audit trail lists a revocation with who made it, and passes axe."""

from awards.services.certificates import revoke_certificate
from tests import factories as f


def test_committee_reads_a_revocation_in_the_audit_trail(page, login, assert_accessible, competition, committee):
    innovation = f.InnovationFactory(competition=competition, status="eligible")
    certificate = f.CertificateFactory(competition=competition, innovation=innovation, holder="Dinas Kesehatan")
    revoke_certificate(certificate=certificate, reason="Nama instansi salah ketik", actor=committee)

    login("panitia")
    page.goto(f"/committee/{competition.slug}/audit/")
    assert page.get_by_role("heading", level=1).inner_text() == "Jejak audit"
    row = page.get_by_role("row").filter(has_text="Sertifikat dicabut")
    name = committee.get_full_name() or committee.get_username()
    assert all(text in row.inner_text() for text in (name, "Dinas Kesehatan", "Nama instansi salah ketik"))
    assert_accessible()

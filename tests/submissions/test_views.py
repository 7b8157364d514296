"""Committee, local admin and directory pages through the real views."""

import io

import pytest
from django.core import mail
from django.urls import reverse

from submissions import services
from submissions.enums import InnovationStatus
from submissions.models import Agency, AgencyMembership, ScreeningDecision
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(complete, agency_member):
    return services.submit(innovation=complete, actor=agency_member)


# Screening ------------------------------------------------------------------------------------------------------


def test_screening_return_with_reason_reaches_the_agency(
    client, committee, agency_member, submitted, competition, django_capture_on_commit_callbacks
):
    client.force_login(committee)
    url = reverse("submissions:screening_decide", args=[competition.slug, submitted.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"outcome": "returned", "reason": "SK belum ditandatangani.", "check_declaration": "on"}
        )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == InnovationStatus.RETURNED
    decision = ScreeningDecision.objects.get(innovation=submitted)
    assert decision.checklist["declaration"] is True
    assert "SK belum ditandatangani." in mail.outbox[-1].body
    client.force_login(agency_member)
    dashboard = client.get(reverse("submissions:dashboard")).content.decode()
    assert "SK belum ditandatangani." in dashboard
    assert "Perbaiki proposal" in dashboard


def test_screening_without_reason_is_refused(client, committee, submitted, competition):
    client.force_login(committee)
    url = reverse("submissions:screening_decide", args=[competition.slug, submitted.pk])
    response = client.post(url, {"outcome": "ineligible", "reason": ""})
    assert response.status_code == 200
    assert "Tuliskan alasan keputusan" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == InnovationStatus.SUBMITTED


def test_screening_checklist_is_prefilled_from_the_data(client, committee, submitted, competition):
    client.force_login(committee)
    page = client.get(reverse("submissions:screening_decide", args=[competition.slug, submitted.pk])).content.decode()
    assert "Lampiran tersedia: SK Tim Inovasi" in page
    assert "Pernyataan kebenaran disetujui" in page


def test_screening_queue_filters(client, committee, submitted, competition, setup, other_agency):
    other = f.InnovationFactory(
        competition=competition, group=setup["group"], category=f.CategoryFactory(competition=competition),
        agency=other_agency, status=InnovationStatus.SUBMITTED, entry_number="X-1", title="Sekolah Ramah Anak",
    )  # fmt: skip
    client.force_login(committee)
    url = reverse("submissions:screening_queue", args=[competition.slug])
    page = client.get(url, {"category": setup["category"].pk}).content.decode()
    assert submitted.title in page and other.title not in page
    page = client.get(url, {"region": other_agency.region_id}).content.decode()
    assert other.title in page and submitted.title not in page
    page = client.get(url, {"q": "Ramah"}).content.decode()
    assert other.title in page and submitted.title not in page


def test_bulk_screening_needs_confirmation(
    client, committee, submitted, competition, setup, other_agency, django_capture_on_commit_callbacks
):
    other = f.InnovationFactory(
        competition=competition, group=setup["group"], category=setup["category"], agency=other_agency,
        status=InnovationStatus.SUBMITTED, entry_number="X-2",
    )  # fmt: skip
    client.force_login(committee)
    url = reverse("submissions:screening_bulk", args=[competition.slug])
    data = {"innovations": [submitted.pk, other.pk], "outcome": "eligible", "reason": "Berkas lengkap."}
    preview = client.post(url, data)
    assert preview.status_code == 200
    assert "Konfirmasi dan beri tahu instansi" in preview.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == InnovationStatus.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**data, "confirmed": "1"})
    assert response.status_code == 302
    assert set(competition.innovations.filter(status=InnovationStatus.ELIGIBLE).values_list("pk", flat=True)) == {
        submitted.pk,
        other.pk,
    }
    assert len([m for m in mail.outbox if "Seleksi administrasi" in m.subject]) == 2


def test_bulk_screening_ignores_entries_of_other_competitions(client, committee, competition):
    stranger = f.InnovationFactory(status=InnovationStatus.SUBMITTED, entry_number="Z-1")
    client.force_login(committee)
    url = reverse("submissions:screening_bulk", args=[competition.slug])
    response = client.post(
        url, {"innovations": [stranger.pk], "outcome": "ineligible", "reason": "x", "confirmed": "1"}
    )
    assert response.status_code == 400
    stranger.refresh_from_db()
    assert stranger.status == InnovationStatus.SUBMITTED


# The two-level chain --------------------------------------------------------------------------------------------


@pytest.fixture
def chain(competition):
    competition.uses_endorsement = True
    competition.save()
    return competition


def test_local_admin_returns_with_comment(
    client, chain, complete, agency_member, local_admin, django_capture_on_commit_callbacks
):
    submitted = services.submit(innovation=complete, actor=agency_member)
    client.force_login(local_admin)
    dashboard = client.get(reverse("submissions:local_admin_dashboard")).content.decode()
    assert submitted.title in dashboard and "0 hari" in dashboard
    url = reverse("submissions:endorse", args=[submitted.pk])
    refused = client.post(url, {"outcome": "returned", "comment": ""})
    assert "Sebutkan apa yang harus diubah" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"outcome": "returned", "comment": "Lengkapi foto kegiatan."})
    submitted.refresh_from_db()
    assert submitted.status == InnovationStatus.RETURNED
    assert "Lengkapi foto kegiatan." in mail.outbox[-1].body


def test_endorsed_entry_reaches_the_committee_queue(client, chain, complete, agency_member, local_admin, committee):
    submitted = services.submit(innovation=complete, actor=agency_member)
    client.force_login(local_admin)
    client.post(reverse("submissions:endorse", args=[submitted.pk]), {"outcome": "endorsed", "comment": ""})
    client.force_login(committee)
    queue = client.get(reverse("submissions:screening_queue", args=[chain.slug])).content.decode()
    assert submitted.title in queue
    assert f'value="{submitted.pk}"' in queue


def test_committee_sees_waiting_and_sends_reminder(
    client, chain, complete, agency_member, committee, local_admin, django_capture_on_commit_callbacks
):
    submitted = services.submit(innovation=complete, actor=agency_member)
    client.force_login(committee)
    page = client.get(reverse("submissions:endorsement_waiting", args=[chain.slug])).content.decode()
    assert submitted.title in page
    client.post(reverse("submissions:remind", args=[submitted.pk]))
    reminder = mail.outbox[-1]
    assert reminder.to == [local_admin.email]
    assert submitted.entry_number in reminder.subject


def test_submission_in_chain_notifies_the_local_admin(
    chain, complete, agency_member, local_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(innovation=complete, actor=agency_member)
    assert any(local_admin.email in m.to for m in mail.outbox)


# Directory ------------------------------------------------------------------------------------------------------


def test_committee_creates_an_agency(client, committee, region):
    client.force_login(committee)
    response = client.post(
        reverse("submissions:agency_create"),
        {"name": "Puskesmas Bugul Kidul", "kind": "puskesmas", "region": region.pk, "email": "pkm@example.go.id"},
    )
    assert response.status_code == 302
    assert Agency.objects.get(name="Puskesmas Bugul Kidul").kind == "puskesmas"


def test_local_admin_creates_agency_only_in_its_region(client, local_admin, region, other_region):
    client.force_login(local_admin)
    url = reverse("submissions:agency_create")
    refused = client.post(url, {"name": "Dinas Luar", "kind": "opd", "region": other_region.pk})
    assert refused.status_code == 200
    assert not Agency.objects.filter(name="Dinas Luar").exists()
    client.post(url, {"name": "Dinas Dalam", "kind": "opd", "region": region.pk})
    assert Agency.objects.get(name="Dinas Dalam").local_admin == local_admin.local_admin


def test_import_csv_preview_then_confirm(client, committee, region):
    client.force_login(committee)
    csv = (
        b"name,kind,region,contact e-mail\n"
        b"SD Negeri 1,school,Kota Pasuruan,sdn1@example.go.id\n"
        b",opd,Kota Pasuruan,\n"
        b"Dinas X,unknown,Kota Pasuruan,\n"
        b"Dinas Y,opd,Kota Antah,\n"
        b"Dinas Z,opd,Kota Pasuruan,bukan-surel\n"
    )
    upload = io.BytesIO(csv)
    upload.name = "instansi.csv"
    preview = client.post(reverse("submissions:agency_import"), {"file": upload}).content.decode()
    assert "Nama kosong." in preview
    assert "Jenis &#x27;unknown&#x27; tidak dikenal" in preview
    assert "Wilayah &#x27;Kota Antah&#x27; tidak dikenal" in preview
    assert "Surel kontak bukan alamat yang sah." in preview
    assert not Agency.objects.filter(name="SD Negeri 1").exists()
    client.post(reverse("submissions:agency_import"), {"action": "confirm"})
    assert list(
        Agency.objects.filter(name__in=["SD Negeri 1", "Dinas X", "Dinas Y", "Dinas Z"]).values_list("name", flat=True)
    ) == ["SD Negeri 1"]


def test_import_xlsx(client, committee, region):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Name", "Kind", "Region", "Contact e-mail"])
    sheet.append(["RSUD dr. R. Soedarsono", "rsud", "Kota Pasuruan", "rsud@example.go.id"])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "instansi.xlsx"
    client.force_login(committee)
    client.post(reverse("submissions:agency_import"), {"file": out})
    client.post(reverse("submissions:agency_import"), {"action": "confirm"})
    assert Agency.objects.get(name="RSUD dr. R. Soedarsono").email == "rsud@example.go.id"


def test_invitation_link_sets_password_once(client, committee, agency, django_capture_on_commit_callbacks):
    client.force_login(committee)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("submissions:agency_invite", args=[agency.pk]), {"email": "Baru@Example.go.id"})
    membership = AgencyMembership.objects.get(agency=agency, user__email="baru@example.go.id")
    assert not membership.user.has_usable_password()
    message = mail.outbox[-1]
    link = next(word for word in message.body.split() if "/agency/invitation/" in word)
    path = link.split("http://127.0.0.1:8000", 1)[1]
    client.logout()
    form_page = client.get(path, follow=True)
    assert "Atur kata sandi" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    client.post(set_url, {"new_password1": "Inovasi-Pasuruan-2026", "new_password2": "Inovasi-Pasuruan-2026"})
    membership.user.refresh_from_db()
    assert membership.user.check_password("Inovasi-Pasuruan-2026")
    client.logout()
    again = client.get(path, follow=True).content.decode()
    assert "sudah dipakai atau kedaluwarsa" in again


# The agency's own pages ------------------------------------------------------------------------------------------


def test_dashboard_shows_timeline_and_next_step(client, agency_member, submitted, proposal_stage, committee):
    services.screen(innovation=submitted, outcome="eligible", reason="Lengkap.", actor=committee)
    client.force_login(agency_member)
    page = client.get(reverse("submissions:dashboard")).content.decode()
    assert "Lolos seleksi administrasi" in page
    assert "Pada tahap: Evaluasi Proposal" in page
    assert "juri menilai proposal" in page


def test_withdraw_flow(client, agency_member, submitted):
    client.force_login(agency_member)
    url = reverse("submissions:withdraw", args=[submitted.pk])
    assert "Ya, tarik proposal" in client.get(url).content.decode()
    client.post(url)
    submitted.refresh_from_db()
    assert submitted.status == InnovationStatus.WITHDRAWN


def test_returned_entry_after_screening_closed_is_not_told_to_resubmit(db):
    import datetime

    from django.utils import timezone

    from submissions.timeline import next_action
    from tests import factories as f

    innovation = f.InnovationFactory(status="returned")
    f.StageFactory(
        competition=innovation.competition,
        kind="screening",
        opens_at=timezone.now() - datetime.timedelta(days=9),
        closes_at=timezone.now() - datetime.timedelta(days=2),
    )
    assert "tidak dapat diajukan kembali" in str(next_action(innovation))


def test_detail_offers_the_members_actions_asking_membership_once(client, agency_member, submitted, committee):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def membership_queries(context):
        return [
            q["sql"]
            for q in context.captured_queries
            if q["sql"].startswith('SELECT 1 AS "a" FROM "submissions_agencymembership"')
        ]

    client.force_login(agency_member)
    with CaptureQueriesContext(connection) as context:
        html = client.get(reverse("submissions:innovation", args=[submitted.pk])).content.decode()
    assert reverse("submissions:receipt", args=[submitted.pk]) in html
    assert reverse("submissions:withdraw", args=[submitted.pk]) in html
    assert reverse("submissions:edit", args=[submitted.pk]) not in html
    assert len(membership_queries(context)) == 1

    draft = f.InnovationFactory(
        competition=submitted.competition, group=submitted.group, category=submitted.category, agency=submitted.agency
    )
    with CaptureQueriesContext(connection) as context:
        html = client.get(reverse("submissions:innovation", args=[draft.pk])).content.decode()
    assert reverse("submissions:edit", args=[draft.pk]) in html
    assert reverse("submissions:withdraw", args=[draft.pk]) not in html
    assert len(membership_queries(context)) == 1

    client.force_login(committee)  # sees the entry, but neither its receipt nor its member actions
    html = client.get(reverse("submissions:innovation", args=[submitted.pk])).content.decode()
    assert reverse("submissions:receipt", args=[submitted.pk]) not in html
    assert reverse("submissions:withdraw", args=[submitted.pk]) not in html

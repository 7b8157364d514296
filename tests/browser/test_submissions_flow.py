"""The agency side in Chromium: autosave survives a reload, a PDF is attached and the entry submitted; a late submit
is refused with the message shown; the committee returns an entry with a reason and the agency sees it."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from submissions import services
from submissions.models import Answer, Attachment

# The submissions fixtures are imported so pytest finds them here; the tests' parameters then name them (F811).
from tests.submissions.conftest import (  # noqa: F401
    category,
    complete,
    draft,
    group,
    pdf_bytes,
    pdf_requirement,
    photo_requirement,
    private_media,
    questions,
    screening_stage,
    setup,
    submission_stage,
)


@pytest.fixture
def pdf_file(tmp_path):
    path = tmp_path / "sk-tim-inovasi.pdf"
    path.write_bytes(pdf_bytes())
    return path


def test_agency_fills_reloads_attaches_and_submits(page, login, assert_accessible, draft, questions, pdf_file):  # noqa: F811
    login("anggota")
    page.goto(f"/agency/innovations/{draft.pk}/edit/")
    assert_accessible()

    summary = page.get_by_label("Ringkasan")
    summary.fill("Layanan keliling memeriksa warga lansia di rumah.")
    expect(page.locator(f"#answer_{questions[0].pk}-count")).to_contain_text("7 / 20 kata")
    page.get_by_label("Latar belakang").fill("Banyak lansia tidak dapat datang ke Puskesmas.")
    expect(page.locator("#autosave-status")).to_contain_text("Semua perubahan tersimpan", timeout=20_000)

    page.reload()
    expect(page.get_by_label("Ringkasan")).to_have_value("Layanan keliling memeriksa warga lansia di rumah.")
    expect(page.get_by_label("Latar belakang")).to_have_value("Banyak lansia tidak dapat datang ke Puskesmas.")
    assert Answer.objects.get(innovation=draft, question=questions[1]).text.startswith("Banyak lansia")

    page.get_by_label("Jenis lampiran").select_option(label="SK Tim Inovasi")
    page.get_by_label("Berkas").set_input_files(str(pdf_file))
    page.get_by_role("button", name="Unggah").click()
    expect(page.get_by_role("link", name="sk-tim-inovasi.pdf")).to_be_visible()
    assert Attachment.objects.filter(innovation=draft).count() == 1

    page.get_by_label("Saya menyatakan").check()
    page.get_by_role("button", name="Ajukan proposal").click()
    expect(page.get_by_role("heading", name="Tanda terima pengajuan")).to_be_visible()
    expect(page.locator("#entry-number")).to_have_text("KOLABIK-UJI-2026-0001")
    assert_accessible()
    draft.refresh_from_db()
    assert draft.status == "submitted"


def test_submit_after_deadline_is_refused_with_message(page, login, assert_accessible, complete, submission_stage):  # noqa: F811
    submission_stage.opens_at = timezone.now() - datetime.timedelta(days=10)
    submission_stage.closes_at = timezone.now() - datetime.timedelta(minutes=5)
    submission_stage.save()
    login("anggota")
    page.goto(f"/agency/innovations/{complete.pk}/edit/")
    page.get_by_role("button", name="Ajukan proposal").click()
    alert = page.locator("#form-errors")
    expect(alert).to_contain_text("Batas waktu pengajuan telah lewat")
    assert_accessible()
    complete.refresh_from_db()
    assert complete.status == "draft"


def test_committee_returns_with_reason_and_agency_sees_it(
    page,
    login,
    assert_accessible,
    complete,  # noqa: F811
    agency_member,
    committee,
    competition,
):
    services.submit(innovation=complete, actor=agency_member)
    login("panitia")
    page.goto(f"/agency/committee/{competition.slug}/screening/")
    assert_accessible()
    page.get_by_role("link", name=complete.title).click()
    assert_accessible()
    page.get_by_label("Dikembalikan untuk perbaikan").check()
    page.get_by_label("Alasan (dikirim ke instansi)").fill("Unggah SK yang sudah ditandatangani kepala dinas.")
    page.get_by_role("button", name="Catat keputusan").click()
    expect(page.get_by_text("Keputusan dicatat")).to_be_visible()

    page.context.clear_cookies()
    login("anggota")
    page.goto("/agency/")
    card = page.locator(".innovation-card", has_text=complete.title)
    expect(card).to_contain_text("Dikembalikan untuk perbaikan")
    expect(card).to_contain_text("Unggah SK yang sudah ditandatangani kepala dinas.")
    assert_accessible()
    card.get_by_role("link", name="Perbaiki proposal").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(complete.title)
    assert_accessible()


def test_text_typed_during_an_outage_survives_a_reload(page, login, draft, questions):  # noqa: F811
    login("anggota")
    page.goto(f"/agency/innovations/{draft.pk}/edit/")
    # The server cannot be reached for autosave (an outage), but the page itself can still be reloaded.
    page.route("**/autosave/", lambda route: route.abort())
    page.get_by_label("Latar belakang").fill("Ditulis saat jaringan putus.")
    expect(page.locator("#autosave-status")).to_contain_text("Belum tersimpan di server", timeout=20_000)
    assert not Answer.objects.filter(innovation=draft, question=questions[1]).exists()

    page.unroute("**/autosave/")
    page.reload()
    expect(page.get_by_label("Latar belakang")).to_have_value("Ditulis saat jaringan putus.")
    expect(page.locator("#autosave-status")).to_contain_text("Semua perubahan tersimpan", timeout=20_000)
    assert Answer.objects.get(innovation=draft, question=questions[1]).text == "Ditulis saat jaringan putus."


def test_proposal_form_fits_a_phone(page, login, assert_accessible, draft):  # noqa: F811
    page.set_viewport_size({"width": 390, "height": 844})
    login("anggota")
    page.goto(f"/agency/innovations/{draft.pk}/edit/")
    expect(page.get_by_label("Ringkasan")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible()

"""The committee publishes a Top-N list and makes the certificates; the public sees the list. Real Chromium + axe."""

import io
import zipfile
from decimal import Decimal

import pytest
from django.utils import timezone

from tests import factories as f

pytestmark = pytest.mark.browser


@pytest.fixture
def eager(settings, tmp_path):
    from kovablik.celery import app

    settings.MEDIA_ROOT = tmp_path / "media"
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True  # the live server runs the batch inline, as `make run` does
    yield
    app.conf.task_always_eager = eager


def ranked_stage(competition):
    stage = f.StageFactory(competition=competition, order=3, kind="proposal", name="Evaluasi Proposal")
    f.StageFactory(competition=competition, order=4, kind="presentation", name="Presentasi")
    category = f.CategoryFactory(competition=competition, name="Kesehatan")
    for title, total in [("Antrean Online", 90), ("Bidan Siaga", 80), ("Cek Gizi", 70)]:
        innovation = f.InnovationFactory(competition=competition, category=category, title=title, status="eligible")
        f.StageEntryFactory(innovation=innovation, stage=stage)
        for _ in range(2):
            assignment = f.AssignmentFactory(stage=stage, judge=f.UserFactory(), innovation=innovation)
            f.ScoreSheetFactory(
                assignment=assignment, status="submitted", total=Decimal(total), submitted_at=timezone.now()
            )
    return stage


def test_committee_publishes_top_n_makes_certificates_and_public_sees_the_list(
    page, login, assert_accessible, competition, committee, eager
):
    stage = ranked_stage(competition)
    login(committee.username)

    page.goto(f"/committee/{competition.slug}/awards/stages/{stage.pk}/shortlist/")
    page.select_option("#id_rule", "top_n")
    page.fill("#id_top_n", "2")
    page.locator("form[method=get] button[type=submit]").click()
    page.wait_for_selector("#preview-table")
    rows = page.locator("#preview-table tbody tr.table-success")
    assert rows.count() == 2
    assert "Antrean Online" in rows.nth(0).inner_text() and "Bidan Siaga" in rows.nth(1).inner_text()
    assert_accessible()

    # The factory's stage window is still open: the preview warns and publishing needs the box ticked.
    assert page.locator("#incomplete-warning").is_visible()
    page.fill("#id_objection_days", "0")
    questions = []  # the publish button asks window.confirm first; Playwright would dismiss it
    page.on("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    with page.expect_navigation():
        page.locator("form[method=post] button[type=submit]").last.click()
    assert "/shortlist/" in page.url and page.locator("#id_confirm_incomplete.is-invalid").count() == 1
    page.check("#id_confirm_incomplete")
    with page.expect_navigation():
        page.locator("form[method=post] button[type=submit]").last.click()
    assert "/awards/lists/" in page.url
    assert len(questions) == 2 and questions[-1].startswith("Terbitkan daftar ini?")
    assert len(page.locator("code").first.inner_text()) == 64
    assert_accessible()

    page.goto(f"/committee/{competition.slug}/awards/certificates/")
    page.locator("form[action$='/certificates/start/'] button").click()
    page.wait_for_load_state("networkidle")
    job = page.locator("[data-job-status-url]").first
    page.wait_for_function("document.querySelector('[data-job-status-url]').dataset.jobState === 'done'")
    assert job.locator("progress").get_attribute("value") == "100"
    assert "100%" in job.inner_text()
    assert_accessible()

    with page.expect_download() as download_info:
        job.locator("[data-job-download]").click()
    archive = zipfile.ZipFile(io.BytesIO(open(download_info.value.path(), "rb").read()))  # noqa: SIM115
    names = archive.namelist()
    assert len(names) == 5  # 3 participation + 2 finalist
    assert all(archive.read(name).startswith(b"%PDF") for name in names)

    page.goto(f"/results/{competition.slug}/")
    main = page.inner_text("main")
    assert "Antrean Online" in main and "Bidan Siaga" in main and "Cek Gizi" not in main
    assert_accessible()


def test_ceremony_reveals_places_one_at_a_time_with_the_keyboard(
    page, login, assert_accessible, competition, committee, eager
):
    from awards.models import Award

    stage = ranked_stage(competition)
    innovations = {i.title: i for i in stage.competition.innovations.all()}
    category = innovations["Antrean Online"].category
    for title, place in [("Antrean Online", "juara_1"), ("Bidan Siaga", "juara_2"), ("Cek Gizi", "juara_3")]:
        Award.objects.create(
            competition=competition, category=category, innovation=innovations[title], place=place,
            assigned_by=committee,
        )  # fmt: skip
    login(committee.username)

    page.goto(f"/committee/{competition.slug}/awards/ceremony/{category.pk}/")
    slides = page.locator("[data-slide]")
    assert [slides.nth(i).is_visible() for i in range(3)] == [False, False, False]
    page.keyboard.press("ArrowRight")
    assert slides.nth(0).is_visible() and "Cek Gizi" in slides.nth(0).inner_text()
    assert not slides.nth(2).is_visible()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    assert slides.nth(2).is_visible() and "Antrean Online" in slides.nth(2).inner_text()
    assert_accessible()
    page.keyboard.press("ArrowLeft")
    assert not slides.nth(2).is_visible()


def test_public_gallery_and_verify_pages_pass_axe(page, assert_accessible, competition, committee, eager):
    from awards.services import certificates, shortlists

    stage = ranked_stage(competition)
    shortlists.publish_shortlist(  # the factory's stage window is still open
        stage=stage, rule="top_n", params={"n": 2}, actor=committee, confirm_incomplete=True
    )
    certificates.issue_certificates(competition=competition, actor=committee)
    code = competition.certificates.filter(kind="finalist").first().code

    page.goto("/gallery/")
    assert "Antrean Online" in page.inner_text("main") and "Cek Gizi" not in page.inner_text("main")
    assert_accessible()
    page.goto("/verify/")
    page.fill("#id_code", code.lower())
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert code in page.url
    assert_accessible()

    page.goto("/verify/")
    page.fill("#id_code", "ZZZZ9999")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert "Tidak ada sertifikat dengan kode ini" in page.inner_text("main")
    assert_accessible()

"""A competition ready for entries: open submission window, groups, sections, attachment kinds; files in tmp."""

import datetime
import functools
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from tests import factories as f


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Hashing the role fixtures' passwords with PBKDF2 would dominate these tests' run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return settings.MEDIA_ROOT


@pytest.fixture
def submission_stage(competition):
    return f.StageFactory(
        competition=competition,
        order=1,
        kind="submission",
        name="Pengajuan",
        opens_at=timezone.now() - datetime.timedelta(days=5),
        closes_at=timezone.now() + datetime.timedelta(days=5),
    )


@pytest.fixture
def screening_stage(competition):
    return f.StageFactory(
        competition=competition,
        order=2,
        kind="screening",
        name="Seleksi Administrasi",
        opens_at=timezone.now() + datetime.timedelta(days=5),
        closes_at=timezone.now() + datetime.timedelta(days=15),
    )


@pytest.fixture
def group(competition):
    return f.EntryGroupFactory(
        competition=competition, kind="umum", min_implementation_months=24, entry_cap_per_agency=2
    )


@pytest.fixture
def category(competition):
    return f.CategoryFactory(competition=competition, name="Kesehatan")


@pytest.fixture
def questions(group):
    return [
        f.QuestionFactory(group=group, order=1, title="Ringkasan", word_limit=20, required=True),
        f.QuestionFactory(group=group, order=2, title="Latar belakang", word_limit=50, required=True),
        f.QuestionFactory(group=group, order=3, title="Catatan", word_limit=None, required=False),
    ]


@pytest.fixture
def pdf_requirement(competition):
    return f.AttachmentRequirementFactory(
        competition=competition, code="sk", name="SK Tim Inovasi", allowed="pdf", max_size_mb=1, order=1
    )


@pytest.fixture
def photo_requirement(competition):
    return f.AttachmentRequirementFactory(
        competition=competition, code="foto", name="Foto kegiatan", allowed="image", max_size_mb=2,
        required=False, max_files=3, order=2,
    )  # fmt: skip


@pytest.fixture
def setup(submission_stage, screening_stage, group, category, questions, pdf_requirement, photo_requirement):
    return {"group": group, "category": category, "questions": questions}


@pytest.fixture
def draft(setup, competition, agency, agency_member):
    return f.InnovationFactory(
        competition=competition,
        group=setup["group"],
        category=setup["category"],
        agency=agency,
        title="Layanan Kesehatan Keliling",
        start_date=datetime.date(2020, 1, 1),
    )


@functools.cache
def pdf_bytes() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@functools.cache
def jpeg_bytes(size=(40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="JPEG")
    return out.getvalue()


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def complete(draft, questions, pdf_requirement, agency_member):
    """The draft with every required section, the declaration and the required PDF: ready to submit."""
    from submissions import services

    services.save_draft(
        innovation=draft,
        header={"declaration": True},
        answers={questions[0].pk: "Ringkasan singkat.", questions[1].pk: "Latar belakang yang jelas."},
        actor=agency_member,
    )
    services.add_attachment(
        innovation=draft,
        requirement=pdf_requirement,
        upload=upload("sk.pdf", pdf_bytes()),
        content_type="application/pdf",
        actor=agency_member,
    )
    draft.refresh_from_db()
    return draft

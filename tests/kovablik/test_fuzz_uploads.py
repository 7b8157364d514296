"""Hostile uploads are refused with a message, and nothing is stored: no Attachment row, no file on disk."""

import io
import struct
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from submissions.models import Attachment
from tests import factories as f


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb_png(side: int = 100_000) -> bytes:
    """A valid PNG header claiming side x side pixels in a few hundred bytes: opening it must not decode it."""
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (side // 8 + 1) * 16, 9)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", rows) + png_chunk(b"IEND", b"")


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", b"MZ" + b"\x00" * 100)
    return buffer.getvalue()


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
HOSTILE = {
    "html named .pdf": ("proposal.pdf", b"<html><body><script>alert(1)</script></body></html>", "application/pdf"),
    "pdf header then script": ("sk.pdf", b"%PDF-1.4\n<script>alert(1)</script>", "application/pdf"),
    "shell script named .pdf": ("maklumat.pdf", b"#!/bin/sh\nrm -rf /\n", "application/pdf"),
    "svg with script": ("foto.svg", SVG, "image/svg+xml"),
    "svg named .png": ("foto.png", SVG, "image/png"),
    "decompression bomb": ("foto.png", bomb_png(), "image/png"),
    "zip named .jpg": ("foto.jpg", zip_bytes(), "image/jpeg"),
    "empty file": ("kosong.pdf", b"", "application/pdf"),
    "truncated jpeg": ("foto.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "image/jpeg"),
}


@pytest.fixture
def draft(competition, agency, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    f.StageFactory(competition=competition, kind="submission", order=1, name="Pengajuan")
    requirement = f.AttachmentRequirementFactory(competition=competition, allowed="pdf_or_image", max_size_mb=10)
    innovation = f.InnovationFactory(competition=competition, agency=agency)
    return innovation, requirement


def stored_files(settings):
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_upload_refused_nothing_stored(client, agency_member, draft, settings, case):
    innovation, requirement = draft
    name, content, content_type = HOSTILE[case]
    client.force_login(agency_member)

    response = client.post(
        reverse("submissions:upload", args=[innovation.pk]),
        {"requirement": requirement.pk, "file": SimpleUploadedFile(name, content, content_type=content_type)},
    )

    assert response.status_code == 400
    assert response.context["attachment_form"].errors
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []


def test_upload_50_mb_refused_nothing_stored(client, agency_member, draft, settings):
    innovation, requirement = draft
    # Even at the largest limit a requirement may have, a file over 50 MB is refused.
    requirement.max_size_mb = 50
    requirement.save()
    client.force_login(agency_member)
    big = SimpleUploadedFile("besar.pdf", b"%PDF-1.4\n" + b"0" * (50 * 1024 * 1024), content_type="application/pdf")

    response = client.post(
        reverse("submissions:upload", args=[innovation.pk]), {"requirement": requirement.pk, "file": big}
    )

    assert response.status_code == 400
    assert "50" in str(response.context["attachment_form"].errors)
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []


def test_real_pdf_accepted_and_stored_under_checksum_name(client, agency_member, draft, settings):
    """The control: the same path accepts a genuine file, so the refusals above are about content."""
    from pypdf import PdfWriter

    innovation, requirement = draft
    buffer = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.write(buffer)
    client.force_login(agency_member)

    response = client.post(
        reverse("submissions:upload", args=[innovation.pk]),
        {"requirement": requirement.pk, "file": SimpleUploadedFile("SK Tim.pdf", buffer.getvalue())},
    )

    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.content_type == "application/pdf"
    assert "SK Tim" not in attachment.file.name
    assert len(stored_files(settings)) == 1

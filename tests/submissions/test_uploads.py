"""Uploads with real files: checked by content; a refusal says why and stores nothing."""

import pytest
from django.urls import reverse

from submissions.models import Attachment
from tests.submissions.conftest import jpeg_bytes, pdf_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_client(client, agency_member):
    client.force_login(agency_member)
    return client


def send(member_client, draft, requirement, file):
    return member_client.post(
        reverse("submissions:upload", args=[draft.pk]), {"requirement": requirement.pk, "file": file}
    )


def stored_files(media_root):
    root = media_root / "private"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_pdf_is_accepted_and_stored_privately(member_client, draft, pdf_requirement, private_media):
    response = send(member_client, draft, pdf_requirement, upload("sk-tim.pdf", pdf_bytes(), "application/pdf"))
    assert response.status_code == 302
    attachment = Attachment.objects.get(innovation=draft)
    assert attachment.content_type == "application/pdf"
    assert attachment.original_name == "sk-tim.pdf"
    [path] = stored_files(private_media)
    assert path.read_bytes() == pdf_bytes()
    assert path.name == attachment.sha256


def test_jpeg_is_accepted_and_previewable(member_client, draft, photo_requirement):
    response = send(member_client, draft, photo_requirement, upload("foto.jpg", jpeg_bytes(), "image/jpeg"))
    assert response.status_code == 302
    attachment = Attachment.objects.get(innovation=draft)
    preview = member_client.get(reverse("submissions:attachment", args=[attachment.pk]) + "?preview=1")
    assert preview["Content-Type"] == "image/jpeg"
    assert preview["Content-Disposition"].startswith("inline")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("laporan.pdf", b"<!doctype html><html><body>bukan pdf</body></html>", "bukan dokumen PDF"),
        ("logo.pdf", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>', "bukan dokumen PDF"),
        ("arsip.pdf", b"PK\x03\x04" + b"\x00" * 100, "bukan dokumen PDF"),
        ("kosong.pdf", b"", "kosong"),
        ("rusak.pdf", b"%PDF-1.7\n garbage that is not a pdf body", "rusak"),
    ],
    ids=["html-renamed-pdf", "svg", "zip", "empty", "junk-pdf"],
)
def test_bad_pdf_uploads_are_refused(member_client, draft, pdf_requirement, private_media, name, content, message):
    response = send(member_client, draft, pdf_requirement, upload(name, content, "application/pdf"))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Attachment.objects.exists()
    assert stored_files(private_media) == []


def test_svg_is_refused_as_an_image(member_client, draft, photo_requirement, private_media):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    response = send(member_client, draft, photo_requirement, upload("foto.jpg", svg, "image/jpeg"))
    assert response.status_code == 400
    assert "bukan dokumen PDF atau gambar JPEG/PNG" in response.content.decode()
    assert not Attachment.objects.exists()
    assert stored_files(private_media) == []


def test_truncated_image_is_refused(member_client, draft, photo_requirement, private_media):
    whole = jpeg_bytes((400, 300))
    response = send(member_client, draft, photo_requirement, upload("foto.jpg", whole[: len(whole) // 2], "image/jpeg"))
    assert response.status_code == 400
    assert "Gambar ini rusak atau tidak lengkap" in response.content.decode()
    assert not Attachment.objects.exists()
    assert stored_files(private_media) == []


def test_oversized_file_is_refused(member_client, draft, pdf_requirement, private_media):
    big = pdf_bytes() + b"%" + b"0" * (1024 * 1024 + 10)  # the kind's limit is 1 MB
    response = send(member_client, draft, pdf_requirement, upload("besar.pdf", big, "application/pdf"))
    assert response.status_code == 400
    assert "paling besar 1 MB" in response.content.decode()
    assert not Attachment.objects.exists()
    assert stored_files(private_media) == []


def test_image_where_only_pdf_is_allowed_is_refused(member_client, draft, pdf_requirement, private_media):
    response = send(member_client, draft, pdf_requirement, upload("sk.jpg", jpeg_bytes(), "image/jpeg"))
    assert response.status_code == 400
    assert "SK Tim Inovasi harus berupa" in response.content.decode()
    assert stored_files(private_media) == []


def test_decompression_bomb_is_refused(member_client, draft, photo_requirement, private_media, monkeypatch):
    from submissions import validators

    # A real 100x100 PNG judged against a tiny pixel budget: the same path a 100-megapixel bomb takes.
    monkeypatch.setattr(validators, "MAX_IMAGE_PIXELS", 5_000)
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (100, 100)).save(out, format="PNG")
    response = send(member_client, draft, photo_requirement, upload("bom.png", out.getvalue(), "image/png"))
    assert response.status_code == 400
    assert "terlalu besar" in response.content.decode()
    assert stored_files(private_media) == []


def test_same_file_twice_is_refused(member_client, draft, photo_requirement, private_media):
    send(member_client, draft, photo_requirement, upload("a.jpg", jpeg_bytes(), "image/jpeg"))
    response = send(member_client, draft, photo_requirement, upload("b.jpg", jpeg_bytes(), "image/jpeg"))
    assert response.status_code == 400
    assert Attachment.objects.count() == 1
    assert len(stored_files(private_media)) == 1


def test_removing_an_attachment_deletes_the_file(
    member_client, draft, photo_requirement, private_media, django_capture_on_commit_callbacks
):
    send(member_client, draft, photo_requirement, upload("a.jpg", jpeg_bytes(), "image/jpeg"))
    attachment = Attachment.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(reverse("submissions:delete_attachment", args=[attachment.pk]))
    assert not Attachment.objects.exists()
    assert stored_files(private_media) == []


def test_attachments_are_not_under_the_public_media_route(settings):
    # Only MEDIA_ROOT/public is ever served as media; attachments live under MEDIA_ROOT/private.
    from submissions.models import attachment_path

    class Stub:
        class innovation:
            competition_id = 1
            pk = 2

        innovation_id = 2
        sha256 = "ab" * 32

    assert attachment_path(Stub, "x.pdf").startswith("private/")


def test_truncated_image_is_refused_even_after_weasyprint_was_imported(
    member_client, draft, photo_requirement, private_media
):
    import weasyprint  # noqa: F401 - its import sets PIL.ImageFile.LOAD_TRUNCATED_IMAGES = True process-wide
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
    whole = jpeg_bytes((400, 300))
    response = send(member_client, draft, photo_requirement, upload("foto.jpg", whole[: len(whole) // 2], "image/jpeg"))
    assert response.status_code == 400
    assert not Attachment.objects.exists()
    assert stored_files(private_media) == []
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # WeasyPrint's own setting is left as it was

"""Checks on uploaded attachments: by content, never by the file's name or the browser's claimed type."""

import threading
import warnings

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageFile

from competitions.enums import AttachmentType

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
# Photos from phones are ~12-50 megapixels; anything far beyond is a decompression bomb, not a photo.
MAX_IMAGE_PIXELS = 80_000_000

ALLOWED = {
    AttachmentType.PDF: {PDF},
    AttachmentType.IMAGE: {JPEG, PNG},
    AttachmentType.PDF_OR_IMAGE: {PDF, JPEG, PNG},
}


def _check_pdf(upload):
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(upload, strict=False)
            pages = len(reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError, IndexError, AttributeError, OSError, RecursionError) as exc:
        raise ValidationError(
            _("This PDF file is damaged or incomplete and cannot be opened. Save it again as PDF and re-upload it."),
            code="pdf_damaged",
        ) from exc
    if pages < 1:
        raise ValidationError(_("This PDF file has no pages."), code="pdf_empty")


_TRUNCATION_LOCK = threading.Lock()


def _load_strictly(image):
    """Decode every pixel, failing on a truncated file whatever ImageFile.LOAD_TRUNCATED_IMAGES says.

    WeasyPrint sets that process-wide flag to True when it is imported (e.g. after a certificate was rendered in this
    process), which would let a truncated photo pass.
    """
    with _TRUNCATION_LOCK:
        saved = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            image.load()
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = saved


def _check_image(upload) -> str:
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                fmt = image.format
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise Image.DecompressionBombError("too many pixels")
                image.verify()
            # verify() does not decode the pixels; a truncated photo only fails when fully loaded.
            upload.seek(0)
            with Image.open(upload) as image:
                _load_strictly(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError(
            _("This image is too large (more than %(mp)s megapixels). Reduce its size and upload it again.")
            % {"mp": MAX_IMAGE_PIXELS // 1_000_000},
            code="image_bomb",
        ) from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(
            _("This image is damaged or incomplete and cannot be opened. Take or export it again and re-upload it."),
            code="image_damaged",
        ) from exc
    if fmt == "JPEG":
        return JPEG
    if fmt == "PNG":
        return PNG
    raise ValidationError(_("Only JPEG and PNG images are accepted."), code="image_format")


def detect_content_type(upload) -> str:
    """The real type of the upload (PDF, JPEG or PNG), or a ValidationError that says what to do."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not head:
        raise ValidationError(_("The file is empty. Choose the right file and upload it again."), code="empty")
    if head.startswith(b"%PDF-"):
        _check_pdf(upload)
        return PDF
    if head.startswith(b"\xff\xd8\xff") or head.startswith(b"\x89PNG\r\n\x1a\n"):
        return _check_image(upload)
    raise ValidationError(
        _(
            "This file is not a PDF document or a JPEG/PNG image (its content was checked, not its name). "
            "Save or export it as PDF, JPEG or PNG and upload it again."
        ),
        code="type",
    )


def validate_attachment(upload, requirement) -> str:
    """Check an upload against a requirement's size limit and allowed types; return its detected content type."""
    limit = requirement.max_size_mb * 1024 * 1024
    if upload.size == 0:
        raise ValidationError(_("The file is empty. Choose the right file and upload it again."), code="empty")
    if upload.size > limit:
        raise ValidationError(
            _("The file is %(size).1f MB; %(name)s may be at most %(limit)s MB. Compress it and upload it again.")
            % {"size": upload.size / 1024 / 1024, "name": requirement.name, "limit": requirement.max_size_mb},
            code="too_big",
        )
    content_type = detect_content_type(upload)
    if content_type not in ALLOWED[requirement.allowed]:
        raise ValidationError(
            _("%(name)s must be: %(allowed)s.")
            % {"name": requirement.name, "allowed": requirement.get_allowed_display()},
            code="not_allowed",
        )
    return content_type

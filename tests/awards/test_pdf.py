import io
import os

import qrcode
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from PIL import Image
from pypdf import PdfReader

from awards import pdf
from awards.models import Certificate
from awards.services import certificates as service


def qr_modules_in(certificate) -> list[list[bool]]:
    """The QR code printed on the certificate's stored PDF, one boolean per module (True = dark)."""
    with default_storage.open(certificate.file.name, "rb") as handle:
        [image] = PdfReader(io.BytesIO(handle.read())).pages[0].images
    size = len(expected_modules(service.verify_url(certificate)))
    picture = image.image.convert("L").resize((size, size), Image.Resampling.NEAREST)
    return [[picture.getpixel((x, y)) < 128 for x in range(size)] for y in range(size)]


def expected_modules(text: str) -> list[list[bool]]:
    code = qrcode.QRCode(border=2)
    code.add_data(text)
    code.make(fit=True)
    return code.get_matrix()


def test_certificate_qr_code_encodes_its_verify_url(competition, committee, eligible, run_on_commit):
    run_on_commit(service.start_certificate_batch, competition=competition, actor=committee)

    certificate = Certificate.objects.get()
    assert qr_modules_in(certificate) == expected_modules(service.verify_url(certificate))


def test_stylesheet_is_parsed_once_until_the_file_changes():
    path = finders.find("awards/certificate.css")
    first = pdf._stylesheet("awards/certificate.css")
    again = pdf._stylesheet("awards/certificate.css")
    stat = os.stat(path)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    try:
        changed = pdf._stylesheet("awards/certificate.css")
    finally:
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))

    assert again[0] is first[0] and again[1] is first[1]
    assert changed[0] is not first[0]

"""PDF rendering with WeasyPrint from Django templates (certificates, leaderboards)."""

import base64
import io
import mimetypes

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation


def qr_data_uri(text: str) -> str:
    """A PNG QR code of `text` as a data URI, so the PDF needs no network or file access to show it."""
    import qrcode

    image = qrcode.make(text, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def file_data_uri(field) -> str:
    """An uploaded image (logo, signature) as a data URI; empty if there is none or it cannot be read."""
    if not field:
        return ""
    try:
        with field.storage.open(field.name, "rb") as handle:
            data = handle.read()
    except OSError:
        return ""
    mime = mimetypes.guess_type(field.name)[0] or "image/png"
    return f"data:{mime};base64," + base64.b64encode(data).decode()


def render_pdf(template_name: str, context: dict, stylesheet: str) -> bytes:
    """Render a template to PDF bytes in the site's default language, styled by a static CSS file."""
    from weasyprint import CSS, HTML  # heavy: imported only where a PDF is made

    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(template_name, context)
    css_path = finders.find(stylesheet)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(stylesheets=[CSS(filename=css_path)])

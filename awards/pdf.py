"""PDF rendering with WeasyPrint from Django templates (certificates, leaderboards)."""

import base64
import io
import mimetypes
import os
import threading

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

# Parsed stylesheets and their font configurations, per thread (Pango's font map is not thread-safe; runserver
# renders eager tasks in threads). Parsing the CSS and loading fontconfig took about a fifth of every certificate;
# the worker parent fills this before it forks (certificates.warm_up_renderer), so its prefork children share it
# copy-on-write.
_local = threading.local()


def qr_data_uri(text: str) -> str:
    """A PNG QR code of `text` as a data URI, so the PDF needs no network or file access to show it.

    Four pixels per module, scaled up with image-rendering: pixelated: the 8-pixel image cost WeasyPrint 2 ms more
    per certificate to decode and re-encode, and 4 still look sharp in viewers that smooth images regardless.
    """
    import qrcode

    image = qrcode.make(text, box_size=4, border=2)
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


def _stylesheet(stylesheet: str):
    """The parsed static CSS file and its FontConfiguration, parsed again only when the file changes."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    cache = _local.__dict__.setdefault("stylesheets", {})
    path = finders.find(stylesheet)
    version = (path, os.stat(path).st_mtime_ns)
    cached = cache.get(stylesheet)
    if cached is None or cached[0] != version:
        font_config = FontConfiguration()
        cached = cache[stylesheet] = (version, CSS(filename=path, font_config=font_config), font_config)
    return cached[1], cached[2]


def render_pdf(template_name: str, context: dict, stylesheet: str) -> bytes:
    """Render a template to PDF bytes in the site's default language, styled by a static CSS file."""
    from weasyprint import HTML  # heavy: imported only where a PDF is made

    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(template_name, context)
    css, font_config = _stylesheet(stylesheet)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(stylesheets=[css], font_config=font_config)

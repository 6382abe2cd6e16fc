"""The printable search bulletin (ficha de búsqueda): one A4 page built with ReportLab from a PublicCase only.

`build_bulletin` is a plain function so that the Red Alert issue can attach the same bulletin to alerts.
"""

from __future__ import annotations

import logging
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

import qrcode
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Frame, KeepInFrame, Paragraph, Spacer

from redalert.cases.models import Photo
from redalert.public.exposure import PublicCase

logger = logging.getLogger(__name__)

# DejaVu covers every Latin script (and more) and is embedded; ReportLab's built-in Helvetica (Latin-1, Spanish and
# Portuguese accents included) is the fallback where fonts-dejavu-core is not installed.
DEJAVU_DIR = Path("/usr/share/fonts/truetype/dejavu")
RED = colors.HexColor("#B3121F")
DARK = colors.HexColor("#1A1A1A")
GREY = colors.HexColor("#555555")
LIGHT = colors.HexColor("#F2F2F2")
PAGE_W, PAGE_H = A4
MARGIN = 15 * mm
HEADER_H = 38 * mm
FOOTER_H = 52 * mm
QR_SIZE = 38 * mm


def qr_payload(url: str) -> str:
    """What the QR code encodes: the absolute URL of the case's public page, nothing else."""
    if not url.startswith(("https://", "http://")):
        raise ValueError(f"The bulletin needs the absolute URL of the public page, not {url!r}")
    return url


def qr_png(url: str) -> bytes:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=10, border=2)
    code.add_data(qr_payload(url))
    code.make(fit=True)
    out = BytesIO()
    code.make_image(fill_color="black", back_color="white").save(out, format="PNG")
    return out.getvalue()


def _fonts(embed: bool) -> tuple[str, str]:
    """(regular, bold) font names: DejaVu Sans when wanted and installed, else Helvetica."""
    regular, bold = DEJAVU_DIR / "DejaVuSans.ttf", DEJAVU_DIR / "DejaVuSans-Bold.ttf"
    if embed and regular.is_file() and bold.is_file():
        try:
            if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
                pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
            return "DejaVuSans", "DejaVuSans-Bold"
        except Exception:  # a damaged font file must not take the bulletin down
            logger.exception("Could not load DejaVu fonts; using Helvetica")
    return "Helvetica", "Helvetica-Bold"


def _photo(photo_id: int | None) -> ImageReader | None:
    """The stored metadata-free JPEG of the published photo, or None if there is none or it cannot be read."""
    if photo_id is None:
        return None
    photo = Photo.objects.filter(pk=photo_id).first()
    if photo is None:
        return None
    try:
        with photo.image.open("rb") as handle:
            return ImageReader(BytesIO(handle.read()))
    except OSError:
        logger.warning("Photo %s of a public case cannot be read", photo_id)
        return None


def _fit(width: float, height: float, box_w: float, box_h: float) -> tuple[float, float]:
    scale = min(box_w / width, box_h / height)
    return width * scale, height * scale


def build_bulletin(
    public_case: PublicCase, *, url: str, language: str, embed_fonts: bool = True, compress: bool = True
) -> bytes:
    """A one-page A4 search bulletin in `language` ("es", "en", ...) for a case in active search.

    `url` is the absolute URL of the public case page: the QR code opens it and it is printed under the code.
    Everything shown comes from `public_case` (exposure()); the photo is the stored metadata-free JPEG.
    `embed_fonts=False` uses Helvetica and `compress=False` leaves the text readable in the file (for tests).
    """
    if not public_case.is_missing:
        raise ValueError("A bulletin is only made for a person still searched for.")
    with translation.override(language):
        return _build(public_case, url=url, embed_fonts=embed_fonts, compress=compress)


def _build(case: PublicCase, *, url: str, embed_fonts: bool, compress: bool) -> bytes:
    regular, bold = _fonts(embed_fonts)
    out = BytesIO()
    title = _("LOOKING FOR: %(name)s") % {"name": case.full_name}
    canvas = Canvas(out, pagesize=A4, pageCompression=1 if compress else 0, invariant=1)
    canvas.setTitle(title)
    canvas.setAuthor(case.contact.organisation)
    canvas.setSubject(_("Search bulletin"))
    canvas.setCreator("Red Alert System")

    styles = {
        "name": ParagraphStyle("name", fontName=bold, fontSize=26, leading=30, textColor=DARK, alignment=TA_CENTER),
        "label": ParagraphStyle("label", fontName=bold, fontSize=9, leading=11, textColor=RED, spaceBefore=6),
        "value": ParagraphStyle("value", fontName=regular, fontSize=12, leading=15, textColor=DARK),
        "big": ParagraphStyle("big", fontName=bold, fontSize=15, leading=19, textColor=DARK),
        "summary": ParagraphStyle("summary", fontName=regular, fontSize=11.5, leading=15, textColor=DARK),
        "footer": ParagraphStyle("footer", fontName=regular, fontSize=11, leading=14, textColor=colors.white),
        "footer_big": ParagraphStyle(
            "footer_big", fontName=bold, fontSize=17, leading=21, textColor=colors.white, spaceBefore=3
        ),
    }

    # Header band
    canvas.setFillColor(RED)
    canvas.rect(0, PAGE_H - HEADER_H, PAGE_W, HEADER_H, stroke=0, fill=1)
    canvas.setFillColor(colors.white)
    canvas.setFont(bold, 54)
    canvas.drawCentredString(PAGE_W / 2, PAGE_H - HEADER_H + 13 * mm, _("LOOKING FOR"))
    canvas.setFont(regular, 10)
    canvas.drawCentredString(PAGE_W / 2, PAGE_H - HEADER_H + 5 * mm, case.contact.organisation)

    # Name
    top = PAGE_H - HEADER_H - 6 * mm
    name_frame_h = 24 * mm
    Frame(MARGIN, top - name_frame_h, PAGE_W - 2 * MARGIN, name_frame_h, 0, 0, 0, 0, showBoundary=0).addFromList(
        [KeepInFrame(PAGE_W - 2 * MARGIN, name_frame_h, [Paragraph(escape(case.full_name), styles["name"])])],
        canvas,
    )
    top -= name_frame_h + 2 * mm

    # Photo (left) and facts (right)
    body_h = 108 * mm
    photo_w = 84 * mm
    image = _photo(case.photo_id)
    if image is not None:
        iw, ih = image.getSize()
        w, h = _fit(iw, ih, photo_w, body_h)
        x = MARGIN + (photo_w - w) / 2
        canvas.drawImage(image, x, top - h, width=w, height=h)
        canvas.setStrokeColor(DARK)
        canvas.setLineWidth(0.8)
        canvas.rect(x, top - h, w, h, stroke=1, fill=0)
    else:
        canvas.setFillColor(LIGHT)
        canvas.rect(MARGIN, top - body_h, photo_w, body_h, stroke=0, fill=1)
        canvas.setFillColor(GREY)
        canvas.setFont(regular, 11)
        canvas.drawCentredString(MARGIN + photo_w / 2, top - body_h / 2, _("No photo published"))

    facts_x = MARGIN + photo_w + 7 * mm
    facts_w = PAGE_W - MARGIN - facts_x
    facts: list = []
    if case.age is not None:
        facts += [
            Paragraph(escape(_("AGE WHEN LAST SEEN")), styles["label"]),
            Paragraph(escape(_("%(age)s years") % {"age": case.age}), styles["big"]),
        ]
    facts += [
        Paragraph(escape(_("LAST SEEN ON")), styles["label"]),
        Paragraph(escape(date_format(case.last_seen_on, "DATE_FORMAT")), styles["big"]),
        Paragraph(escape(_("LAST SEEN IN")), styles["label"]),
        Paragraph(escape(case.place_label), styles["big"]),
    ]
    for label, text in (
        (_("PHYSICAL DESCRIPTION"), case.physical_description),
        (_("DISTINGUISHING MARKS"), case.distinguishing_marks),
        (_("CLOTHING WHEN LAST SEEN"), case.clothing),
    ):
        if text.strip():
            facts += [Paragraph(escape(label), styles["label"]), Paragraph(_lines(text), styles["value"])]
    Frame(facts_x, top - body_h, facts_w, body_h, 0, 0, 0, 0, showBoundary=0).addFromList(
        [KeepInFrame(facts_w, body_h, facts, mode="shrink")], canvas
    )
    top -= body_h + 6 * mm

    # Public summary
    summary_bottom = FOOTER_H + 6 * mm
    if case.summary.strip():
        summary_h = top - summary_bottom
        Frame(MARGIN, summary_bottom, PAGE_W - 2 * MARGIN, summary_h, 0, 0, 0, 0, showBoundary=0).addFromList(
            [
                KeepInFrame(
                    PAGE_W - 2 * MARGIN, summary_h, [Paragraph(_lines(case.summary), styles["summary"])], mode="shrink"
                )
            ],
            canvas,
        )

    # Footer: who to contact, and the QR code to the public page
    canvas.setFillColor(DARK)
    canvas.rect(0, 0, PAGE_W, FOOTER_H, stroke=0, fill=1)
    qr_box = QR_SIZE + 4 * mm
    qr_x = PAGE_W - MARGIN - qr_box
    canvas.setFillColor(colors.white)
    canvas.rect(qr_x, 9 * mm, qr_box, qr_box, stroke=0, fill=1)
    canvas.drawImage(ImageReader(BytesIO(qr_png(url))), qr_x + 2 * mm, 11 * mm, width=QR_SIZE, height=QR_SIZE)
    canvas.setFont(regular, 8)
    canvas.drawRightString(PAGE_W - MARGIN, 4.5 * mm, url)

    contact_w = qr_x - MARGIN - 6 * mm
    contact: list = [
        Paragraph(escape(_("If you have seen her or know anything, contact:")), styles["footer"]),
        Paragraph(escape(case.contact.organisation), styles["footer_big"]),
    ]
    if case.contact.contact_line.strip():
        contact.append(Paragraph(escape(case.contact.contact_line.strip()), styles["footer"]))
    if case.contact.hotline.strip():
        contact.append(
            Paragraph(escape(_("Hotline: %(number)s") % {"number": case.contact.hotline.strip()}), styles["footer_big"])
        )
    contact += [
        Spacer(1, 2 * mm),
        Paragraph(escape(_("Scan the code to see her page and send information.")), styles["footer"]),
    ]
    contact_h = FOOTER_H - 12 * mm
    Frame(MARGIN, 9 * mm, contact_w, contact_h, 0, 0, 0, 0, showBoundary=0).addFromList(
        [KeepInFrame(contact_w, contact_h, contact, mode="shrink")], canvas
    )

    canvas.showPage()
    canvas.save()
    return out.getvalue()


def _lines(text: str) -> str:
    """Escaped paragraph markup keeping the author's line breaks."""
    return "<br/>".join(escape(line) for line in text.strip().splitlines())

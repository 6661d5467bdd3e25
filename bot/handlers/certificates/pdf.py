"""A certificate as a one-page PDF (fpdf2, DejaVu Sans embedded: every Kazakh letter)."""

from __future__ import annotations

import io
from dataclasses import dataclass

from bot.assets import BOLD_FONT, REGULAR_FONT
from bot.handlers.forums.tickets import qr_png

FONT = "DejaVu"
INK = (33, 37, 41)
ACCENT = (0, 92, 151)


@dataclass(frozen=True, slots=True)
class CertificatePage:
    """Everything printed on a certificate, already in the reader's language."""

    organisation: str
    heading: str  # CERTIFICATE
    subheading: str  # of participation in a training
    name: str
    training: str
    lines: tuple[str, ...]  # "Forum: …", "Date: …", "Time: …", "Trainer: …"
    code_line: str  # "Verification code: K7QM2XWD9T"
    check_line: str  # how to check it
    link: str  # the deep link the QR code holds


def certificate_pdf(page: CertificatePage) -> bytes:
    """The PDF (A4 landscape); CPU work: call it in a worker thread."""
    from fpdf import FPDF  # ~40 ms to import: only where a certificate is drawn

    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=False)
    pdf.set_creator("ppo-bot")
    pdf.set_title(f"{page.heading} {page.name}".strip())
    pdf.add_font(FONT, "", str(REGULAR_FONT))
    pdf.add_font(FONT, "B", str(BOLD_FONT))
    pdf.add_page()
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, 277, 190)
    pdf.set_line_width(0.3)
    pdf.rect(14, 14, 269, 182)
    pdf.set_text_color(*INK)
    pdf.set_margins(24, 22, 24)
    pdf.set_y(24)
    pdf.set_font(FONT, "", 13)
    pdf.multi_cell(0, 7, page.organisation, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_text_color(*ACCENT)
    pdf.set_font(FONT, "B", 34)
    pdf.cell(0, 15, page.heading, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*INK)
    pdf.set_font(FONT, "", 14)
    pdf.cell(0, 9, page.subheading, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_font(FONT, "B", 24)
    pdf.multi_cell(0, 12, page.name or " ", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(FONT, "B", 16)
    pdf.multi_cell(0, 8, page.training, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(FONT, "", 12)
    for line in page.lines:
        pdf.multi_cell(0, 7, line, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.image(io.BytesIO(qr_png(page.link)), x=24, y=150, w=38)
    pdf.set_xy(66, 162)
    pdf.set_font(FONT, "B", 12)
    pdf.cell(0, 7, page.code_line, new_x="LEFT", new_y="NEXT")
    pdf.set_font(FONT, "", 10)
    pdf.multi_cell(190, 5, page.check_line, new_x="LEFT", new_y="NEXT")
    pdf.set_text_color(*ACCENT)
    pdf.cell(0, 5, page.link, link=page.link, new_x="LEFT", new_y="NEXT")
    return bytes(pdf.output())

"""printing.pdf: HTML to PDF with our own small user-agent stylesheet (printing/print_ua.css)."""

import io

from pypdf import PdfReader

from printing import pdf

from .pdfcheck import page_sizes_mm, page_texts, text_of


def test_weasyprint_still_asks_our_html_for_its_user_agent_stylesheet(monkeypatch):
    """PrintHTML overrides WeasyPrint's `_ua_stylesheets`, which is not public API: if an upgrade
    stops calling it, documents silently fall back to the slow full stylesheet."""
    asked = []
    original = pdf.PrintHTML._ua_stylesheets

    def spy(self, forms=False):
        asked.append(forms)
        return original(self, forms)

    monkeypatch.setattr(pdf.PrintHTML, "_ua_stylesheets", spy)
    pdf.write_pdf("<p>Hello</p>")
    assert asked


def test_elements_keep_their_default_look():
    """What the print templates rely on from the user-agent stylesheet: head hidden, blocks and
    line breaks on their own lines, table cells in rows, @page margin boxes placed."""
    html = (
        "<html><head><title>Hidden title</title></head><body>"
        "<p>First block</p><div>Second block</div><p>Line one<br>Line two</p>"
        "<table><thead><tr><th>Head A</th><th>Head B</th></tr></thead>"
        "<tbody><tr><td>Cell A</td><td>Cell B</td></tr></tbody></table></body></html>"
    )
    css = "@page { size: A6; @bottom-right { content: 'Page ' counter(page) } }"
    document = pdf.write_pdf(html, css=css)
    page = PdfReader(io.BytesIO(document)).pages[0]
    lines = [line.strip() for line in page.extract_text().splitlines() if line.strip()]
    assert "Hidden title" not in text_of(document)
    assert lines[:4] == ["First block", "Second block", "Line one", "Line two"]
    assert "Head A Head B" in text_of(document) and "Cell A Cell B" in text_of(document)
    assert "Page 1" in text_of(document)
    assert page_sizes_mm(document) == [(105, 148)]
    assert len(page_texts(document)) == 1

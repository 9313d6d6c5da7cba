"""core.pdf: HTML to PDF with our own small user-agent stylesheet (core/print_ua.css), read
by the XML parser when the document is well-formed."""

import io
import xml.etree.ElementTree as ElementTree

import pytest
from pypdf import PdfReader

from configuration.models import StoreProfile
from core import pdf
from purchases import documents as purchase_documents
from shipments import documents as shipment_documents

from . import scenario
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


def _both_parsers(html: str, css: str, monkeypatch) -> tuple[bytes, bytes]:
    """The PDF from the XML parser and from WeasyPrint's HTML5 parser (XML made to refuse)."""
    from_xml = pdf.write_pdf(html, css=css, identifier="SAME")

    def refuse(text):
        raise ElementTree.ParseError("refused for the test")

    monkeypatch.setattr(ElementTree, "fromstring", refuse)
    return from_xml, pdf.write_pdf(html, css=css, identifier="SAME")


def _print_templates(staff, agent):
    """The HTML and stylesheet of every print template, as the documents render them."""
    shipment = scenario.shipment_for(staff, agent, awb="77001122334", cod=True)
    invoice = shipment.purchase.invoices.get()
    store = shipment_documents.store_context(StoreProfile.objects.current())
    slip_shipment = shipment_documents.slip_queryset().get(pk=shipment.pk)
    slips = [shipment_documents.slip_context(slip_shipment, store)]
    batch = scenario.handover_batch(staff, agent, [shipment], pickup_person="Ravi")
    manifest = shipment_documents.manifest_context(batch, store)
    return {
        "invoice": (purchase_documents.invoice_html(invoice), purchase_documents.stylesheet()),
        "slip": (shipment_documents.slips_html(slips), shipment_documents.slip_stylesheet()),
        "a4 slips": (
            shipment_documents.slips_html(slips, layout=shipment_documents.A4),
            shipment_documents.slip_stylesheet(),
        ),
        "manifest": (
            shipment_documents.manifests_html([manifest])[0],
            shipment_documents.manifest_stylesheet(),
        ),
    }


@pytest.mark.django_db
def test_print_templates_are_well_formed_xml_and_print_the_same_as_html5(
    store, staff, agent, monkeypatch
):
    """The fast XML parse is only taken for well-formed documents; a template that stopped being
    one would silently print at the slower HTML5 speed."""
    for name, (html, css) in _print_templates(staff, agent).items():
        ElementTree.fromstring(html)  # raises on a template that is not well-formed
        with monkeypatch.context() as patch:
            from_xml, from_html5 = _both_parsers(html, css, patch)
        assert from_xml == from_html5, name


def test_control_characters_are_left_out_of_the_print():
    """A control character (pasted into an address, say) has no glyph, would print as a box and is
    not allowed in XML: it is dropped, and the rest prints."""
    document = pdf.write_pdf("<html><body><p>Lakeview &amp; Co\x0b Flat\x01 4</p></body></html>")
    assert "Lakeview & Co Flat 4" in text_of(document)


def test_a_document_that_is_not_well_formed_xml_still_prints():
    html = "<html><body><p>Lakeview<br>Indiranagar<img src='data:,'></p></body></html>"
    with pytest.raises(ElementTree.ParseError):
        ElementTree.fromstring(html)
    assert text_of(pdf.write_pdf(html)).split() == ["Lakeview", "Indiranagar"]


def test_names_in_indian_scripts_print_in_their_own_letters(caplog):
    """A customer may write their name or address in Devanagari, Tamil, Bengali...: each script
    prints in its Lohit font, not as empty boxes (WeasyPrint warns of a .notdef glyph then)."""
    names = "राम शर्मा · மதுரை · কলকাতা · ગુજરાત · ਅੰਮ੍ਰਿਤਸਰ · ಬೆಂಗಳೂರು · കൊച്ചി · ଓଡ଼ିଆ · తెలుగు"
    document = pdf.write_pdf(f"<html><body><p>{names}</p></body></html>")
    missing = [r.getMessage() for r in caplog.records if "notdef" in r.getMessage()]
    assert missing == []
    fonts = PdfReader(io.BytesIO(document)).pages[0]["/Resources"]["/Font"]
    families = {str(font.get_object()["/BaseFont"]).split("+")[-1] for font in fonts.values()}
    assert {"Lohit-Devanagari", "Lohit-Tamil", "Lohit-Bengali", "Lohit-Telugu"} <= families

"""HTML to PDF with WeasyPrint, made reproducible; imports no Django so worker processes stay light.

A PDF written twice from the same HTML is the same bytes: WeasyPrint adds no creation date unless
the HTML has a `dcterms.created` meta tag (our templates set it from the document's own frozen issue
time), font subsets are named from an md5 of their glyphs, and the file identifier (/ID) is the one
we pass (the document number) plus an md5 of the content, never a random or time-based value.
"""

import gc
import re
import threading
import xml.etree.ElementTree as ElementTree
from contextlib import contextmanager
from pathlib import Path

import cssselect2
import weasyprint
from weasyprint.text.fonts import FontConfiguration

# Fonts come from fontconfig by family name (DejaVu Sans, which has the ₹ sign); nothing is fetched.
BASE_URL = "file:///nonexistent/"


UA_CSS = Path(__file__).with_name("print_ua.css")

# C0 control characters other than tab and line breaks: no font draws them (each would print as a
# box) and XML does not allow them.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


class PrintHTML(weasyprint.HTML):
    """WeasyPrint's HTML with our small user-agent stylesheet (print_ua.css) instead of the full
    HTML5 one: every element is matched against it, and the full one cost ~10 ms an invoice
    (87 → 77 ms, scripts/bench_documents.py). `_ua_stylesheets` is WeasyPrint's own hook, not
    public API: tests/printing/test_pdf.py fails if an upgrade stops calling it."""

    def _ua_stylesheets(self, forms=False):
        return [_ua_stylesheet()]

    @classmethod
    def from_xhtml(cls, html: str, **options) -> "PrintHTML":
        """Our print templates are well-formed XML, and the C XML parser reads one in a tenth of
        the time of WeasyPrint's pure-Python HTML5 parser (0.2 ms against 2.9 ms an invoice, 6 %
        of its render), into the same tree and so the same PDF bytes (tests/printing/test_pdf.py).
        Control characters are dropped first; anything still not well-formed goes to the HTML5
        parser as before. This sets what WeasyPrint's own __init__ sets."""
        html = CONTROL_CHARACTERS.sub("", html)
        try:
            root = ElementTree.fromstring(html)
        except ElementTree.ParseError:
            return cls(string=html, **options)
        document = cls.__new__(cls)
        document.base_url = options["base_url"]
        document.url_fetcher = options["url_fetcher"]
        document.media_type = "print"
        document.wrapper_element = cssselect2.ElementWrapper.from_html_root(root)
        document.etree_element = document.wrapper_element.etree_element
        return document


def _html(html: str) -> weasyprint.HTML:
    # Print templates are self-contained: no URL is fetched, so a typo never waits on a network.
    fetcher = weasyprint.URLFetcher(allowed_protocols={"data"})
    return PrintHTML.from_xhtml(html, base_url=BASE_URL, url_fetcher=fetcher)


_local = threading.local()


def _fonts() -> FontConfiguration:
    """One font configuration per thread, so fontconfig lookups are cached across documents
    (WeasyPrint objects are not meant to be shared between threads)."""
    if not hasattr(_local, "fonts"):
        _local.fonts = FontConfiguration()
        _local.stylesheets = {}
    return _local.fonts


def _ua_stylesheet() -> weasyprint.CSS:
    if not hasattr(_local, "ua"):
        _local.ua = weasyprint.CSS(string=UA_CSS.read_text(), font_config=_fonts())
    return _local.ua


def _stylesheet(css: str) -> weasyprint.CSS:
    """Each template's stylesheet parsed once per thread; documents of one kind share it."""
    fonts = _fonts()
    if css not in _local.stylesheets:
        _local.stylesheets[css] = weasyprint.CSS(string=css, font_config=fonts)
    return _local.stylesheets[css]


@contextmanager
def _without_cyclic_gc():
    """WeasyPrint makes hundreds of thousands of short-lived objects a document, which would run
    the cyclic collector over the whole heap (Django's objects too) again and again; pause it while
    a document is laid out and written (measured: about a fifth of an invoice's time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def write_pdf(html: str, *, css: str = "", identifier: str | None = None) -> bytes:
    """One HTML document to PDF bytes; same input, same bytes."""
    stylesheets = [_stylesheet(css)] if css else []
    with _without_cyclic_gc():
        return _html(html).write_pdf(
            stylesheets=stylesheets,
            font_config=_fonts(),
            pdf_identifier=identifier.encode() if identifier else None,
            uncompressed_pdf=False,
        )


def write_many(htmls: list[str], *, css: str = "") -> bytes:
    """Several HTML documents laid out one by one (each keeps its own page numbers) into one PDF."""
    stylesheets = [_stylesheet(css)] if css else []
    with _without_cyclic_gc():
        documents = [
            _html(html).render(stylesheets=stylesheets, font_config=_fonts()) for html in htmls
        ]
        pages = [page for document in documents for page in document.pages]
        return documents[0].copy(pages).write_pdf()


def render_part(htmls: list[str], css: str) -> bytes:
    """One part of a print run, in a worker process: its documents as one PDF."""
    if len(htmls) == 1:
        return write_pdf(htmls[0], css=css)
    return write_many(htmls, css=css)

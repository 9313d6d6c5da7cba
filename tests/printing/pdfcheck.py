"""Reading printed PDFs back the way a person or a courier's scanner would."""

import io
import re

import pypdfium2
import zxingcpp
from pypdf import PdfReader


def text_of(pdf: bytes) -> str:
    """The PDF's text with runs of blanks squeezed, as a reader would search it."""
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def page_texts(pdf: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf))
    return [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]


def page_sizes_mm(pdf: bytes) -> list[tuple[int, int]]:
    reader = PdfReader(io.BytesIO(pdf))
    return [
        (round(float(p.mediabox.width) * 25.4 / 72), round(float(p.mediabox.height) * 25.4 / 72))
        for p in reader.pages
    ]


def barcodes_per_page(pdf: bytes, dpi: int = 200) -> list[list[tuple[str, str]]]:
    """Each page rasterised at `dpi` and every Code 128 barcode on it decoded: [(format, text)].

    Only Code 128 is looked for, as a courier's scanner is set up: with every symbology on, zxing
    now and then reads a line of text as an EAN-13 (the vertical strokes of letters look like bars).
    """
    document = pypdfium2.PdfDocument(pdf)
    try:
        found = []
        for page in document:
            image = page.render(scale=dpi / 72).to_pil()
            codes = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.Code128)
            found.append([(str(code.format), code.text) for code in codes])
        return found
    finally:
        document.close()

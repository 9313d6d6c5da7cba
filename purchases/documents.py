"""GST tax invoices and credit notes as PDF, rendered only from the content frozen at issue.

Nothing here reads a product, a price or the store profile: a reprint shows what was issued.
Rendering is reproducible (see core.pdf), so a reprint of the same document is the same bytes.
"""

from decimal import Decimal
from functools import cache

from django.template.loader import get_template, render_to_string

from core.india import format_inr
from core.pdf import write_pdf

from .models import CreditNote, Invoice

TEMPLATE = "pdf/tax_document.html"


@cache
def stylesheet() -> str:
    """The invoice stylesheet's text (parsed once per process by core.pdf)."""
    return get_template("pdf/tax_document.css").template.source


# The items table prints in 7 pt DejaVu Sans, in which a digit or ₹ is 0.636 em wide and a comma
# or point 0.318 em. Each amount column is as wide as its longest amount needs, and never narrower
# than its heading: an amount in crores stays inside its cell, and the description takes the rest.
MM_PER_EM = 7 * 25.4 / 72
AMOUNT_COLUMNS_MINIMUM_MM = {"rate": 16, "discount": 14, "taxable": 18, "tax": 16, "total": 18}


def _printed_width_mm(amount: str) -> float:
    return sum(0.318 if ch in ",." else 0.636 for ch in format_inr(amount)) * MM_PER_EM


def amount_column_widths(lines: list[dict]) -> dict[str, str]:
    """The width in mm of each amount column of the items table, for its longest amount."""
    amounts = {
        "rate": [line["unit_price"] for line in lines],
        "discount": [line["discount"] for line in lines],
        "taxable": [line["taxable_value"] for line in lines],
        "tax": [line[tax] for line in lines for tax in ("cgst", "sgst", "igst")],
        "total": [line["total"] for line in lines],
    }
    return {
        column: f"{max([minimum] + [_printed_width_mm(a) + 0.3 for a in amounts[column]]):.1f}"
        for column, minimum in AMOUNT_COLUMNS_MINIMUM_MM.items()
    }


def tax_document_html(content: dict, *, credit_note: bool = False) -> str:
    """The HTML of an invoice or credit note from its frozen content."""
    recipient, delivery = content["recipient"], content["delivery"]
    return render_to_string(
        TEMPLATE,
        {
            "doc": content,
            "is_credit_note": credit_note,
            # A discount column only when a line has a discount: the taxable value already
            # takes it into account (rule 46(h)), and every column costs a cell a line to lay out.
            "has_discount": any(Decimal(line["discount"]) for line in content["lines"]),
            "widths": amount_column_widths(content["lines"]),
            # Address lines as one text each, broken by newlines (printed white-space: pre-line).
            "supplier_lines": "\n".join(content["supplier"]["address_lines"]),
            "recipient_lines": "\n".join(
                [
                    *recipient["lines"],
                    f"State code: {recipient['state_code']}",
                    f"GSTIN: {recipient.get('gstin') or 'Unregistered'}",
                ]
            ),
            "delivery_lines": "\n".join(
                [*delivery["lines"], f"State code: {delivery['state_code']}"]
            ),
        },
    )


def invoice_html(invoice: Invoice) -> str:
    """The HTML of a tax invoice."""
    return tax_document_html(invoice.content)


def credit_note_html(note: CreditNote) -> str:
    """The HTML of a credit note."""
    return tax_document_html(note.content, credit_note=True)


def invoice_pdf(invoice: Invoice) -> bytes:
    """The tax invoice as A4 PDF bytes, the same bytes on every reprint."""
    return write_pdf(invoice_html(invoice), css=stylesheet(), identifier=invoice.number)


def credit_note_pdf(note: CreditNote) -> bytes:
    """The credit note as A4 PDF bytes, the same bytes on every reprint."""
    return write_pdf(credit_note_html(note), css=stylesheet(), identifier=note.number)

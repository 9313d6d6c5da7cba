"""An example file of orders to import: two orders for the store's own products, with the totals
worked out as the import will check them, so a file made from it is imported as it is."""

import csv
import io
from decimal import Decimal

from catalog.models import Product
from purchases.rules import OrderLine, totals_of

from .order_files import COLUMNS

SHIPPING = Decimal("49.00")
BUYERS = [
    {
        "reference": "PHONE-0001",
        "placed_at": "2026-04-01 10:30",
        "payment_method": "prepaid",
        "customer_name": "Asha Rao",
        "customer_email": "asha.rao@example.in",
        "customer_mobile": "9845012345",
        "billing_name": "Asha Rao",
        "billing_line1": "Flat 4B, Lakeview Apartments",
        "billing_line2": "17th Cross, Indiranagar",
        "billing_city": "Bengaluru",
        "billing_state": "29",
        "billing_pin_code": "560038",
        "billing_mobile": "9845012345",
    },
    {
        "reference": "PHONE-0002",
        "placed_at": "2026-04-01 11:05",
        "payment_method": "cod",
        "customer_name": "Rahul Verma",
        "customer_email": "rahul.verma@example.in",
        "customer_mobile": "9810023456",
        "billing_name": "Rahul Verma",
        "billing_line1": "B-12, Shanti Niketan",
        "billing_city": "New Delhi",
        "billing_state": "07",
        "billing_pin_code": "110021",
        "billing_mobile": "9810023456",
    },
]


def example_products() -> list[Product]:
    """Two of the store's own products on sale (fewer when it has fewer)."""
    return list(Product.objects.own().filter(active=True).order_by("sku")[:2])


def example_csv(products: list[Product]) -> str:
    """The first order buys one of each product (the second with ₹10.00 off), the second order
    two of the first. A store without products gets the columns and a row to fill in."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    if not products:
        writer.writerow(BUYERS[0] | {"sku": "YOUR-SKU", "quantity": 1})
        return out.getvalue()
    orders = [
        [OrderLine(p, 1, p.price, Decimal("10.00") * n) for n, p in enumerate(products)],
        [OrderLine(products[0], 2, products[0].price)],
    ]
    for buyer, lines in zip(BUYERS, orders, strict=True):
        charged = totals_of(lines, SHIPPING).grand_total
        for line in lines:
            writer.writerow(
                buyer
                | {
                    "shipping_charge": SHIPPING,
                    "amount_charged": charged,
                    "sku": line.product.sku,
                    "quantity": line.quantity,
                    "unit_price": line.unit_price,
                    "discount": line.discount or "",
                    "line_total": line.taxable + line.tax,
                }
            )
    return out.getvalue()

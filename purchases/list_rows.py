"""The rows of Manage Purchases, every cell formatted once; purchases/partials/list_rows.html
shows them.

A page is read as values (PurchaseQuerySet.list_rows): building model instances for a page of
rows would cost more than finding them.
"""

from dataclasses import dataclass

from django.utils import timezone

from core.india import format_inr
from core.panel import detail_url_prefix
from core.templatetags.money import IST_FORMAT

from .models import PartnerStatus, PaymentMethod, PurchaseKind, PurchaseStatus

STATUS_LABELS = dict(PurchaseStatus.choices)
KIND_LABELS = dict(PurchaseKind.choices)
PARTNER_LABELS = dict(PartnerStatus.choices)


@dataclass(slots=True)
class PurchaseRow:
    """One row of the list, every cell ready to print."""

    url: str
    number: str
    placed: str
    customer: str
    mobile: str
    city: str
    pin_code: str
    status: str
    status_label: str
    kind: str
    kind_label: str
    partner_label: str
    cash_on_delivery: bool
    amount: str

    @classmethod
    def of(cls, row, detail_prefix: str, india) -> "PurchaseRow":
        """From a row of PurchaseQuerySet.list_rows(); `india` is the time zone shown."""
        return cls(
            url=f"{detail_prefix}{row.pk}/",
            number=row.number,
            placed=row.placed_at.astimezone(india).strftime(IST_FORMAT),
            customer=row.customer__name,
            mobile=row.customer__mobile,
            city=row.shipping_address__city,
            pin_code=row.shipping_address__pin_code,
            status=row.status,
            status_label=STATUS_LABELS[row.status],
            kind=row.kind,
            kind_label=KIND_LABELS[row.kind],
            partner_label=PARTNER_LABELS[row.partner_status] if row.partner_status else "",
            cash_on_delivery=row.payment_method == PaymentMethod.COD,
            amount=format_inr(row.grand_total),
        )


def page_rows(found) -> list[PurchaseRow]:
    """The rows of a page, from PurchaseQuerySet.list_rows()."""
    detail_prefix = detail_url_prefix("purchases:purchase-detail")
    india = timezone.get_current_timezone()
    return [PurchaseRow.of(row, detail_prefix, india) for row in found]

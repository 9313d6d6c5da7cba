"""The store's own particulars, printed on every invoice and address slip."""

from decimal import Decimal

from django.db import models

from core.india import GstState, validate_gstin, validate_mobile, validate_pin_code


class StoreProfileQuerySet(models.QuerySet):
    def current(self) -> "StoreProfile":
        """The store's one profile row (created by the first migration's defaults or seed_demo)."""
        profile = self.first()
        if profile is None:
            raise StoreProfile.DoesNotExist("The store profile has not been set up yet.")
        return profile


class StoreProfile(models.Model):
    """One row: the supplier on invoices and the return address on slips."""

    legal_name = models.CharField(max_length=200)
    display_name = models.CharField(max_length=100)
    gstin = models.CharField("GSTIN", max_length=15, validators=[validate_gstin])
    state = models.CharField(max_length=2, choices=GstState.choices)
    address_line1 = models.CharField(max_length=200)
    address_line2 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100)
    pin_code = models.CharField("PIN code", max_length=6, validators=[validate_pin_code])
    phone = models.CharField(max_length=10, validators=[validate_mobile])
    email = models.EmailField(blank=True)
    invoice_prefix = models.CharField(
        max_length=3,
        default="WS",
        help_text="Letters that start every invoice number, e.g. WS gives WS/26-27/000123.",
    )
    # Three characters at most: PREFIX/26-27/000123 must fit GST's 16-character limit.
    credit_note_prefix = models.CharField(max_length=3, default="CN")
    eway_bill_threshold = models.DecimalField(
        "E-way bill from (between states)",
        max_digits=12,
        decimal_places=2,
        default=Decimal("50000.00"),
        help_text="Goods worth this much or more (tax included) need an e-way bill to move.",
    )
    eway_bill_intra_state_threshold = models.DecimalField(
        "E-way bill from (within the state)",
        max_digits=12,
        decimal_places=2,
        default=Decimal("50000.00"),
        help_text="Your state's limit for moves within it (some states set another).",
    )

    objects = StoreProfileQuerySet.as_manager()

    class Meta:
        permissions = [("configure_store", "Can change the store's configuration")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(invoice_prefix__regex=r"^[A-Z0-9]{1,3}$"),
                name="store_invoice_prefix_format",
            ),
            models.CheckConstraint(
                condition=models.Q(credit_note_prefix__regex=r"^[A-Z0-9]{1,3}$"),
                name="store_credit_note_prefix_format",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def state_code(self) -> str:
        return self.state

    @property
    def address_lines(self) -> list[str]:
        lines = [self.address_line1, self.address_line2, f"{self.city} {self.pin_code}"]
        lines.append(f"{self.get_state_display()} ({self.state})")
        return [line for line in lines if line]

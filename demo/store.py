"""The demo store itself: its GST registration, its people, and the reasons they write down."""

from stdnum import luhn

from core.india import GSTIN_ALPHABET

# GSTIN = state code + PAN + entity number + "Z" + a check character, which is Luhn mod 36 over
# the other fourteen (core.india.is_valid_gstin checks it that way; this computes it).
STORE_STATE = "27"  # Maharashtra
STORE_PAN = "AAKCK7316R"  # C: a company; K: the first letter of its name


def gstin_with_check_character(state_code: str, pan: str, entity: str = "1") -> str:
    body = f"{state_code}{pan}{entity}Z"
    return body + luhn.calc_check_digit(body, GSTIN_ALPHABET)


STORE_PROFILE = {
    "legal_name": "Kaveri Home Essentials Private Limited",
    "display_name": "Kaveri Home",
    "gstin": gstin_with_check_character(STORE_STATE, STORE_PAN),
    "state": STORE_STATE,
    "address_line1": "Unit 12, Laxmi Industrial Estate",
    "address_line2": "New Link Road, Andheri West",
    "city": "Mumbai",
    "pin_code": "400053",
    "phone": "9820012345",
    "email": "accounts@kaverihome.in",
    "invoice_prefix": "WS",
    "credit_note_prefix": "CN",
}

DEMO_PASSWORD = "webstore"
# The demo storefront's sales channel, with a published secret (docs/orders-api.md sends a first
# order with it); production settings do not install the demo.
DEMO_CHANNEL = {
    "name": "Demo storefront",
    "code": "storefront",
    "kind": "storefront",
    "secret": "demo-storefront-secret",
}
# username, first name, last name, role (accounts.roles group), email
DEMO_USERS = [
    ("owner", "Meera", "Kulkarni", "Owner", "meera@kaverihome.in"),
    ("staff", "Rahul", "Patil", "Staff", "rahul@kaverihome.in"),
    ("viewer", "Sunita", "Rao", "Viewer", "sunita@kaverihome.in"),
]

FRAUD_DENIAL_REASONS = [
    "Mobile number switched off on three calls; address incomplete.",
    "Billing name does not match the card holder; customer did not respond.",
    "Same address refused two cash-on-delivery parcels last month.",
    "Twelve units of one product to a new account; customer could not confirm the order.",
    "Email bounced and the PIN code does not match the city.",
]
CANCEL_REASONS = [
    "Customer asked to cancel: ordered by mistake.",
    "Customer asked to cancel: found it cheaper elsewhere.",
    "Out of stock at the warehouse; customer informed.",
    "No courier serves this PIN code for cash on delivery.",
    "Customer asked to cancel: delivery date too late.",
    "Duplicate purchase; the customer keeps the other one.",
    "Payment not received within 24 hours.",
]
PARTIAL_CANCEL_REASONS = [
    "One item out of stock; customer agreed to the rest.",
    "Customer asked to drop one item before dispatch.",
    "Damaged in the warehouse; no replacement in stock.",
]

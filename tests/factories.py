"""factory_boy factories: the one place tests build data."""

from decimal import Decimal

import factory
from django.contrib.auth.models import Group, User
from django.utils import timezone

from accounts.roles import ensure_roles
from catalog.models import FulfilledBy, Product
from channels.models import ChannelKind, RefusedOrder, SalesChannel
from configuration.models import StoreProfile
from core.india import GstState
from core.permissions import OWNER, STAFF, VIEWER
from customers.models import Customer
from purchases import services as purchase_services
from purchases.models import Address, Item, PaymentMethod, Purchase, PurchaseKind, PurchaseStatus
from shipments import services as shipment_services
from shipments.models import ShippingAgent


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_IN")
    password = factory.django.Password("webstore")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            if not Group.objects.filter(name=extracted).exists():
                ensure_roles()  # a transactional test flushed the migration's groups
            self.groups.add(Group.objects.get(name=extracted))


def owner(**kwargs) -> User:
    return UserFactory(username=kwargs.pop("username", "owner"), role=OWNER, **kwargs)


def staff(**kwargs) -> User:
    return UserFactory(username=kwargs.pop("username", "staff"), role=STAFF, **kwargs)


def viewer(**kwargs) -> User:
    return UserFactory(username=kwargs.pop("username", "viewer"), role=VIEWER, **kwargs)


class StoreProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StoreProfile

    legal_name = "Kaveri Home Essentials Private Limited"
    display_name = "Kaveri Home"
    gstin = "27AAPFU0939F1ZV"
    state = GstState.MAHARASHTRA
    address_line1 = "Unit 12, Laxmi Industrial Estate"
    address_line2 = "New Link Road, Andheri West"
    city = "Mumbai"
    pin_code = "400053"
    phone = "9820012345"
    email = "accounts@kaverihome.in"
    invoice_prefix = "WS"
    credit_note_prefix = "CN"


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = factory.Sequence(lambda n: f"Cotton bedsheet {n}")
    hsn_code = "6302"
    gst_rate = 12
    price = Decimal("899.00")
    weight_grams = 700
    fulfilled_by = FulfilledBy.OWN


class ChannelFactory(factory.django.DjangoModelFactory):
    """An active sales channel with its own new secret."""

    class Meta:
        model = SalesChannel
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Storefront {n}")
    code = factory.Sequence(lambda n: f"store-{n}")
    kind = ChannelKind.STOREFRONT


class RefusedOrderFactory(factory.django.DjangoModelFactory):
    """An order a channel sent that was refused for an unknown SKU."""

    class Meta:
        model = RefusedOrder

    channel = factory.SubFactory(ChannelFactory)
    received_via = "api"
    code = "unknown_sku"
    detail = "The order was refused: 1 problem."
    problems = factory.LazyFunction(
        lambda: [{"field": "lines.0.sku", "code": "unknown_sku", "message": "No product KH-X."}]
    )
    external_reference = factory.Sequence(lambda n: f"SF-{1000 + n}")
    payload = '{"reference": "SF-1000", "lines": [{"sku": "KH-X"}]}'


class ShippingAgentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShippingAgent
        django_get_or_create = ("code",)

    name = "Blue Dart"
    code = "BLUEDART"
    tracking_url_template = "https://www.bluedart.com/trackdartresult?trackFor=0&trackNo={awb}"
    awb_pattern = r"[0-9]{11}"
    collects_cod = True


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    name = factory.Faker("name", locale="en_IN")
    email = factory.Sequence(lambda n: f"customer{n}@example.in")
    mobile = factory.Sequence(lambda n: f"98{n:08d}")


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    name = "Ananya Iyer"
    line1 = "Flat 4B, Lakeview Apartments"
    line2 = "17th Cross, Indiranagar"
    landmark = "Near CMH Hospital"
    city = "Bengaluru"
    state = GstState.KARNATAKA
    pin_code = "560038"
    mobile = "9845012345"


class PurchaseFactory(factory.django.DjangoModelFactory):
    """A purchase in the given `status` (set at creation, as the checkout would)."""

    class Meta:
        model = Purchase

    number = factory.Sequence(lambda n: f"WS{100000 + n}")
    customer = factory.SubFactory(CustomerFactory)
    billing_address = factory.SubFactory(AddressFactory)
    shipping_address = factory.SelfAttribute("billing_address")
    payment_method = PaymentMethod.PREPAID
    kind = PurchaseKind.OWN
    subtotal = Decimal("0")
    tax_total = Decimal("0")
    grand_total = Decimal("0")
    placed_at = factory.LazyFunction(timezone.now)
    status = PurchaseStatus.CONFIRMED


def add_item(
    purchase: Purchase, *, product: Product | None = None, quantity: int = 1, **kwargs
) -> Item:
    """Add a line to a purchase, copying the product as it is now, and update the totals."""
    product = product or ProductFactory(fulfilled_by=kwargs.pop("fulfilled_by", FulfilledBy.OWN))
    item = Item.objects.create(
        purchase=purchase,
        line_number=purchase.items.count() + 1,
        product=product,
        sku=product.sku,
        name=product.name,
        hsn_code=product.hsn_code,
        unit_price=product.price,
        gst_rate=product.gst_rate,
        quantity=quantity,
        weight_grams=product.weight_grams,
        fulfilled_by=product.fulfilled_by,
        **kwargs,
    )
    taxable = item.taxable_value
    tax = taxable * Decimal(item.gst_rate) / 100
    Purchase.objects.filter(pk=purchase.pk).update(
        subtotal=purchase.subtotal + taxable,
        tax_total=purchase.tax_total + tax,
        grand_total=purchase.grand_total + taxable + tax,
    )
    purchase.refresh_from_db()
    return item


def purchase_with_items(*, status=PurchaseStatus.CONFIRMED, own=1, partner=0, quantity=1, **kwargs):
    """A purchase with `own` own items and `partner` Infibeam items, each of `quantity`."""
    kind = (
        PurchaseKind.MIXED
        if own and partner
        else (PurchaseKind.OWN if own else PurchaseKind.INFIBEAM)
    )
    purchase = PurchaseFactory(status=status, kind=kind, **kwargs)
    for _ in range(own):
        add_item(purchase, quantity=quantity)
    for _ in range(partner):
        add_item(purchase, quantity=quantity, fulfilled_by=FulfilledBy.INFIBEAM)
    if partner:
        Purchase.objects.filter(pk=purchase.pk).update(partner_status="awaiting")
        purchase.refresh_from_db()
    return purchase


def handed_over_shipment(user, agent, *, awb: str, discount=Decimal("0"), **purchase_kwargs):
    """A purchase invoiced, shipped with `agent` under `awb` and handed over, through the
    services staff use; its one shipment, fresh from the database. `discount`: on each line."""
    purchase_kwargs.setdefault("status", PurchaseStatus.FRAUD_APPROVED)
    purchase = purchase_with_items(**purchase_kwargs)
    if discount:
        purchase.items.update(discount=discount)
    purchase_services.purchase_issue_invoice(purchase_id=purchase.pk, user=user)
    shipment = shipment_services.shipment_create(
        purchase_id=purchase.pk, user=user, agent_id=agent.pk
    )
    shipment_services.shipment_record_awb(shipment_id=shipment.pk, user=user, awb=awb)
    shipment_services.shipment_record_slip_printed(shipment_id=shipment.pk, user=user)
    shipment_services.shipment_hand_over(shipment_id=shipment.pk, user=user)
    shipment.refresh_from_db()
    return shipment

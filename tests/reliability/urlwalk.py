"""Every URL pattern of the project, with its path arguments filled from a small real dataset.

The walk reads django.urls.get_resolver(), so a page another app adds tomorrow is walked
tomorrow without anyone touching this file. Arguments are found in this order: a per-URL
override, the view's own model (DetailView, UpdateView...), a model named like the argument or
the URL, and last a placeholder id that does not exist (the page should then answer 404).
"""

import re
import uuid
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from core.permissions import VIEWER
from partners.models import PartnerFeedSettings
from printing import services as print_services
from printing.selection import select_documents
from purchases import services as purchase_services
from purchases.models import PurchaseStatus
from shipments import services as shipment_services
from shipments.models import HandoverBatch
from tests import factories

PLACEHOLDER_ID = 987654321
QUEUE_ONLY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}

# URL name -> {argument: a literal value, or "model:<app_label.Model>"}, where guessing fails.
ARGUMENT_OVERRIDES = {
    "menu": {"slug": "purchases"},
    "accounts:user-action": {"action": "role"},
    "shipments:split": {"pk": "model:purchases.Purchase"},
}

# Argument or URL words that name a model in another way than its class name.
MODEL_ALIASES = {
    "batch": "shipments.HandoverBatch",
    "handover": "shipments.HandoverBatch",
    "user": "auth.User",
    "agent": "shipments.ShippingAgent",
    "invoice": "purchases.Invoice",
    "credit": "purchases.CreditNote",
    "item": "purchases.Item",
}


@dataclass
class Route:
    name: str  # "namespace:name"; "namespace:<unnamed route>" when the pattern has no name
    route: str
    pattern: URLPattern
    arguments: dict = field(default_factory=dict)
    placeholders: list = field(default_factory=list)  # arguments that got a made-up value
    path: str = ""

    @property
    def view_class(self):
        callback = self.pattern.callback
        return getattr(callback, "view_class", None) or getattr(callback, "cls", None)

    @property
    def is_admin(self) -> bool:
        return self.name.startswith("admin:")


def walk(resolver: URLResolver | None = None, prefix: str = "", namespaces: tuple = ()):
    """Every URLPattern below the resolver, with its namespaced name and its full route."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = namespaces + ((entry.namespace,) if entry.namespace else ())
            yield from walk(entry, route, inner)
        elif entry.name:
            yield Route(":".join((*namespaces, entry.name)), route, entry)
        else:  # unnamed: keep the namespace, so that `admin:*` still covers it
            yield Route(":".join((*namespaces, f"<unnamed {route}>")), route, entry)


def argument_names(pattern: URLPattern) -> dict[str, str]:
    """{argument: converter name}; regex groups count as 'str'."""
    converters = getattr(pattern.pattern, "converters", {})
    regex = pattern.pattern.regex
    return {
        name: type(converters[name]).__name__.replace("Converter", "").lower()
        if name in converters
        else "str"
        for name in regex.groupindex
    }


def _model(label: str):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _model_for(route: Route, argument: str):
    """The model whose row an argument names, or None."""
    view = route.view_class
    if argument == "pk" and view is not None:
        model = getattr(view, "model", None)
        queryset = getattr(view, "queryset", None)
        if model is None and queryset is not None:
            model = queryset.model
        if model is not None:
            return model
    app_label = route.name.split(":")[0] if ":" in route.name else None
    words = re.split(r"[_\-:/<>]+", f"{argument} {route.name}".replace(" ", "-"))
    for word in words:
        if word in MODEL_ALIASES:
            return _model(MODEL_ALIASES[word])
        for label in (app_label, "purchases", "shipments", "catalog", "customers", "printing"):
            if not label:
                continue
            try:
                models = list(apps.get_app_config(label).get_models())
            except LookupError:
                continue
            for model in models:  # "job" in printing names PrintJob, "batch" HandoverBatch
                if word and model._meta.model_name.endswith(word):
                    return model
    return None


def fill(route: Route, dataset: "Dataset") -> Route:
    """Give the route real arguments and its path."""
    overrides = ARGUMENT_OVERRIDES.get(route.name, {})
    for argument, converter in argument_names(route.pattern).items():
        hint = overrides.get(argument)
        if hint is not None and not str(hint).startswith("model:"):
            route.arguments[argument] = hint
            continue
        model = _model(hint[len("model:") :]) if hint else _model_for(route, argument)
        instance = dataset.instance_of(model) if model is not None else None
        if instance is not None:
            route.arguments[argument] = instance.pk
        elif converter == "uuid":
            route.arguments[argument] = uuid.UUID(int=0)
            route.placeholders.append(argument)
        elif converter in ("int",):
            route.arguments[argument] = PLACEHOLDER_ID
            route.placeholders.append(argument)
        else:
            route.arguments[argument] = dataset.admin_guess(argument)
            route.placeholders.append(argument)
    try:
        route.path = reverse(route.name, kwargs=route.arguments)
    except NoReverseMatch:  # unnamed, or a regex the guesses do not satisfy
        route.path = "/" + GROUP.sub(lambda m: _argument(route, m), route.route.replace("^", ""))
        route.path = route.path.replace("$", "")
    return route


GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)|<(?:\w+:)?(\w+)>")


def _argument(route: Route, match: re.Match) -> str:
    return str(route.arguments.get(match.group(1) or match.group(2), "x"))


def routes(dataset: "Dataset") -> list[Route]:
    return [fill(route, dataset) for route in walk()]


class Dataset:
    """A little of everything, so that pages with ids have a real row to show."""

    def __init__(self):
        self.store = factories.StoreProfileFactory()
        self.owner = factories.owner()
        self.staff = factories.staff()
        self.viewer = factories.viewer()
        self.clerk = factories.UserFactory(username="clerk", role=VIEWER)
        self.agent = factories.ShippingAgentFactory()
        self.purchase = factories.purchase_with_items(
            status=PurchaseStatus.FRAUD_APPROVED, own=2, partner=1, quantity=2
        )
        self.invoice = purchase_services.purchase_issue_invoice(
            purchase_id=self.purchase.pk, user=self.owner
        )
        self.shipment = shipment_services.shipment_create(
            purchase_id=self.purchase.pk, user=self.owner, agent_id=self.agent.pk
        )
        shipment_services.shipment_record_awb(
            shipment_id=self.shipment.pk, user=self.owner, awb="12345678901"
        )
        self.batch = HandoverBatch.objects.create(agent=self.agent, opened_by=self.owner)
        self.confirmed = factories.purchase_with_items(status=PurchaseStatus.CONFIRMED, own=1)
        self.channel = factories.ChannelFactory()  # its secret must not show to Staff or a Viewer
        factories.RefusedOrderFactory(channel=self.channel)
        self._partner_secret()
        self._print_job()
        self.preferred = {
            get_user_model(): self.clerk,  # actions on users hit someone who is not logged in
        }

    @staticmethod
    def _partner_secret() -> None:
        PartnerFeedSettings.objects.current()

    def _print_job(self) -> None:
        with override_settings(TASKS=QUEUE_ONLY):  # queued, not rendered: pages only need a row
            print_services.print_job_create(
                selection=select_documents(document="invoices", ids=[self.purchase.pk]),
                user=self.owner,
            )

    def instance_of(self, model):
        if model in self.preferred:
            return self.preferred[model]
        return model._default_manager.order_by("pk").first()

    @staticmethod
    def secrets() -> list[str]:
        """Every stored value of a field called secret, token, api_key or password (hashes too):
        none of them may appear on a page that Staff or a Viewer can open."""
        values = []
        for model in apps.get_models():
            for model_field in model._meta.concrete_fields:
                if re.search(r"secret|token|api_key|password", model_field.name):
                    values += [
                        value
                        for value in model._default_manager.values_list(model_field.name, flat=True)
                        if isinstance(value, str) and len(value) >= 12
                    ]
        return values

    @staticmethod
    def admin_guess(argument: str) -> str:
        return {"app_label": "purchases", "url": "x"}.get(argument, "1")

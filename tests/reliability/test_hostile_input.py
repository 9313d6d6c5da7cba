"""Hostile input at every form, filter, upload and feed: never a 500, never a change when refused.

The surfaces are found, not listed: every page the Owner may open (README's access matrix) is
fetched, and each of its GET forms (filters) and POST forms is attacked with hypothesis-drawn
values: random unicode, NUL bytes, huge and negative numbers, impossible dates, formula cells,
and the form's own valid options. WEBSTORE_HOSTILE_EXAMPLES (default 8; say 200 for a deep run)
sets the examples per surface; the number tried and how many broke a promise are printed.
"""

import csv
import io
import json
import os
import time
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import NoReverseMatch, reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from core import signing
from customers.models import Customer
from purchases.models import Address, Item

from . import matrix
from .figures import record
from .harness import invariant_violations, snapshot, snapshot_difference
from .hostile import (
    ANY_TEXT,
    EXTRA_QUERY_PARAMETERS,
    SHARP,
    forget_last_report,
    forms_of,
    hostile_value,
    variants_of,
    was_refused,
)
from .urlwalk import Dataset, routes, walk

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("WEBSTORE_HOSTILE_EXAMPLES", "8"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    phases=[Phase.explicit, Phase.generate],  # no shrinking: the first bad input is reported as is
)
RULES = matrix.load()
OWNER_PAGES = [
    route.name
    for route in walk()
    if not route.is_admin
    and (rule := matrix.rule_for(route.name, RULES)) is not None
    and isinstance(rule.get, frozenset)
    and "Owner" in rule.get
]
NOT_FUZZED = {"logout"}  # its form would end the session the rest of the test needs
FIXED_QUERIES = [
    {"page": "abc"},
    {"page": "-1"},
    {"page": "99999999999999999999999"},
    {"placed_after": "garbage"},
    {"placed_before": "2026-02-30"},
    {"state": "unknown"},
    {"status": "\x00"},
    {"sort": "-password"},
    {"sort": "customer__user__password"},
    {"per_page": "100000000"},
    {"q": "%" * 50},
    {"format": "csv", "page": "x"},
]
FORMULAS = {
    "customer": '=HYPERLINK("http://evil.example","Click")',
    "email": "+cmd@evil.example",
    "city": "-2+3",
    "line1": "@SUM(A1:A9)",
    "item": "=1+1",
}


@pytest.fixture
def dataset(db):
    data = Dataset()
    # Formula-like text in every place a CSV export could copy it from.
    Customer.objects.update(name=FORMULAS["customer"], email=FORMULAS["email"])
    Address.objects.update(city=FORMULAS["city"], line1=FORMULAS["line1"])
    Item.objects.update(name=FORMULAS["item"])
    return data


@pytest.fixture
def owner_client(dataset):
    client = Client(raise_request_exception=False)
    client.force_login(dataset.owner)
    return client


def route_named(name, dataset):
    return next(route for route in routes(dataset) if route.name == name)


def off_site(response) -> bool:
    location = response.get("Location", "")
    return response.status_code in (301, 302, 303, 307, 308) and bool(urlsplit(location).netloc)


# -- Filters and query parameters -------------------------------------------------------------


@pytest.mark.parametrize("name", OWNER_PAGES)
def test_query_parameters_never_give_a_500_and_change_nothing(name, dataset, owner_client):
    route = route_named(name, dataset)
    page = owner_client.get(route.path)
    assert page.status_code < 500
    names, options = set(EXTRA_QUERY_PARAMETERS), {}
    if page.status_code == 200 and "html" in page.get("Content-Type", ""):
        for form in forms_of(route.path, page.content.decode("utf-8", "replace")):
            if form.method == "GET":
                for field in form.fields:
                    names.add(field.name)
                    options.setdefault(field.name, []).extend(field.options or [field.value])
    names = sorted(names)
    before = snapshot()
    tried, broke = 0, []

    def attack(params):
        nonlocal tried
        tried += 1
        response = owner_client.get(route.path, params)
        assert response.status_code < 500, f"GET {route.path} {params!r}: {response.status_code}"

    for params in FIXED_QUERIES:
        try:
            attack(params)
        except AssertionError as error:
            broke.append(str(error))

    @FUZZ
    @given(data=st.data())
    def fuzz(data):
        keys = data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=4, unique=True))
        attack(
            {
                key: data.draw(st.lists(hostile_value(options.get(key)), min_size=1, max_size=2))
                for key in keys
            }
        )

    try:
        fuzz()
    except AssertionError as error:
        broke.append(str(error))
    changed = snapshot_difference(before, snapshot())
    record(f"hostile GET {name}", attempts=tried, broke=len(broke) + bool(changed), unit="inputs")
    assert not broke, "\n".join(broke)
    assert not changed, f"a GET changed the database: {changed}"


# -- POST forms -------------------------------------------------------------------------------


def fillable(field) -> bool:
    return field.kind not in ("submit", "button", "file") and field.name != "csrfmiddlewaretoken"


def fill_form(data, form, dataset):
    """A submission of the form: a button, and for each field its own value or a hostile one."""
    payload = {}
    buttons = form.buttons
    if buttons:
        button = data.draw(st.sampled_from(buttons))
        payload[button.name] = data.draw(st.one_of(st.just(button.value), hostile_value()))
    real_ids = [str(pk) for pk in (dataset.purchase.pk, dataset.shipment.pk, dataset.confirmed.pk)]
    for field in form.fields:
        if not fillable(field):
            continue
        own = [field.value] if field.value else []
        choice = data.draw(st.sampled_from(["own", "hostile", "omit", "many"]))
        if choice == "omit":
            continue
        if choice == "own" and (own or field.options):
            payload[field.name] = data.draw(st.sampled_from(own + field.options))
        elif choice == "many":
            payload[field.name] = data.draw(
                st.lists(hostile_value(own + field.options + real_ids), min_size=2, max_size=4)
            )
        else:
            payload[field.name] = data.draw(hostile_value(own + field.options + real_ids))
    if "next" in payload or data.draw(st.booleans()):
        payload["next"] = data.draw(
            st.sampled_from(["https://evil.example/", "//evil.example/x", "/ok/", "javascript:1"])
        )
    return payload


@pytest.mark.parametrize("name", OWNER_PAGES)
def test_forms_never_give_a_500_and_refusals_change_nothing(name, dataset, owner_client):
    route = route_named(name, dataset)
    page = owner_client.get(route.path)
    if page.status_code != 200 or "html" not in page.get("Content-Type", ""):
        return
    html = page.content.decode("utf-8", "replace")
    forms, seen = [], set()
    not_fuzzed = {reverse(n) for n in NOT_FUZZED}
    for url in [route.path, *variants_of(route.path, html)]:  # its tabs hold other forms
        answer = owner_client.get(url) if url != route.path else page
        for form in forms_of(url, answer.content.decode("utf-8", "replace")):
            wanted = form.method == "POST" and form.action.split("?")[0] not in not_fuzzed
            if wanted and form.key() not in seen:
                seen.add(form.key())
                forms.append(form)
    tried, broke = 0, []

    def submit(form, payload):
        nonlocal tried
        forget_last_report(owner_client)
        before = snapshot()
        response = owner_client.post(form.action, payload)
        tried += 1
        problem = f"POST {form.action} {payload!r}: "
        assert response.status_code < 500, problem + str(response.status_code)
        assert not off_site(response), problem + f"redirects off-site: {response['Location']}"
        if was_refused(response, owner_client):
            changed = snapshot_difference(before, snapshot())
            assert not changed, problem + f"refused ({response.status_code}), changed {changed}"

    def attack(form):
        # Every field at once with each of the sharpest values, for each button of the form...
        for value in SHARP:
            for button in form.buttons or [None]:
                payload = {field.name: value for field in form.fields if fillable(field)}
                if button is not None:
                    payload[button.name] = button.value
                try:
                    submit(form, payload)
                except AssertionError as error:
                    broke.append(str(error))

        # ...then field by field, drawn by hypothesis.
        @FUZZ
        @given(data=st.data())
        def fuzz(data):
            submit(form, fill_form(data, form, dataset))

        try:
            fuzz()
        except AssertionError as error:
            broke.append(str(error))

    for form in forms:
        attack(form)
    problems = invariant_violations()
    record(
        f"hostile POST forms on {name} ({len(forms)} forms)",
        attempts=tried,
        broke=len(broke) + len(problems),
        unit="inputs",
    )
    assert not broke, "\n".join(broke)
    assert not problems, problems


# -- The AWB file upload ----------------------------------------------------------------------


def awb_upload_url():
    try:
        return reverse("shipments:awb-upload")
    except NoReverseMatch:
        pytest.skip("the AWB file upload does not exist yet")


def upload(client, content: bytes):
    return client.post(
        awb_upload_url(), {"file": SimpleUploadedFile("awbs.csv", content, "text/csv")}
    )


def awb_cases(dataset) -> dict[str, bytes]:
    ref, agent = dataset.purchase.number, dataset.agent.code
    good = f"{ref},{agent},55555555555\n"
    return {
        "wrong columns": b"a,b\n1,2\n",
        "too many columns": f"{ref},{agent},55555555555,extra,more\n".encode(),
        "header only": b"reference,agent,awb\n",
        "utf-16": good.encode("utf-16"),
        "latin-1": f"{ref},{agent},55555555555,caf\xe9\n".encode("latin-1"),
        "10 MB": good.encode() * (10 * 1024 * 1024 // len(good)),
        "one 2 MB line": b"x" * (2 * 1024 * 1024),
        "5,001 lines": (f"{ref},{agent},55555555555\n" * 5001).encode(),
        "NUL bytes": b"\x00" * 100 + good.encode(),
        "a PNG": b"\x89PNG\r\n\x1a\n" + os.urandom(2000),
        "empty": b"",
        "BOM only": "\ufeff".encode(),
        "unbalanced quote": f'"{ref},{agent},55555555555\n'.encode(),
        "formula AWB": f"{ref},{agent},=cmd|' /C calc'!A0\n".encode(),
        "formula reference": f'=HYPERLINK("http://evil"),{agent},55555555555\n'.encode(),
        "script": f"<script>alert(1)</script>,{agent},55555555555\n".encode(),
        "unknown purchase": f"WS999999999,{agent},55555555555\n".encode(),
        "semicolons": f"{ref};{agent};55555555555\n".encode(),
    }


def test_awb_file_upload_survives_hostile_files(dataset, owner_client):
    tried, broke = 0, []
    for label, content in awb_cases(dataset).items():
        forget_last_report(owner_client)
        before = snapshot()
        response = upload(owner_client, content)
        tried += 1
        refused = was_refused(response, owner_client)
        page = (
            owner_client.get(response.get("Location", "/"))
            if response.status_code == 302
            else response
        )
        if response.status_code >= 500 or page.status_code >= 500:
            broke.append(f"{label}: {response.status_code}/{page.status_code}")
        elif refused and snapshot_difference(before, snapshot()):
            broke.append(f"{label}: refused but changed {snapshot_difference(before, snapshot())}")
        elif "<script>alert(1)" in page.content.decode("utf-8", "replace"):
            broke.append(f"{label}: the report shows the file's HTML unescaped")

    @FUZZ
    @given(content=st.one_of(st.binary(max_size=3000), ANY_TEXT.map(str.encode)))
    def fuzz(content):
        nonlocal tried
        forget_last_report(owner_client)
        before = snapshot()
        response = upload(owner_client, content)
        tried += 1
        assert response.status_code < 500
        if was_refused(response, owner_client):
            assert not snapshot_difference(before, snapshot())

    try:
        fuzz()
    except AssertionError as error:
        broke.append(f"random file: {error}")
    record("hostile AWB CSV files", attempts=tried, broke=len(broke), unit="files")
    assert not broke, "\n".join(broke)
    assert not invariant_violations()


# -- CSV exports ------------------------------------------------------------------------------


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def dangerous_cells(rows) -> list[str]:
    def is_number(cell):
        try:
            float(cell)
            return True
        except ValueError:
            return False

    return [
        cell
        for row in rows
        for cell in row
        if cell.startswith(FORMULA_START) and not is_number(cell)
    ]


def test_csv_exports_neutralise_formula_cells(dataset, owner_client):
    exports = 0
    for name in OWNER_PAGES:
        route = route_named(name, dataset)
        for query in ({"format": "csv"}, {"export": "csv"}):
            response = owner_client.get(route.path, query)
            if not response.get("Content-Type", "").startswith("text/csv"):
                continue
            exports += 1
            body = b"".join(response.streaming_content) if response.streaming else response.content
            rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
            text = body.decode("utf-8-sig")
            assert any(FORMULAS["customer"] in cell for row in rows for cell in row) or (
                "HYPERLINK" not in text
            ), f"{route.path}?{query}: the planted customer name is missing"
            assert not dangerous_cells(rows), (
                f"{route.path} exports formula cells: {dangerous_cells(rows)}"
            )
    record("CSV exports checked for formula cells", attempts=exports, broke=0, unit="exports")
    if not exports:
        pytest.skip("no page offers a CSV export yet (?format=csv)")


# -- The partner feed -------------------------------------------------------------------------


def feed_url():
    try:
        return reverse("partners:feed")
    except NoReverseMatch:
        pytest.skip("the partner feed does not exist yet")


def test_partner_feed_survives_hostile_requests(dataset):
    feed = pytest.importorskip("partners.feed")
    from partners.models import PartnerFeedSettings

    url = feed_url()
    secret = PartnerFeedSettings.objects.current().secret
    client = Client(raise_request_exception=False)
    tried, broke = 0, []

    def send(body: bytes, signed: bool, headers: dict | None = None):
        nonlocal tried
        tried += 1
        stamp = str(int(time.time()))
        extra = {}
        if signed:
            extra = {
                feed.TIMESTAMP_HEADER: stamp,
                feed.SIGNATURE_HEADER: signing.signature_of(
                    secret=secret, timestamp=stamp, body=body
                ),
            }
        extra.update(headers or {})
        return client.post(url, body, content_type="application/json", headers=extra)

    event_strategy = st.fixed_dictionaries(
        {},
        optional={
            "event_id": hostile_value(["IB-1", "IB-2"]),
            "purchase": hostile_value([dataset.purchase.number, "WS0"]),
            "line": st.one_of(st.integers(-5, 5), hostile_value()),
            "sku": hostile_value(),
            "kind": st.one_of(st.sampled_from(["handed_over", "cancelled"]), hostile_value()),
            "quantity": st.one_of(st.integers(-(10**20), 10**20), hostile_value()),
            "reason": hostile_value(),
            "occurred_at": hostile_value(["2026-01-05T10:00:00+05:30"]),
        },
    )

    @FUZZ
    @given(
        body=st.one_of(
            st.binary(max_size=2000),
            st.lists(event_strategy, max_size=5).map(
                lambda events: json.dumps({"events": events}).encode()
            ),
            event_strategy.map(lambda event: json.dumps(event).encode()),
        ),
        signed=st.booleans(),
    )
    def fuzz(body, signed):
        before = snapshot()
        response = send(body, signed)
        assert response.status_code < 500, f"{response.status_code} for {body[:200]!r}"
        if not signed:
            assert 400 <= response.status_code < 500
            after = snapshot()
            before.pop("partners.RejectedPartnerEvent", None)  # refusals are recorded there
            after.pop("partners.RejectedPartnerEvent", None)
            assert before == after, "an unsigned request changed something"

    try:
        fuzz()
    except AssertionError as error:
        broke.append(str(error))
    bad_signature = send(
        b'{"events": []}',
        False,
        {feed.TIMESTAMP_HEADER: str(int(time.time())), feed.SIGNATURE_HEADER: "sha256=" + "0" * 64},
    )
    if bad_signature.status_code != 401:
        broke.append(f"a wrong signature answered {bad_signature.status_code}")
    record("hostile partner feed requests", attempts=tried, broke=len(broke), unit="requests")
    assert not broke, broke
    assert not invariant_violations()

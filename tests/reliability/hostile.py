"""What hostile input looks like, and how to find every place that takes input.

Forms and filters are discovered from the pages themselves (their <form> elements), so a form
added tomorrow is attacked tomorrow. A response is judged "refused" when it is a 4xx, a page
with form errors or an error message, a redirect that only queued warnings/errors, or a bulk
report with no row done; a refused request must leave the database exactly as it was.
"""

import datetime as dt
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.contrib.messages import constants as message_levels
from hypothesis import strategies as st

from core.bulk import REPORT_KEY

NASTY = [
    "",
    " ",
    "0",
    "-1",
    "1e999",
    "NaN",
    "-inf",
    "9" * 400,
    "18446744073709551616",
    "-2147483649",
    "0x1F",
    "1.5",
    "a\x00b",
    "\x00",
    "%00",
    "../../../etc/passwd",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    '"; DROP TABLE purchases_purchase; --',
    "=cmd|' /C calc'!A0",
    "+SUM(1+1)",
    '@HYPERLINK("http://evil.example")',
    "2026-02-30",
    "2026-13-01",
    "9999-12-31",
    "0000-00-00",
    "31/12/2026",
    "yesterday",
    "ĀĀĀ ₹ 😀 ﷽ \u202e",
    "true",
    "None",
    "[]",
    "{}",
    "?page=2&page=3",
    "unknown",
    "²",
    "١٢٣",
    "１２３",
]

# The values most likely to break a parser, tried in every field of every form at once.
SHARP = [
    "",
    "-1",
    "18446744073709551616",
    "²",
    "a\x00b",
    "2026-02-30",
    "=cmd|' /C calc'!A0",
    "<script>alert(1)</script> ₹ 😀 \u202e",
]

# Text without lone surrogates (a URL or form cannot carry them) and with control characters.
ANY_TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=300)


def hostile_value(known: list[str] | None = None):
    """A value for one field: sometimes a valid one, mostly something that should be refused."""
    choices = [
        ANY_TEXT,
        st.sampled_from(NASTY),
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.dates(min_value=dt.date(1, 1, 1)).map(dt.date.isoformat),
        st.datetimes().map(dt.datetime.isoformat),
    ]
    if known:
        choices.append(st.sampled_from(known))
    return st.one_of(*choices)


EXTRA_QUERY_PARAMETERS = [
    "page",
    "sort",
    "order",
    "o",
    "state",
    "status",
    "placed_after",
    "placed_before",
    "q",
    "per_page",
    "step",
    "format",
    "agent",
    "kind",
]


@dataclass
class Field:
    name: str
    kind: str  # input type, "select", "textarea" or "button"
    value: str = ""
    options: list = field(default_factory=list)


@dataclass
class Form:
    method: str
    action: str
    fields: list = field(default_factory=list)

    @property
    def buttons(self) -> list[Field]:
        return [f for f in self.fields if f.kind in ("submit", "button") and f.name]

    def key(self) -> str:
        buttons = ",".join(sorted({f"{b.name}={b.value}" for b in self.buttons}))
        names = ",".join(sorted({f.name for f in self.fields}))
        return f"{self.method} {self.action} [{names}] {buttons}"


class FormParser(HTMLParser):
    """Every <form> of a page with its named fields, select options and submit buttons,
    including controls outside it that name it (form="id"); a button's formaction makes a form
    of its own."""

    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self._by_id: dict[str, Form] = {}
        self._form: Form | None = None
        self._select: Field | None = None
        self._outside: list[tuple[str, Field, dict]] = []  # (form id, field, attributes)

    def _action(self, raw: str | None) -> str:
        target = urlsplit(urljoin(self.page_url, raw or self.page_url))
        return target.path + (f"?{target.query}" if target.query else "")

    def _add(self, field: Field, attrs: dict) -> None:
        owner = attrs.get("form")
        if owner:
            self._outside.append((owner, field, attrs))
        elif self._form is not None:
            self._form.fields.append(field)
            if attrs.get("formaction"):
                self._outside.append(("", field, attrs | {"of": self._form}))

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = Form(
                (attrs.get("method") or "get").upper(), self._action(attrs.get("action"))
            )
            self.forms.append(self._form)
            if attrs.get("id"):
                self._by_id[attrs["id"]] = self._form
            return
        if tag == "option" and self._select is not None and "value" in attrs:
            self._select.options.append(attrs["value"])
        if not attrs.get("name"):
            return
        if tag in ("input", "button"):
            default = "text" if tag == "input" else "submit"
            kind = (attrs.get("type") or default).lower()
            self._add(Field(attrs["name"], kind, attrs.get("value") or ""), attrs)
        elif tag in ("select", "textarea"):
            field = Field(attrs["name"], tag)
            self._add(field, attrs)
            if tag == "select":
                self._select = field

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None

    def close(self):
        super().close()
        for owner, control, attrs in self._outside:
            form = attrs.get("of") or self._by_id.get(owner)
            if form is None:
                continue
            if attrs.get("formaction"):
                variant = Form(
                    (attrs.get("formmethod") or form.method).upper(),
                    self._action(attrs["formaction"]),
                    [f for f in form.fields if f.kind not in ("submit", "button")] + [control],
                )
                self.forms.append(variant)
            elif control not in form.fields:
                form.fields.append(control)


class LinkParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def variants_of(page_url: str, html: str, limit: int = 8) -> list[str]:
    """The page's links to itself with another query (its tabs, filters, pages)."""
    parser = LinkParser()
    parser.feed(html)
    path = urlsplit(page_url).path
    found = []
    for href in parser.hrefs:
        target = urlsplit(urljoin(page_url, href))
        url = f"{target.path}?{target.query}"
        if target.path == path and target.query and url not in found:
            found.append(url)
    return found[:limit]


def forms_of(page_url: str, html: str) -> list[Form]:
    parser = FormParser(page_url)
    parser.feed(html)
    parser.close()
    return parser.forms


BULK_REPORT = REPORT_KEY


def forget_last_report(client) -> None:
    """Drop a bulk report left in the session, so the next response is judged on its own."""
    session = client.session
    if session.pop(BULK_REPORT, None) is not None:
        session.save()


def was_refused(response, client) -> bool:
    """Did the panel refuse a POST as a whole (so that nothing may have changed)?

    A successful POST redirects (Post/Redirect/Get) or answers a file (a PDF); an HTML 200 is the
    form shown again with its errors.
    """
    if response.status_code >= 400:
        return True
    if response.status_code == 200:
        return "html" in response.get("Content-Type", "")
    storage = getattr(response.wsgi_request, "_messages", None)
    levels = {message.level for message in getattr(storage, "_queued_messages", [])}
    report = client.session.get(BULK_REPORT)
    if report and report.get("rows"):
        return not any(row.get("outcome") == "done" for row in report["rows"])
    return (
        bool(levels)
        and max(levels) >= message_levels.WARNING
        and (message_levels.SUCCESS not in levels)
    )

"""What every panel page shares: permission checks that name the role needed, forgiving page
numbers, capped counts, pages read without counting, the print endpoint, and where to go back to."""

from dataclasses import dataclass
from datetime import date, datetime

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.contrib.humanize.templatetags.humanize import intcomma
from django.contrib.messages.views import SuccessMessageMixin
from django.core.exceptions import PermissionDenied
from django.db import connections
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import ListView

from .permissions import role_needed_message

MAX_PAGE = 10_000  # a larger ?page= is read as this one
MAX_ID = 2**63 - 1  # the largest key the database holds: a larger "id" would crash the query
COUNT_CAP = 1000  # a count a page shows stops past here and reads "1,000+"

# Dates a filter or report accepts: further out, date arithmetic overflows (year 1 minus a day) and
# nobody means them.
EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2099, 12, 31)
DAY_OUT_OF_RANGE = f"Choose a date between {EARLIEST_DAY:%Y} and {LATEST_DAY:%Y}."


def day_in_range(day: date | datetime | None) -> bool:
    if isinstance(day, datetime):
        day = day.date()
    return day is None or EARLIEST_DAY <= day <= LATEST_DAY


def page_number(raw) -> int:
    """A ?page= value as a page number from 1 to MAX_PAGE; anything that is not one is page 1."""
    try:
        return min(max(int(raw), 1), MAX_PAGE)
    except (TypeError, ValueError):
        return 1


def detail_url_prefix(name: str) -> str:
    """'/purchases/' for 'purchases:purchase-detail': list rows append '<pk>/' instead of
    reversing a URL per row, which costs more than the rest of the row."""
    url = reverse(name, args=[0])
    if not url.endswith("/0/"):
        raise ValueError(f"{name} does not end with its primary key.")
    return url[:-2]


def print_url() -> str:
    """Where every print button posts (printing:print)."""
    return reverse("printing:print")


def safe_next(request, fallback: str) -> str:
    """The `next` the page posted when it is a path on this site, else `fallback`: never another
    site (`https://evil.example/`, `//evil.example/`, `/\\evil.example/`), nor a script."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    local = target.startswith("/") and not target.startswith(("//", "/\\"))
    if local and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


# -- Counts and pages that cost the same at a thousand rows and at a million -------------------


def count_label(count: int, cap: int = COUNT_CAP) -> str:
    """'1,000+' for a count that went past the cap (count to cap + 1 to know), else the count."""
    return f"{intcomma(cap)}+" if count > cap else intcomma(count)


def capped_counts(querysets: dict[str, QuerySet], cap: int) -> dict[str, int]:
    """How many rows each queryset has, each counted no further than `cap`, all in one query.

    Each count walks at most `cap` entries of an index, whatever the table's size; a GROUP BY or
    a COUNT of everything costs in proportion to it. No counter row is kept either, so actions
    never wait on one another to update it.
    """
    any_queryset = next(iter(querysets.values()))
    return counted(capped_count_query(querysets, cap), keys=list(querysets), using=any_queryset.db)


def capped_count_query(querysets: dict[str, QuerySet], cap: int) -> tuple[str, list]:
    """The one statement capped_counts runs: SELECT (count of the first), (of the second), …"""
    parts, params = [], []
    for queryset in querysets.values():
        sql, sql_params = queryset.order_by().values("pk")[:cap].query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) capped)")
        params.extend(sql_params)
    return "SELECT " + ", ".join(parts), params


def counted(query: tuple[str, list], *, keys: list[str], using: str) -> dict[str, int]:
    """Run a capped_count_query; its counts by key, in the order the querysets were given."""
    sql, params = query
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        values = cursor.fetchone()
    return dict(zip(keys, values, strict=True))


@dataclass(frozen=True)
class Page:
    """One page of a list, found without counting the whole list: per_page + 1 rows read tell
    whether another page follows. `total` and `total_label` are set by a page that says "of N"."""

    rows: list
    number: int
    per_page: int
    has_next: bool
    total: int | None = None
    total_label: str = ""

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def previous_number(self) -> int:
        return self.number - 1

    @property
    def next_number(self) -> int:
        return self.number + 1

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.per_page

    @property
    def start_index(self) -> int:
        return self.offset + 1 if self.rows else 0

    @property
    def end_index(self) -> int:
        return self.offset + len(self.rows)


def page_of(queryset: QuerySet, raw_number, per_page: int, *, build=list, keys_first=False) -> Page:
    """Page `raw_number` (a ?page= value) of an ordered queryset, its rows made by `build`.

    With `keys_first` the page's keys are chosen by a narrow subquery and only those rows are then
    read, in the same order, with the joins and prefetches `build` adds: the database then joins
    a page of rows, not every row it skips.
    """
    number = page_number(raw_number)
    offset = (number - 1) * per_page
    window = slice(offset, offset + per_page + 1)
    if keys_first:
        keys = queryset.values("pk")[window]
        manager = queryset.model._default_manager
        rows = build(manager.filter(pk__in=keys).order_by(*queryset.query.order_by))
    else:
        rows = build(queryset[window])
    return Page(
        rows=rows[:per_page], number=number, per_page=per_page, has_next=len(rows) > per_page
    )


# -- Views --------------------------------------------------------------------------------------


class PanelPermissionMixin(PermissionRequiredMixin):
    """PermissionRequiredMixin whose 403 page says which role would be allowed."""

    def handle_no_permission(self):
        if not self.request.user.is_authenticated:
            return super().handle_no_permission()
        raise PermissionDenied(role_needed_message(self.get_permission_required()))


class ForgivingPaginationMixin:
    """A page number out of range or not a number shows the nearest page instead of a 404."""

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(
            queryset, page_size, allow_empty_first_page=self.get_allow_empty()
        )
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()


class PanelListView(PanelPermissionMixin, ForgivingPaginationMixin, ListView):
    """A list page of the panel: 50 rows a page, the nearest page for a bad page number, and a 403
    that names the role needed."""

    paginate_by = 50


class FormMessagesMixin(SuccessMessageMixin):
    """A form page that says what it saved (`success_message`, or `get_success_message` for one
    that names what was saved), and when the form is refused that nothing was."""

    invalid_message = "Nothing was saved: please correct the marked fields."

    def form_invalid(self, form):
        messages.error(self.request, self.invalid_message)
        return super().form_invalid(form)

"""What every panel page shares: a permission check that names the role needed, forgiving pages."""

from datetime import date, datetime

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from .permissions import role_needed_message

MAX_PAGE = 10_000  # a larger ?page= is read as this one
MAX_ID = 2**63 - 1  # the largest key the database holds: a larger "id" would crash the query

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

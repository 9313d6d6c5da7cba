"""CONFIGURATION › Refused Orders: what the sales channels sent that was refused, for every role,
as Rejected Partner Events is for the partner feed: it holds no secret, and Staff need it to tell
a customer why an order never arrived."""

from django.urls import reverse
from django.views.generic import TemplateView

from core.panel import PanelPermissionMixin, page_of
from core.permissions import VIEW_REFUSED_ORDERS

from .forms import RefusedOrderFilterForm
from .models import RefusedOrder, SalesChannel

REFUSALS_PER_PAGE = 50


class RefusedOrderListView(PanelPermissionMixin, TemplateView):
    """What channels sent that was refused, newest first, paged without counting the table."""

    permission_required = VIEW_REFUSED_ORDERS
    template_name = "channels/refused_list.html"
    extra_context = {"page_title": "Refused Orders", "active_menu": "configuration"}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filter_form = RefusedOrderFilterForm(
            self.request.GET, channels=SalesChannel.objects.order_by("name")
        )
        queryset = filter_form.filter(RefusedOrder.objects.select_related("channel"))
        context.update(
            filter_form=filter_form,
            page=page_of(queryset, self.request.GET.get("page"), REFUSALS_PER_PAGE, build=_rows),
            channel_list_url=reverse("channels:channel-list"),
        )
        return context


def _rows(refusals) -> list[RefusedOrder]:
    refusals = list(refusals)
    for refusal in refusals:
        refusal.problem_lines = problem_lines(refusal.problems)
    return refusals


def problem_lines(problems) -> list[tuple[str, str]]:
    """Each problem as (field path, message); whatever else was stored, as it was."""
    if not isinstance(problems, list):
        problems = [problems] if problems else []
    return [
        (str(problem.get("field") or ""), str(problem.get("message") or problem.get("code") or ""))
        if isinstance(problem, dict)
        else ("", str(problem))
        for problem in problems
    ]

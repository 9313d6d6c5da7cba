"""The <tr> of each Fulfill Shipments row, built in Python like the Django admin's change list.

Through the template engine a queue row (two dozen values, a step's buttons) cost about a tenth of
a millisecond, so a page of 25 rows took 30 % longer than a page of 7 and a page of 200 spent 20 ms
in the template alone (`make bench`). Here a row is one f-string. fulfil.html keeps the rest of the
page (tabs, bulk bar, table head) and places these rows; their markup lives here alone.

Escaping (core/html.py): every value that comes from a person or another system (names,
addresses, item names, couriers, AWBs, references, tracking URLs) goes through `e()`. The values
the queue makes itself from numbers (keys, the URLs built from them, amounts, dates, ages, weights;
see queue_rows.py) hold only digits, letters and punctuation that HTML does not interpret and are
placed as they are: escaping them too cost a third of a row.
"""

from dataclasses import dataclass, field

from django.utils.safestring import SafeString

from core.html import COD_BADGE, PREPAID_BADGE, e

from .queue_rows import PurchaseRow, ShipmentRow
from .services import AWB_TYPED_MAX_LENGTH

PARTNER_BADGE = '<br><span class="badge partner">+ Infibeam items</span>'


@dataclass(frozen=True)
class RowOptions:
    """What every row of the page shares: the step and what this user may do on it."""

    step: str  # the step's slug
    kind: str  # "purchase" or "shipment"
    can_fulfil: bool
    can_print: bool  # and printing is installed
    agent_options: str = ""  # the courier <option>s, built (escaped) once for the page
    refused_awbs: dict = field(default_factory=dict)  # str(pk) → the AWB typed and refused


def _select_cell(options: RowOptions, pk: str, label: str) -> str:
    if not options.can_fulfil:
        return ""
    return (
        f'<td class="select"><input type="checkbox" name="ids" value="{pk}" '
        f'aria-label="Select {label}"></td>'
    )


def _ship_to_cells(row: PurchaseRow | ShipmentRow) -> str:
    return (
        f'<td class="nowrap age" title="Placed {row.placed}">{row.age}</td>'
        f'<td>{e(row.customer)}<br><span class="muted small">{e(row.city)} {e(row.pin_code)}'
        "</span></td>"
    )


def _amount_cell(row: PurchaseRow | ShipmentRow) -> str:
    """A purchase's total; for a shipment, what its courier collects, or (prepaid) the total of
    the purchase it belongs to, said so: a split purchase's parcels show the same total."""
    note = ""
    if isinstance(row, ShipmentRow):
        note = (
            '<br><span class="muted small">to collect</span>'
            if row.is_cod
            else ('<br><span class="muted small">purchase total</span>')
        )
    badge = COD_BADGE if row.is_cod else PREPAID_BADGE
    return f'<td class="num">{row.amount}{note}<br>{badge}</td>'


def _button(row, action: str, label: str, style: str = "primary") -> str:
    return (
        f'<button type="submit" class="button small {style}" formaction="{row.action_url}" '
        f'name="action" value="{action}">{label}</button>'
    )


def _purchase_actions(row: PurchaseRow, options: RowOptions) -> str:
    if not options.can_fulfil:
        return ""
    if options.step == "review":
        return (
            f'{_button(row, "approve_fraud", "Approve")} <details class="deny">'
            '<summary class="button small danger">Deny…</summary>'
            f'<label>Reason <input type="text" name="reason-{row.pk}" maxlength="1000" '
            f'data-enter-clicks="#deny-{row.pk}"></label>'
            f'<button type="submit" class="button small danger" id="deny-{row.pk}" '
            f'formaction="{row.action_url}" name="action" value="deny_fraud">Deny</button>'
            "</details>"
        )
    if options.step == "invoice":
        return _button(row, "issue_invoice", "Issue invoice")
    if options.step == "assign":
        return (
            f'<select name="agent-{row.pk}" aria-label="Courier for {e(row.number)}">'
            f'<option value="">Courier…</option>{options.agent_options}</select> '
            f"{_button(row, 'assign_agent', 'Assign')} "
            f'<a class="button small" href="{row.split_url}">Split…</a>'
        )
    return ""


def purchase_row(row: PurchaseRow, options: RowOptions) -> str:
    number = e(row.number)
    return (
        f"<tr>{_select_cell(options, row.pk, number)}"
        f'<td class="nowrap"><a href="{row.url}">{number}</a></td>{_ship_to_cells(row)}'
        f'<td class="items"><span class="item-lines">{e(row.items)}</span>'
        f"{PARTNER_BADGE if row.has_partner_items else ''}</td>{_amount_cell(row)}"
        f'<td class="actions">{_purchase_actions(row, options)}</td></tr>\n'
    )


def _awb_cells(row: ShipmentRow, options: RowOptions) -> str:
    """To print and record AWB: the AWB to type and the slip; otherwise the AWB, tracked."""
    awb = e(row.awb)
    if options.step != "print":
        if row.tracking_url:
            return (
                f'<td><a href="{e(row.tracking_url)}" target="_blank" rel="noopener">{awb}</a></td>'
            )
        return f"<td>{awb or '—'}</td>"
    if options.can_fulfil:
        title = f' title="{e(row.awb_hint)}"' if row.awb_hint else ""
        refused = options.refused_awbs.get(str(row.pk))
        value = e(refused) if refused is not None else awb
        invalid = ' aria-invalid="true"' if refused is not None else ""
        cell = (
            f'<td class="awb-cell"><input type="text" class="awb-input" name="awb-{row.pk}" '
            f'value="{value}" maxlength="{AWB_TYPED_MAX_LENGTH}" autocomplete="off" '
            'spellcheck="false" '
            f'aria-label="AWB of {e(row.reference)}"{title}{invalid} '
            f'data-enter-clicks="#save-awb-{row.pk}">'
            f' <button type="submit" class="button small primary" id="save-awb-{row.pk}" '
            f'formaction="{row.action_url}" name="action" value="record_awb">Save</button></td>'
        )
    else:
        cell = f"<td>{awb or '—'}</td>"
    if row.slip_printed:
        badge = f'<span class="badge prepaid" title="{row.slip_printed}">Printed</span>'
    else:
        badge = '<span class="badge">Not printed</span>'
    print_button = ""
    if options.can_print:
        label = "Reprint" if row.slip_printed else "Print slip"
        print_button = (
            '<br><button type="submit" class="button small" form="print-row" formtarget="_blank" '
            f'name="ids" value="{row.pk}">{label}</button>'
        )
    return f'{cell}<td class="nowrap">{badge}{print_button}</td>'


def shipment_row(row: ShipmentRow, options: RowOptions) -> str:
    reference = e(row.reference)
    hand_over = ""
    if options.step == "handover":
        button = _button(row, "hand_over", "Hand over") if options.can_fulfil else ""
        hand_over = f'<td class="actions">{button}</td>'
    return (
        f"<tr>{_select_cell(options, row.pk, reference)}"
        f'<td class="nowrap"><a href="{row.url}">{reference}</a><br><span class="muted small">of '
        f'<a href="{row.purchase_url}">{e(row.purchase_number)}</a></span><br>'
        f'<span class="courier">{e(row.courier)}</span></td>{_ship_to_cells(row)}'
        f'<td class="items"><span class="item-lines">{e(row.items)}</span><br>'
        f'<span class="muted">{row.weight}</span></td>{_amount_cell(row)}'
        f"{_awb_cells(row, options)}{hand_over}</tr>\n"
    )


def rows_html(rows: list, options: RowOptions) -> SafeString:
    """The page's rows, one <tr> each, as one piece of HTML for the template to place."""
    build = purchase_row if options.kind == "purchase" else shipment_row
    return SafeString("".join(build(row, options) for row in rows))

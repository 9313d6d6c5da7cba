"""The <tr> of every row of the two long lists, Manage Purchases and Fulfill Shipments, built in
Python like the Django admin's change list: the one place the panel writes HTML outside templates.

Why: `make bench` at 1,000 and 100,000 purchases (targets 25 ms a page, 100,000 no slower than
1.2 × 1,000), and a tab showing 2 rows at 1,000 purchases shows 25 at 100,000, so what a row
costs shows in the ratio. The same rows through the template engine (a loop in a partial, the
cells formatted beforehand as here) cost about 80 µs a Fulfill Shipments row and 30 µs a Manage
Purchases row; these f-strings cost 3.4 µs and 1.3 µs. With the templates, Fulfill Shipments'
tabs went from ratios 1.12–1.19 to 1.14–1.32 (To print and record AWB 10.7 → 14.1 ms, To hand
over 1.26, Review fraud 1.20) and Manage Purchases' from 1.06–1.16 to 0.94–1.33 (Frozen 1.33,
Fraud Approved 1.23, Agent Assigned 1.21, Confirmed 1.20): seven cases failed. The pages'
templates (purchase_list.html, fulfil.html) keep everything else and place these rows.

Escaping: every value that a person or another system typed (numbers and references, names,
mobiles, addresses, items, couriers, AWBs, tracking URLs) goes through `e()`. The values the
panel makes itself from numbers and its own words (keys, the URLs built from them, amounts,
dates, ages, weights, state labels) hold nothing HTML interprets and are placed as they are:
escaping them too cost a third of a row. The rows come from purchases/list_rows.py and
shipments/queue_rows.py, every cell formatted there.
"""

from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString

COD_BADGE = '<span class="badge cod">COD</span>'
PREPAID_BADGE = '<span class="badge prepaid">Prepaid</span>'
PARTNER_BADGE = '<br><span class="badge partner">+ Infibeam items</span>'


def e(text: str) -> str:
    """Text as HTML: & < > " ' escaped, as Django's escape does, without its lazy-text wrapper
    (which cost five times as much a value)."""
    return escape(text, quote=True)


# -- Manage Purchases ----------------------------------------------------------------------------


def purchase_list_row(row) -> str:
    """One purchases.list_rows.PurchaseRow."""
    partner = (
        f'<div class="muted small">Infibeam: {row.partner_label}</div>' if row.partner_label else ""
    )
    return (
        f'<tr><td><a href="{row.url}" class="mono">{e(row.number)}</a></td>'
        f'<td class="nowrap">{row.placed}</td>'
        f'<td>{e(row.customer)}<div class="muted small">{e(row.mobile)}</div></td>'
        f'<td>{e(row.city)} <span class="nowrap">{e(row.pin_code)}</span></td>'
        f'<td><span class="badge state state-{row.status}">{row.status_label}</span></td>'
        f'<td><span class="badge kind-{row.kind}">{row.kind_label}</span>{partner}</td>'
        f"<td>{COD_BADGE if row.cash_on_delivery else PREPAID_BADGE}</td>"
        f'<td class="num">{row.amount}</td></tr>\n'
    )


def purchase_list_rows(rows: list) -> SafeString:
    return SafeString("".join(purchase_list_row(row) for row in rows))


# -- Fulfill Shipments ---------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueOptions:
    """What every row of a Fulfill Shipments page shares: the step and what this user may do."""

    step: str  # the step's slug
    kind: str  # "purchase" or "shipment"
    can_fulfil: bool
    can_print: bool  # and there is a print endpoint
    agent_options: str = ""  # the courier <option>s, built (escaped) once for the page
    awb_max_length: int = 0  # of an AWB box


def _select_cell(options: QueueOptions, pk: str, label: str) -> str:
    if not options.can_fulfil:
        return ""
    return (
        f'<td class="select"><input type="checkbox" name="ids" value="{pk}" '
        f'aria-label="Select {label}"></td>'
    )


def _ship_to_cells(row) -> str:
    return (
        f'<td class="nowrap age" title="Placed {row.placed}">{row.age}</td>'
        f'<td>{e(row.customer)}<br><span class="muted small">{e(row.city)} {e(row.pin_code)}'
        "</span></td>"
    )


def _amount_cell(row, note: str = "") -> str:
    badge = COD_BADGE if row.is_cod else PREPAID_BADGE
    return f'<td class="num">{row.amount}{note}<br>{badge}</td>'


def _button(row, action: str, label: str, style: str = "primary", extra: str = "") -> str:
    return (
        f'<button type="submit" class="button small {style}"{extra} formaction="{row.action_url}" '
        f'name="action" value="{action}">{label}</button>'
    )


def _purchase_actions(row, options: QueueOptions) -> str:
    if not options.can_fulfil:
        return ""
    if options.step == "review":
        deny = _button(row, "deny_fraud", "Deny", "danger", f' id="deny-{row.pk}"')
        return (
            f'{_button(row, "approve_fraud", "Approve")} <details class="deny">'
            '<summary class="button small danger">Deny…</summary>'
            f'<label>Reason <input type="text" name="reason-{row.pk}" maxlength="1000" '
            f'data-enter-clicks="#deny-{row.pk}"></label>{deny}</details>'
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


def queue_purchase_row(row, options: QueueOptions) -> str:
    """One shipments.queue_rows.PurchaseRow: review fraud, to invoice, to assign agent."""
    number = e(row.number)
    return (
        f"<tr>{_select_cell(options, row.pk, number)}"
        f'<td class="nowrap"><a href="{row.url}">{number}</a></td>{_ship_to_cells(row)}'
        f'<td class="items"><span class="item-lines">{e(row.items)}</span>'
        f"{PARTNER_BADGE if row.has_partner_items else ''}</td>{_amount_cell(row)}"
        f'<td class="actions">{_purchase_actions(row, options)}</td></tr>\n'
    )


def _awb_box(row, options: QueueOptions) -> str:
    """To print and record AWB: the AWB to type (what was refused, back to be corrected)."""
    title = f' title="{e(row.awb_hint)}"' if row.awb_hint else ""
    value = e(row.refused_awb or row.awb)
    invalid = ' aria-invalid="true"' if row.refused_awb else ""
    save = _button(row, "record_awb", "Save", extra=f' id="save-awb-{row.pk}"')
    return (
        f'<td class="awb-cell"><input type="text" class="awb-input" name="awb-{row.pk}" '
        f'value="{value}" maxlength="{options.awb_max_length}" autocomplete="off" '
        'spellcheck="false" '
        f'aria-label="AWB of {e(row.reference)}"{title}{invalid} '
        f'data-enter-clicks="#save-awb-{row.pk}"> {save}</td>'
    )


def _awb_cells(row, options: QueueOptions) -> str:
    """To print and record AWB: the AWB to type and the slip; otherwise the AWB, tracked."""
    awb = e(row.awb)
    if options.step != "print":
        if row.tracking_url:
            return (
                f'<td><a href="{e(row.tracking_url)}" target="_blank" rel="noopener">{awb}</a></td>'
            )
        return f"<td>{awb or '—'}</td>"
    cell = _awb_box(row, options) if options.can_fulfil else f"<td>{awb or '—'}</td>"
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


def queue_shipment_row(row, options: QueueOptions) -> str:
    """One shipments.queue_rows.ShipmentRow: to print and record AWB, to hand over. A prepaid
    parcel shows its purchase's total, said so: a split purchase's parcels show the same total."""
    reference = e(row.reference)
    hand_over = ""
    if options.step == "handover":
        button = _button(row, "hand_over", "Hand over") if options.can_fulfil else ""
        hand_over = f'<td class="actions">{button}</td>'
    note = "to collect" if row.is_cod else "purchase total"
    amount = _amount_cell(row, f'<br><span class="muted small">{note}</span>')
    return (
        f"<tr>{_select_cell(options, row.pk, reference)}"
        f'<td class="nowrap"><a href="{row.url}">{reference}</a><br><span class="muted small">of '
        f'<a href="{row.purchase_url}">{e(row.purchase_number)}</a></span><br>'
        f'<span class="courier">{e(row.courier)}</span></td>{_ship_to_cells(row)}'
        f'<td class="items"><span class="item-lines">{e(row.items)}</span><br>'
        f'<span class="muted">{row.weight}</span></td>{amount}'
        f"{_awb_cells(row, options)}{hand_over}</tr>\n"
    )


def queue_rows(rows: list, options: QueueOptions) -> SafeString:
    """A Fulfill Shipments page's rows, one <tr> each, as one piece of HTML."""
    build = queue_purchase_row if options.kind == "purchase" else queue_shipment_row
    return SafeString("".join(build(row, options) for row in rows))

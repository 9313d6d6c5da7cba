"""The <tr> of each Fulfill Shipments row, built in Python like the Django admin's change list.

Through the template engine a queue row (two dozen values, a step's buttons) cost about a tenth of
a millisecond, so a page of 25 rows took 30 % longer than a page of 7 and a page of 200 spent 20 ms
in the template alone (`make bench`). Built here with webstore.html.format_html, which escapes
every value, a row costs about 15 µs. fulfil.html keeps the rest of the page (tabs, bulk bar, table
head) and places these rows; their markup lives here alone.
"""

from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

from webstore.html import format_html, join_rows

from .queue_rows import PurchaseRow, ShipmentRow

COD_BADGE = mark_safe('<span class="badge cod">COD</span>')
PREPAID_BADGE = mark_safe('<span class="badge prepaid">Prepaid</span>')
PARTNER_BADGE = mark_safe('<br><span class="badge partner">+ Infibeam items</span>')


@dataclass(frozen=True)
class RowOptions:
    """What every row of the page shares: the step and what this user may do on it."""

    step: str  # the step's slug
    kind: str  # "purchase" or "shipment"
    can_fulfil: bool
    can_print: bool  # and printing is installed
    agent_options: str = ""  # the courier <option>s, built once for the page


def _select_cell(options: RowOptions, pk: str, label: str) -> SafeString:
    if not options.can_fulfil:
        return mark_safe("")
    return format_html(
        '<td class="select"><input type="checkbox" name="ids" value="{}" aria-label="Select {}">'
        "</td>",
        pk,
        label,
    )


def _ship_to_cells(row: PurchaseRow | ShipmentRow) -> SafeString:
    return format_html(
        '<td class="nowrap age" title="Placed {}">{}</td>'
        '<td>{}<br><span class="muted small">{} {}</span></td>',
        row.placed,
        row.age,
        row.customer,
        row.city,
        row.pin_code,
    )


def _amount_cell(row: PurchaseRow | ShipmentRow) -> SafeString:
    return format_html(
        '<td class="num">{}<br>{}</td>', row.amount, COD_BADGE if row.is_cod else PREPAID_BADGE
    )


def _button(row, action: str, label: str, style: str = "primary") -> SafeString:
    return format_html(
        '<button type="submit" class="button small {}" formaction="{}" name="action" value="{}">'
        "{}</button>",
        style,
        row.action_url,
        action,
        label,
    )


def _purchase_actions(row: PurchaseRow, options: RowOptions) -> SafeString:
    if not options.can_fulfil:
        return mark_safe("")
    if options.step == "review":
        return format_html(
            '{} <details class="deny"><summary class="button small danger">Deny…</summary>'
            '<label>Reason <input type="text" name="reason-{}" maxlength="1000" '
            'data-enter-clicks="#deny-{}"></label>'
            '<button type="submit" class="button small danger" id="deny-{}" formaction="{}" '
            'name="action" value="deny_fraud">Deny</button></details>',
            _button(row, "approve_fraud", "Approve"),
            row.pk,
            row.pk,
            row.pk,
            row.action_url,
        )
    if options.step == "invoice":
        return _button(row, "issue_invoice", "Issue invoice")
    if options.step == "assign":
        return format_html(
            '<select name="agent-{}" aria-label="Courier for {}"><option value="">Courier…</option>'
            '{}</select> {} <a class="button small" href="{}">Split…</a>',
            row.pk,
            row.number,
            options.agent_options,
            _button(row, "assign_agent", "Assign"),
            row.split_url,
        )
    return mark_safe("")


def purchase_row(row: PurchaseRow, options: RowOptions) -> SafeString:
    return format_html(
        '<tr>{}<td class="nowrap"><a href="{}">{}</a></td>{}'
        '<td class="items"><span class="item-lines">{}</span>{}</td>{}'
        '<td class="actions">{}</td></tr>\n',
        _select_cell(options, row.pk, row.number),
        row.url,
        row.number,
        _ship_to_cells(row),
        row.items,
        PARTNER_BADGE if row.has_partner_items else "",
        _amount_cell(row),
        _purchase_actions(row, options),
    )


def _awb_cells(row: ShipmentRow, options: RowOptions) -> SafeString:
    """To print and record AWB: the AWB to type and the slip; otherwise the AWB, tracked."""
    if options.step != "print":
        if row.tracking_url:
            return format_html(
                '<td><a href="{}" target="_blank" rel="noopener">{}</a></td>',
                row.tracking_url,
                row.awb,
            )
        return format_html("<td>{}</td>", row.awb or "—")
    if options.can_fulfil:
        awb = format_html(
            '<td class="awb-cell"><input type="text" class="awb-input" name="awb-{}" value="{}" '
            'maxlength="40" autocomplete="off" spellcheck="false" aria-label="AWB of {}"{} '
            'data-enter-clicks="#save-awb-{}"> <button type="submit" class="button small primary" '
            'id="save-awb-{}" formaction="{}" name="action" value="record_awb">Save</button></td>',
            row.pk,
            row.awb,
            row.reference,
            format_html(' title="{}"', row.awb_hint) if row.awb_hint else "",
            row.pk,
            row.pk,
            row.action_url,
        )
    else:
        awb = format_html("<td>{}</td>", row.awb or "—")
    if row.slip_printed:
        badge = format_html(
            '<span class="badge prepaid" title="{}">Printed</span>', row.slip_printed
        )
    else:
        badge = mark_safe('<span class="badge">Not printed</span>')
    print_button = ""
    if options.can_print:
        print_button = format_html(
            '<br><button type="submit" class="button small" form="print-row" formtarget="_blank" '
            'name="ids" value="{}">{}</button>',
            row.pk,
            "Reprint" if row.slip_printed else "Print slip",
        )
    return format_html('{}<td class="nowrap">{}{}</td>', awb, badge, print_button)


def shipment_row(row: ShipmentRow, options: RowOptions) -> SafeString:
    hand_over = ""
    if options.step == "handover":
        hand_over = format_html(
            '<td class="actions">{}</td>',
            _button(row, "hand_over", "Hand over") if options.can_fulfil else "",
        )
    return format_html(
        '<tr>{}<td class="nowrap"><a href="{}">{}</a><br><span class="muted small">of '
        '<a href="{}">{}</a></span><br><span class="courier">{}</span></td>{}'
        '<td class="items"><span class="item-lines">{}</span><br><span class="muted">{}</span>'
        "</td>{}{}{}</tr>\n",
        _select_cell(options, row.pk, row.reference),
        row.url,
        row.reference,
        row.purchase_url,
        row.purchase_number,
        row.courier,
        _ship_to_cells(row),
        row.items,
        row.weight,
        _amount_cell(row),
        _awb_cells(row, options),
        hand_over,
    )


def rows_html(rows: list, options: RowOptions) -> SafeString:
    """The page's rows, one <tr> each, as one piece of HTML for the template to place."""
    build = purchase_row if options.kind == "purchase" else shipment_row
    return join_rows(build(row, options) for row in rows)

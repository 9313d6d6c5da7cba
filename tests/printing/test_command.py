"""manage.py print_documents: one PDF from the command line, a progress line on a terminal, and one
clear line with a non-zero exit on a bad selection."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from printing.management.commands.print_documents import Command
from purchases import services as purchase_services
from purchases.models import AuditEntry
from tests.printing.pdfcheck import barcodes_per_page, page_texts
from tests.printing.scenario import handover_batch, invoiced_purchase, shipment_for

pytestmark = pytest.mark.django_db


class Terminal(io.StringIO):
    def isatty(self):
        return True


def run(*args, stdout=None):
    stdout = stdout or io.StringIO()
    call_command("print_documents", *args, stdout=stdout)
    return stdout.getvalue()


def test_invoices_by_purchase_number(store, staff, tmp_path):
    first, second = invoiced_purchase(staff), invoiced_purchase(staff)
    out = tmp_path / "invoices.pdf"
    output = run(
        "invoices", "--purchase", second.number, "--purchase", first.number, "--out", str(out)
    )
    assert output == f"Wrote 2 documents to {out} in " + output.split(" in ")[1]
    pages = page_texts(out.read_bytes())
    assert second.invoices.get().number in pages[0] and first.invoices.get().number in pages[1]
    entries = AuditEntry.objects.filter(action="Tax invoice printed")
    assert [e.actor_name for e in entries] == ["system", "system"]


def test_slips_ready_for_a_courier_on_a4_with_progress_on_a_terminal(store, staff, agent, tmp_path):
    ready = [shipment_for(staff, agent, awb=f"6000000000{n}") for n in range(3)]
    shipment_for(staff, agent, awb="69999999999", printed=True)  # printed already: not "ready"
    out = tmp_path / "slips.pdf"
    terminal = Terminal()
    run(
        "slips",
        "--all-ready",
        "--agent",
        "bluedart",
        "--layout",
        "a4",
        "--user",
        "staff",
        "--out",
        str(out),
        stdout=terminal,
    )
    output = terminal.getvalue()
    assert output.startswith("\rRendering 0/3\rRendering 3/3\nWrote 3 documents")
    assert sorted(text for _, text in barcodes_per_page(out.read_bytes())[0]) == [
        s.awb for s in ready
    ]
    assert AuditEntry.objects.filter(action="Address slip printed", actor=staff).count() == 3 + 1


def test_no_progress_line_when_not_on_a_terminal(store, staff, agent, tmp_path):
    shipment = shipment_for(staff, agent)
    output = run(
        "slips",
        "--shipment",
        shipment.reference,
        "--user",
        "staff",
        "--out",
        str(tmp_path / "s.pdf"),
    )
    assert "\r" not in output and output.startswith("Wrote 1 document to")


def test_manifest_of_a_couriers_latest_batch(store, staff, agent, tmp_path):
    batch = handover_batch(staff, agent, [shipment_for(staff, agent, awb="12312312312")])
    out = tmp_path / "manifest.pdf"
    run("manifest", "--agent", "BLUEDART", "--out", str(out))
    assert "HANDOVER MANIFEST" in page_texts(out.read_bytes())[0]
    assert AuditEntry.objects.filter(action__startswith="Handover manifest printed").count() == 1
    assert batch.shipments.count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["invoices", "--purchase", "WS999999"], "There is no purchase WS999999."),
        (["invoices"], "Choose purchases: --purchase NUMBER, --status STATE or --all-ready."),
        (["invoices", "--status", "lost"], "Unknown state 'lost'; use one of"),
        (["slips", "--all-ready"], "give --user USERNAME."),
        (["slips", "--all-ready", "--user", "nobody"], "There is no active user nobody."),
        (["slips", "--all-ready", "--user", "viewer"], "viewer's role may not print documents."),
        (["slips", "--all-ready", "--user", "staff"], "No shipment matches this selection."),
        (["manifest", "--batch", "9999"], "There is no handover batch 9999."),
        (["manifest", "--shipment", "X"], "--shipment does not apply to manifest."),
    ],
)
def test_bad_selection_stops_with_one_line_and_writes_nothing(
    store, staff, viewer, tmp_path, args, message
):
    out = tmp_path / "out.pdf"
    with pytest.raises(CommandError) as refused:
        run(*args, "--out", str(out))
    assert message in str(refused.value) and "\n" not in str(refused.value)
    assert list(tmp_path.iterdir()) == []


def test_invoice_of_a_purchase_not_invoiced_is_refused(store, staff, tmp_path):
    from tests import factories

    purchase = factories.purchase_with_items()
    with pytest.raises(CommandError, match=f"{purchase.number} has no tax invoice yet"):
        run("invoices", "--purchase", purchase.number, "--out", str(tmp_path / "x.pdf"))


def test_cancelled_shipment_is_refused(store, staff, owner, agent, tmp_path):
    shipment = shipment_for(staff, agent)
    purchase_services.purchase_cancel(purchase_id=shipment.purchase_id, user=owner, reason="x")
    with pytest.raises(CommandError, match="is cancelled"):
        run(
            "slips",
            "--shipment",
            shipment.reference,
            "--user",
            "staff",
            "--out",
            str(tmp_path / "x.pdf"),
        )
    assert list(tmp_path.iterdir()) == []


def test_exit_status_is_non_zero_with_one_line_on_stderr(store, tmp_path, capsys):
    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(
            [
                "manage.py",
                "print_documents",
                "invoices",
                "--purchase",
                "WS0",
                "--out",
                str(tmp_path / "x.pdf"),
            ]
        )
    assert exited.value.code == 1
    assert capsys.readouterr().err == "CommandError: There is no purchase WS0.\n"

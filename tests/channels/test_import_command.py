"""`manage.py import_purchases`: the import's rules from a terminal, a summary, every refusal,
and an exit status a script can test."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from channels.models import ReceivedVia, RefusedOrder
from purchases.models import Purchase

from .files import csv_file, make_channel, make_products, three_orders, xlsx_file

pytestmark = pytest.mark.django_db


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def shop(db):
    make_products()
    return make_channel()


def write(tmp_path, raw: bytes, name="orders.csv"):
    path = tmp_path / name
    path.write_bytes(raw)
    return str(path)


def import_purchases(*args):
    out, err = io.StringIO(), Terminal()
    call_command("import_purchases", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_good_file_is_imported_with_a_progress_line_and_a_summary(shop, tmp_path):
    path = write(tmp_path, csv_file(three_orders()))
    out, err = import_purchases(path, "--channel", "phone")

    assert out.splitlines() == [
        f"{path} from Phone orders: 3 imported, 0 already imported, 0 refused."
    ]
    assert err == "\r  imported 1/3\r  imported 2/3\r  imported 3/3\n"
    assert Purchase.objects.count() == 3

    out, _ = import_purchases(path, "--channel", "phone")
    assert "0 imported, 3 already imported, 0 refused." in out
    assert Purchase.objects.count() == 3


def test_a_refused_order_is_printed_with_its_problems_and_the_exit_status_is_1(shop, tmp_path):
    rows = three_orders()
    rows[4]["sku"] = "NO-SUCH-SKU"
    path = write(tmp_path, xlsx_file(rows), "orders.xlsx")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="1 order refused.") as refused:
        call_command("import_purchases", path, "--channel", "phone", stdout=out, stderr=err)

    assert refused.value.returncode == 1
    assert out.getvalue().splitlines() == [
        f"{path} from Phone orders: 2 imported, 0 already imported, 1 refused.",
        "  SF-2003, rows 5–6:",
        "    The order cannot be placed as it is.",
        "    row 6, sku: No product has the SKU NO-SUCH-SKU.",
    ]
    assert err.getvalue() == ""  # not a terminal: no progress line
    assert RefusedOrder.objects.get().received_via == ReceivedVia.COMMAND


def test_a_dry_run_stores_nothing(shop, tmp_path):
    path = write(tmp_path, csv_file(three_orders()))
    out, err = import_purchases(path, "--channel", "phone", "--dry-run")
    assert "3 to import, 0 already imported, 0 refused." in out
    assert "Nothing was stored (--dry-run)." in out
    assert "checked 3/3" in err
    assert not Purchase.objects.exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--channel", "nope"], "No sales channel has the code 'nope' (known: phone)."),
        (["--channel", "phone", "missing.csv"], "Cannot read"),
        (["--channel", "phone", "empty.csv"], "empty.csv: The file is empty."),
        (["--channel", "phone", "big.csv"], "The file is larger than 2 MB"),
    ],
)
def test_a_bad_file_or_channel_is_one_line_and_exit_status_1(shop, tmp_path, arguments, message):
    write(tmp_path, b"", "empty.csv")
    write(tmp_path, b"x" * (3 * 1024 * 1024), "big.csv")
    arguments = [str(tmp_path / a) if a.endswith(".csv") else a for a in arguments]
    if len(arguments) == 2:
        arguments.append(write(tmp_path, csv_file(three_orders())))
    with pytest.raises(CommandError, match=None) as refused:
        import_purchases(*arguments)
    assert message in str(refused.value)
    assert not Purchase.objects.exists()

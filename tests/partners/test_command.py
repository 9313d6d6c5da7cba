"""manage.py apply_partner_feed: the same events from a JSON-lines file, with a summary."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from partners.management.commands import apply_partner_feed
from partners.models import PartnerEvent, RejectedPartnerEvent
from purchases.models import Purchase, PurchaseStatus
from tests import factories
from tests.partners.conftest import event

pytestmark = pytest.mark.django_db


def write_lines(path: Path, lines) -> Path:
    path.write_text(
        "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines)
    )
    return path


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("apply_partner_feed", *args, stdout=out, stderr=err)
    except CommandError as error:
        return error, out.getvalue()
    return None, out.getvalue()


def test_file_moves_the_purchase_and_a_replay_gives_duplicates(partner_purchase, tmp_path):
    feed = write_lines(
        tmp_path / "day.jsonl",
        [
            event(partner_purchase, 1, quantity=2, event_id="f-1"),
            "",
            event(partner_purchase, 2, quantity=2, event_id="f-2", at="2026-01-01T11:00:00Z"),
        ],
    )
    error, out = run(str(feed))
    assert error is None
    assert out.splitlines() == [f"{feed}: 2 applied, 0 duplicates, 0 rejected."]
    assert Purchase.objects.get(pk=partner_purchase.pk).status == PurchaseStatus.COMPLETE

    error, out = run(str(feed))
    assert error is None
    assert "0 applied, 2 duplicates, 0 rejected." in out


def test_rejected_lines_are_listed_by_number_and_exit_non_zero(partner_purchase, tmp_path):
    own = factories.purchase_with_items(own=1)
    feed = write_lines(
        tmp_path / "bad.jsonl",
        [
            event(partner_purchase, 1, event_id="ok-1"),
            "{not json",
            {**event(partner_purchase, 1, event_id="u-1"), "purchase": "WS000000"},
            event(own, 1, event_id="own-1"),
            [1, 2],
            event(partner_purchase, 2, quantity=5, event_id="x-1"),
        ],
    )
    error, out = run(str(feed))
    assert error is not None and error.returncode == 1
    assert "5 lines rejected" in str(error)
    lines = out.splitlines()
    assert lines[0] == f"{feed}: 1 applied, 0 duplicates, 5 rejected."
    assert lines[1].startswith("  line 2: malformed_json")
    assert lines[2].startswith(
        "  line 3 event u-1: unknown_purchase — There is no purchase WS000000"
    )
    assert lines[3].startswith("  line 4 event own-1: own_item")
    assert lines[4].startswith("  line 5: invalid_event")
    assert lines[5].startswith("  line 6 event x-1: excess_quantity")
    recorded = {r.source: r for r in RejectedPartnerEvent.objects.all()}
    assert set(recorded) == {f"{feed}:{n}" for n in (2, 3, 4, 5, 6)}
    assert recorded[f"{feed}:2"].payload == "{not json"
    assert all(r.received_via == "file" for r in recorded.values())
    assert PartnerEvent.objects.get().event_id == "ok-1"


def test_unreadable_file_is_one_clear_line(tmp_path):
    error, out = run(str(tmp_path / "missing.jsonl"))
    assert str(error) == f"Cannot read {tmp_path / 'missing.jsonl'}: No such file or directory."
    error, _ = run(str(tmp_path))
    assert str(error) == f"Cannot read {tmp_path}: Is a directory."


def test_reads_standard_input(partner_purchase, monkeypatch):
    line = json.dumps(event(partner_purchase, 1, event_id="in-1")) + "\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(line.encode())))
    error, out = run("-")
    assert error is None
    assert out == "stdin: 1 applied, 0 duplicates, 0 rejected.\n"


def test_command_line_exit_codes(tmp_path):
    """Run as a partner's cron job would: the real process and its exit status."""
    missing = subprocess.run(
        [sys.executable, "manage.py", "apply_partner_feed", str(tmp_path / "nope.jsonl")],
        capture_output=True,
        text=True,
        env={
            "DJANGO_SETTINGS_MODULE": "webstore.settings.test",
            "WEBSTORE_VAR_DIR": str(tmp_path),
            "PATH": "/usr/bin:/bin",
        },
        cwd=Path(__file__).resolve().parents[2],
        timeout=120,
    )
    assert missing.returncode == 1
    assert missing.stderr.strip().splitlines() == [
        f"CommandError: Cannot read {tmp_path / 'nope.jsonl'}: No such file or directory."
    ]


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_line_on_a_terminal(partner_purchase, tmp_path, monkeypatch):
    monkeypatch.setattr(apply_partner_feed, "PROGRESS_EVERY", 10)
    lines = [
        {**event(partner_purchase, 1, event_id=f"p-{n}"), "purchase": "WS0"} for n in range(25)
    ]
    feed = write_lines(tmp_path / "big.jsonl", lines)
    err = Terminal()
    with pytest.raises(CommandError):
        call_command("apply_partner_feed", str(feed), stdout=io.StringIO(), stderr=err)
    assert err.getvalue() == "\r10 lines read…\r20 lines read…\n"


def test_no_progress_line_when_not_a_terminal(partner_purchase, tmp_path):
    feed = write_lines(tmp_path / "one.jsonl", [event(partner_purchase, 1, event_id="q-1")])
    err = io.StringIO()
    call_command("apply_partner_feed", str(feed), stdout=io.StringIO(), stderr=err)
    assert err.getvalue() == ""

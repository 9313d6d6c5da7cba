"""Apply a file of partner events (JSON lines), as the feed endpoint would, and summarise."""

import sys
from collections import Counter
from contextlib import nullcontext

from django.core.management.base import BaseCommand, CommandError

from partners import feed
from partners.exceptions import FeedRefused
from partners.services import APPLIED, DUPLICATE, REJECTED, partner_event_apply, partner_line_refuse

PROGRESS_EVERY = 500


class Command(BaseCommand):
    help = (
        "Apply partner events from FILE, one JSON object per line ('-' reads standard input). "
        "Same checks as the feed endpoint, without the signature. Exits 1 if any line was rejected."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON-lines file of events, or - for standard input")

    def handle(self, *args, file: str, **options):
        name = "stdin" if file == "-" else file
        try:
            stream = nullcontext(sys.stdin.buffer) if file == "-" else open(file, "rb")  # noqa: SIM115
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror or error}.") from None
        progress = self.stderr.isatty()
        counts = Counter()
        rejections = []
        try:
            with stream as lines:
                for number, raw_line in enumerate(lines, start=1):
                    result = self._apply_line(raw_line, source=f"{name}:{number}")
                    if result is None:
                        continue
                    counts[result.result] += 1
                    if result.result == REJECTED:
                        rejections.append((number, result))
                    if progress and number % PROGRESS_EVERY == 0:
                        self.stderr.write(f"\r{number:,} lines read…", ending="")
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror or error}.") from None
        if progress and sum(counts.values()) >= PROGRESS_EVERY:
            self.stderr.write("")

        self.stdout.write(
            f"{name}: {counts[APPLIED]} applied, {counts[DUPLICATE]} duplicates, "
            f"{counts[REJECTED]} rejected."
        )
        for number, result in rejections:
            event = f" event {result.event_id}" if result.event_id else ""
            self.stdout.write(f"  line {number}{event}: {result.reason} — {result.detail}")
        if rejections:
            raise CommandError(
                f"{len(rejections)} line{'s' if len(rejections) != 1 else ''} rejected; "
                "see Configuration › Rejected Partner Events.",
                returncode=1,
            )

    def _apply_line(self, raw_line: bytes, *, source: str):
        """The result of one line, or None for a blank line."""
        if not raw_line.strip():
            return None
        try:
            event = feed.parse_json(raw_line)
        except FeedRefused as refusal:
            text = raw_line.decode("utf-8", "replace").rstrip("\r\n")
            return partner_line_refuse(raw_line=text, refusal=refusal, source=source)
        return partner_event_apply(event=event, received_via="file", source=source)

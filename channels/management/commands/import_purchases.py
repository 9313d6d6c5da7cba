"""Import a channel's file of orders (CSV or .xlsx), as Manage Purchases › Import purchases does."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from channels.imports import REFUSED, order_file_import
from channels.models import ReceivedVia, SalesChannel
from channels.order_files import MAX_BYTES
from core.exceptions import ActionRefused
from core.tables import FileUnreadable, too_large


class Command(BaseCommand):
    help = (
        "Import the orders of FILE (CSV or .xlsx, one row per order line; channels/README.md "
        "lists the columns) from the sales channel CODE, each as the orders API would place it. "
        "An order already imported is not placed again. Exits 1 if any order was refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV or .xlsx file of order lines")
        parser.add_argument("--channel", required=True, help="the sales channel's code")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check every order as an import would, and store nothing",
        )

    def handle(self, *args, file: str, channel: str, dry_run: bool, **options):
        source = SalesChannel.objects.filter(code=channel).first()
        if source is None:
            known = ", ".join(SalesChannel.objects.values_list("code", flat=True)) or "none yet"
            raise CommandError(f"No sales channel has the code {channel!r} (known: {known}).")
        raw = self._read(Path(file))
        try:
            report = order_file_import(
                channel=source,
                raw=raw,
                preview=dry_run,
                via=ReceivedVia.COMMAND,
                progress=self._progress(dry_run),
            )
        except (FileUnreadable, ActionRefused) as refusal:
            raise CommandError(f"{file}: {refusal}") from None
        self.stdout.write(f"{file} from {report.channel}: {report.summary}")
        if dry_run:
            self.stdout.write("Nothing was stored (--dry-run).")
        for result in report.results:
            if result.outcome == REFUSED:
                self.stdout.write(f"  {result.reference or '(no reference)'}, {result.rows_label}:")
                self.stdout.write(f"    {result.detail}")
                for found in result.problems:
                    self.stdout.write(f"    {found.where}: {found.message}")
        if report.refused:
            orders = "order" if report.refused == 1 else "orders"
            raise CommandError(f"{report.refused} {orders} refused.", returncode=1)

    def _read(self, path: Path) -> bytes:
        try:
            size = path.stat().st_size
            if size > MAX_BYTES:
                raise CommandError(f"{path}: {too_large(size, MAX_BYTES)}")
            return path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror or error}.") from None

    def _progress(self, dry_run: bool):
        """A line rewritten in place on a terminal, nothing otherwise."""
        if not self.stderr.isatty():
            return None
        verb = "checked" if dry_run else "imported"

        def show(done: int, total: int) -> None:
            self.stderr.write(f"\r  {verb} {done}/{total}", ending="\n" if done == total else "")
            self.stderr.flush()

        return show

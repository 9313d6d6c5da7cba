"""Print invoices, slips or manifests from the command line into one PDF.

    manage.py print_documents invoices --purchase WS100001 --purchase WS100002 --out invoices.pdf
    manage.py print_documents slips --all-ready --agent BLUEDART --layout a4 --user staff \
        --out slips.pdf
    manage.py print_documents manifest --batch 12 --out manifest.pdf

A bad selection ends with one line saying what is wrong, a non-zero exit and no file written.
"""

import tempfile
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.exceptions import ActionRefused
from core.permissions import PRINT
from printing import rendering
from printing.models import DocumentSet, SlipLayout
from printing.selection import select_documents
from printing.services import documents_record_printed
from purchases.models import Purchase, PurchaseStatus
from shipments.models import HandoverBatch, Shipment, ShipmentStatus


class Command(BaseCommand):
    help = "Print tax invoices and credit notes, address slips or handover manifests into one PDF."

    def add_arguments(self, parser):
        parser.add_argument("document", choices=DocumentSet.values, help="What to print.")
        parser.add_argument("--out", required=True, help="The PDF file to write.")
        parser.add_argument(
            "--purchase",
            action="append",
            default=[],
            metavar="NUMBER",
            help="A purchase number (repeat for more): its invoices and credit notes, or slips.",
        )
        parser.add_argument(
            "--shipment",
            action="append",
            default=[],
            metavar="REFERENCE",
            help="A shipment reference or AWB (repeat for more).",
        )
        parser.add_argument(
            "--batch",
            action="append",
            default=[],
            type=int,
            metavar="ID",
            help="A handover batch id (repeat for more).",
        )
        parser.add_argument("--status", help="Only purchases or shipments in this state.")
        parser.add_argument(
            "--agent", metavar="CODE", help="Only this courier's shipments or batches."
        )
        parser.add_argument(
            "--all-ready",
            action="store_true",
            help="Slips: every shipment waiting for its slip. Invoices: every invoiced purchase.",
        )
        parser.add_argument("--layout", choices=SlipLayout.values, default=SlipLayout.LABEL)
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="Who prints (recorded in the timeline); required for slips.",
        )
        parser.add_argument(
            "--workers", type=int, help="Rendering processes (default: one per core)."
        )

    def handle(self, *args, **options):
        document = options["document"]
        out = Path(options["out"])
        if out.suffix.lower() != ".pdf":
            raise CommandError(f"--out must name a .pdf file, not {out}.")
        if not out.parent.is_dir():
            raise CommandError(f"The folder {out.parent} does not exist.")
        user = self._user(options["user"], document)
        ids = {
            DocumentSet.INVOICES: self._purchase_ids,
            DocumentSet.SLIPS: self._shipment_ids,
            DocumentSet.MANIFEST: self._batch_ids,
        }[document](options)
        try:
            selection = select_documents(document=document, ids=ids, layout=options["layout"])
        except ActionRefused as refusal:
            raise CommandError(refusal.message) from None

        started, drawn_at = time.monotonic(), timezone.now()
        total = selection.count
        show = self._progress_printer(total)
        show(0)
        with tempfile.TemporaryDirectory(prefix="print-", dir=out.parent) as work:
            merged = Path(work) / "merged.pdf"
            rendering.render_to_file(
                selection,
                merged,
                parts_dir=Path(work) / "parts",
                on_progress=show,
                workers=options["workers"],
            )
            documents_record_printed(selection=selection, user=user, drawn_at=drawn_at)
            merged.replace(out)
        if self.stdout.isatty():
            self.stdout.write("")
        self.stdout.write(
            f"Wrote {total} document{'s' if total != 1 else ''} to {out} "
            f"in {time.monotonic() - started:.1f} s."
        )

    def _progress_printer(self, total: int):
        if not self.stdout.isatty():
            return lambda done: None

        def show(done: int) -> None:
            self.stdout.write(f"\rRendering {done}/{total}", ending="")
            self.stdout.flush()

        return show

    def _user(self, username: str | None, document: str):
        if not username:
            if document == DocumentSet.SLIPS:
                raise CommandError(
                    "Printing slips is recorded against a person and can move shipments to "
                    "Shipped: give --user USERNAME."
                )
            return None
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"There is no active user {username}.")
        if not user.has_perm(PRINT):
            raise CommandError(f"{username}'s role may not print documents.")
        return user

    def _need(self, options, allowed: tuple[str, ...]) -> None:
        given = [name for name in ("purchase", "shipment", "batch") if options[name]]
        wrong = [name for name in given if name not in allowed]
        if wrong:
            raise CommandError(f"--{wrong[0]} does not apply to {options['document']}.")

    def _purchase_ids(self, options) -> list[int]:
        self._need(options, ("purchase",))
        purchases = Purchase.objects.filter(invoices__isnull=False).distinct()
        if not (options["purchase"] or options["status"] or options["all_ready"]):
            raise CommandError(
                "Choose purchases: --purchase NUMBER, --status STATE or --all-ready."
            )
        if options["purchase"]:
            ids = self._by_number(options["purchase"])
            purchases = purchases.filter(pk__in=ids)
        if options["status"]:
            purchases = purchases.filter(status=self._state(options["status"], PurchaseStatus))
        if options["agent"]:
            purchases = purchases.filter(shipments__agent__code=options["agent"].upper())
        found = list(purchases.order_by("placed_at", "id").values_list("pk", flat=True))
        if options["purchase"]:
            # Keep the order asked for; one without invoice is reported by the selection.
            return ids if not (options["status"] or options["agent"]) else found
        if not found:
            raise CommandError("No invoiced purchase matches this selection.")
        return found

    def _by_number(self, numbers: list[str]) -> list[int]:
        wanted = [n.strip().upper() for n in numbers]
        found = dict(Purchase.objects.filter(number__in=wanted).values_list("number", "pk"))
        missing = [n for n in wanted if n not in found]
        if missing:
            raise CommandError(f"There is no purchase {', '.join(missing)}.")
        return [found[n] for n in wanted]

    def _state(self, value: str, choices) -> str:
        value = value.strip().lower().replace(" ", "_")
        if value not in choices.values:
            raise CommandError(f"Unknown state {value!r}; use one of {', '.join(choices.values)}.")
        return value

    def _shipment_ids(self, options) -> list[int]:
        self._need(options, ("shipment", "purchase"))
        if not (
            options["shipment"]
            or options["purchase"]
            or options["status"]
            or options["agent"]
            or options["all_ready"]
        ):
            raise CommandError(
                "Choose shipments: --shipment REF, --purchase NUMBER, --status STATE, --agent CODE "
                "or --all-ready."
            )
        shipments = Shipment.objects.all()
        if options["shipment"]:
            wanted = [s.strip().upper() for s in options["shipment"]]
            rows = list(shipments.filter(reference__in=wanted).values_list("reference", "pk"))
            rows += list(shipments.filter(awb__in=wanted).values_list("awb", "pk"))
            found = dict(rows)
            missing = [s for s in wanted if s not in found]
            if missing:
                raise CommandError(f"There is no shipment {', '.join(missing)}.")
            shipments = shipments.filter(pk__in=[found[s] for s in wanted])
        if options["purchase"]:
            shipments = shipments.filter(purchase_id__in=self._by_number(options["purchase"]))
            if not (options["status"] or options["all_ready"]):
                shipments = shipments.exclude(status=ShipmentStatus.CANCELLED)
        if options["status"]:
            shipments = shipments.filter(status=self._state(options["status"], ShipmentStatus))
        if options["agent"]:
            shipments = shipments.filter(agent__code=options["agent"].upper())
        if options["all_ready"]:
            shipments = shipments.filter(
                status=ShipmentStatus.AGENT_ASSIGNED, slip_printed_at__isnull=True
            )
        found = list(shipments.order_by("created_at", "id").values_list("pk", flat=True))
        if not found:
            raise CommandError("No shipment matches this selection.")
        return found

    def _batch_ids(self, options) -> list[int]:
        self._need(options, ("batch",))
        if options["batch"]:
            return options["batch"]
        if options["agent"]:
            latest = (
                HandoverBatch.objects.filter(agent__code=options["agent"].upper())
                .order_by("-opened_at", "-id")
                .values_list("pk", flat=True)
                .first()
            )
            if latest is None:
                raise CommandError(f"Courier {options['agent']} has no handover batch.")
            return [latest]
        raise CommandError("Choose a handover batch: --batch ID, or --agent CODE for its latest.")

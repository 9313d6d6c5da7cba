"""What a channel is answered, and how a refusal is said and kept for the Owner."""

from dataclasses import dataclass

from core.exceptions import ActionRefused

from .models import RefusedOrder, SalesChannel

PAYLOAD_LIMIT = 20_000


@dataclass(frozen=True)
class Answer:
    """What a channel is answered: an HTTP status and a JSON body."""

    http_status: int
    body: dict


class OrderRefused(ActionRefused):
    """An order (or a request, or a payment event) is refused with a code, a sentence and every
    problem found: {"field": "lines.0.sku", "code": "unknown_sku", "message": "…"}."""

    def __init__(self, code: str, detail: str, problems=(), http_status: int = 422):
        super().__init__(detail)
        self.code = code
        self.problems = list(problems)
        self.http_status = http_status

    def answer(self) -> Answer:
        body = {"code": self.code, "detail": self.message, "problems": self.problems}
        return Answer(self.http_status, body)


def problem(field_path: str, code: str, message: str) -> dict:
    return {"field": field_path, "code": code, "message": message}


def refusal_record(
    *, channel: SalesChannel | None, via: str, refusal: OrderRefused, reference="", payload=""
) -> Answer:
    """Keep a refusal for the Owner's list, and say it to the channel."""
    RefusedOrder.objects.create(
        channel=channel,
        received_via=via,
        code=refusal.code,
        detail=refusal.message[:2000],
        problems=refusal.problems,
        external_reference=reference[:100],
        payload=payload.replace("\x00", "")[:PAYLOAD_LIMIT],
    )
    return refusal.answer()

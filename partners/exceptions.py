"""Refusals of the partner feed, each carrying the machine-readable code the partner is sent."""

from core.exceptions import ActionRefused


class FeedRefused(ActionRefused):
    """The partner's report (a whole request, or one event) is refused; nothing was changed."""

    def __init__(self, reason: str, message: str, *, http_status: int = 400, purchase=None):
        super().__init__(message)
        self.reason = reason
        self.http_status = http_status
        self.purchase = purchase

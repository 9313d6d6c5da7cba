"""Domain errors: what a user is told when an action is refused. Views show them as messages."""


class ActionRefused(Exception):
    """An action was refused; nothing was changed. The message is for the user; `code` says what
    kind of refusal it is to a program (an API client, a file import's report)."""

    code = "refused"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class TransitionNotAllowed(ActionRefused):
    """The object is not in a state where this action may run (also: it already ran)."""

    code = "not_allowed_now"


class RoleNotAllowed(ActionRefused):
    """The user's role does not allow this action."""

    code = "role_not_allowed"


class InvalidInput(ActionRefused):
    """What was entered cannot be used (an AWB of the wrong form, a quantity too large...)."""

    code = "invalid"


class NotFound(ActionRefused):
    """The purchase, shipment or item named does not exist."""

    code = "not_found"


class OutOfStock(InvalidInput):
    """A product has fewer units available than asked for, and takes no back-orders."""

    code = "out_of_stock"

    def __init__(self, *, sku: str, asked: int, available: int):
        super().__init__(f"{sku}: {max(available, 0)} available, {asked} asked for.")
        self.sku, self.asked, self.available = sku, asked, available

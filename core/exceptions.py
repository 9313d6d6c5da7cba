"""Domain errors: what a user is told when an action is refused. Views show them as messages."""


class ActionRefused(Exception):
    """An action was refused; nothing was changed. The message is for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class TransitionNotAllowed(ActionRefused):
    """The object is not in a state where this action may run (also: it already ran)."""


class RoleNotAllowed(ActionRefused):
    """The user's role does not allow this action."""


class InvalidInput(ActionRefused):
    """What was entered cannot be used (an AWB of the wrong form, a quantity too large...)."""


class NotFound(ActionRefused):
    """The purchase, shipment or item named does not exist."""

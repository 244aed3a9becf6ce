"""The one exception services raise for a user's mistake; views show its message."""


class ServiceError(ValueError):
    """Bad input a user can fix: ``message`` is a translated string, ``field`` the form field."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field

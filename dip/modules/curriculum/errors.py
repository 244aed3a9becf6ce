"""The one error content files raise."""


class ContentError(ValueError):
    """A content file that cannot be loaded, and why."""

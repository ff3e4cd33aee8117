"""Errors a user can fix."""


class SelfRelianceError(Exception):
    """An error a user can fix; the CLI prints its message without traceback."""

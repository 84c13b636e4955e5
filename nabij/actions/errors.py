"""Errors raised by actions, with messages meant for people."""


class ActionError(Exception):
    """An action could not be carried out; the message says why."""


class PermissionDenied(ActionError):
    """The user may not do this."""

"""Test set-up: an isolated data directory, no network beyond loopback."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

_real_connect = socket.socket.connect


def _is_loopback(address: Any) -> bool:
    if not isinstance(address, tuple):
        return True  # Unix sockets (PostgreSQL's local socket) stay on this machine
    host = address[0]
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _guarded_connect(self: socket.socket, address: Any) -> Any:
    if not _is_loopback(address):
        raise OSError(f"tests may not reach the network: {address!r}")
    return _real_connect(self, address)


socket.socket.connect = _guarded_connect  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _no_language_left_over() -> Iterator[None]:
    """Each test starts, and leaves, the thread without an active language.

    The test client's requests activate their language on this thread (LocaleMiddleware)
    and leave it on; without this, an English request would make later tests depend on
    the order they run in.
    """
    translation.deactivate()
    yield
    translation.deactivate()

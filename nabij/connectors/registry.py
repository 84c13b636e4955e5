"""The one connector registry, filled from the `nabij.connectors` entry-point group.

Built-in connectors are declared in `builtin_entry_points.txt` with the same syntax
as third-party ones in their package metadata, and loaded the same way; there is no
table of channel names in code.
"""

from __future__ import annotations

import functools
import logging
from importlib import metadata, resources

from nabij.connectors.base import Connector

GROUP = "nabij.connectors"
log = logging.getLogger(__name__)


class UnknownConnector(LookupError):
    """No connector is registered for the requested kind."""


def builtin_entry_points() -> list[metadata.EntryPoint]:
    """Read the built-in declarations shipped with the package."""
    text = resources.files("nabij.connectors").joinpath("builtin_entry_points.txt").read_text()
    points = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        name, _, value = line.partition("=")
        points.append(metadata.EntryPoint(name=name.strip(), value=value.strip(), group=GROUP))
    return points


def _installed_entry_points() -> list[metadata.EntryPoint]:
    return list(metadata.entry_points(group=GROUP))


def load_connectors(points: list[metadata.EntryPoint]) -> dict[str, Connector]:
    """Load entry points into connector instances keyed by their `kind`."""
    found: dict[str, Connector] = {}
    for point in points:
        try:
            obj = point.load()
        except Exception:  # a broken plug-in must not take the others down
            log.exception("could not load connector entry point %s", point.name)
            continue
        connector = obj() if isinstance(obj, type) else obj
        if not isinstance(connector, Connector):
            log.error("entry point %s is not a Connector", point.name)
            continue
        # The first declaration of a kind wins: installed metadata may repeat built-ins.
        found.setdefault(connector.kind, connector)
    return found


@functools.cache
def _registry() -> dict[str, Connector]:
    return load_connectors(builtin_entry_points() + _installed_entry_points())


def get_connector(kind: str) -> Connector:
    """Return the connector for a channel kind, or raise UnknownConnector."""
    try:
        return _registry()[kind]
    except KeyError:
        raise UnknownConnector(f"no connector for channel {kind!r}") from None


def all_connectors() -> list[Connector]:
    """Return every registered connector, sorted by kind."""
    return [c for _, c in sorted(_registry().items())]


def reload() -> None:
    """Forget the loaded connectors (after installing a plug-in, and in tests)."""
    _registry.cache_clear()

"""Read YAML into plain data while remembering where every key and value stands.

PyYAML's composer gives nodes with marks; we build the values ourselves so that each
path in the document maps to a (line, column) and so that duplicate keys, unsupported
tags and alias bombs become readable issues instead of exceptions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from nabij.protocol.issues import Issue

Path = tuple[str | int, ...]
Position = tuple[int, int]

MAX_BYTES = 1_000_000
MAX_NODES = 50_000
MAX_DEPTH = 40
_PLAIN_TAGS = {
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:str",
}


@dataclass
class Document:
    """Plain YAML data plus the position of every value and mapping key, by path."""

    data: Any = None
    values: dict[Path, Position] = field(default_factory=dict)
    keys: dict[Path, Position] = field(default_factory=dict)
    raw: dict[Path, str] = field(default_factory=dict)  # scalar text as written

    def position(self, path: Path, *, key: bool = False) -> Position:
        """Return the position of the value (or its key) at `path`, or its nearest parent."""
        table = self.keys if key else self.values
        probe = path
        while probe:
            if probe in table:
                return table[probe]
            if probe in self.values:
                return self.values[probe]
            probe = probe[:-1]
        return self.values.get((), (1, 1))


class _TooBig(Exception):
    """Raised inside the builder when the document exceeds our limits."""


def parse_yaml(text: str) -> tuple[Document | None, list[Issue]]:
    """Parse YAML text into a Document, or return the issues that prevent it."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        return None, [Issue(1, 1, f"the file is larger than {MAX_BYTES} bytes")]
    try:
        loader = yaml.SafeLoader(text)
    except yaml.reader.ReaderError as exc:
        return None, [_reader_issue(text, exc)]
    try:
        node = loader.get_single_node()
    except yaml.reader.ReaderError as exc:
        return None, [_reader_issue(text, exc)]
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_issue(exc)]
    except yaml.YAMLError as exc:
        return None, [Issue(1, 1, f"YAML error: {exc}")]
    except RecursionError:
        return None, [Issue(1, 1, "the YAML is nested too deeply")]
    finally:
        loader.dispose()
    if node is None:
        return None, [Issue(1, 1, "the protocol is empty")]
    builder = _Builder(loader)
    try:
        data = builder.build(node, (), 0)
    except _TooBig as exc:
        return None, [Issue(1, 1, str(exc))]
    doc = Document(data, builder.values, builder.keys, builder.raw)
    return doc, builder.issues


def _reader_issue(text: str, exc: yaml.reader.ReaderError) -> Issue:
    before = text[: max(0, exc.position)]
    line = before.count("\n") + 1
    column = len(before) - (before.rfind("\n") + 1) + 1
    return Issue(line, column, f"the text contains a character YAML does not allow ({exc.reason})")


def _syntax_issue(exc: yaml.MarkedYAMLError) -> Issue:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = exc.problem or exc.context or "invalid YAML"
    if exc.context and exc.problem:
        problem = f"{exc.problem} ({exc.context})"
    return Issue(line, column, f"YAML syntax error: {problem}")


def _position(node: yaml.Node) -> Position:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Builder:
    def __init__(self, loader: yaml.SafeLoader) -> None:
        self.loader = loader
        self.values: dict[Path, Position] = {}
        self.keys: dict[Path, Position] = {}
        self.raw: dict[Path, str] = {}
        self.issues: list[Issue] = []
        self.count = 0

    def build(self, node: yaml.Node, path: Path, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooBig(f"the document has more than {MAX_NODES} values (alias expansion?)")
        if depth > MAX_DEPTH:
            raise _TooBig(f"the document is nested deeper than {MAX_DEPTH} levels")
        self.values.setdefault(path, _position(node))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _scalar(self, node: yaml.Node, path: Path) -> Any:
        text = str(node.value)
        self.raw.setdefault(path, text)
        if node.tag not in _PLAIN_TAGS:
            if node.tag.startswith("tag:yaml.org,2002:"):
                return text  # timestamps, binary and the like are kept as written
            line, column = _position(node)
            self.issues.append(Issue(line, column, f"unsupported YAML tag {node.tag}"))
            return text
        try:
            return self.loader.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError):
            return text

    def _mapping(self, node: yaml.MappingNode, path: Path, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_seen: dict[str, Position] = {}
        for key_node, value_node in node.value:
            where = _position(key_node)
            if not isinstance(key_node, yaml.ScalarNode):
                self.issues.append(Issue(*where, "a key must be a plain word, not a list or map"))
                continue
            key = str(key_node.value)
            if key == "<<":
                self.issues.append(Issue(*where, "YAML merge keys ('<<') are not supported"))
                continue
            if key in first_seen:
                first = first_seen[key][0]
                self.issues.append(Issue(*where, f"duplicate key '{key}' (first at line {first})"))
                continue
            first_seen[key] = where
            self.keys[(*path, key)] = where
            result[key] = self.build(value_node, (*path, key), depth + 1)
        return result

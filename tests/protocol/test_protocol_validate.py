"""Broken protocols give clear FILE:LINE:COL messages, never a stack trace."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nabij.cli import main
from nabij.protocol import (
    ProtocolInvalid,
    check_protocol,
    default_protocol_text,
    evaluate,
    load_protocol,
    load_protocol_file,
)

BROKEN = sorted((Path(__file__).parent / "broken").glob("*.yaml"))


def expected_messages(path: Path) -> list[str]:
    """The `# expect: LINE:COL: message` lines at the top of a corpus file."""
    lines = path.read_bytes().decode("utf-8", "replace").splitlines()
    return [line.removeprefix("# expect: ") for line in lines if line.startswith("# expect: ")]


def test_corpus_is_not_empty() -> None:
    assert len(BROKEN) >= 30
    assert all(expected_messages(path) for path in BROKEN)


@pytest.mark.parametrize("path", BROKEN, ids=[path.stem for path in BROKEN])
def test_broken_protocol_reports_expected_issues(path: Path) -> None:
    with pytest.raises(ProtocolInvalid) as caught:
        load_protocol_file(path)
    found = [f"{issue.line}:{issue.column}: {issue.message}" for issue in caught.value.issues]
    assert found == expected_messages(path)


@pytest.mark.parametrize("path", BROKEN, ids=[path.stem for path in BROKEN])
def test_cli_prints_one_issue_per_line_and_fails(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["protocol", "validate", str(path)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [f"{path}:{message}" for message in expected_messages(path)]


def test_cli_accepts_the_default_protocol(capsys: pytest.CaptureFixture[str]) -> None:
    path = Path(__file__).parents[2] / "nabij" / "protocol" / "default.yaml"
    assert main(["protocol", "validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert "valid — 'Standaardprotocol gemeente' version 2026.1" in out
    assert "fallback 'vangnet'" in out


def test_cli_reports_a_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    assert main(["protocol", "validate", str(missing)]) == 1
    assert capsys.readouterr().err.startswith(f"{missing}:1:1: cannot read the file")


def test_version_is_kept_as_written() -> None:
    text = default_protocol_text().replace('version: "2026.1"', "version: 2026.10")
    assert load_protocol(text).version == "2026.10"


def test_issues_are_collected_not_just_the_first() -> None:
    text = default_protocol_text().replace("action: escaleren", "action: escaleer", 1)
    text = text.replace("team: zorg", "team: zrog", 1)
    _, issues = check_protocol(text)
    messages = [issue.message for issue in issues]
    assert any("unknown action 'escaleer' — did you mean 'escaleren'?" in m for m in messages)
    assert any("unknown team 'zrog' — did you mean 'zorg'?" in m for m in messages)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_any_text_gives_a_protocol_or_issues(text: str) -> None:
    protocol, issues = check_protocol(text)
    assert (protocol is None) == bool(issues)
    assert all(issue.line >= 1 and issue.column >= 1 for issue in issues)


_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 100),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(
        ["always", "vraag", "aanval", "gte", "type", "H1", "zorg", "escaleren", "pii", "bsn"]
    ),
    st.text(max_size=8),
)
_keys = st.sampled_from(
    [
        "version", "name", "rules", "id", "title", "when", "then", "action", "reason",
        "type", "toxicity", "gte", "in", "any", "all", "not", "pii", "team", "templates",
        "house_rule", "house_rules", "teams", "deadline_hours", "confirm", "urgency",
        "author.hidden_count", "public", "contains", "empty",
    ]
)  # fmt: skip
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_keys, inner, max_size=5)),
    max_leaves=25,
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_values)
def test_any_yaml_structure_gives_a_protocol_or_issues(value: object) -> None:
    text = yaml.safe_dump(value, allow_unicode=True)
    protocol, issues = check_protocol(text)
    assert (protocol is None) == bool(issues)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_default_protocol_never_raises(data: st.DataObject) -> None:
    text = default_protocol_text()
    start = data.draw(st.integers(0, len(text) - 1))
    length = data.draw(st.integers(0, 40))
    insert = data.draw(st.text(alphabet=" :-{}[]\n\t#&*!|>'\"abc01", max_size=10))
    protocol, issues = check_protocol(text[:start] + insert + text[start + length :])
    assert (protocol is None) == bool(issues)


def _paths(value: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """Every path into a nested structure of dicts and lists."""
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


DEFAULT_DATA = yaml.safe_load(default_protocol_text())
DEFAULT_PATHS = [path for path in _paths(DEFAULT_DATA) if path]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(DEFAULT_PATHS), _values)
def test_default_protocol_with_one_value_replaced_never_raises(
    path: tuple[object, ...], value: object
) -> None:
    data = copy.deepcopy(DEFAULT_DATA)
    target = data
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    protocol, issues = check_protocol(yaml.safe_dump(data, allow_unicode=True))
    assert (protocol is None) == bool(issues)
    if protocol is not None:  # a mutation that stays valid must still decide everything
        for analysis in SAMPLE_ANALYSES:
            result = evaluate(protocol, analysis, {"crisis_mode": True})
            assert sum(" matched: " in line for line in result.trace) == 1


SAMPLE_ANALYSES = [
    {},
    {"type": "aanval", "toxicity": 0.9, "toxicity_categories": ["belediging"]},
    {"type": "vraag", "pii": [{"kind": "bsn"}], "urgency": "hoog"},
    {"type": "noodkreet", "type_scores": {"noodkreet": 0.9}},
]

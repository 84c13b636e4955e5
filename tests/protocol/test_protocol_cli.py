"""The `nabij protocol` command group, the documented example and loader edge cases."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import pytest

from nabij.cli import main
from nabij.protocol import check_protocol, evaluate, load_protocol
from nabij.protocol.commands import protocol_group, register

ROOT = Path(__file__).parents[2]
DEFAULT = ROOT / "nabij" / "protocol" / "default.yaml"


def test_other_modules_can_add_to_the_protocol_group_in_any_order() -> None:
    for lead_first in (True, False):
        parser = argparse.ArgumentParser()
        subparsers = parser.add_subparsers()

        def lead_register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
            sub = protocol_group(subparsers).add_parser("simulate")
            sub.add_argument("draft")
            sub.set_defaults(func=lambda args: 0)

        if lead_first:
            lead_register(subparsers)
            register(subparsers)
        else:
            register(subparsers)
            lead_register(subparsers)
        args = parser.parse_args(["protocol", "simulate", "d.yaml"])
        assert args.draft == "d.yaml" and getattr(args, "needs_django", True)
        args = parser.parse_args(["protocol", "validate", "x.yaml"])
        assert args.needs_django is False


def test_protocol_without_subcommand_shows_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["protocol"]) == 2
    assert "validate" in capsys.readouterr().err


def test_evaluate_command_prints_decision_and_trace(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    analysis = tmp_path / "analysis.json"
    analysis.write_text(json.dumps({"type": "vraag", "pii": [{"kind": "iban"}]}))
    context = tmp_path / "context.json"
    context.write_text(json.dumps({"public": False}))
    assert main(["protocol", "evaluate", str(DEFAULT), str(analysis)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("prive_voortzetten (persoonsgegevens_openbaar)")
    assert "matched: public is true, pii [iban] contains one of" in out
    assert (
        main(
            [
                "protocol",
                "evaluate",
                str(DEFAULT),
                str(analysis),
                "--context",
                str(context),
                "--json",
            ]
        )
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["action"] == "beantwoorden" and data["rule_id"] == "vraag"


def test_evaluate_command_reports_bad_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    assert main(["protocol", "evaluate", str(DEFAULT), str(bad)]) == 1
    assert "cannot read JSON input" in capsys.readouterr().err


def test_documented_example_is_valid_and_behaves_as_described() -> None:
    text = (ROOT / "docs" / "protocol.md").read_text("utf-8")
    example = re.search(r"```yaml\n(version:.*?)```", text, re.S)
    assert example is not None
    protocol = load_protocol(example.group(1))
    assert [rule.id for rule in protocol.rules] == [
        "noodkreet",
        "scheldpartij_zonder_vraag",
        "vangnet",
    ]
    insult = {"type": "aanval", "type_scores": {"vraag": 0.05}}
    assert evaluate(protocol, insult, {}).action == "bewust_niet_reageren"
    hidden_cry = {"type": "klacht", "type_scores": {"noodkreet": 0.7}}
    assert evaluate(protocol, hidden_cry, {}).action == "escaleren"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[" * 5000, "nested too deeply"),
        ("a: " + "[" * 60 + "]" * 60, "nested deeper than"),
        ("x: '" + "a" * 1_100_000 + "'", "larger than"),
        ("? [a, b]\n: c\n", "a key must be a plain word"),
        ("base: &b {x: 1}\nother:\n  <<: *b\n", "merge keys"),
        ("version: \x07", "character YAML does not allow"),
    ],
)
def test_hostile_yaml_gives_issues(text: str, message: str) -> None:
    protocol, issues = check_protocol(text)
    assert protocol is None
    assert any(message in issue.message for issue in issues), issues


def test_field_reference_covers_every_documented_field() -> None:
    from nabij.protocol import field_reference

    reference = {entry["name"]: entry for entry in field_reference()}
    docs = (ROOT / "docs" / "protocol.md").read_text("utf-8")
    for name, entry in reference.items():
        base = (
            name.split(".")[0] + ".<"
            if name.startswith(("type_score.", "emotion_score."))
            else name
        )
        assert f"`{base}" in docs, name
        assert entry["operators"]
    assert reference["author.hidden_count"]["default"] == 0
    assert reference["urgency"]["operators"] == [
        "eq",
        "ne",
        "gt",
        "gte",
        "lt",
        "lte",
        "in",
        "not_in",
    ]
    json.dumps(list(reference.values()))


def test_cached_protocol_compiles_each_text_once() -> None:
    from nabij.protocol import cached_protocol, default_protocol_text

    text = default_protocol_text()
    assert cached_protocol(text) is cached_protocol(text)


def test_fields_command_lists_fields_and_actions(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["protocol", "fields"]) == 0
    out = capsys.readouterr().out
    assert "author.flagged_abuser" in out and "default false" in out
    assert "urgency" in out and "laag, normaal, hoog, acuut" in out
    assert "actions: beantwoorden" in out
    assert main(["protocol", "fields", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert "verbergen" in data["actions"]
    assert any(field["name"] == "type_score.aanval" for field in data["fields"])

"""The README documents every setting and every console subcommand."""

from __future__ import annotations

from pathlib import Path

from nabij.cli import build_parser
from nabij.config import SETTINGS_TABLE

ROOT = Path(__file__).resolve().parents[2]


def test_every_setting_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [name for name, _, _ in SETTINGS_TABLE if f"`{name}`" not in readme]
    assert missing == []


def test_every_top_level_command_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    missing = [name for name in commands if f"nabij {name}" not in readme]
    assert missing == []

"""A production start with unsafe settings refuses to run, with a clear message."""

from __future__ import annotations

import subprocess
import sys

import pytest

from nabij.config import DEFAULT_SECRET_KEY, ConfigError, load_config

GOOD = {
    "NABIJ_ENV": "production",
    "NABIJ_SECRET_KEY": "x" * 50,
    "NABIJ_DEBUG": "off",
    "NABIJ_ALLOWED_HOSTS": "webcare.lindewaard.example",
}


def test_a_safe_production_config_loads() -> None:
    config = load_config(GOOD)
    assert config.allowed_hosts == ["webcare.lindewaard.example"]
    assert config.secure_cookies is True
    assert config.database_url.startswith("sqlite:///")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"NABIJ_SECRET_KEY": DEFAULT_SECRET_KEY}, "NABIJ_SECRET_KEY"),
        ({"NABIJ_SECRET_KEY": ""}, "NABIJ_SECRET_KEY"),
        ({"NABIJ_DEBUG": "on"}, "NABIJ_DEBUG is on"),
        ({"NABIJ_ALLOWED_HOSTS": ""}, "NABIJ_ALLOWED_HOSTS is empty"),
        ({"NABIJ_TASK_BACKEND": "celery"}, "NABIJ_TASK_BACKEND"),
        ({"NABIJ_DEBUG": "misschien"}, "NABIJ_DEBUG"),
    ],
)
def test_unsafe_production_settings_are_refused(change: dict[str, str], expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_config({**GOOD, **change})
    assert expected in str(info.value)
    assert "refuses to start" in str(info.value)


def test_development_defaults_need_no_configuration() -> None:
    config = load_config({})
    assert config.debug is True
    assert "127.0.0.1" in config.allowed_hosts
    assert config.time_zone == "Europe/Amsterdam"


def test_the_command_prints_the_problem_instead_of_a_traceback(tmp_path) -> None:
    env = {"NABIJ_ENV": "production", "NABIJ_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run(
        [sys.executable, "-m", "nabij.cli", "audit", "verify"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "NABIJ_SECRET_KEY" in proc.stderr
    assert "Traceback" not in proc.stderr

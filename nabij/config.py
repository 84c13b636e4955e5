"""Configuration read once from the environment and validated at start-up.

Every setting Nabij reads is listed in `SETTINGS_TABLE`, which also feeds the
configuration table in the README. A production start with an unsafe setting
refuses to run with a clear message instead of starting half-secure.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_SECRET_KEY = "nabij-development-only-secret-key-do-not-use-in-production"  # noqa: S105

BASE_DIR = Path(__file__).resolve().parent.parent

# name, default, description
SETTINGS_TABLE: list[tuple[str, str, str]] = [
    (
        "NABIJ_ENV",
        "development",
        "development, test or production; production enforces safe settings",
    ),
    (
        "NABIJ_SECRET_KEY",
        "(development key)",
        "secret for sessions and signatures; required in production",
    ),
    ("NABIJ_DEBUG", "on in development", "Django debug pages; must be off in production"),
    (
        "NABIJ_ALLOWED_HOSTS",
        "localhost,127.0.0.1",
        "comma-separated host names; required in production",
    ),
    (
        "DATABASE_URL",
        "sqlite:///var/nabij.sqlite3",
        "database; postgres://user@host/db for PostgreSQL",
    ),
    ("NABIJ_DATA_DIR", "var/", "where the SQLite file, attachments and reports live"),
    (
        "NABIJ_TASK_BACKEND",
        "database",
        "database (worker polls the DB), immediate (run inline) or rq",
    ),
    ("REDIS_URL", "redis://127.0.0.1:6379/0", "Redis for the rq task backend"),
    ("NABIJ_TIME_ZONE", "Europe/Amsterdam", "the organisation's time zone"),
    ("NABIJ_LANGUAGE", "nl", "default interface language (nl or en)"),
    ("NABIJ_EMAIL_HOST", "localhost", "SMTP host for notifications and breach alerts"),
    ("NABIJ_EMAIL_PORT", "25", "SMTP port"),
    ("NABIJ_EMAIL_FROM", "webcare@localhost", "sender address of Nabij's own e-mails"),
    (
        "NABIJ_CSRF_TRUSTED_ORIGINS",
        "",
        "comma-separated origins behind a proxy (https://nabij.example.nl)",
    ),
    ("NABIJ_SECURE_COOKIES", "on in production", "send cookies over HTTPS only"),
]


class ConfigError(Exception):
    """A setting is missing or unsafe; the message says which and how to fix it."""


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value.strip() == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on", "ja"}:
        return True
    if lowered in {"0", "false", "no", "off", "nee"}:
        return False
    raise ConfigError(f"cannot read {value!r} as on/off")


def _csv(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


@dataclass(frozen=True)
class Config:
    """The validated environment."""

    env: str
    secret_key: str
    debug: bool
    allowed_hosts: list[str]
    database_url: str
    data_dir: Path
    task_backend: str
    redis_url: str
    time_zone: str
    language: str
    email_host: str
    email_port: int
    email_from: str
    csrf_trusted_origins: list[str]
    secure_cookies: bool


def load_config(environ: os._Environ[str] | dict[str, str] | None = None) -> Config:
    """Read and validate the environment; raise ConfigError with every problem found."""
    env_vars = os.environ if environ is None else environ
    env = env_vars.get("NABIJ_ENV", "development").strip().lower()
    problems: list[str] = []
    if env not in {"development", "test", "production"}:
        problems.append(f"NABIJ_ENV must be development, test or production, not {env!r}")
    production = env == "production"
    data_dir = Path(env_vars.get("NABIJ_DATA_DIR") or BASE_DIR / "var")
    secret_key = env_vars.get("NABIJ_SECRET_KEY") or DEFAULT_SECRET_KEY
    try:
        debug = _flag(env_vars.get("NABIJ_DEBUG"), default=env == "development")
    except ConfigError as exc:
        problems.append(f"NABIJ_DEBUG: {exc}")
        debug = False
    allowed_hosts = _csv(env_vars.get("NABIJ_ALLOWED_HOSTS"))
    if production:
        if secret_key == DEFAULT_SECRET_KEY or len(secret_key) < 32:
            problems.append(
                "NABIJ_SECRET_KEY is not set or is the development key (or shorter than 32 "
                "characters); generate one with: python -c 'import secrets; "
                "print(secrets.token_urlsafe(50))'"
            )
        if debug:
            problems.append("NABIJ_DEBUG is on; switch it off in production (NABIJ_DEBUG=off)")
        if not allowed_hosts:
            problems.append(
                "NABIJ_ALLOWED_HOSTS is empty; list the host names Nabij is served on, "
                "e.g. NABIJ_ALLOWED_HOSTS=webcare.gemeente.nl"
            )
    elif not allowed_hosts:
        allowed_hosts = ["localhost", "127.0.0.1", "[::1]", "testserver"]
    task_backend = env_vars.get("NABIJ_TASK_BACKEND", "database").strip().lower()
    if task_backend not in {"database", "immediate", "rq"}:
        problems.append(
            f"NABIJ_TASK_BACKEND must be database, immediate or rq, not {task_backend!r}"
        )
    language = env_vars.get("NABIJ_LANGUAGE", "nl").strip().lower()
    if language not in {"nl", "en"}:
        problems.append(f"NABIJ_LANGUAGE must be nl or en, not {language!r}")
    try:
        email_port = int(env_vars.get("NABIJ_EMAIL_PORT", "25"))
    except ValueError:
        problems.append("NABIJ_EMAIL_PORT must be a number")
        email_port = 25
    try:
        secure_cookies = _flag(env_vars.get("NABIJ_SECURE_COOKIES"), default=production)
    except ConfigError as exc:
        problems.append(f"NABIJ_SECURE_COOKIES: {exc}")
        secure_cookies = production
    if problems:
        raise ConfigError(
            "Nabij refuses to start with this configuration:\n  - " + "\n  - ".join(problems)
        )
    default_db = f"sqlite:///{data_dir / 'nabij.sqlite3'}"
    return Config(
        env=env,
        secret_key=secret_key,
        debug=debug,
        allowed_hosts=allowed_hosts,
        database_url=env_vars.get("DATABASE_URL") or default_db,
        data_dir=data_dir,
        task_backend=task_backend,
        redis_url=env_vars.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        time_zone=env_vars.get("NABIJ_TIME_ZONE", "Europe/Amsterdam"),
        language=language,
        email_host=env_vars.get("NABIJ_EMAIL_HOST", "localhost"),
        email_port=email_port,
        email_from=env_vars.get("NABIJ_EMAIL_FROM", "webcare@localhost"),
        csrf_trusted_origins=_csv(env_vars.get("NABIJ_CSRF_TRUSTED_ORIGINS")),
        secure_cookies=secure_cookies,
    )

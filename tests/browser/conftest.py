"""Chromium through Playwright, against Django's live server, with an axe-core helper."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("NABIJ_CHROMIUM", "/usr/bin/chromium")

# Playwright's sync API runs an event loop in this thread; Django's ORM calls in the
# test body are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")


def run_axe(page: Any, tags: tuple[str, ...]) -> dict[str, list[dict[str, Any]]]:
    """Run axe-core with the rules of these tags; return its violations and incomplete checks."""
    # Loaded from the app itself, so the strict Content-Security-Policy stays on.
    origin = "/".join(page.url.split("/")[:3])
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(url=f"{origin}/static/vendor/axe/axe.min.js")
    result = page.evaluate(
        """async (tags) => {
          const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
          const shape = v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5),
            reasons: v.nodes.map(n => n.any[0] ? n.any[0].message : '').slice(0, 5)});
          return {violations: r.violations.map(shape), incomplete: r.incomplete.map(shape)};
        }""",
        list(tags),
    )
    return {"violations": list(result["violations"]), "incomplete": list(result["incomplete"])}


def check_accessibility(page: Any, *, extra_tags: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Run axe-core (WCAG 2.1 A/AA rules, plus extra_tags) on the page; return the violations."""
    violations = run_axe(page, (*WCAG_TAGS, *extra_tags))["violations"]
    return [{k: v for k, v in found.items() if k != "reasons"} for found in violations]


def login(page: Any, base_url: str, username: str, password: str) -> None:
    """Log in through the real form."""
    page.goto(f"{base_url}/login/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{base_url}/inbox/")

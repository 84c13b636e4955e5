"""Analysts read the dashboard, patterns and heartbeat in Chromium; every page passes axe."""

from __future__ import annotations

from datetime import timedelta

import pytest

from nabij.actions.analysis import do_analyse_messages
from nabij.actions.detection import do_store_patterns
from nabij.actions.ingest import IngestItem, do_ingest_messages, get_or_create_channel
from nabij.actions.rollups import do_refresh_rollups
from nabij.actions.users import do_create_user
from nabij.models import Pattern
from tests.browser.conftest import check_accessibility, login
from tests.foundation.factories import BASE_TIME
from tests.support.analysis import KeywordAnalyser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _data() -> Pattern:
    channel = get_or_create_channel("mastodon")
    kinds = ["melding", "vraag", "klacht", "mening"]
    results = do_ingest_messages(
        channel,
        [
            IngestItem(
                external_id=str(i),
                author_handle=f"@p{i}@x",
                text=f"{kinds[i % 4]} de lantaarnpaal in de Wiekstraat is kapot ({i})",
                sent_at=BASE_TIME + timedelta(hours=7 * i),
            )
            for i in range(40)
        ],
        queue_analysis=False,
    )
    do_analyse_messages([r.message.pk for r in results], analyser=KeywordAnalyser())
    do_refresh_rollups()
    keys = [f"mastodon:{i}" for i in range(0, 40, 4)]
    do_store_patterns(
        {
            "patterns": [
                {
                    "kind": "pattern",
                    "title": "Patroon in Molenkwartier: lantaarnpaal, wiekstraat",
                    "topic": "afval",
                    "start": BASE_TIME.isoformat(),
                    "end": (BASE_TIME + timedelta(days=10)).isoformat(),
                    "score": 7.5,
                    "messages": keys,
                    "trend": [
                        {"date": "2026-10-05", "count": 3},
                        {"date": "2026-10-06", "count": 2},
                    ],
                    "area": "Molenkwartier",
                }
            ]
        }
    )
    return Pattern.objects.get()


def test_an_analyst_reads_signals_and_every_page_is_accessible(live_server, page) -> None:
    pattern = _data()
    do_create_user("daan", "Sterk-wachtwoord-42", role="analyst", first_name="Daan")
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Gebruikersnaam").fill("daan")
    page.get_by_label("Wachtwoord").fill("Sterk-wachtwoord-42")
    page.get_by_role("button", name="Inloggen").click()
    page.goto(f"{live_server.url}/signalen/?van=2026-10-01&tot=2026-10-20")
    assert page.get_by_role("heading", name="Signalen", exact=True).is_visible()
    page.wait_for_function("document.querySelectorAll('canvas').length >= 3")
    assert check_accessibility(page) == []
    page.get_by_role("link", name="Patronen", exact=True).first.click()
    page.get_by_role("link", name=pattern.title).click()
    assert page.get_by_text("Molenkwartier").first.is_visible()
    assert check_accessibility(page) == []
    page.goto(f"{live_server.url}/signalen/hartslag/?week=2026-W41")
    assert page.get_by_role("heading", name="Hartslag", exact=False).is_visible()
    assert check_accessibility(page) == []


def test_login_helper_is_shared(live_server, page) -> None:
    do_create_user("sanne", "Sterk-wachtwoord-42", role="agent")
    login(page, live_server.url, "sanne", "Sterk-wachtwoord-42")
    assert "/inbox/" in page.url

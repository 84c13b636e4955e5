"""A Mastodon account's statuses served by the connectors' loopback test server.

`GET /api/v1/accounts/verify_credentials` and `GET /api/v1/accounts/<id>/statuses`
(newest first, `max_id` paging, a Link header as Mastodon sends it), from the fixture
`own_statuses_window.json`. Statuses can be changed between runs and a page can be made to
answer 429 with Retry-After.
"""

from __future__ import annotations

import copy
import datetime as dt
import sys
import threading
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "connectors"))

from connector_testkit import LocalServer, Reply, Request, load_fixture

ACCOUNT_ID = "1"
STATUSES_PATH = f"/api/v1/accounts/{ACCOUNT_ID}/statuses"


class MastodonStatuses:
    """The fake server's state: the account's statuses and the faults to answer with."""

    def __init__(self, server: LocalServer, page_size: int = 4, shift_days: int = 0) -> None:
        self.server = server
        self.page_size = page_size
        self.items: list[Any] = copy.deepcopy(load_fixture("mastodon", "own_statuses_window.json"))
        if shift_days:
            self.shift(dt.timedelta(days=shift_days))
        self.fail_pages: dict[int, Reply] = {}  # page number (1-based) -> refusal
        self.pages_served = 0
        self.lock = threading.Lock()
        server.route(
            "GET",
            "/api/v1/accounts/verify_credentials",
            lambda req: Reply(200, load_fixture("mastodon", "verify_credentials.json")),
        )
        server.route("GET", STATUSES_PATH, self.statuses)

    def shift(self, delta: dt.timedelta) -> None:
        """Move every status in time (for tests that run on today's clock)."""
        for item in self.items:
            if isinstance(item, dict) and isinstance(item.get("created_at"), str):
                when = dt.datetime.fromisoformat(item["created_at"].replace("Z", "+00:00"))
                item["created_at"] = (when + delta).isoformat()

    def status(self, status_id: str) -> dict[str, Any]:
        """The stored status with this id (to change its counts)."""
        return next(i for i in self.items if isinstance(i, dict) and i.get("id") == status_id)

    def remove(self, status_id: str) -> None:
        """Delete a status, as the organisation would on the platform."""
        self.items.remove(self.status(status_id))

    def statuses(self, req: Request) -> Reply:
        with self.lock:
            self.pages_served += 1
            page = self.pages_served
            if page in self.fail_pages:
                return self.fail_pages[page]
            start = 0
            max_id = (req.query.get("max_id") or [None])[0]
            if max_id is not None:
                ids = [i.get("id") if isinstance(i, dict) else None for i in self.items]
                start = ids.index(max_id) + 1 if max_id in ids else len(self.items)
            limit = min(int((req.query.get("limit") or ["20"])[0]), self.page_size)
            chunk = self.items[start : start + limit]
        headers = {}
        last = next((i for i in reversed(chunk) if isinstance(i, dict) and "id" in i), None)
        if last is not None:
            link = f"{self.server.url}{STATUSES_PATH}?max_id={last['id']}"
            headers["Link"] = f'<{link}>; rel="next"'
        return Reply(200, chunk, headers)


def statuses_requests(server: LocalServer) -> list[Request]:
    """The statuses requests the server received, in order."""
    return [r for r in server.requests if r.path == STATUSES_PATH]

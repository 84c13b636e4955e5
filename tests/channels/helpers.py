"""A Mastodon-like server on the connectors' loopback test server, and channel builders."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

from connector_testkit import LocalServer, Reply, Request

from nabij.actions.channels import do_configure_channel
from nabij.models import Channel

BASE_TIME = dt.datetime(2026, 10, 5, 8, 0, tzinfo=dt.UTC)


class MastodonServer:
    """`GET /api/v1/notifications` (min_id paging) and `POST /api/v1/statuses`."""

    def __init__(self, server: LocalServer) -> None:
        self.server = server
        self.items: list[dict[str, Any]] = []
        self.posted: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        server.route("GET", "/api/v1/notifications", self.notifications)
        server.route("POST", "/api/v1/statuses", self.post_status)

    def add(self, count: int) -> None:
        with self.lock:
            for _ in range(count):
                n = len(self.items) + 1
                status = {
                    "id": str(9000 + n),
                    "created_at": (BASE_TIME + dt.timedelta(seconds=n)).isoformat(),
                    "visibility": "public",
                    "content": f"<p>@gemeente de lantaarnpaal bij huisnummer {n} is kapot</p>",
                    "account": {"id": str(n), "acct": f"inwoner{n}@social.example"},
                }
                self.items.append({"id": str(1000 + n), "type": "mention", "status": status})

    def status_ids(self) -> set[str]:
        return {i["status"]["id"] for i in self.items}

    def notifications(self, req: Request) -> Reply:
        limit = int(req.query.get("limit", ["40"])[0])
        with self.lock:
            items = list(self.items)
        if "min_id" in req.query:
            after = int(req.query["min_id"][0])
            page = [i for i in items if int(i["id"]) > after][:limit]
        else:
            page = items[-limit:]
        return Reply(200, list(reversed(page)))

    def post_status(self, req: Request) -> Reply:
        body = req.json()
        with self.lock:
            key = req.headers.get("idempotency-key", "")
            for earlier in self.posted:
                if key and earlier["key"] == key:  # Mastodon answers a repeat with the first
                    return Reply(200, {"id": earlier["id"], "url": earlier["url"]})
            new_id = str(50_000 + len(self.posted))
            url = f"https://social.example/@gemeente/{new_id}"
            self.posted.append({"key": key, "id": new_id, "url": url, "body": body})
        return Reply(200, {"id": new_id, "url": url})


def mastodon_channel(server: LocalServer, slug: str = "mastodon-gemeente") -> Channel:
    return do_configure_channel(
        None,
        kind="mastodon",
        slug=slug,
        name="Mastodon gemeente",
        config={"base_url": server.url},
        secrets={"access_token": "test-token-abc"},
    )

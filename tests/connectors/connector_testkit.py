"""Shared test helpers: a recording fake HTTP client and a real loopback HTTP server."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from nabij.connectors.http import HttpResponse, check_response

FIXTURES = Path(__file__).resolve().parents[2] / "nabij" / "connectors"


def load_fixture(channel: str, name: str) -> Any:
    """Read a JSON fixture file of a connector package."""
    return json.loads((FIXTURES / channel / "fixtures" / name).read_text(encoding="utf-8"))


def fixture_bytes(channel: str, name: str) -> bytes:
    """Read a fixture file as bytes."""
    return (FIXTURES / channel / "fixtures" / name).read_bytes()


@dataclass
class Call:
    method: str
    url: str
    params: Mapping[str, Any] | None
    json_body: Any
    headers: Mapping[str, str]


@dataclass
class FakeHttp:
    """Returns queued responses in order and records every request."""

    responses: deque[HttpResponse] = field(default_factory=deque)
    calls: list[Call] = field(default_factory=list)

    def add(self, status: int, body: Any = None, headers: Mapping[str, str] | None = None) -> None:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.responses.append(HttpResponse(status, dict(headers or {}), raw))

    def request(self, method: str, url: str, *, params=None, json_body=None, headers=None):
        self.calls.append(Call(method, url, params, json_body, dict(headers or {})))
        return check_response(self.responses.popleft())


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body.decode() or "null")


class RawBody(str):
    """A response body sent as it is, not as JSON (event streams, feeds)."""


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[Request], Reply]
FAULTS = ("drop", "slow", "429", "500", "garbage", "truncate", "html")


class LocalServer:
    """A real HTTP server on 127.0.0.1 with routes and injectable faults."""

    def __init__(self, slow_seconds: float = 1.5) -> None:
        self.routes: dict[tuple[str, str], Handler] = {}
        self.faults: deque[str] = deque()
        self.requests: list[Request] = []
        self.slow_seconds = slow_seconds
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def route(self, method: str, path: str, handler: Handler) -> None:
        self.routes[(method, path)] = handler

    def inject(self, *faults: str) -> None:
        """Queue faults; each one replaces the next response."""
        for fault in faults:
            assert fault in FAULTS, fault
            self.faults.append(fault)

    def _next_fault(self) -> str | None:
        with self.lock:
            return self.faults.popleft() if self.faults else None

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class H(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
                pass

            def _serve(self) -> None:
                parsed = urlparse(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                req = Request(
                    self.command,
                    parsed.path,
                    parse_qs(parsed.query),
                    {k.lower(): v for k, v in self.headers.items()},
                    self.rfile.read(length) if length else b"",
                )
                with server.lock:
                    server.requests.append(req)
                fault = server._next_fault()
                if fault == "drop":
                    self.connection.shutdown(socket.SHUT_RDWR)
                    self.close_connection = True
                    return
                if fault == "slow":
                    time.sleep(server.slow_seconds)
                handler = server.routes.get((self.command, parsed.path))
                # A refused request (429/500) is not processed; the others are.
                if fault == "429":
                    reply = Reply(429, {"error": "rate limited"}, {"Retry-After": "7"})
                elif fault == "500":
                    reply = Reply(500, {"error": "boom"})
                else:
                    reply = handler(req) if handler else Reply(404, {"error": "not found"})
                if isinstance(reply.body, RawBody):
                    body = reply.body.encode()
                else:
                    body = json.dumps(reply.body).encode() if reply.body is not None else b""
                if fault == "garbage":
                    body = b'{"id": "1", "unterminated'
                elif fault == "html":
                    body = b"<html><body>Bad gateway</body></html>"
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                for k, v in reply.headers.items():
                    self.send_header(k, v)
                if fault == "truncate":
                    self.send_header("Content-Length", str(len(body) + 100))
                    self.end_headers()
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    self.connection.shutdown(socket.SHUT_RDWR)
                    self.close_connection = True
                    return
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _serve_quietly(self) -> None:
                try:
                    self._serve()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test); nothing to answer

            do_GET = _serve_quietly
            do_POST = _serve_quietly
            do_DELETE = _serve_quietly

        return H

    def __enter__(self) -> LocalServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

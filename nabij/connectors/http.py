"""The small HTTP client that connectors receive, its error mapping, and retry timing.

Connectors never create clients themselves: the caller passes an `HttpClient`, in
production `HttpxClient`, in tests one pointed at a local server. Every non-2xx answer,
timeout, dropped connection or unreadable body becomes a `TemporaryError` (retry, with
Retry-After honoured) or a `PermanentError` (do not retry).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import random
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from nabij.connectors.base import PermanentError, TemporaryError

DEFAULT_TIMEOUT = 15.0
MAX_BODY = 10 * 1024 * 1024  # a connector never needs more; larger bodies are refused
MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class HttpResponse:
    """A completed response: status, lower-cased headers and the body bytes."""

    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""

    def json(self) -> Any:
        """Decode the body as JSON; garbage is a TemporaryError (the server misbehaved)."""
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise TemporaryError(f"unreadable JSON ({exc.__class__.__name__})") from None

    def json_object(self) -> dict[str, Any]:
        """Decode the body as a JSON object, else TemporaryError."""
        data = self.json()
        if not isinstance(data, dict):
            raise TemporaryError("expected a JSON object from server")
        return data

    def json_list(self) -> list[Any]:
        """Decode the body as a JSON array, else TemporaryError."""
        data = self.json()
        if not isinstance(data, list):
            raise TemporaryError("expected a JSON array from server")
        return data


class HttpClient(Protocol):
    """What connectors call; implementations raise TemporaryError/PermanentError."""

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> HttpResponse:
        """Perform one request and return a 2xx response."""
        ...


def parse_retry_after(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Read a Retry-After header (seconds or an HTTP date) as seconds from now."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(min(int(value), 86400))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    now = now or dt.datetime.now(dt.UTC)
    return max(0.0, min((when - now).total_seconds(), 86400.0))


def check_response(response: HttpResponse, now: dt.datetime | None = None) -> HttpResponse:
    """Return a 2xx/304 response; map 429/5xx to TemporaryError and other 4xx to PermanentError."""
    status = response.status
    if 200 <= status < 300 or status == 304:  # 304: a conditional GET found nothing new
        return response
    retry_after = parse_retry_after(response.headers.get("retry-after"), now)
    if retry_after is None:
        # Mastodon announces the end of a rate-limit window in X-RateLimit-Reset instead.
        retry_after = parse_reset_time(response.headers.get("x-ratelimit-reset"), now)
    if status == 429 or status == 408 or status >= 500:
        raise TemporaryError(f"server answered {status}", retry_after=retry_after)
    message, code = _error_summary(response.body)
    raise PermanentError(f"server answered {status}: {message}", status=status, code=code)


def parse_reset_time(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Seconds until an ISO 8601 or epoch-seconds reset time; None when unreadable."""
    if not value:
        return None
    now = now or dt.datetime.now(dt.UTC)
    try:
        if value.strip().isdigit():
            when = dt.datetime.fromtimestamp(int(value.strip()), dt.UTC)
        else:
            when = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except (ValueError, OverflowError, OSError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, min((when - now).total_seconds(), 86400.0))


def _error_summary(body: bytes) -> tuple[str, str]:
    """A short, safe description of an error body (platform message and code only)."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return "no readable error message", ""
    if not isinstance(data, dict):
        return "no readable error message", ""
    err = data.get("error")
    code = ""
    if isinstance(err, dict):
        code = str(err.get("code", "")) if isinstance(err.get("code"), int | str) else ""
        err = err.get("message")
    msg = err if isinstance(err, str) else data.get("message")
    return (msg[:200] if isinstance(msg, str) else "no readable error message"), code


class HttpxClient:
    """`HttpClient` on top of `httpx.Client`, with timeouts and the error mapping."""

    def __init__(self, client: Any = None, timeout: float = DEFAULT_TIMEOUT) -> None:
        import httpx  # imported here so pure users of this module need not have httpx

        self._httpx = httpx
        self._client = client or httpx.Client(timeout=timeout, follow_redirects=False)

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> HttpResponse:
        """Perform one request; see the module docstring for the error mapping."""
        httpx = self._httpx
        try:
            with self._client.stream(
                method, url, params=params, json=json_body, headers=headers
            ) as resp:
                body = _read_bounded(resp)
                result = HttpResponse(
                    status=resp.status_code,
                    headers={k.lower(): v for k, v in resp.headers.items()},
                    body=body,
                )
        except httpx.TimeoutException:
            raise TemporaryError("timed out talking to server") from None
        except httpx.TransportError as exc:
            # Dropped connections and truncated bodies land here.
            raise TemporaryError(f"connection problem ({exc.__class__.__name__})") from None
        except httpx.InvalidURL:
            raise PermanentError("invalid server URL") from None
        return check_response(result)

    def stream_lines(
        self, url: str, *, headers: Mapping[str, str] | None = None, seconds: float = 60.0
    ) -> Iterator[str]:
        """Follow a streaming response line by line for at most `seconds`."""
        return _stream_lines(self._client, self._httpx, url, headers, seconds)

    def close(self) -> None:
        """Close the underlying connection pool."""
        self._client.close()


class LineStreamer(Protocol):
    """A client that can follow a long-lived response line by line (server-sent events)."""

    def stream_lines(
        self, url: str, *, headers: Mapping[str, str] | None = None, seconds: float = 60.0
    ) -> Iterator[str]:
        """Yield response lines for at most `seconds`; errors as Temporary/PermanentError."""
        ...


def _stream_lines(
    client: Any, httpx: Any, url: str, headers: Mapping[str, str] | None, seconds: float
) -> Iterator[str]:
    deadline = time.monotonic() + seconds
    timeout = httpx.Timeout(DEFAULT_TIMEOUT, read=max(0.05, min(seconds, 30.0)))
    try:
        with client.stream("GET", url, headers=headers, timeout=timeout) as resp:
            if resp.status_code != 200:
                check_response(HttpResponse(resp.status_code, dict(resp.headers), resp.read()))
            for line in resp.iter_lines():
                yield line
                if time.monotonic() >= deadline:
                    return
    except httpx.ReadTimeout:
        return  # quiet for the whole window: nothing happened
    except httpx.TimeoutException:
        raise TemporaryError("timed out opening the stream") from None
    except httpx.TransportError as exc:
        raise TemporaryError(f"stream connection problem ({exc.__class__.__name__})") from None


def _read_bounded(resp: Any) -> bytes:
    chunks: list[bytes] = []
    size = 0
    for chunk in resp.iter_bytes():
        size += len(chunk)
        if size > MAX_BODY:
            raise TemporaryError("response body too large")
        chunks.append(chunk)
    return b"".join(chunks)


def retry_schedule(
    attempt: int,
    rng: random.Random,
    base: float = 30.0,
    cap: float = 6 * 3600.0,
) -> float:
    """Seconds to wait before retry number `attempt` (0-based): exponential, jittered."""
    attempt = max(0, attempt)
    ceiling = min(cap, base * (2.0 ** min(attempt, 30)))
    # "Equal jitter": at least half the ceiling, so retries never bunch up at zero.
    return ceiling / 2 + rng.random() * ceiling / 2


@dataclass(frozen=True)
class RetryDecision:
    """What to do with a reply after a failed send."""

    state: Literal["queued", "failed"]
    delay: float | None
    error: str


def after_send_failure(
    attempt: int,
    error: Exception,
    rng: random.Random,
    max_attempts: int = MAX_ATTEMPTS,
) -> RetryDecision:
    """Decide whether a failed reply is retried (and when) or marked failed, with the error."""
    if isinstance(error, TemporaryError) and attempt + 1 < max_attempts:
        delay = retry_schedule(attempt, rng)
        if error.retry_after is not None:
            delay = max(delay, error.retry_after)
        return RetryDecision("queued", delay, str(error))
    if isinstance(error, PermanentError):
        return RetryDecision("failed", None, error.reason)
    return RetryDecision("failed", None, f"gave up after {attempt + 1} attempts: {error}")

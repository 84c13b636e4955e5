"""Deadline arithmetic in business hours: open time only, with pauses, DST-safe."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

from nabij.businesstime.office import OfficeHours

# Searching further than this for open time means the configuration has none.
MAX_SEARCH_DAYS = 3 * 366
_HOUR = dt.timedelta(hours=1)
# No protocol deadline is this long; the cap keeps junk input from looping for ages.
MAX_HOURS = 10_000

Span = tuple[dt.datetime, dt.datetime]


class NoOpenTimeError(ValueError):
    """Raised when no open time exists within the search horizon."""


def _require_aware(value: dt.datetime, name: str) -> dt.datetime:
    if not isinstance(value, dt.datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")
    return value.astimezone(dt.UTC)


def _open_spans(office: OfficeHours, start_utc: dt.datetime) -> Iterator[Span]:
    """Yield open spans (UTC) from start_utc onwards, clipped at the start."""
    if not office.has_any_open_time():
        raise NoOpenTimeError("office hours have no open interval on any weekday")
    day = start_utc.astimezone(office.tz).date() - dt.timedelta(days=1)
    empty_days = 0
    while empty_days <= MAX_SEARCH_DAYS:
        found = False
        for a, b in office.local_intervals(day):
            if b <= start_utc:
                continue
            found = True
            yield max(a, start_utc), b
        empty_days = 0 if found else empty_days + 1
        day += dt.timedelta(days=1)
    raise NoOpenTimeError(f"no open time within {MAX_SEARCH_DAYS} days")


def _subtract(span: Span, pauses: Sequence[Span]) -> list[Span]:
    """Remove the (sorted, merged) pauses from one span."""
    pieces = [span]
    for p_start, p_end in pauses:
        next_pieces = []
        for a, b in pieces:
            if p_end <= a or p_start >= b:
                next_pieces.append((a, b))
                continue
            if a < p_start:
                next_pieces.append((a, p_start))
            if p_end < b:
                next_pieces.append((p_end, b))
        pieces = next_pieces
    return pieces


def _merge_pauses(pauses: Sequence[tuple[dt.datetime, dt.datetime]]) -> list[Span]:
    cleaned = sorted(
        (_require_aware(a, "pause start"), _require_aware(b, "pause end")) for a, b in pauses
    )
    merged: list[Span] = []
    for a, b in cleaned:
        if b <= a:
            continue
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def _counted_spans(
    office: OfficeHours, start_utc: dt.datetime, pauses: list[Span]
) -> Iterator[Span]:
    for span in _open_spans(office, start_utc):
        yield from _subtract(span, pauses)


def is_open(when: dt.datetime, office_hours: OfficeHours | None = None) -> bool:
    """True when the office is open at this moment."""
    office = office_hours or OfficeHours()
    moment = _require_aware(when, "when")
    day = moment.astimezone(office.tz).date()
    return any(a <= moment < b for a, b in office.local_intervals(day))


def next_open(when: dt.datetime, office_hours: OfficeHours | None = None) -> dt.datetime:
    """The first open moment at or after `when`, in the organisation's time zone."""
    office = office_hours or OfficeHours()
    moment = _require_aware(when, "when")
    start, _ = next(_open_spans(office, moment))
    return start.astimezone(office.tz)


def deadline_with_pauses(
    start: dt.datetime,
    hours: float,
    pauses: Sequence[tuple[dt.datetime, dt.datetime]],
    office_hours: OfficeHours | None = None,
) -> dt.datetime:
    """Add business hours to `start`, not counting time inside the pauses."""
    office = office_hours or OfficeHours()
    moment = _require_aware(start, "start")
    if isinstance(hours, bool) or not isinstance(hours, int | float):
        raise ValueError("hours must be a number")
    if not 0 <= hours <= MAX_HOURS:
        raise ValueError(f"hours must be between 0 and {MAX_HOURS}")
    if hours == 0:
        return moment.astimezone(office.tz)
    remaining = dt.timedelta(hours=float(hours))
    for a, b in _counted_spans(office, moment, _merge_pauses(pauses)):
        if b - a >= remaining:
            return (a + remaining).astimezone(office.tz)
        remaining -= b - a
    raise NoOpenTimeError("ran out of open time")  # pragma: no cover - generator raises first


def add_business_hours(
    start: dt.datetime, hours: float, office_hours: OfficeHours | None = None
) -> dt.datetime:
    """The moment `hours` business hours after `start` (aware in, aware out)."""
    return deadline_with_pauses(start, hours, (), office_hours)


def business_hours_between(
    start: dt.datetime,
    end: dt.datetime,
    office_hours: OfficeHours | None = None,
    pauses: Sequence[tuple[dt.datetime, dt.datetime]] = (),
) -> float:
    """Business hours from `start` to `end` (negative when end is before start)."""
    office = office_hours or OfficeHours()
    a_utc, b_utc = _require_aware(start, "start"), _require_aware(end, "end")
    if b_utc < a_utc:
        return -business_hours_between(end, start, office, pauses)
    total = dt.timedelta(0)
    if not office.has_any_open_time():
        return 0.0
    for a, b in _counted_spans(office, a_utc, _merge_pauses(pauses)):
        if a >= b_utc:
            break
        total += min(b, b_utc) - a
    return total / _HOUR

"""Office hours of an organisation: weekly opening intervals, time zone and closed days."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

DEFAULT_TIMEZONE = "Europe/Amsterdam"
WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_INTERVAL_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")

# An interval is (start minute, end minute) counted from local midnight; end may be 1440.
Interval = tuple[int, int]


class OfficeHoursError(ValueError):
    """Raised when an office-hours configuration cannot be understood."""


def parse_interval(text: str) -> Interval:
    """Parse "08:30-17:00" into minutes from midnight; "24:00" is allowed as an end."""
    match = _INTERVAL_RE.match(str(text))
    if not match:
        raise OfficeHoursError(f"not an interval like 08:30-17:00: {text!r}")
    h1, m1, h2, m2 = (int(part) for part in match.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if m1 > 59 or m2 > 59 or start >= 1440 or end > 1440 or end <= start:
        raise OfficeHoursError(f"interval out of range or empty: {text!r}")
    return start, end


def format_interval(interval: Interval) -> str:
    """Write minutes from midnight back as "08:30-17:00"."""
    (h1, m1), (h2, m2) = divmod(interval[0], 60), divmod(interval[1], 60)
    return f"{h1:02d}:{m1:02d}-{h2:02d}:{m2:02d}"


def _normalise_day(intervals: Iterable[Interval]) -> tuple[Interval, ...]:
    """Sort intervals and merge overlapping or touching ones."""
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


@lru_cache(maxsize=1)
def _dutch_holidays() -> holidays.HolidayBase:
    # Only the PUBLIC category: it has 5 May in lustrum years, and we add the other years
    # ourselves, so the result does not depend on how a `holidays` release sorts 5 May.
    return holidays.country_holidays("NL", categories=("public",), language="nl")


def easter_sunday(year: int) -> dt.date:
    """Western Easter Sunday (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return dt.date(year, month, day + 1)


@dataclass(frozen=True)
class OfficeHours:
    """When people read messages: weekly intervals in a time zone, minus closed days."""

    weekly: tuple[tuple[Interval, ...], ...] = field(
        default_factory=lambda: tuple(((510, 1020),) if day < 5 else () for day in range(7))
    )
    timezone: str = DEFAULT_TIMEZONE
    closed_dates: frozenset[dt.date] = frozenset()
    open_dates: frozenset[dt.date] = frozenset()
    public_holidays: bool = True
    liberation_day_every_year: bool = True
    good_friday_closed: bool = False

    def __post_init__(self) -> None:
        if len(self.weekly) != 7:
            raise OfficeHoursError("weekly needs exactly seven days (Monday first)")
        object.__setattr__(self, "weekly", tuple(_normalise_day(day) for day in self.weekly))
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise OfficeHoursError(f"unknown time zone: {self.timezone!r}") from exc

    @property
    def tz(self) -> ZoneInfo:
        """The organisation's time zone."""
        return ZoneInfo(self.timezone)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> OfficeHours:
        """Build office hours from a settings mapping (see docs/business-hours.md)."""
        weekly_in = data.get("weekly") or {}
        if not isinstance(weekly_in, Mapping):
            raise OfficeHoursError("weekly must map day keys (mon..sun) to interval lists")
        unknown = set(weekly_in) - set(WEEKDAY_KEYS)
        if unknown:
            raise OfficeHoursError(f"unknown day keys: {sorted(unknown)}")
        weekly = tuple(
            tuple(parse_interval(item) for item in (weekly_in.get(key) or ()))
            for key in WEEKDAY_KEYS
        )
        return cls(
            weekly=weekly,
            timezone=str(data.get("timezone", DEFAULT_TIMEZONE)),
            closed_dates=frozenset(_parse_dates(data.get("closed_dates", ()))),
            open_dates=frozenset(_parse_dates(data.get("open_dates", ()))),
            public_holidays=bool(data.get("public_holidays", True)),
            liberation_day_every_year=bool(data.get("liberation_day_every_year", True)),
            good_friday_closed=bool(data.get("good_friday_closed", False)),
        )

    def to_dict(self) -> dict[str, Any]:
        """The settings mapping that `from_dict` reads back (JSON-friendly)."""
        return {
            "timezone": self.timezone,
            "weekly": {
                key: [format_interval(interval) for interval in day]
                for key, day in zip(WEEKDAY_KEYS, self.weekly, strict=True)
                if day
            },
            "closed_dates": sorted(d.isoformat() for d in self.closed_dates),
            "open_dates": sorted(d.isoformat() for d in self.open_dates),
            "public_holidays": self.public_holidays,
            "liberation_day_every_year": self.liberation_day_every_year,
            "good_friday_closed": self.good_friday_closed,
        }

    def holiday_name(self, day: dt.date) -> str | None:
        """The Dutch public holiday on this date that closes the office, if any."""
        if not self.public_holidays or day in self.open_dates:
            return None
        if day == easter_sunday(day.year) - dt.timedelta(days=2) and not self.good_friday_closed:
            return None
        name = _dutch_holidays().get(day)
        if name is None and self.liberation_day_every_year and (day.month, day.day) == (5, 5):
            name = "Bevrijdingsdag"
        return str(name) if name is not None else None

    def is_closed_day(self, day: dt.date) -> bool:
        """True when the whole day is closed (extra closed date or public holiday)."""
        return day in self.closed_dates or self.holiday_name(day) is not None

    def local_intervals(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """Open intervals on a local date as aware UTC datetimes (empty on closed days)."""
        if self.is_closed_day(day):
            return []
        midnight = dt.datetime.combine(day, dt.time(0))
        result = []
        for start, end in self.weekly[day.weekday()]:
            # Wall-clock times, resolved in the zone; a DST gap is skipped by the round trip.
            a = _to_utc((midnight + dt.timedelta(minutes=start)).replace(tzinfo=self.tz))
            b = _to_utc((midnight + dt.timedelta(minutes=end)).replace(tzinfo=self.tz))
            if b > a:
                result.append((a, b))
        return result

    def has_any_open_time(self) -> bool:
        """True when at least one weekday has an opening interval."""
        return any(self.weekly)


def _to_utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC)


def _parse_dates(items: Iterable[Any]) -> Iterable[dt.date]:
    for item in items or ():
        if isinstance(item, dt.date):
            yield item
        else:
            try:
                yield dt.date.fromisoformat(str(item))
            except ValueError as exc:
                raise OfficeHoursError(f"not an ISO date: {item!r}") from exc

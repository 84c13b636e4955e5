"""Hypothesis properties of business-hours arithmetic."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from nabij.businesstime import OfficeHours, add_business_hours, business_hours_between, is_open

AMS = ZoneInfo("Europe/Amsterdam")
OFFICES = [
    OfficeHours(),
    OfficeHours.from_dict(
        {"weekly": {d: ["09:00-12:00", "13:00-17:00"] for d in ("mon", "tue", "wed", "thu", "fri")}}
    ),
    OfficeHours.from_dict({"weekly": {d: ["00:00-24:00"] for d in ("sat", "sun", "mon")}}),
]

starts = st.datetimes(
    min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2028, 12, 31), timezones=st.just(AMS)
)
hours = st.floats(min_value=0, max_value=120, allow_nan=False).map(lambda h: round(h, 4))
offices = st.sampled_from(OFFICES)


@settings(max_examples=150, deadline=None)
@given(starts, hours, hours, offices)
def test_monotonic(start, h1, h2, office):
    low, high = sorted((h1, h2))
    assert add_business_hours(start, low, office) <= add_business_hours(start, high, office)


@settings(max_examples=150, deadline=None)
@given(starts, hours.filter(lambda h: h > 0), offices)
def test_result_is_inside_office_hours(start, h, office):
    end = add_business_hours(start, h, office)
    # The deadline is the end of counted open time: open just before it.
    assert is_open(end - dt.timedelta(microseconds=1), office)
    assert end > start


@settings(max_examples=150, deadline=None)
@given(starts, hours, offices)
def test_between_inverts_add(start, h, office):
    end = add_business_hours(start, h, office)
    assert abs(business_hours_between(start, end, office) - h) < 1e-6


@settings(max_examples=100, deadline=None)
@given(starts, starts, offices)
def test_between_is_antisymmetric(a, b, office):
    assert business_hours_between(a, b, office) == -business_hours_between(b, a, office)

"""Business-hours arithmetic: weekends, Dutch holidays, DST, lunch breaks, pauses."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from nabij.businesstime import (
    NoOpenTimeError,
    OfficeHours,
    OfficeHoursError,
    add_business_hours,
    business_hours_between,
    deadline_with_pauses,
    human_deadline,
    is_open,
    next_open,
    outside_hours_notice,
    parse_interval,
)

AMS = ZoneInfo("Europe/Amsterdam")
WEEKDAYS_ONLY = OfficeHours()
LUNCH = OfficeHours.from_dict(
    {"weekly": {day: ["09:00-12:00", "13:00-17:00"] for day in ("mon", "tue", "wed", "thu", "fri")}}
)
ROUND_THE_CLOCK = OfficeHours.from_dict(
    {"weekly": {day: ["00:00-24:00"] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
     "public_holidays": False}
)  # fmt: skip


def ams(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=AMS)


def test_within_one_day():
    assert add_business_hours(ams(2026, 11, 18, 9, 0), 3) == ams(2026, 11, 18, 12, 0)


def test_friday_afternoon_rolls_over_the_weekend():
    # Friday 16:00 + 2h: one hour on Friday, one on Monday from 08:30.
    assert add_business_hours(ams(2026, 11, 20, 16, 0), 2) == ams(2026, 11, 23, 9, 30)


def test_start_on_saturday_begins_monday_morning():
    assert add_business_hours(ams(2026, 11, 21, 11, 0), 1) == ams(2026, 11, 23, 9, 30)


def test_zero_hours_returns_start_even_when_closed():
    start = ams(2026, 11, 21, 11, 0)
    assert add_business_hours(start, 0) == start


def test_fractional_hours():
    assert add_business_hours(ams(2026, 11, 18, 9, 0), 0.25) == ams(2026, 11, 18, 9, 15)


def test_lunch_break_is_skipped():
    assert add_business_hours(ams(2026, 11, 18, 11, 0), 2, LUNCH) == ams(2026, 11, 18, 14, 0)
    assert not is_open(ams(2026, 11, 18, 12, 30), LUNCH)
    assert next_open(ams(2026, 11, 18, 12, 30), LUNCH) == ams(2026, 11, 18, 13, 0)


def test_easter_monday_and_good_friday():
    # 2026: Good Friday 3 April (open by default), Easter Monday 6 April (closed).
    assert is_open(ams(2026, 4, 3, 10, 0))
    assert not is_open(ams(2026, 4, 6, 10, 0))
    assert add_business_hours(ams(2026, 4, 2, 16, 0), 2) == ams(2026, 4, 3, 9, 30)
    closed_friday = OfficeHours(good_friday_closed=True)
    assert add_business_hours(ams(2026, 4, 2, 16, 0), 2, closed_friday) == ams(2026, 4, 7, 9, 30)


def test_kings_day_on_sunday_moves_to_saturday_2025():
    assert WEEKDAYS_ONLY.holiday_name(dt.date(2025, 4, 26)) == "Koningsdag"
    assert WEEKDAYS_ONLY.holiday_name(dt.date(2025, 4, 27)) is None
    seven_days = OfficeHours.from_dict({"weekly": {d: ["09:00-17:00"] for d in ("sat", "sun")}})
    assert not is_open(ams(2025, 4, 26, 10, 0), seven_days)
    assert is_open(ams(2025, 4, 27, 10, 0), seven_days)


def test_kings_day_on_a_weekday_closes_the_office():
    assert not is_open(ams(2026, 4, 27, 10, 0))
    assert add_business_hours(ams(2026, 4, 24, 16, 30), 1) == ams(2026, 4, 28, 9, 0)


def test_liberation_day_every_year_by_default_and_optionally_only_lustrum():
    assert WEEKDAYS_ONLY.holiday_name(dt.date(2026, 5, 5)) == "Bevrijdingsdag"
    lustrum_only = OfficeHours(liberation_day_every_year=False)
    assert lustrum_only.holiday_name(dt.date(2026, 5, 5)) is None
    assert lustrum_only.holiday_name(dt.date(2025, 5, 5)) == "Bevrijdingsdag"


def test_ascension_whit_monday_and_christmas():
    for day in (
        dt.date(2026, 5, 14),
        dt.date(2026, 5, 25),
        dt.date(2026, 12, 25),
        dt.date(2026, 12, 28) - dt.timedelta(days=2),
    ):
        assert WEEKDAYS_ONLY.is_closed_day(day), day
    # Christmas Eve 2026 (Thursday) 16:00 + 2h -> Monday 28 December 09:30.
    assert add_business_hours(ams(2026, 12, 24, 16, 0), 2) == ams(2026, 12, 28, 9, 30)


def test_extra_closed_and_open_dates():
    office = OfficeHours.from_dict({"weekly": {"mon": ["09:00-17:00"]}, "closed_dates": ["2026-11-23"],
                                    "open_dates": ["2026-04-06"]})  # fmt: skip
    assert not is_open(ams(2026, 11, 23, 10, 0), office)
    assert is_open(ams(2026, 4, 6, 10, 0), office)  # Easter Monday opened on purpose


def test_dst_end_in_october():
    # Round the clock across 25 October 2026 03:00 -> 02:00: that night has 25 real hours.
    start = ams(2026, 10, 25, 0, 0)
    end = add_business_hours(start, 24, ROUND_THE_CLOCK)
    assert end == ams(2026, 10, 25, 23, 0)
    assert end.utcoffset() == dt.timedelta(hours=1)
    assert business_hours_between(start, ams(2026, 10, 26, 0, 0), ROUND_THE_CLOCK) == 25


def test_dst_start_in_march():
    start = ams(2026, 3, 29, 0, 0)
    assert add_business_hours(start, 23, ROUND_THE_CLOCK) == ams(2026, 3, 30, 0, 0)
    # Office hours the Friday before and Monday after keep their wall-clock times.
    friday = add_business_hours(ams(2026, 3, 27, 16, 0), 2)
    assert friday == ams(2026, 3, 30, 9, 30)
    assert friday.utcoffset() == dt.timedelta(hours=2)


def test_other_timezone_input_is_converted():
    start = dt.datetime(2026, 11, 18, 8, 0, tzinfo=dt.UTC)  # 09:00 in Amsterdam
    result = add_business_hours(start, 1)
    assert result == ams(2026, 11, 18, 10, 0)
    assert result.tzinfo == AMS


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        add_business_hours(dt.datetime(2026, 11, 18, 9, 0), 1)
    with pytest.raises(ValueError):
        is_open(dt.datetime(2026, 11, 18, 9, 0))


@pytest.mark.parametrize("bad", [-1, float("nan"), float("inf"), "3", None, True, 10**9])
def test_junk_hours_are_refused(bad):
    with pytest.raises(ValueError):
        add_business_hours(ams(2026, 11, 18, 9, 0), bad)


def test_no_open_time_is_an_error():
    closed = OfficeHours(weekly=((),) * 7)
    with pytest.raises(NoOpenTimeError):
        add_business_hours(ams(2026, 11, 18, 9, 0), 1, closed)
    assert business_hours_between(ams(2026, 11, 18), ams(2026, 11, 20), closed) == 0


@pytest.mark.parametrize("bad", ["9-17", "17:00-09:00", "08:75-09:00", "00:00-24:01", ""])
def test_bad_intervals(bad):
    with pytest.raises(OfficeHoursError):
        parse_interval(bad)


def test_bad_configuration():
    with pytest.raises(OfficeHoursError):
        OfficeHours.from_dict({"weekly": {"maandag": ["09:00-17:00"]}})
    with pytest.raises(OfficeHoursError):
        OfficeHours.from_dict({"timezone": "Mars/Olympus"})
    with pytest.raises(OfficeHoursError):
        OfficeHours.from_dict({"closed_dates": ["morgen"]})


def test_between_counts_only_open_time():
    assert business_hours_between(ams(2026, 11, 20, 16, 0), ams(2026, 11, 23, 9, 30)) == 2
    assert business_hours_between(ams(2026, 11, 23, 9, 30), ams(2026, 11, 20, 16, 0)) == -2
    assert business_hours_between(ams(2026, 11, 18, 11, 0), ams(2026, 11, 18, 14, 0), LUNCH) == 2


def test_pauses_while_waiting_for_the_resident():
    start = ams(2026, 11, 16, 9, 0)  # Monday
    pause = (ams(2026, 11, 16, 10, 0), ams(2026, 11, 17, 10, 0))  # waiting for an answer
    assert deadline_with_pauses(start, 4, [pause]) == ams(2026, 11, 17, 13, 0)
    # Overlapping, unsorted and empty pauses are merged or ignored.
    pauses = [(ams(2026, 11, 16, 12, 0), ams(2026, 11, 17, 10, 0)), pause, (pause[1], pause[0])]
    assert deadline_with_pauses(start, 4, pauses) == ams(2026, 11, 17, 13, 0)
    assert business_hours_between(start, ams(2026, 11, 17, 13, 0), pauses=[pause]) == 4


def test_human_deadline():
    now = ams(2026, 11, 18, 9, 0)  # Wednesday
    assert human_deadline(ams(2026, 11, 18, 16, 0), now) == "vandaag 16:00"
    assert human_deadline(ams(2026, 11, 19, 9, 0), now) == "morgen 09:00"
    assert human_deadline(ams(2026, 11, 23, 10, 30), now) == "maandag 10:30"
    assert human_deadline(ams(2026, 12, 14, 10, 30), now) == "maandag 14 december 10:30"
    assert human_deadline(ams(2027, 1, 4, 10, 30), now) == "maandag 4 januari 2027 10:30"
    assert human_deadline(ams(2026, 11, 23, 10, 30), now, "en") == "Monday 10:30"
    utc_now = dt.datetime(2026, 11, 18, 23, 30, tzinfo=dt.UTC)  # already Thursday in Amsterdam
    assert human_deadline(ams(2026, 11, 19, 10, 0), utc_now) == "vandaag 10:00"


def test_outside_hours_notice():
    friday_evening = ams(2026, 11, 20, 19, 0)
    notice = outside_hours_notice(friday_evening)
    assert not notice.open_now
    assert notice.read_from == ams(2026, 11, 23, 8, 30)
    assert "maandag" in notice.text and "08:30" in notice.text
    assert outside_hours_notice(ams(2026, 11, 18, 10, 0)).open_now
    early = outside_hours_notice(ams(2026, 11, 18, 7, 0), language="en")
    assert "today from 08:30" in early.text
    assert notice.to_dict()["read_from"] == "2026-11-23T08:30:00+01:00"


def test_deadline_is_the_end_of_open_time_not_the_next_opening():
    assert add_business_hours(ams(2026, 11, 16, 8, 30), 8.5) == ams(2026, 11, 16, 17, 0)
    assert add_business_hours(ams(2026, 11, 16, 8, 30), 8.75) == ams(2026, 11, 17, 8, 45)


@pytest.mark.parametrize(
    ("year", "easter"),
    [(2024, dt.date(2024, 3, 31)), (2025, dt.date(2025, 4, 20)), (2026, dt.date(2026, 4, 5)),
     (2027, dt.date(2027, 3, 28)), (2038, dt.date(2038, 4, 25)), (2285, dt.date(2285, 3, 22))],
)  # fmt: skip
def test_easter_sunday(year, easter):
    from nabij.businesstime.office import easter_sunday

    assert easter_sunday(year) == easter


def test_good_friday_closed_gets_its_name():
    assert OfficeHours(good_friday_closed=True).holiday_name(dt.date(2026, 4, 3)) is not None
    assert OfficeHours().holiday_name(dt.date(2026, 4, 3)) is None


def test_to_dict_round_trip():
    office = OfficeHours.from_dict(
        {"weekly": {"mon": ["13:00-17:00", "08:30-12:00"], "sat": ["10:00-24:00"]},
         "closed_dates": ["2026-12-24"], "liberation_day_every_year": False}
    )  # fmt: skip
    data = office.to_dict()
    assert data["weekly"] == {"mon": ["08:30-12:00", "13:00-17:00"], "sat": ["10:00-24:00"]}
    assert data["closed_dates"] == ["2026-12-24"]
    assert OfficeHours.from_dict(data) == office

"""Tests for selfreliance.timecalc: office calendar, office hours, calendar hours.

Reference values are worked out by hand from the shipped calendar (Mon-Thu 08:00-17:00,
Fri 08:00-16:00, Belgian public holidays, local days off 11/7, 2/11, 15/11, 26/12).
Weekdays of the 2025 dates used: 10/3 Mon, 14/3 Fri, 18/4 Fri, 21/4 Easter Monday,
10/7 Thu, 11/7 Fri, 14/7 Mon, 10/11 Mon, 11/11 Tue, 30/3 and 26/10 Sun (DST changes).
"""

from __future__ import annotations

import datetime as dt
import random

import holidays
import numpy as np
import pandas as pd
import pytest

from selfreliance.errors import SelfRelianceError
from selfreliance.timecalc import (
    OfficeCalendar,
    business_hours_between,
    calendar_hours_between,
    is_business_day,
    to_local,
)


@pytest.fixture(scope="module")
def cal() -> OfficeCalendar:
    return OfficeCalendar.from_yaml()


def _ts(*values: str | None) -> pd.Series:
    return pd.Series(pd.to_datetime(list(values)))


def _hours(start: str | None, end: str | None, cal: OfficeCalendar) -> float:
    return business_hours_between(_ts(start), _ts(end), cal).iloc[0]


# --- office hours, hand-computed --------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2025-03-11 09:00", "2025-03-11 11:30", 2.5),  # same day, inside hours
        ("2025-03-10 16:00", "2025-03-11 09:00", 2.0),  # Mon 16-17 + Tue 8-9
        ("2025-03-14 15:00", "2025-03-17 09:00", 2.0),  # Fri 15-16 (closes 16:00) + Mon 8-9
        ("2025-04-18 15:00", "2025-04-22 09:00", 2.0),  # Fri 15-16, Easter Monday off, Tue 8-9
        ("2025-11-10 16:00", "2025-11-12 09:00", 2.0),  # Mon 16-17, 11/11 Wapenstilstand, Wed 8-9
        ("2025-07-10 16:00", "2025-07-14 09:00", 2.0),  # Thu 16-17, Fri 11/7 local day off, Mon 8-9
        ("2025-03-11 06:00", "2025-03-11 10:00", 2.0),  # before opening counts from 08:00
        ("2025-03-11 18:00", "2025-03-12 08:30", 0.5),  # after closing counts from next opening
        ("2025-03-11 18:00", "2025-03-11 23:00", 0.0),  # both after closing
        ("2025-03-15 10:00", "2025-03-16 12:00", 0.0),  # Saturday to Sunday
        ("2025-03-03 08:00", "2025-03-10 08:00", 44.0),  # Mon-Thu 4 x 9 h + Fri 8 h
        ("2025-03-11 09:00", "2025-03-11 09:00", 0.0),  # zero length
        ("2025-12-24 16:30", "2025-12-29 08:15", 0.75),  # Wed 16:30-17 + Mon 8-8:15 (25, 26/12 off)
    ],
)
def test_business_hours_hand_computed(cal, start, end, expected):
    assert _hours(start, end, cal) == pytest.approx(expected)


def test_missing_or_reversed_gives_nan(cal):
    start = _ts("2025-03-11 09:00", None, "2025-03-11 12:00", "2025-03-11 09:00")
    end = _ts(None, "2025-03-11 10:00", "2025-03-11 10:00", "2025-03-11 10:00")
    out = business_hours_between(start, end, cal)
    assert out.isna().tolist() == [True, True, True, False]
    assert out.iloc[3] == 1.0
    assert out.dtype == "float64"


def test_all_missing_and_index_kept(cal):
    start = pd.Series([pd.NaT, pd.NaT], index=["a", "b"], dtype="datetime64[ns]")
    end = pd.Series([None, None], index=["a", "b"], dtype=object)
    out = business_hours_between(start, end, cal)
    assert out.index.tolist() == ["a", "b"] and out.isna().all()


def test_aware_input_equals_naive_local(cal):
    start = _ts("2025-03-14 15:00", "2025-07-10 16:00", "2025-10-24 15:30")
    end = _ts("2025-03-17 09:00", "2025-07-14 09:00", "2025-10-27 08:30")
    naive = business_hours_between(start, end, cal)
    local = business_hours_between(to_local(start), to_local(end), cal)
    as_utc = business_hours_between(
        to_local(start).dt.tz_convert("UTC"), to_local(end).dt.tz_convert("UTC"), cal
    )
    pd.testing.assert_series_equal(naive, local)
    pd.testing.assert_series_equal(naive, as_utc)
    # 2025-10-24 is a Friday: 15:30-16:00 + Monday 08:00-08:30 = 1 h across the DST change
    assert naive.tolist() == [2.0, 2.0, 1.0]


def test_utc_input_is_converted_to_local_time(cal):
    # 07:00 UTC is 08:00 in Brussels in winter (CET = UTC+1): the office has just opened.
    start = pd.Series(pd.to_datetime(["2025-03-11 07:00"]).tz_localize("UTC"))
    end = pd.Series(pd.to_datetime(["2025-03-11 09:00"]).tz_localize("UTC"))
    assert business_hours_between(start, end, cal).tolist() == [2.0]


def test_weekdays_of_different_length_and_weekend_opening():
    cal = OfficeCalendar.from_dict(
        {
            "timezone": "Europe/Brussels",
            "holidays_country": None,
            "office_hours": {"mon": ["09:00", "12:00"], "sat": ["10:00", "11:30"]},
        }
    )
    # Sat 2025-03-15 10:00 -> Mon 2025-03-24 10:00: Sat 1.5 + Mon 17/3 3 + Sat 22/3 1.5 + Mon 1
    assert _hours("2025-03-15 10:00", "2025-03-24 10:00", cal) == pytest.approx(7.0)


def test_matches_slow_reference_on_random_pairs(cal):
    rng = random.Random(20250401)
    first = dt.datetime(2025, 3, 25)
    starts, ends = [], []
    for _ in range(200):
        start = first + dt.timedelta(seconds=rng.randrange(0, 150 * 86400))
        starts.append(start)
        ends.append(start + dt.timedelta(seconds=rng.randrange(0, 12 * 86400)))
    fast = business_hours_between(pd.Series(starts), pd.Series(ends), cal)
    slow = [_reference_office_hours(s, e) for s, e in zip(starts, ends, strict=True)]
    np.testing.assert_allclose(fast.to_numpy(), slow, atol=1e-9)


def _reference_office_hours(start: dt.datetime, end: dt.datetime) -> float:
    """Day by day overlap with the opening hours, written independently of timecalc."""
    opening = {0: (8, 17), 1: (8, 17), 2: (8, 17), 3: (8, 17), 4: (8, 16)}
    public = holidays.country_holidays("BE", years=range(start.year, end.year + 1))
    local = {(7, 11), (11, 2), (11, 15), (12, 26)}
    total = 0.0
    day = start.date()
    while day <= end.date():
        if day.weekday() in opening and day not in public and (day.month, day.day) not in local:
            open_h, close_h = opening[day.weekday()]
            lo = max(start, dt.datetime.combine(day, dt.time(open_h)))
            hi = min(end, dt.datetime.combine(day, dt.time(close_h)))
            total += max((hi - lo).total_seconds(), 0) / 3600
        day += dt.timedelta(days=1)
    return total


# --- calendar hours and local time --------------------------------------------------------


def test_calendar_hours_across_dst_changes():
    start = _ts(
        "2025-03-30 01:00", "2025-10-26 00:00", "2025-03-11 09:00", None, "2025-03-11 09:00"
    )
    end = _ts(
        "2025-03-30 04:00",
        "2025-10-26 04:00",
        "2025-03-11 09:30",
        "2025-03-11 09:00",
        "2025-03-11 08:00",
    )
    out = calendar_hours_between(start, end)
    # 01:00 CET -> 04:00 CEST is 2 real hours; 00:00 CEST -> 04:00 CET is 5 real hours.
    assert out.iloc[:3].tolist() == [2.0, 5.0, 0.5]
    assert out.iloc[3:].isna().all()


def test_to_local_dst_rules():
    naive = _ts("2025-10-26 02:30", "2025-03-30 02:30", "2025-06-01 12:00", None)
    local = to_local(naive)
    assert str(local.dt.tz) == "Europe/Brussels"
    assert [str(t) for t in local] == [
        "2025-10-26 02:30:00+02:00",  # ambiguous: earliest occurrence, still summer time
        "2025-03-30 03:00:00+02:00",  # nonexistent: shifted forward
        "2025-06-01 12:00:00+02:00",
        "NaT",
    ]
    utc = pd.Series(pd.to_datetime(["2025-01-15 11:00"]).tz_localize("UTC"))
    assert str(to_local(utc).iloc[0]) == "2025-01-15 12:00:00+01:00"


def test_text_input_is_refused():
    with pytest.raises(TypeError, match="parse"):
        to_local(pd.Series(["2025-01-01 10:00"]))


# --- business days and calendar configuration -------------------------------------------


def test_is_business_day(cal):
    dates = pd.to_datetime(
        ["2025-04-18", "2025-04-19", "2025-04-21", "2025-07-11", "2025-11-11", "2025-11-12", None]
    )
    assert is_business_day(dates, cal).tolist() == [True, False, False, False, False, True, False]


def test_shipped_calendar_content(cal):
    assert cal.timezone == "Europe/Brussels"
    assert cal.holidays_country == "BE"
    assert cal.opening == ((480, 1020),) * 4 + ((480, 960), None, None)
    assert set(cal.local_days_off_recurring) == {(7, 11), (11, 2), (11, 15), (12, 26)}


def test_specific_local_day_off(tmp_path):
    path = tmp_path / "hours.yml"
    path.write_text(
        "timezone: Europe/Brussels\nholidays_country: BE\n"
        'office_hours:\n  ma: ["08:00", "17:00"]\n  di: ["08:00", "17:00"]\n'
        "local_days_off: [2025-03-11]\n",
        encoding="utf-8",
    )
    cal = OfficeCalendar.from_yaml(path)
    # Mon 10/3 16-17, Tue 11/3 is a day off, Wed-Sun closed, Mon 17/3 8-9
    assert _hours("2025-03-10 16:00", "2025-03-17 09:00", cal) == 2.0


@pytest.mark.parametrize(
    ("office_hours", "message"),
    [
        ({"mon": ["8h", "17:00"]}, "not a time of day"),
        ({"mon": ["17:00", "08:00"]}, "not after opening"),
        ({"mon": ["25:00", "26:00"]}, "not a time of day"),
        ({"mo": ["08:00", "17:00"]}, "unknown weekday"),
        ({"mon": ["08:00"]}, "must be \\[open, close\\]"),
        ({"mon": [480, 1020]}, "in quotes"),
    ],
)
def test_invalid_office_hours_are_explained(office_hours, message):
    with pytest.raises(SelfRelianceError, match=message):
        OfficeCalendar.from_dict({"timezone": "Europe/Brussels", "office_hours": office_hours})


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"timezone": "Europe/Brugge"}, "Unknown timezone"),
        ({"holidays_country": "XX"}, "Unknown holidays_country"),
        ({"office_hour": {}}, "unknown setting"),
        ({"local_days_off_recurring": ["13-01"]}, "MM-DD"),
        ({"local_days_off": ["2025-02-30"]}, "YYYY-MM-DD"),
    ],
)
def test_invalid_settings_are_explained(extra, message):
    with pytest.raises(SelfRelianceError, match=message):
        OfficeCalendar.from_dict({"office_hours": {"mon": ["08:00", "17:00"]}, **extra})


def test_missing_file_is_explained(tmp_path):
    with pytest.raises(SelfRelianceError, match="not found"):
        OfficeCalendar.from_yaml(tmp_path / "absent.yml")

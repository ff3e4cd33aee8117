"""Waiting times in real (calendar) hours and in office hours.

Ticket systems record wall-clock times. A ticket filed on Friday afternoon and answered on
Monday morning has waited some 66 calendar hours but only a few office hours, and only the
latter says something about the IT service. The office calendar (opening hours per weekday,
public holidays, local days off) is configuration: ``resources/office_hours.yml`` ships the
defaults, and an organisation can pass its own file.

Every function here is vectorised over whole Series: no Python loop runs per row.

Conventions for naive (tz-less) timestamps
------------------------------------------
A naive timestamp is local wall-clock time in the calendar's timezone. Where a real instant is
needed (calendar hours), it is localised with these rules:

* a wall time that occurs twice (the autumn DST change, 02:00-03:00 in Brussels) is taken as
  the *earliest* occurrence, i.e. still summer time (pandas ``ambiguous=True``; the same
  choice Python makes for ``fold=0``);
* a wall time that does not exist (the spring DST change, 02:00-03:00) is shifted forward to
  the first existing instant (pandas ``nonexistent="shift_forward"``, so 02:30 -> 03:00).

Office hours are counted on wall-clock time, so the DST change (at night, outside office
hours) never changes them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
import numpy as np
import pandas as pd
import yaml

from selfreliance import config
from selfreliance.errors import SelfRelianceError

DEFAULT_TIMEZONE = "Europe/Brussels"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Dutch and long English spellings are accepted too: the file is edited by P&O staff.
_WEEKDAY_ALIASES = {
    **{name: i for i, name in enumerate(WEEKDAYS)},
    **{name: i for i, name in enumerate(("ma", "di", "wo", "do", "vr", "za", "zo"))},
    **{
        name: i
        for i, name in enumerate(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        )
    },
    **{
        name: i
        for i, name in enumerate(
            ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
        )
    },
}
_KNOWN_KEYS = (
    "timezone",
    "holidays_country",
    "office_hours",
    "local_days_off_recurring",
    "local_days_off",
)
_TIME = re.compile(r"(?P<h>[01]?\d|2[0-4]):(?P<m>[0-5]\d)")
_MONTH_DAY = re.compile(r"(?P<m>\d{1,2})-(?P<d>\d{1,2})")

_US_PER_MINUTE = 60_000_000
_US_PER_HOUR = 60 * _US_PER_MINUTE
_US_PER_DAY = 24 * _US_PER_HOUR
# 1970-01-01, day 0 of datetime64[D], was a Thursday (weekday 3 with Monday = 0).
_EPOCH_WEEKDAY = 3


@dataclass(frozen=True)
class OfficeCalendar:
    """When the IT service is open: the basis for waiting times in office hours.

    Build it with :meth:`from_yaml` or :meth:`from_dict`; the constructor validates too.

    Parameters
    ----------
    timezone : str
        IANA timezone of the wall-clock times, e.g. ``"Europe/Brussels"``.
    holidays_country : str or None
        ISO country code for :func:`holidays.country_holidays`; None means no public holidays.
    opening : tuple
        Seven entries, Monday first: ``(open_minute, close_minute)`` since local midnight, or
        None for a closed day. One interval per day (no lunch closure).
    local_days_off_recurring : tuple of (month, day)
        Days off every year (e.g. ``(7, 11)`` for the Flemish holiday).
    local_days_off : tuple of datetime.date
        One-off days off (bridge days, collective closing).

    Examples
    --------
    >>> cal = OfficeCalendar.from_dict({"timezone": "Europe/Brussels", "holidays_country": "BE",
    ...                                 "office_hours": {"mon": ["08:00", "17:00"]}})
    >>> cal.opening[0], cal.opening[1]
    ((480, 1020), None)
    """

    timezone: str
    holidays_country: str | None
    opening: tuple[tuple[int, int] | None, ...]
    local_days_off_recurring: tuple[tuple[int, int], ...] = ()
    local_days_off: tuple[dt.date, ...] = ()

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            raise SelfRelianceError(
                f"Unknown timezone {self.timezone!r}: use an IANA name such as 'Europe/Brussels'."
            ) from None
        if self.holidays_country is not None:
            try:
                holidays.country_holidays(self.holidays_country, years=2000)
            except NotImplementedError:
                raise SelfRelianceError(
                    f"Unknown holidays_country {self.holidays_country!r}: use an ISO 3166 code "
                    "supported by the `holidays` package (e.g. 'BE'), or null for none."
                ) from None
        if len(self.opening) != 7:
            raise SelfRelianceError("opening must have 7 entries, Monday first.")
        for name, hours in zip(WEEKDAYS, self.opening, strict=True):
            if hours is None:
                continue
            start, end = hours
            if not 0 <= start < end <= 24 * 60:
                raise SelfRelianceError(
                    f"office_hours.{name}: closing time {_hhmm(end)} must be after opening time "
                    f"{_hhmm(start)} on the same day."
                )
        for month, day in self.local_days_off_recurring:
            try:
                dt.date(2000, month, day)  # a leap year, so 02-29 is allowed
            except ValueError:
                raise SelfRelianceError(
                    f"local_days_off_recurring: {month:02d}-{day:02d} is not a valid MM-DD date."
                ) from None

    @classmethod
    def from_yaml(cls, path: Path | str | None = None) -> OfficeCalendar:
        """Read the calendar from a YAML file (default: the shipped ``office_hours.yml``).

        Parameters
        ----------
        path : Path, str or None
            The file; None uses ``resources/office_hours.yml`` of the package.

        Returns
        -------
        OfficeCalendar

        Raises
        ------
        SelfRelianceError
            If the file is missing, is not valid YAML, or its content is invalid.

        Examples
        --------
        >>> cal = OfficeCalendar.from_yaml()
        >>> cal.timezone, cal.opening[4]
        ('Europe/Brussels', (480, 960))
        """
        path = Path(path) if path is not None else config.resource_path("office_hours.yml")
        try:
            content = yaml.safe_load(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise SelfRelianceError(f"Office hours file not found: {path}") from None
        except yaml.YAMLError as exc:
            raise SelfRelianceError(f"{path} is not valid YAML: {exc}") from None
        return cls.from_dict(content, source=str(path))

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], *, source: str = "office hours") -> OfficeCalendar:
        """Build and validate a calendar from a mapping shaped like ``office_hours.yml``.

        Parameters
        ----------
        d : Mapping
            Keys ``timezone``, ``holidays_country``, ``office_hours`` (weekday -> ``[open,
            close]`` as ``"HH:MM"``; an absent or null day is closed), ``local_days_off_recurring``
            (``"MM-DD"`` strings), ``local_days_off`` (``"YYYY-MM-DD"`` strings or dates).
        source : str
            Where the mapping came from, quoted in error messages.

        Returns
        -------
        OfficeCalendar

        Raises
        ------
        SelfRelianceError
            On an unknown key or weekday, a malformed time or date, or closing before opening.
        """
        if not isinstance(d, Mapping):
            raise SelfRelianceError(
                f"{source}: expected a mapping of settings, got {type(d).__name__}."
            )
        unknown = sorted(set(d) - set(_KNOWN_KEYS))
        if unknown:
            raise SelfRelianceError(
                f"{source}: unknown setting(s) {', '.join(map(str, unknown))}; "
                f"allowed: {', '.join(_KNOWN_KEYS)}."
            )
        hours = d.get("office_hours") or {}
        if not isinstance(hours, Mapping):
            raise SelfRelianceError(f"{source}: office_hours must map weekdays to [open, close].")
        opening: list[tuple[int, int] | None] = [None] * 7
        for key, value in hours.items():
            day = _WEEKDAY_ALIASES.get(str(key).strip().lower())
            if day is None:
                raise SelfRelianceError(
                    f"{source}: unknown weekday {key!r} in office_hours; use {', '.join(WEEKDAYS)}."
                )
            if value is None or value == []:
                continue  # explicitly closed
            if not isinstance(value, list | tuple) or len(value) != 2:
                raise SelfRelianceError(
                    f'{source}: office_hours.{key} must be [open, close], e.g. ["08:00", "17:00"].'
                )
            start = _parse_time(value[0], f"{source}: office_hours.{key}")
            end = _parse_time(value[1], f"{source}: office_hours.{key}")
            if end <= start:
                raise SelfRelianceError(
                    f"{source}: office_hours.{key}: closing time {_hhmm(end)} is not after opening "
                    f"time {_hhmm(start)}."
                )
            opening[day] = (start, end)
        recurring = tuple(
            _parse_month_day(v, f"{source}: local_days_off_recurring")
            for v in d.get("local_days_off_recurring") or ()
        )
        specific = tuple(
            _parse_date(v, f"{source}: local_days_off") for v in d.get("local_days_off") or ()
        )
        country = d.get("holidays_country", None)
        return cls(
            timezone=str(d.get("timezone") or DEFAULT_TIMEZONE),
            holidays_country=None if country in (None, "") else str(country),
            opening=tuple(opening),
            local_days_off_recurring=recurring,
            local_days_off=specific,
        )

    def closed_dates(self, first_year: int, last_year: int) -> np.ndarray:
        """Public holidays and local days off from ``first_year`` to ``last_year`` inclusive.

        Weekends and other closed weekdays are not listed: they follow from :attr:`opening`.

        Returns
        -------
        numpy.ndarray
            Sorted unique ``datetime64[D]`` dates.

        Examples
        --------
        >>> cal = OfficeCalendar.from_yaml()
        >>> [str(d) for d in cal.closed_dates(2025, 2025)][:3]
        ['2025-01-01', '2025-04-20', '2025-04-21']
        """
        days: list[dt.date] = []
        if self.holidays_country is not None:
            days.extend(_public_holidays(self.holidays_country, first_year, last_year))
        for year in range(first_year, last_year + 1):
            for month, day in self.local_days_off_recurring:
                try:
                    days.append(dt.date(year, month, day))
                except ValueError:  # 02-29 outside leap years
                    pass
        days.extend(d for d in self.local_days_off if first_year <= d.year <= last_year)
        return np.unique(np.array(days, dtype="datetime64[D]"))


@lru_cache(maxsize=32)
def _public_holidays(country: str, first_year: int, last_year: int) -> tuple[dt.date, ...]:
    # Cached: generating holidays is slow compared with the vectorised arithmetic around it.
    years = range(first_year, last_year + 1)
    return tuple(holidays.country_holidays(country, years=years).keys())


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _parse_time(value: Any, where: str) -> int:
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise SelfRelianceError(
            f'{where}: time {value!r} is a number; write times in quotes as "HH:MM" '
            "(YAML reads an unquoted 8:00 as the number 480)."
        )
    match = _TIME.fullmatch(str(value).strip())
    minutes = int(match["h"]) * 60 + int(match["m"]) if match else -1
    if not 0 <= minutes <= 24 * 60:
        raise SelfRelianceError(f'{where}: {value!r} is not a time of day "HH:MM" (00:00-24:00).')
    return minutes


def _parse_month_day(value: Any, where: str) -> tuple[int, int]:
    match = _MONTH_DAY.fullmatch(str(value).strip())
    if match is None:
        raise SelfRelianceError(f'{where}: {value!r} is not a "MM-DD" day of the year.')
    month, day = int(match["m"]), int(match["d"])
    try:
        dt.date(2000, month, day)
    except ValueError:
        raise SelfRelianceError(f'{where}: {value!r} is not a valid "MM-DD" date.') from None
    return month, day


def _parse_date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise SelfRelianceError(f'{where}: {value!r} is not a "YYYY-MM-DD" date.') from None


def _check_datetime(ts: pd.Series, name: str) -> pd.Series:
    """Return ``ts`` as a datetime Series; an all-missing Series of any dtype becomes NaT."""
    if not isinstance(ts, pd.Series):
        ts = pd.Series(ts)
    if pd.api.types.is_datetime64_any_dtype(ts.dtype):
        return ts
    if ts.isna().all():
        return pd.Series(pd.NaT, index=ts.index, dtype="datetime64[us]")
    raise TypeError(
        f"{name} must hold datetimes (dtype {ts.dtype} given); parse text first, "
        "e.g. with selfreliance.readers.parse_datetime."
    )


def to_local(ts: pd.Series, timezone: str = DEFAULT_TIMEZONE) -> pd.Series:
    """Express naive or tz-aware timestamps as tz-aware local time; nothing is parsed.

    Naive values are wall-clock time in ``timezone``: an ambiguous time (autumn DST change)
    becomes the earliest occurrence (summer time), a nonexistent one (spring DST change) is
    shifted forward. Aware values are converted. NaT stays NaT.

    Parameters
    ----------
    ts : pandas.Series
        Timestamps (``datetime64`` dtype, naive or aware).
    timezone : str
        IANA timezone.

    Returns
    -------
    pandas.Series
        ``datetime64[..., timezone]`` with the same index.

    Examples
    --------
    >>> s = pd.Series(pd.to_datetime(["2025-03-30 02:30", "2025-10-26 02:30", None]))
    >>> [str(t) for t in to_local(s)]
    ['2025-03-30 03:00:00+02:00', '2025-10-26 02:30:00+02:00', 'NaT']
    """
    ts = _check_datetime(ts, "ts")
    if ts.dt.tz is None:
        return ts.dt.tz_localize(timezone, ambiguous=True, nonexistent="shift_forward")
    return ts.dt.tz_convert(timezone)


def _wall_us(ts: pd.Series, timezone: str) -> np.ndarray:
    """Local wall-clock time as int64 microseconds since 1970-01-01 (NaT -> int64 min)."""
    if ts.dt.tz is not None:
        ts = ts.dt.tz_convert(timezone).dt.tz_localize(None)
    return ts.to_numpy(dtype="datetime64[us]").view(np.int64)


def _day_table(calendar: OfficeCalendar, first_day: int, last_day: int):
    """Opening, length and cumulative office time (µs) per day from first_day to last_day.

    Days are datetime64[D] integers. ``cum[i]`` is the office time of all days before day i,
    so the office time up to any instant is ``cum[i] + time elapsed on day i``.
    """
    days = np.arange(first_day, last_day + 1, dtype=np.int64)
    weekday = (days + _EPOCH_WEEKDAY) % 7
    opens = np.array([h[0] if h else 0 for h in calendar.opening], dtype=np.int64)
    closes = np.array([h[1] if h else 0 for h in calendar.opening], dtype=np.int64)
    open_us = opens[weekday] * _US_PER_MINUTE
    length_us = (closes - opens)[weekday] * _US_PER_MINUTE
    first_year = int(str(np.datetime64(first_day, "D"))[:4])
    last_year = int(str(np.datetime64(last_day, "D"))[:4])
    closed = calendar.closed_dates(first_year, last_year).astype(np.int64)
    length_us = np.where(np.isin(days, closed), 0, length_us)
    cum = np.concatenate(([0], np.cumsum(length_us)[:-1]))
    return open_us, length_us, cum


def _office_time_since_start(wall: np.ndarray, table, first_day: int) -> np.ndarray:
    open_us, length_us, cum = table
    day = wall // _US_PER_DAY  # floor division keeps pre-1970 times on the right day
    idx = day - first_day
    elapsed_today = np.clip(wall - day * _US_PER_DAY - open_us[idx], 0, length_us[idx])
    return cum[idx] + elapsed_today


def business_hours_between(start: pd.Series, end: pd.Series, calendar: OfficeCalendar) -> pd.Series:
    """Office hours elapsed between two timestamps, per row.

    Only time inside the opening hours of open days counts: closed weekdays, public holidays
    of ``calendar.holidays_country`` and local days off count for nothing. Naive timestamps
    are local wall time; aware ones are converted to ``calendar.timezone`` first.

    Parameters
    ----------
    start, end : pandas.Series
        Timestamps with the same index.
    calendar : OfficeCalendar
        Opening hours and closed days.

    Returns
    -------
    pandas.Series
        Float hours with ``start``'s index; NaN where either timestamp is missing or
        ``end`` is before ``start``.

    Examples
    --------
    >>> cal = OfficeCalendar.from_yaml()
    >>> start = pd.Series(pd.to_datetime(["2025-03-14 15:00", "2025-03-10 16:00"]))  # Fri, Mon
    >>> end = pd.Series(pd.to_datetime(["2025-03-17 09:00", "2025-03-11 09:00"]))    # Mon, Tue
    >>> business_hours_between(start, end, cal).tolist()
    [2.0, 2.0]
    """
    start = _check_datetime(start, "start")
    end = _check_datetime(end, "end")
    if not start.index.equals(end.index):
        raise ValueError("start and end must have the same index.")
    start_wall = _wall_us(start, calendar.timezone)
    end_wall = _wall_us(end, calendar.timezone)
    valid = start.notna().to_numpy() & end.notna().to_numpy()
    # Order is judged on real instants when both sides know theirs, so the repeated autumn
    # hour does not make a correct pair look reversed; otherwise on wall time.
    if start.dt.tz is not None and end.dt.tz is not None:
        reversed_ = (end < start).to_numpy()
    else:
        reversed_ = end_wall < start_wall
    valid &= ~reversed_
    result = np.full(len(start), np.nan)
    if valid.any():
        start_v, end_v = start_wall[valid], end_wall[valid]
        first_day = int(min(start_v.min(), end_v.min()) // _US_PER_DAY)
        last_day = int(max(start_v.max(), end_v.max()) // _US_PER_DAY)
        table = _day_table(calendar, first_day, last_day)
        office = _office_time_since_start(end_v, table, first_day) - _office_time_since_start(
            start_v, table, first_day
        )
        result[valid] = office / _US_PER_HOUR
    return pd.Series(result, index=start.index, dtype="float64")


def calendar_hours_between(
    start: pd.Series, end: pd.Series, timezone: str = DEFAULT_TIMEZONE
) -> pd.Series:
    """Real elapsed hours between two timestamps, correct across DST changes.

    Naive timestamps are localised to ``timezone`` with the rules of :func:`to_local`.

    Parameters
    ----------
    start, end : pandas.Series
        Timestamps with the same index.
    timezone : str
        IANA timezone of naive timestamps.

    Returns
    -------
    pandas.Series
        Float hours with ``start``'s index; NaN where either is missing or ``end`` is before
        ``start`` (as in :func:`business_hours_between`).

    Examples
    --------
    >>> start = pd.Series(pd.to_datetime(["2025-03-30 01:00", "2025-10-26 00:00"]))
    >>> end = pd.Series(pd.to_datetime(["2025-03-30 04:00", "2025-10-26 04:00"]))
    >>> calendar_hours_between(start, end).tolist()
    [2.0, 5.0]
    """
    start = to_local(start, timezone)
    end = to_local(end, timezone)
    if not start.index.equals(end.index):
        raise ValueError("start and end must have the same index.")
    hours = (end - start) / pd.Timedelta(hours=1)
    return hours.where(hours >= 0).astype("float64")


def is_business_day(dates: Any, calendar: OfficeCalendar) -> np.ndarray:
    """Whether each date is an open day: an opening weekday, no public holiday, no day off.

    Parameters
    ----------
    dates : array-like of dates or timestamps
        Naive values are local dates; aware ones are converted to ``calendar.timezone``.
    calendar : OfficeCalendar

    Returns
    -------
    numpy.ndarray
        Booleans; missing dates are False.

    Examples
    --------
    >>> cal = OfficeCalendar.from_yaml()
    >>> is_business_day(pd.to_datetime(["2025-04-18", "2025-04-19", "2025-04-21"]), cal).tolist()
    [True, False, False]
    """
    series = pd.Series(dates)
    if not pd.api.types.is_datetime64_any_dtype(series.dtype):
        series = pd.Series(pd.to_datetime(series), index=series.index)
    wall = _wall_us(series, calendar.timezone)
    valid = series.notna().to_numpy()
    result = np.zeros(len(series), dtype=bool)
    if valid.any():
        day = wall[valid] // _US_PER_DAY
        first_day, last_day = int(day.min()), int(day.max())
        _, length_us, _ = _day_table(calendar, first_day, last_day)
        result[valid] = length_us[day - first_day] > 0
    return result

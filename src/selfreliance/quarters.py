"""Calendar quarters: parsing ``2026Q3``, their bounds, and the last complete one."""

from __future__ import annotations

import re

import pandas as pd

from selfreliance.errors import SelfRelianceError

_QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*[Qq]([1-4])\s*$")


def parse_quarter(text: str) -> pd.Period:
    """Parse ``2026Q3`` (also ``2026-Q3``, ``2026q3``) into a quarterly Period.

    Examples
    --------
    >>> parse_quarter("2026-q3")
    Period('2026Q3', 'Q-DEC')
    """
    match = _QUARTER.match(str(text))
    if not match:
        raise SelfRelianceError(f"Quarter {text!r} not understood; write it like 2026Q3.")
    return pd.Period(f"{match[1]}Q{match[2]}", freq="Q")


def quarter_bounds(quarter: str | pd.Period) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day (inclusive, midnight) of a quarter.

    Examples
    --------
    >>> quarter_bounds("2026Q1")
    (Timestamp('2026-01-01 00:00:00'), Timestamp('2026-03-31 00:00:00'))
    """
    period = quarter if isinstance(quarter, pd.Period) else parse_quarter(quarter)
    return period.start_time.normalize(), period.end_time.normalize()


def last_complete_quarter(data_end: pd.Timestamp, today: pd.Timestamp | None = None) -> pd.Period:
    """The latest quarter that has ended both in the calendar and in the data.

    ``data_end`` is the last ticket date in the data; a quarter counts as covered when the
    data reach its last day.

    Examples
    --------
    >>> last_complete_quarter(pd.Timestamp("2026-09-30 16:40"), pd.Timestamp("2026-11-28"))
    Period('2026Q3', 'Q-DEC')
    >>> last_complete_quarter(pd.Timestamp("2026-11-20"), pd.Timestamp("2026-11-28"))
    Period('2026Q3', 'Q-DEC')
    >>> last_complete_quarter(pd.Timestamp("2026-09-29"), pd.Timestamp("2026-11-28"))
    Period('2026Q2', 'Q-DEC')
    """
    today = today if today is not None else pd.Timestamp.now()
    limit = min(
        pd.Timestamp(data_end).tz_localize(None).normalize(),
        pd.Timestamp(today).normalize() - pd.Timedelta(days=1),
    )
    period = pd.Period(limit, freq="Q")
    if limit < period.end_time.normalize():
        period -= 1
    return period


def quarter_label(quarter: str | pd.Period, lang: str = "nl") -> str:
    """Human label: ``3e kwartaal 2026`` / ``Q3 2026``.

    Examples
    --------
    >>> quarter_label("2026Q3")
    '3e kwartaal 2026'
    """
    period = quarter if isinstance(quarter, pd.Period) else parse_quarter(quarter)
    return (
        f"{period.quarter}e kwartaal {period.year}"
        if lang == "nl"
        else f"Q{period.quarter} {period.year}"
    )

import pandas as pd
import pytest

from selfreliance.errors import SelfRelianceError
from selfreliance.quarters import last_complete_quarter, parse_quarter, quarter_bounds


def test_bounds_of_a_leap_quarter():
    assert quarter_bounds("2024Q1") == (pd.Timestamp("2024-01-01"), pd.Timestamp("2024-03-31"))


def test_bad_quarter_is_a_clear_error():
    with pytest.raises(SelfRelianceError, match="2026Q3"):
        parse_quarter("Q3-2026x")


def test_last_complete_quarter_respects_today_and_data():
    # Data run to the end of the year but today is mid-December: Q4 is not complete yet.
    assert (
        str(last_complete_quarter(pd.Timestamp("2026-12-31"), pd.Timestamp("2026-12-15")))
        == "2026Q3"
    )
    assert (
        str(last_complete_quarter(pd.Timestamp("2026-12-31"), pd.Timestamp("2027-01-02")))
        == "2026Q4"
    )

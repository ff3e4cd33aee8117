"""Readers: encodings, separators, dates, numbers and durations."""

import pandas as pd
import pytest

from selfreliance.errors import SelfRelianceError
from selfreliance.readers import normalise_header, parse_datetime, parse_duration_minutes, parse_number, read_table


@pytest.mark.parametrize(
    ("encoding", "sep"),
    [("utf-8-sig", ";"), ("utf-8", ","), ("cp1252", ";"), ("latin-1", "\t")],
)
def test_read_table_detects_encoding_and_separator(tmp_path, encoding, sep):
    path = tmp_path / "export.csv"
    text = sep.join(["Meldingnummer", "Korte omschrijving", "Categorie"]) + "\n"
    text += sep.join(["M2501 0001", "Café-printer geeft foutmelding", "Printen"]) + "\n"
    path.write_bytes(text.encode(encoding))
    frame = read_table(path)
    assert list(frame.columns) == ["Meldingnummer", "Korte omschrijving", "Categorie", "_source_row"]
    assert frame.loc[0, "Korte omschrijving"] == "Café-printer geeft foutmelding"
    assert frame.loc[0, "_source_row"] == 2


def test_read_table_marks_missing_tokens(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a;b;c\n?;;x\n", encoding="utf-8")
    frame = read_table(path)
    assert frame[["a", "b"]].isna().all(axis=None)
    assert frame.loc[0, "c"] == "x"


def test_read_table_empty_file_is_a_clear_error(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(SelfRelianceError, match="empty"):
        read_table(path)


def test_read_table_excel(tmp_path):
    path = tmp_path / "export.xlsx"
    pd.DataFrame({"ticket_id": ["1"], "opened_at": ["2025-01-02 10:00"], "title": ["x"]}).to_excel(path, index=False)
    frame = read_table(path)
    assert frame.loc[0, "opened_at"] == "2025-01-02 10:00"


def test_normalise_header():
    assert normalise_header("Datum gereed ") == normalise_header("datum_gereed") == "datumgereed"


def test_parse_datetime_forms_and_dst():
    values = pd.Series(
        ["30-03-2025 01:30", "30-03-2025 03:30", "2025-07-01 12:00", "01/07/2025 12:00", "niet", "2021-02-11T06:32:36.303+0000"]
    )
    parsed = parse_datetime(values)
    # 30 March 2025: Brussels switches from UTC+1 to UTC+2 at 02:00 local time.
    assert parsed[0].utcoffset() == pd.Timedelta(hours=1)
    assert parsed[1].utcoffset() == pd.Timedelta(hours=2)
    assert parsed[2] == parsed[3]
    assert pd.isna(parsed[4])
    # 06:32 UTC is 07:32 in Brussels in winter.
    assert parsed[5].strftime("%H:%M") == "07:32"


def test_parse_number_and_duration():
    assert parse_number(pd.Series(["1.234,5", "-3,25", "1,234.5"])).tolist() == [1234.5, -3.25, 1234.5]
    assert parse_duration_minutes(pd.Series(["2:05", "90"])).tolist() == [125.0, 90.0]

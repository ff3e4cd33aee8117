"""Readers: encodings, separators, dates, numbers and durations."""

import csv
import io

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from selfreliance.errors import SelfRelianceError
from selfreliance.readers import (
    MISSING_TOKENS,
    normalise_header,
    parse_datetime,
    parse_duration_minutes,
    parse_number,
    read_table,
    sniff_separator,
)


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
    assert list(frame.columns) == [
        "Meldingnummer",
        "Korte omschrijving",
        "Categorie",
        "_source_row",
    ]
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
    pd.DataFrame({"ticket_id": ["1"], "opened_at": ["2025-01-02 10:00"], "title": ["x"]}).to_excel(
        path, index=False
    )
    frame = read_table(path)
    assert frame.loc[0, "opened_at"] == "2025-01-02 10:00"


def test_normalise_header():
    assert normalise_header("Datum gereed ") == normalise_header("datum_gereed") == "datumgereed"


def test_parse_datetime_forms_and_dst():
    values = pd.Series(
        [
            "30-03-2025 01:30",
            "30-03-2025 03:30",
            "2025-07-01 12:00",
            "01/07/2025 12:00",
            "niet",
            "2021-02-11T06:32:36.303+0000",
        ]
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
    assert parse_number(pd.Series(["1.234,5", "-3,25", "1,234.5"])).tolist() == [
        1234.5,
        -3.25,
        1234.5,
    ]
    assert parse_duration_minutes(pd.Series(["2:05", "90"])).tolist() == [125.0, 90.0]


# --------------------------------------------------------------------------------------
# Property-based: generated CSV files read back cell for cell
# --------------------------------------------------------------------------------------


# Letters, digits, punctuation, accents that cp1252 and latin-1 both encode, a quote, a line
# break. The file's own separator is added per example; the other separators are left out,
# because a file where every row holds the same number of an unquoted foreign separator is
# genuinely ambiguous.
_BASE = "abcXYZ019 .:/'-?\"\néèçàëöü"


@st.composite
def csv_files(draw):
    separator = draw(st.sampled_from([";", ",", "\t", "|"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1"]))
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
    n_cols = draw(st.integers(2, 5))
    n_rows = draw(st.integers(1, 6))
    cell = st.text(alphabet=_BASE + separator, max_size=12)
    rows = draw(
        st.lists(st.lists(cell, min_size=n_cols, max_size=n_cols), min_size=n_rows, max_size=n_rows)
    )
    header = [f"col{i}" for i in range(n_cols)]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=separator, quoting=quoting, lineterminator="\n").writerows(
        [header, *rows]
    )
    return buffer.getvalue().encode(encoding), separator, header, rows


def _expected(value: str):
    stripped = value.strip()
    return None if stripped.lower() in MISSING_TOKENS else stripped


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(csv_files())
def test_generated_csv_reads_back(tmp_path, generated):
    data, separator, header, rows = generated
    path = tmp_path / "generated.csv"
    path.write_bytes(data)
    frame = read_table(path)
    assert list(frame.columns) == [*header, "_source_row"]
    assert frame.attrs["separator"] == separator
    got = frame[header].astype(object).where(frame[header].notna(), None).values.tolist()
    assert got == [[_expected(v) for v in row] for row in rows]


@given(st.lists(st.text(alphabet="abc ,", min_size=1, max_size=8), min_size=2, max_size=4))
def test_sniff_ignores_separators_inside_quoted_header(labels):
    header = ";".join(f'"{label}"' for label in labels)
    body = ";".join("1" for _ in labels)
    assert sniff_separator(f"{header}\n{body}\n{body}\n") == ";"

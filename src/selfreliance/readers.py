"""Read raw export files (CSV or Excel) into string DataFrames, and parse their values.

Every value is read as text first: type conversion happens in one place (the parse helpers
below) so that a bad cell becomes a quarantined row with a reason instead of a crash or a
silently wrong number.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from selfreliance.errors import SelfRelianceError

ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")
SEPARATORS = (";", "\t", ",", "|")
MISSING_TOKENS = {"", "?", "-", "n/a", "na", "null", "none", "nan", "#n/a"}
TIMEZONE = "Europe/Brussels"


def normalise_header(label: str) -> str:
    """Header key used for matching: lower case, no accents, only letters and digits.

    Examples
    --------
    >>> normalise_header(" E-mail Aanmelder ")
    'emailaanmelder'
    >>> normalise_header("Date d'ouverture")
    'datedouverture'
    """
    text = unicodedata.normalize("NFKD", str(label)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _decode(raw: bytes, path: Path) -> tuple[str, str]:
    for encoding in ENCODINGS:
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise SelfRelianceError(f"{path}: cannot decode the file as UTF-8, cp1252 or latin-1.")


def _sniff_separator(text: str) -> str:
    header = text.split("\n", 1)[0]
    counts = {sep: header.count(sep) for sep in SEPARATORS}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] > 0 else ","


def read_table(path: str | Path, *, sheet: str | int | None = None) -> pd.DataFrame:
    """Read a CSV or Excel export as text, with encoding and separator detected.

    Parameters
    ----------
    path
        A ``.csv``/``.txt`` (optionally ``.gz``) or ``.xlsx`` file.
    sheet
        Excel sheet name or index; default the first sheet.

    Returns
    -------
    DataFrame
        All columns as strings, missing cells as ``NA``, header labels stripped, and a
        ``_source_row`` column with the 1-based line number of the row in the file (header
        is line 1) so that quarantined rows can be found back.

    Raises
    ------
    SelfRelianceError
        When the file does not exist, is empty, or cannot be decoded.
    """
    path = Path(path)
    if not path.exists():
        raise SelfRelianceError(f"{path}: file not found.")
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in {".xlsx", ".xlsm", ".xls"}:
        try:
            frame = pd.read_excel(path, sheet_name=sheet or 0, dtype=str, engine="openpyxl")
        except Exception as exc:  # openpyxl raises many types for broken files
            raise SelfRelianceError(f"{path}: cannot read this Excel file ({exc}).") from exc
    else:
        raw = path.read_bytes()
        if suffixes and suffixes[-1] == ".gz":
            import gzip

            raw = gzip.decompress(raw)
        if not raw.strip():
            raise SelfRelianceError(f"{path}: the file is empty; export it again with a header row.")
        text, _ = _decode(raw, path)
        separator = _sniff_separator(text)
        try:
            frame = pd.read_csv(
                io.StringIO(text),
                sep=separator,
                dtype=str,
                keep_default_na=False,
                quoting=csv.QUOTE_MINIMAL,
                engine="c",
            )
        except pd.errors.ParserError as exc:
            raise SelfRelianceError(
                f"{path}: the rows do not have the same number of columns as the header "
                f"(separator detected: {separator!r}). {exc}"
            ) from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = frame.apply(lambda col: col.str.strip()).mask(
        frame.apply(lambda col: col.str.strip().str.lower().isin(MISSING_TOKENS))
    )
    frame["_source_row"] = np.arange(2, len(frame) + 2)
    return frame


_DATE_FORMATS = (
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%d-%m-%Y",
    "%d/%m/%Y",
    "%d.%m.%Y",
    "%Y-%m-%d",
)


def parse_datetime(values: pd.Series, *, timezone: str = TIMEZONE) -> pd.Series:
    """Parse day-first and ISO dates to tz-aware local timestamps; unparseable -> NaT.

    Naive wall-clock times are local time in ``timezone``. Values with an explicit UTC offset
    (``2021-02-11T06:32:36.303+0000``) are converted. Excel serial numbers (``45566.5``) are
    accepted. Formats are tried per distinct value, so a file may mix forms.

    Examples
    --------
    >>> s = pd.Series(["03-02-2025 09:15", "2025-02-03 09:15", "45691.385416667", None])
    >>> parse_datetime(s).dt.strftime("%Y-%m-%d %H:%M").tolist()
    ['2025-02-03 09:15', '2025-02-03 09:15', '2025-02-03 09:15', nan]
    """
    from selfreliance.timecalc import to_local

    text = values.astype("string").str.strip()
    uniques = pd.Series(text.dropna().unique())
    parsed = pd.Series(pd.NaT, index=uniques.index, dtype="datetime64[ns]")
    for fmt in _DATE_FORMATS:
        todo = parsed.isna()
        if not todo.any():
            break
        parsed[todo] = pd.to_datetime(uniques[todo], format=fmt, errors="coerce")
    todo = parsed.isna()
    if todo.any():
        with_offset = uniques[todo].str.contains(r"T.*(?:[+-]\d{2}:?\d{2}|Z)$", regex=True)
        if with_offset.any():
            idx = with_offset[with_offset].index
            aware = pd.to_datetime(uniques[idx], utc=True, errors="coerce", format="ISO8601")
            parsed[idx] = aware.dt.tz_convert(timezone).dt.tz_localize(None)
    todo = parsed.isna()
    if todo.any():
        serial = pd.to_numeric(uniques[todo].str.replace(",", ".", regex=False), errors="coerce")
        plausible = serial.between(20000, 80000)  # 1954 .. 2119
        idx = serial[plausible].index
        parsed[idx] = (
            pd.Timestamp("1899-12-30") + pd.to_timedelta(serial[idx] * 86400, unit="s")
        ).dt.round("min")
    lookup = dict(zip(uniques, parsed, strict=True))
    naive = pd.to_datetime(text.map(lookup), errors="coerce")
    return to_local(naive, timezone)


def parse_number(values: pd.Series) -> pd.Series:
    """Parse numbers written with a decimal comma or point and optional thousands marks.

    Examples
    --------
    >>> parse_number(pd.Series(["1.250,5", "3,25", "7", "1 200", "x"])).tolist()
    [1250.5, 3.25, 7.0, 1200.0, nan]
    """
    text = values.astype("string").str.replace(r"[\s\u00a0\u202f]", "", regex=True)
    both = text.str.contains(",", regex=False) & text.str.contains(".", regex=False)
    comma_decimal = both & (text.str.rfind(",") > text.str.rfind("."))
    text = text.mask(comma_decimal, text.str.replace(".", "", regex=False))
    text = text.mask(both & ~comma_decimal, text.str.replace(",", "", regex=False))
    text = text.str.replace(",", ".", regex=False)
    return pd.to_numeric(text, errors="coerce").astype("float64")


def parse_duration_minutes(values: pd.Series) -> pd.Series:
    """Parse durations to minutes: ``u:mm``, ``uu:mm:ss`` or a plain number of minutes.

    Examples
    --------
    >>> parse_duration_minutes(pd.Series(["0:15", "1:05", "01:30:30", "12,5", None])).tolist()
    [15.0, 65.0, 90.5, 12.5, nan]
    """
    text = values.astype("string").str.strip()
    parts = text.str.extract(r"^(-?\d+):(\d{1,2})(?::(\d{1,2}))?$")
    hms = (
        pd.to_numeric(parts[0], errors="coerce") * 60
        + pd.to_numeric(parts[1], errors="coerce")
        + pd.to_numeric(parts[2], errors="coerce").fillna(0) / 60
    )
    return hms.combine_first(parse_number(text)).astype("float64")

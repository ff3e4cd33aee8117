"""Read raw export files (CSV or Excel) into string DataFrames, and parse their values.

Every value is read as text first: type conversion happens in one place (the parse helpers
below) so that a bad cell becomes a quarantined row with a reason instead of a crash or a
silently wrong number.

Reading rules
-------------
* **File kind** is decided by content, not by name: a zip container (``PK``) is read as an
  Excel workbook, text is read as CSV (so a CSV saved as ``export.xlsx`` still reads), an old
  binary ``.xls`` or other binary content stops with a message saying how to export instead.
* **Encoding**: UTF-8 (with or without BOM) when the whole file decodes as UTF-8; cp1252 when
  it holds no UTF-8 multi-byte sequence at all (latin-1 when it uses bytes cp1252 leaves
  undefined); a file that mixes both (rows pasted from two sources) is read as UTF-8 with
  each undecodable byte taken as cp1252, and the number of such bytes is reported in
  ``frame.attrs["encoding"]``.
* **Separator**: ``;``, tab, ``,`` or ``|``, chosen by parsing the first records with each
  candidate (quotes respected, so a quoted header label holding a comma does not mislead) and
  keeping the one that gives most columns with the same width on every record.
* **Cells**: surrounding white space is stripped; ``?``, ``-``, ``n/a``, ``null``, ``#N/A``
  and empty cells are missing. A record with more fields than the header does not stop the
  read: it is reported in ``frame.attrs["bad_lines"]`` (line number and problem) so that it
  can be quarantined, not silently lost.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import re
import unicodedata
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from selfreliance.errors import SelfRelianceError

ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")
SEPARATORS = (";", "\t", ",", "|")
MISSING_TOKENS = {"", "?", "-", "n/a", "na", "null", "none", "nan", "#n/a"}
# Every spelling a cell may use, so the test is one ``isin`` (no lower-casing of every cell).
_MISSING_SPELLINGS = sorted(
    {v for t in MISSING_TOKENS for v in (t, t.upper(), t.title(), t.capitalize())}
    | {"NaN", "#N/A", "N/a"}
)
TIMEZONE = "Europe/Brussels"
_SAMPLE_BYTES = 256 * 1024
_CHUNK_BYTES = 8 * 1024 * 1024
_FALLBACK_ERRORS = "selfreliance-cp1252"
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")


def _cp1252_fallback(error: UnicodeDecodeError) -> tuple[str, int]:
    """Decode bytes that are not UTF-8 as cp1252 (latin-1 for the five undefined bytes)."""
    chunk = error.object[error.start : error.end]
    return chunk.decode("cp1252", errors="replace").replace(
        "\ufffd", chunk.decode("latin-1")
    ), error.end


codecs.register_error(_FALLBACK_ERRORS, _cp1252_fallback)


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


# --------------------------------------------------------------------------------------
# File kind, encoding and separator
# --------------------------------------------------------------------------------------


def _open_binary(path: Path):
    with path.open("rb") as handle:
        magic = handle.read(2)
    return gzip.open(path, "rb") if magic == b"\x1f\x8b" else path.open("rb")


def file_kind(path: Path) -> str:
    """``"excel"``, ``"text"``; raises for an empty, old-Excel or binary file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.xlsx"
    >>> _ = p.write_text("a;b\\n1;2\\n")
    >>> file_kind(p)
    'text'
    """
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(b"PK\x03\x04"):
        return "excel"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise SelfRelianceError(
            f"{path}: this is an old binary Excel file (.xls) or another Office format. "
            "Open it in Excel and save it as .xlsx, or export the list as CSV."
        )
    try:
        with _open_binary(path) as handle:
            sample = handle.read(_SAMPLE_BYTES)
    except (OSError, EOFError) as exc:
        raise SelfRelianceError(f"{path}: cannot read the file ({exc}).") from exc
    if not sample.strip(b" \t\r\n\xef\xbb\xbf"):
        raise SelfRelianceError(f"{path}: the file is empty; export it again with a header row.")
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SelfRelianceError(
            f"{path}: the file is UTF-16 text; export it again as CSV in UTF-8 (or 'CSV (puntkomma "
            "gescheiden)' in Excel)."
        )
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    if b"\x00" in sample or control > max(8, len(sample) // 100):
        raise SelfRelianceError(
            f"{path}: the file is not a text export nor an .xlsx workbook (binary content found). "
            "Export the ticket list again as CSV or .xlsx."
        )
    return "text"


def detect_encoding(path: Path) -> tuple[str, str]:
    """Encoding and error handler to read ``path`` with (see the module docstring).

    Returns
    -------
    (encoding, errors)
        ``("utf-8-sig", "strict")``, ``("cp1252", "strict")``, ``("latin-1", "strict")`` or
        ``("utf-8-sig", "selfreliance-cp1252")`` for a file mixing UTF-8 and cp1252.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8_ok = True
    has_multibyte = False
    undefined = False
    with _open_binary(path) as handle:
        while block := handle.read(_CHUNK_BYTES):
            if utf8_ok:
                try:
                    decoder.decode(block)
                except UnicodeDecodeError:
                    utf8_ok = False
            if not utf8_ok:
                has_multibyte = has_multibyte or bool(_UTF8_MULTIBYTE.search(block))
                undefined = undefined or any(
                    b in block for b in (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")
                )
    if utf8_ok:
        try:
            decoder.decode(b"", final=True)
            return "utf-8-sig", "strict"
        except UnicodeDecodeError:
            pass
    if has_multibyte:
        return "utf-8-sig", _FALLBACK_ERRORS
    return ("latin-1" if undefined else "cp1252"), "strict"


def _records(sample: str, separator: str, limit: int = 50) -> list[list[str]]:
    reader = csv.reader(io.StringIO(sample), delimiter=separator)
    rows = []
    try:
        for row in reader:
            if row:
                rows.append(row)
            if len(rows) > limit:
                break
    except csv.Error:
        pass
    return rows


def sniff_separator(sample: str) -> str:
    """The separator that splits the first records into the most, equally wide, columns.

    Quoted fields are respected: a header label ``"Datum, tijd"`` does not make ``,`` the
    separator of a ``;`` file.

    Examples
    --------
    >>> sniff_separator('"Nummer";"Datum, tijd";"Titel"\\n"1";"01-02-2025 10:00";"a, b, c"\\n')
    ';'
    >>> sniff_separator("a,b,c\\n1,2,3\\n")
    ','
    """
    complete = sample if sample.endswith("\n") else sample.rsplit("\n", 1)[0] + "\n"
    several_lines = sum(1 for line in complete.splitlines()[:3] if line.strip()) > 1
    best, best_score = ",", (-1.0, 0)
    for separator in SEPARATORS:
        rows = _records(complete, separator)
        if not rows or (several_lines and len(rows) < 2):
            continue  # an unbalanced quote swallowed the whole sample: not this separator
        width = len(rows[0])
        if width < 2:
            continue
        body = rows[1:] or rows
        consistent = sum(len(r) == width for r in body) / len(body)
        score = (round(consistent, 2), width)
        if score > best_score:
            best, best_score = separator, score
    return best


_NAMES = {";": "semicolon (;)", ",": "comma (,)", "\t": "tab", "|": "bar (|)"}


def _check_rows_split(path: Path, sample: str, separator: str) -> None:
    """Stop when the header splits on ``separator`` but most rows do not (a wrong separator)."""
    complete = sample if sample.endswith("\n") else sample.rsplit("\n", 1)[0] + "\n"
    rows = _records(complete, separator)
    if len(rows) < 2 or len(rows[0]) < 2:
        return
    body = rows[1:]
    unsplit = sum(len(r) == 1 for r in body) / len(body)
    if unsplit < 0.5:
        return
    lines = complete.splitlines()[1:]
    other = max(
        (s for s in SEPARATORS if s != separator),
        key=lambda s: sum(line.count(s) for line in lines),
    )
    raise SelfRelianceError(
        f"{path}: the header is split by {_NAMES[separator]} into {len(rows[0])} columns, but the rows are "
        f"not (they seem to use {_NAMES[other]}). Export the file again with one separator for the whole "
        "file, e.g. 'CSV (puntkomma gescheiden)'."
    )


# --------------------------------------------------------------------------------------
# Excel
# --------------------------------------------------------------------------------------


def excel_headers(path: Path) -> dict[str, list[str]]:
    """First-row labels of every sheet of a workbook (read-only, cheap on big files)."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken files
        raise SelfRelianceError(
            f"{path}: cannot open this Excel workbook ({type(exc).__name__}: {exc}). Open and save it "
            "again in Excel, or export the list as CSV."
        ) from exc
    try:
        headers = {}
        for sheet in book.worksheets:
            first = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
            headers[sheet.title] = [
                str(v).strip() for v in first if v is not None and str(v).strip()
            ]
        return headers
    finally:
        book.close()


SheetChooser = Callable[[dict[str, list[str]]], str]


def _read_excel(
    path: Path, sheet: str | int | None, choose_sheet: SheetChooser | None
) -> pd.DataFrame:
    if sheet is None:
        headers = excel_headers(path)
        usable = {name: cols for name, cols in headers.items() if cols}
        if not usable:
            raise SelfRelianceError(
                f"{path}: every sheet of the workbook is empty (sheets: {', '.join(headers) or 'none'})."
            )
        if len(usable) == 1:
            sheet = next(iter(usable))
        elif choose_sheet is not None:
            sheet = choose_sheet(usable)
        else:
            sheet = next(iter(usable))
    try:
        frame = pd.read_excel(
            path, sheet_name=sheet, dtype=str, engine="openpyxl", keep_default_na=False
        )
    except ValueError as exc:
        raise SelfRelianceError(f"{path}: sheet {sheet!r} not found ({exc}).") from exc
    except Exception as exc:  # openpyxl raises many types for broken files
        raise SelfRelianceError(
            f"{path}: cannot read this Excel file ({type(exc).__name__}: {exc})."
        ) from exc
    frame.attrs["sheet"] = sheet
    return frame


# --------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------

_BAD_LINE = re.compile(r"Skipping line (\d+): (.*)")


def _read_csv(
    path: Path,
    separator: str | None = None,
    encoding: str | None = None,
    columns: Callable[[list[str]], list[str]] | None = None,
) -> pd.DataFrame:
    encoding, errors = (encoding, "strict") if encoding else detect_encoding(path)
    with _open_binary(path) as handle:
        sample = handle.read(_SAMPLE_BYTES).decode(encoding, errors=_FALLBACK_ERRORS)
    if separator is None:
        separator = sniff_separator(sample)
        _check_rows_split(path, sample, separator)
    usecols = None
    header = [
        label.strip()
        for label in next(iter(_records(sample.lstrip("\ufeff"), separator, limit=0)), [])
    ]
    if columns is not None:
        wanted = set(columns(header))
        # Positions, not labels: labels may repeat (Jira's "Comment" columns).
        positions = [i for i, label in enumerate(header) if label in wanted]
        usecols = positions if positions and len(positions) < len(header) else None
    bad_lines: list[tuple[int, str]] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", pd.errors.ParserWarning)
        try:
            frame = pd.read_csv(
                path,
                sep=separator,
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                encoding=encoding,
                encoding_errors=errors,
                compression="infer" if path.suffix.lower() == ".gz" else None,
                on_bad_lines="warn",
                usecols=usecols,
                engine="c",
                index_col=False,  # a trailing separator on every line must not become an index
                skip_blank_lines=True,
            )
        except pd.errors.EmptyDataError as exc:
            raise SelfRelianceError(
                f"{path}: the file is empty; export it again with a header row."
            ) from exc
        except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
            raise SelfRelianceError(
                f"{path}: cannot split the file into columns (separator detected: {separator!r}; "
                f"{exc}). Check that text cells holding the separator or line breaks are quoted."
            ) from exc
    for warning in caught:
        for line in str(warning.message).splitlines():
            match = _BAD_LINE.match(line.strip())
            if match:
                bad_lines.append((int(match.group(1)), match.group(2).strip()))
    frame.attrs.update(
        header=header,
        encoding=encoding if errors == "strict" else "utf-8 + cp1252 (mixed)",
        separator=separator,
        bad_lines=bad_lines,
    )
    return frame


def _clean_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """Strip every cell and turn the missing tokens into NA (one pass per column)."""
    out = {}
    for column in frame.columns:
        values = frame[column].astype("str")
        stripped = values.str.strip()
        missing = stripped.isin(_MISSING_SPELLINGS) | stripped.isna()
        out[column] = stripped.mask(missing)
    return pd.DataFrame(out, index=frame.index)


def read_table(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    choose_sheet: SheetChooser | None = None,
    separator: str | None = None,
    encoding: str | None = None,
    columns: Callable[[list[str]], list[str]] | None = None,
) -> pd.DataFrame:
    """Read a CSV or Excel export as text, with file kind, encoding and separator detected.

    Parameters
    ----------
    path
        A CSV/TXT file (optionally gzip-compressed) or an ``.xlsx`` workbook.
    sheet
        Excel sheet name or index; default: the only non-empty sheet, else the one
        ``choose_sheet`` picks, else the first.
    choose_sheet
        Called with ``{sheet name: header labels}`` when a workbook has several non-empty
        sheets; returns the sheet to read (or raises a :class:`SelfRelianceError`).
    separator, encoding
        Force the CSV separator or encoding instead of detecting them.
    columns
        Called with the CSV header labels; returns the labels to keep. Columns nobody needs
        (an operator's name, a free-text field no adapter maps) are then never parsed, which
        saves time and keeps personal data out of memory. Ignored for Excel.

    Returns
    -------
    DataFrame
        All columns as strings, missing cells as ``NA``, header labels stripped, and a
        ``_source_row`` column with the 1-based record number in the file (the header is 1;
        equal to the line number unless cells hold line breaks). ``attrs`` holds
        ``encoding``, ``separator`` (CSV), ``sheet`` (Excel) and ``bad_lines``: ``(line,
        problem)`` for records that could not be split into the header's columns.

    Raises
    ------
    SelfRelianceError
        When the file does not exist, is empty, binary, or cannot be decoded or split.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_bytes("Nummer;Titel\\n1; Café \\n2;?\\n".encode("cp1252"))
    >>> read_table(p)[["Nummer", "Titel"]].values.tolist()
    [['1', 'Café'], ['2', nan]]
    """
    path = Path(path)
    if not path.exists():
        raise SelfRelianceError(f"{path}: file not found.")
    if path.is_dir():
        raise SelfRelianceError(f"{path}: is a folder, not an export file.")
    kind = file_kind(path)
    frame = (
        _read_excel(path, sheet, choose_sheet)
        if kind == "excel"
        else _read_csv(path, separator, encoding, columns)
    )
    attrs = dict(frame.attrs)
    attrs.setdefault("bad_lines", [])
    frame = _clean_cells(frame)
    frame.columns = [str(c).strip() for c in frame.columns]
    skipped = sorted(line for line, _ in attrs["bad_lines"])
    rows = np.arange(2, len(frame) + 2 + len(skipped))
    frame["_source_row"] = np.setdiff1d(rows, skipped)[: len(frame)] if skipped else rows
    frame.attrs = attrs
    return frame


# --------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------

_DAYFIRST_FORMATS = (
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d-%m-%Y",
    "%d/%m/%Y",
    "%d.%m.%Y",
    "%d-%m-%y %H:%M",
    "%d/%m/%y %H:%M",
    "%d-%m-%y",
    "%d/%m/%y",
)
_MONTHFIRST_FORMATS = tuple(
    f.replace("%d", "%D").replace("%m", "%d").replace("%D", "%m") for f in _DAYFIRST_FORMATS
)
_ISO_FORMATS = (
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%d",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
)
# Jira's default and similar English month forms ("05/Jan/24 3:42 PM").
_WORDY_FORMATS = (
    "%d/%b/%y %I:%M %p",
    "%d/%b/%Y %I:%M %p",
    "%d-%b-%Y %H:%M",
    "%d %b %Y %H:%M",
    "%d %b %Y",
)
_OFFSET = re.compile(r"\d[T ]\d{1,2}:\d{2}.*(?:[+-]\d{2}:?\d{2}|Z)$")
_DUTCH_MONTHS = {
    "januari": "Jan", "februari": "Feb", "maart": "Mar", "april": "Apr", "mei": "May", "juni": "Jun",
    "juli": "Jul", "augustus": "Aug", "september": "Sep", "oktober": "Oct", "november": "Nov",
    "december": "Dec", "jan": "Jan", "feb": "Feb", "mrt": "Mar", "apr": "Apr", "jun": "Jun",
    "jul": "Jul", "aug": "Aug", "sep": "Sep", "sept": "Sep", "okt": "Oct", "nov": "Nov", "dec": "Dec",
}  # fmt: skip
_DUTCH_MONTH_RE = re.compile(
    r"(?i)\b(" + "|".join(sorted(_DUTCH_MONTHS, key=len, reverse=True)) + r")\b\.?"
)


def _candidate_formats(dayfirst: bool, formats: tuple[str, ...]) -> tuple[str, ...]:
    numeric = _DAYFIRST_FORMATS if dayfirst else _MONTHFIRST_FORMATS
    return (*formats, *_ISO_FORMATS, *numeric, *_WORDY_FORMATS)


def _parse_unique_dates(
    uniques: pd.Series, *, dayfirst: bool, formats: tuple[str, ...], timezone: str
) -> pd.Series:
    """Naive local timestamps for distinct strings; formats ranked on a sample first."""
    parsed = pd.Series(pd.NaT, index=uniques.index, dtype="datetime64[ns]")
    if uniques.empty:
        return parsed
    candidates = _candidate_formats(dayfirst, formats)
    sample = (
        uniques.sample(min(len(uniques), 300), random_state=0) if len(uniques) > 300 else uniques
    )
    hits = {
        f: int(pd.to_datetime(sample, format=f, errors="coerce").notna().sum()) for f in candidates
    }
    ranked = sorted((f for f in candidates if hits[f]), key=lambda f: -hits[f])
    ranked += [f for f in candidates if not hits[f]]
    for fmt in ranked:
        todo = parsed.isna()
        if not todo.any():
            break
        parsed[todo] = pd.to_datetime(uniques[todo], format=fmt, errors="coerce")
    todo = parsed.isna()
    if todo.any():
        with_offset = uniques[todo].str.contains(_OFFSET, regex=True)
        if with_offset.any():
            idx = with_offset[with_offset].index
            aware = pd.to_datetime(
                uniques[idx].str.replace(" ", "T", n=1), utc=True, errors="coerce", format="ISO8601"
            )
            parsed[idx] = (
                aware.dt.tz_convert(timezone).dt.tz_localize(None).astype("datetime64[ns]")
            )
    todo = parsed.isna()
    if todo.any():
        dutch = uniques[todo].str.replace(
            _DUTCH_MONTH_RE, lambda m: _DUTCH_MONTHS[m.group(1).lower()], regex=True
        )
        for fmt in ("%d %b %Y %H:%M", "%d %b %Y", "%d-%b-%Y %H:%M", "%d-%b-%Y"):
            still = parsed.isna() & todo
            if not still.any():
                break
            parsed[still] = pd.to_datetime(dutch[still], format=fmt, errors="coerce")
    todo = parsed.isna()
    if todo.any():
        serial = pd.to_numeric(uniques[todo].str.replace(",", ".", regex=False), errors="coerce")
        plausible = serial.between(20000, 80000)  # 1954 .. 2119
        idx = serial[plausible].index
        parsed[idx] = (
            pd.Timestamp("1899-12-30") + pd.to_timedelta(serial[idx] * 86400, unit="s")
        ).dt.round("s")
    return parsed


def parse_datetime(
    values: pd.Series,
    *,
    timezone: str = TIMEZONE,
    dayfirst: bool = True,
    formats: tuple[str, ...] | str = (),
) -> pd.Series:
    """Parse day-first and ISO dates to tz-aware local timestamps; unparseable -> NaT.

    Naive wall-clock times are local time in ``timezone`` (ambiguous autumn times take summer
    time, nonexistent spring times shift forward, see :func:`selfreliance.timecalc.to_local`).
    Values with an explicit UTC offset (``2021-02-11T06:32:36.303+0000``) are converted.
    Excel serial numbers (``45566.5``) are accepted, and Dutch or English month names
    (``3 feb 2025``, ``05/Jan/24 3:42 PM``). Each distinct value is parsed once, trying first
    the formats that fit a sample best, so a file may mix forms.

    Parameters
    ----------
    values
        Text (or anything with a string form); missing stays NaT.
    timezone
        IANA zone of naive wall-clock times.
    dayfirst
        ``False`` reads ``01/05/2025`` as 5 January (US-style exports).
    formats
        ``strftime`` formats to try before the built-in ones (e.g. from a column mapping).

    Examples
    --------
    >>> s = pd.Series(["03-02-2025 09:15", "2025-02-03 09:15", "45691.385416667", "3/2/2025 9:15", None])
    >>> parse_datetime(s).dt.strftime("%Y-%m-%d %H:%M").tolist()
    ['2025-02-03 09:15', '2025-02-03 09:15', '2025-02-03 09:15', '2025-02-03 09:15', nan]
    """
    from selfreliance.timecalc import to_local

    if isinstance(formats, str):
        formats = (formats,)
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return values.dt.tz_convert(timezone)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    text = pd.Series(uniques, dtype="str").str.strip()
    naive = _parse_unique_dates(text, dayfirst=dayfirst, formats=tuple(formats), timezone=timezone)
    local = to_local(naive, timezone)
    taken = pd.DatetimeIndex(local).take(codes, allow_fill=True, fill_value=pd.NaT)
    return pd.Series(taken, index=values.index, name=values.name)


def _per_unique(values: pd.Series, parse: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """Apply ``parse`` to the distinct values only, then spread the result (float64)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    parsed = parse(pd.Series(uniques, dtype="str")).to_numpy(dtype="float64", na_value=np.nan)
    out = np.append(parsed, np.nan)[codes]  # code -1 (missing) picks the appended NaN
    return pd.Series(out, index=values.index, name=values.name, dtype="float64")


def _parse_number_unique(text: pd.Series) -> pd.Series:
    text = text.str.replace(r"[\s\u00a0\u202f']", "", regex=True)
    both = text.str.contains(",", regex=False) & text.str.contains(".", regex=False)
    comma_decimal = both & (text.str.rfind(",") > text.str.rfind("."))
    text = text.mask(comma_decimal, text.str.replace(".", "", regex=False))
    text = text.mask(both & ~comma_decimal, text.str.replace(",", "", regex=False))
    text = text.str.replace(",", ".", regex=False)
    return pd.to_numeric(text, errors="coerce").astype("float64")


def parse_number(values: pd.Series) -> pd.Series:
    """Parse numbers written with a decimal comma or point and optional thousands marks.

    Examples
    --------
    >>> parse_number(pd.Series(["1.250,5", "3,25", "7", "1 200", "x"])).tolist()
    [1250.5, 3.25, 7.0, 1200.0, nan]
    """
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        return values.astype("float64")
    return _per_unique(values, _parse_number_unique)


_DURATION_WORDS = re.compile(
    r"^(?:(?P<d>\d+(?:[.,]\d+)?)\s*(?:d|days?|dagen|dag|jours?)\b\s*)?"
    r"(?:(?P<h>\d+(?:[.,]\d+)?)\s*(?:h|hours?|hrs?|uur|u|heures?)\b\s*)?"
    r"(?:(?P<m>\d+(?:[.,]\d+)?)\s*(?:m|min|mins|minutes?|minuten)\b\s*)?"
    r"(?:(?P<s>\d+)\s*(?:s|sec|seconds?|seconden|secondes?)\b)?$",
    re.IGNORECASE,
)


def _clock_minutes(text: pd.Series) -> pd.Series:
    """Minutes of ``h:mm`` or ``h:mm:ss`` texts (NaN for anything else)."""
    parts = text.str.extract(r"^(-?\d+):(\d{1,2})(?::(\d{1,2}))?$")
    return (
        pd.to_numeric(parts[0], errors="coerce") * 60
        + pd.to_numeric(parts[1], errors="coerce")
        + pd.to_numeric(parts[2], errors="coerce").fillna(0) / 60
    )


def _parse_duration_unique(text: pd.Series) -> pd.Series:
    text = text.str.strip()
    hms = _clock_minutes(text)
    words = text.str.extract(_DURATION_WORDS)
    words = pd.DataFrame(
        {
            name: pd.to_numeric(
                words[name].str.replace(",", ".", regex=False), errors="coerce"
            ).astype("float64")
            for name in ("d", "h", "m", "s")
        }
    )
    has_words = words.notna().any(axis=1) & text.str.contains(r"[A-Za-z]", regex=True)
    worded = (
        words["d"].fillna(0) * 1440
        + words["h"].fillna(0) * 60
        + words["m"].fillna(0)
        + words["s"].fillna(0) / 60
    )
    result = hms.combine_first(worded.where(has_words)).combine_first(_parse_number_unique(text))
    return result.astype("float64")


def parse_duration_minutes(values: pd.Series) -> pd.Series:
    """Parse durations to minutes: ``u:mm``, ``uu:mm:ss``, ``1 h 30 min``/``2 uur`` or a
    plain number of minutes.

    Examples
    --------
    >>> parse_duration_minutes(pd.Series(["0:15", "1:05", "01:30:30", "12,5", "1 hours 30 minutes", None])).tolist()
    [15.0, 65.0, 90.5, 12.5, 90.0, nan]
    """
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        return values.astype("float64")
    return _per_unique(values, _parse_duration_unique)


def parse_hours_as_minutes(values: pd.Series) -> pd.Series:
    """Durations given in hours (``1,5`` or ``01:30:00``) as minutes.

    A value with a colon is read as ``h:mm[:ss]``; a plain number is hours.

    Examples
    --------
    >>> parse_hours_as_minutes(pd.Series(["1,5", "01:30:00", "0.25", None])).tolist()
    [90.0, 90.0, 15.0, nan]
    """

    def parse(text: pd.Series) -> pd.Series:
        text = text.str.strip()
        return _clock_minutes(text).combine_first(_parse_number_unique(text) * 60)

    return _per_unique(values, parse)

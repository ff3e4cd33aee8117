"""Run the ingest stage: raw exports in ``data/raw`` to Parquet tables in ``data/processed``.

Writes, in the processed folder:
``tickets.parquet`` (pseudonymised, scrubbed, classified), ``people.parquet``,
``survey.parquet``, ``interventions.parquet``, ``labels.parquet`` (when a labelled file is
given), ``quarantine.csv`` (row, ticket id, reason: no personal content) and
``ingest_summary.json`` (counts that reconcile, link and scrub figures, input hashes).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from selfreliance import __version__
from selfreliance.categorise import classify_rules, load_codebook
from selfreliance.clean import (
    add_waiting_times,
    link_requesters,
    link_summary,
    match_report,
    protect_tickets,
    pseudonymise_people,
    quarantine_tickets,
)
from selfreliance.errors import SelfRelianceError
from selfreliance.ingest import (
    MAX_TEXT_CHARS,
    read_interventions,
    read_roster,
    read_survey,
    read_tickets,
)
from selfreliance.privacy import load_key, pseudonymise
from selfreliance.readers import read_table
from selfreliance.schemas import CleanTickets, People, validate
from selfreliance.timecalc import OfficeCalendar

RAW_PATTERNS = {
    "tickets": ("tickets.csv", "tickets.xlsx", "tickets.csv.gz", "tickets.txt"),
    "roster": ("roster.csv", "roster.xlsx"),
    "survey": ("survey.csv", "survey.xlsx"),
    "instrument": ("instrument.yml", "instrument.yaml"),
    "interventions": ("interventions.csv", "interventions.xlsx"),
    "labels": ("labels.csv", "demo_labels.csv", "labels.xlsx"),
}


@dataclass
class Sources:
    """Input files of one run; only ``tickets`` is required."""

    tickets: Path
    source: str = "auto"
    roster: Path | None = None
    survey: Path | None = None
    instrument: Path | None = None
    interventions: Path | None = None
    labels: Path | None = None

    def files(self) -> dict[str, Path]:
        names = ("tickets", "roster", "survey", "instrument", "interventions", "labels")
        return {n: getattr(self, n) for n in names if getattr(self, n) is not None}


def discover_sources(raw_dir: Path) -> Sources | None:
    """Find the input files in ``raw_dir``: ``sources.yml`` if present, else by file name.

    ``sources.yml`` lists files relative to ``raw_dir``::

        tickets: export-2026Q3.xlsx
        source: topdesk
        roster: hr/personeel.csv
        survey: survey.csv
        instrument: instrument.yml
        interventions: interventions.csv

    Returns ``None`` when the folder holds no ticket file.
    """
    config = raw_dir / "sources.yml"
    if config.exists():
        spec = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
        if "tickets" not in spec:
            raise SelfRelianceError(f"{config}: 'tickets:' (the ticket export file) is required.")
        paths = {k: raw_dir / v for k, v in spec.items() if k in RAW_PATTERNS and v}
        for name, path in paths.items():
            if not path.exists():
                raise SelfRelianceError(f"{config}: {name} file {path} does not exist.")
        source = str(spec.get("source", "auto"))
        if source.lower().endswith((".yml", ".yaml")) and not Path(source).is_absolute():
            source = str(raw_dir / source)  # a column mapping next to the exports
        return Sources(source=source, **paths)
    found = {}
    for name, candidates in RAW_PATTERNS.items():
        for candidate in candidates:
            if (raw_dir / candidate).exists():
                found[name] = raw_dir / candidate
                break
    if "tickets" not in found:
        return None
    return Sources(**found)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def run_ingest(
    sources: Sources,
    out_dir: Path,
    *,
    key: bytes | None = None,
    as_of: pd.Timestamp | None = None,
    calendar: OfficeCalendar | None = None,
    codebook_path: Path | None = None,
) -> dict:
    """Read, clean, protect and classify the inputs; write the processed tables.

    Returns the summary that is also written to ``ingest_summary.json``.
    """
    key = key if key is not None else load_key()
    calendar = calendar or OfficeCalendar.from_yaml()
    codebook = load_codebook(codebook_path)
    out_dir.mkdir(parents=True, exist_ok=True)

    canonical = read_tickets(sources.tickets, sources.source)
    read_info = dict(canonical.attrs)
    cleaned = quarantine_tickets(canonical, as_of=as_of)
    if cleaned.counts["rows_kept"] == 0:
        cleaned.quarantine.to_csv(out_dir / "quarantine.csv", index=False)
        reasons = ", ".join(
            f"{r} {n}" for r, n in cleaned.quarantine["reason"].value_counts().items()
        )
        raise SelfRelianceError(
            f"{sources.tickets}: no usable ticket rows: all {cleaned.counts['rows_read']} rows were "
            f"quarantined ({reasons}). See {out_dir / 'quarantine.csv'} for the row numbers; check the "
            "date columns and the ticket number column, or choose another --source."
        )
    roster = read_roster(sources.roster) if sources.roster else None
    tickets = link_requesters(cleaned.tickets, roster)
    links = match_report(tickets)
    linking = link_summary(tickets)
    tickets = add_waiting_times(tickets, calendar)
    names = roster["name"].dropna().tolist() if roster is not None else []
    tickets, scrubbed = protect_tickets(tickets, key, names=names)
    tickets = classify_rules(tickets, codebook)
    tickets = tickets.drop(columns=["_source_row"])
    tickets = validate(tickets, CleanTickets, where=str(sources.tickets))
    tickets.to_parquet(out_dir / "tickets.parquet", index=False)
    cleaned.quarantine.to_csv(out_dir / "quarantine.csv", index=False)

    written = ["tickets.parquet", "quarantine.csv"]
    if roster is not None:
        reference_year = int(tickets["opened_at"].max().year)
        people = validate(
            pseudonymise_people(roster, key, reference_year=reference_year),
            People,
            where=str(sources.roster),
        )
        people.to_parquet(out_dir / "people.parquet", index=False)
        written.append("people.parquet")
    if sources.survey is not None:
        if sources.instrument is None:
            raise SelfRelianceError(
                "A survey file needs its instrument file (--instrument instrument.yml)."
            )
        instrument = yaml.safe_load(sources.instrument.read_text(encoding="utf-8"))
        survey = read_survey(sources.survey, instrument)
        survey.insert(0, "person_key", pseudonymise(survey.pop("person_id"), key))
        survey.to_parquet(out_dir / "survey.parquet", index=False)
        (out_dir / "instrument.yml").write_text(
            yaml.safe_dump(instrument, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        written += ["survey.parquet", "instrument.yml"]
    if sources.interventions is not None:
        read_interventions(sources.interventions).to_parquet(
            out_dir / "interventions.parquet", index=False
        )
        written.append("interventions.parquet")
    if sources.labels is not None:
        labels = read_table(sources.labels).drop(columns="_source_row")
        labels.to_parquet(out_dir / "labels.parquet", index=False)
        written.append("labels.parquet")
        # `selfreliance label import` writes the coders' kappa table beside the labels.
        agreement = sources.labels.with_name(sources.labels.stem + "_agreement.csv")
        if agreement.exists():
            pd.read_csv(agreement).to_parquet(out_dir / "labels_agreement.parquet", index=False)
            written.append("labels_agreement.parquet")
    for stale in {
        "people.parquet",
        "survey.parquet",
        "instrument.yml",
        "interventions.parquet",
        "labels.parquet",
        "labels_agreement.parquet",
    } - set(written):
        (out_dir / stale).unlink(missing_ok=True)

    summary = {
        "package_version": __version__,
        "codebook_version": codebook.version,
        "source_system": str(canonical["source_system"].iloc[0]),
        "counts": cleaned.counts,
        "file_rows": int(read_info.get("file_rows", cleaned.counts["rows_read"])),
        "read": {k: read_info[k] for k in ("encoding", "separator", "sheet") if k in read_info},
        "text_truncated": int(read_info.get("text_truncated", 0)),
        "max_text_chars": MAX_TEXT_CHARS,
        "linking": linking,
        "quarantine_reasons": cleaned.quarantine["reason"].value_counts().to_dict(),
        "requesters": links.to_dict(orient="records"),
        "scrubbed": scrubbed,
        "has_roster": roster is not None,
        "has_survey": sources.survey is not None,
        "has_interventions": sources.interventions is not None,
        "inputs": {
            name: {"file": path.name, "sha256": file_sha256(path)}
            for name, path in sources.files().items()
        },
        "first_ticket": str(tickets["opened_at"].min()),
        "last_ticket": str(tickets["opened_at"].max()),
        "written": written,
    }
    (out_dir / "ingest_summary.json").write_text(
        json.dumps(summary, indent=2, default=str), encoding="utf-8"
    )
    return summary


@dataclass(frozen=True)
class Processed:
    """The processed tables of one ingest run; optional tables are ``None`` when absent."""

    tickets: pd.DataFrame
    people: pd.DataFrame | None
    survey: pd.DataFrame | None
    instrument: dict | None
    interventions: pd.DataFrame | None
    labels: pd.DataFrame | None
    summary: dict
    agreement: pd.DataFrame | None = None  # coders' Cohen's kappa from `label import`


def load_processed(processed_dir: str | Path) -> Processed:
    """Load what ``run_ingest`` wrote; raises a clear error when nothing was ingested."""
    folder = Path(processed_dir)
    if not (folder / "tickets.parquet").exists():
        raise SelfRelianceError(
            f"No processed tickets in {folder}: run `selfreliance ingest` first."
        )

    def optional(name: str) -> pd.DataFrame | None:
        path = folder / name
        return pd.read_parquet(path) if path.exists() else None

    instrument_file = folder / "instrument.yml"
    return Processed(
        tickets=pd.read_parquet(folder / "tickets.parquet"),
        people=optional("people.parquet"),
        survey=optional("survey.parquet"),
        instrument=yaml.safe_load(instrument_file.read_text(encoding="utf-8"))
        if instrument_file.exists()
        else None,
        interventions=optional("interventions.parquet"),
        labels=optional("labels.parquet"),
        summary=json.loads((folder / "ingest_summary.json").read_text(encoding="utf-8")),
        agreement=optional("labels_agreement.parquet"),
    )


def results_dir(processed_dir: str | Path, quarter: str) -> Path:
    """Folder for one quarter's result tables (``data/processed/<quarter>/``), created if needed."""
    folder = Path(processed_dir) / str(quarter)
    folder.mkdir(parents=True, exist_ok=True)
    return folder

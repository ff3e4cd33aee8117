"""The ``selfreliance`` command line: a thin shell over the library.

Sub-commands: ``demo`` (write the demo municipality), ``ingest`` (exports to processed
tables), ``report`` (run the notebooks, publish HTML), ``bench`` (time and memory per stage).
Errors a user can fix are printed as one message without a traceback, exit code 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

from selfreliance import __version__, cli_analyse, cli_classify, cli_survey, config
from selfreliance.errors import SelfRelianceError


def _cmd_demo(args: argparse.Namespace) -> int:
    from selfreliance.demo import DemoConfig, write_demo
    from selfreliance.pipeline import discover_sources

    out = Path(args.out)
    if args.if_empty and out.exists() and discover_sources(out) is not None:
        print(f"{out} already holds a ticket export; demo data not written.")
        return 0
    out.mkdir(parents=True, exist_ok=True)
    written = write_demo(out, DemoConfig(seed=args.seed), fmt=args.format)
    print(f"Demo municipality (seed {args.seed}, {args.format} format) written to {out}:")
    for path in written:
        print(f"  {path.name}")
    return 0


def _cmd_ingest(args: argparse.Namespace) -> int:
    from selfreliance.pipeline import Sources, discover_sources, run_ingest

    if args.tickets:
        optional = {
            n: Path(getattr(args, n))
            for n in ("roster", "survey", "instrument", "interventions", "labels")
            if getattr(args, n)
        }
        sources = Sources(tickets=Path(args.tickets), source=args.source, **optional)
    else:
        sources = discover_sources(Path(args.raw_dir))
        if sources is None:
            raise SelfRelianceError(
                f"No ticket export in {args.raw_dir}: place tickets.csv or tickets.xlsx there "
                "(or a sources.yml), or pass --tickets FILE. `selfreliance demo` writes demo data."
            )
        if args.source != "auto":
            sources.source = args.source
    if sources.survey is not None and sources.instrument is None:
        raise SelfRelianceError(
            "--survey needs --instrument (the YAML file describing the scales)."
        )
    try:
        summary = run_ingest(sources, Path(args.out))
    except (SelfRelianceError, KeyboardInterrupt):
        raise
    except Exception as exc:  # a file we did not foresee: say which, never a traceback
        raise SelfRelianceError(
            f"could not ingest {sources.tickets} ({type(exc).__name__}: {str(exc)[:300]}). Check that it is "
            "a ticket export (CSV or .xlsx) with a header row; if it is, please report this message."
        ) from exc
    counts = summary["counts"]
    collapsed = summary["file_rows"] - counts["rows_read"]
    print(
        f"Ingested {sources.tickets.name} ({summary['source_system']}): {counts['rows_read']} rows read = "
        f"{counts['rows_kept']} kept + {counts['duplicates_merged']} duplicates merged + "
        f"{counts['rows_quarantined']} quarantined."
    )
    if collapsed > 0:
        print(
            f"  The file is an event log: {summary['file_rows']} events collapsed to {counts['rows_read']} tickets."
        )
    for reason, n in summary["quarantine_reasons"].items():
        print(f"  quarantined, {reason}: {n}")
    if counts["rows_quarantined"]:
        print(
            f"  See {Path(args.out) / 'quarantine.csv'} (row numbers, ticket numbers and reasons)."
        )
    if summary.get("text_truncated"):
        print(
            f"  {summary['text_truncated']} text cells longer than {summary['max_text_chars']} characters were cut."
        )
    linking = summary.get("linking", {})
    if summary["has_roster"]:
        share = linking.get("share_matched") or 0.0
        kinds = ", ".join(f"{k} {v}" for k, v in linking.get("by_kind", {}).items())
        print(f"  Linked to the roster: {share:.1%} of kept tickets ({kinds}).")
    else:
        print(
            "No roster: ticket-level figures work; person-level analysis will say what it misses."
        )
    print(f"Processed tables in {args.out}")
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from selfreliance.quarters import last_complete_quarter, parse_quarter
    from selfreliance.reports import run_reports

    processed = Path(args.processed)
    if args.quarter:
        quarter = str(parse_quarter(args.quarter))
    else:
        summary_file = processed / "ingest_summary.json"
        if not summary_file.exists():
            raise SelfRelianceError(
                f"No processed data in {processed}: run `selfreliance ingest` first."
            )
        last = pd.Timestamp(json.loads(summary_file.read_text(encoding="utf-8"))["last_ticket"])
        quarter = str(last_complete_quarter(last))
    print(f"Reports for {quarter} ({args.lang}):")
    # Notebooks run with their own folder as working directory: hand them absolute paths.
    index = run_reports(
        quarter,
        processed_dir=processed.resolve(),
        reports_dir=Path(args.reports).resolve(),
        notebooks_dir=Path(args.notebooks).resolve(),
        lang=args.lang,
    )
    print(f"Done. Open {index.resolve()}")
    return 0


def _cmd_bench(args: argparse.Namespace) -> int:
    from selfreliance.bench import run_bench

    run_bench([int(s) for s in args.sizes], workdir=Path(args.workdir))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="selfreliance",
        description="Diagnose, analyse and intervene on digital self-reliance behind IT tickets.",
    )
    parser.add_argument("--version", action="version", version=f"selfreliance {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser(
        "demo",
        help="write the demo municipality's exports",
        description="Write the fictional municipality Lindevoorde: ticket export, roster, survey, instrument, intervention log, labels and the ground truth of the planted effects. Same seed, same bytes.",
    )
    demo.add_argument(
        "--seed",
        type=int,
        default=6,
        help="random seed (default 6, see the ground truth's design_note)",
    )
    demo.add_argument("--out", default=str(config.RAW_DIR), help="output folder (default data/raw)")
    demo.add_argument(
        "--format",
        choices=("topdesk", "generic"),
        default="topdesk",
        help="ticket export format (default topdesk)",
    )
    demo.add_argument(
        "--if-empty",
        action="store_true",
        help="do nothing when the folder already holds a ticket export",
    )
    demo.set_defaults(func=_cmd_demo)

    ingest = sub.add_parser(
        "ingest",
        help="read exports into pseudonymised Parquet tables",
        description="Read the ticket export (and optionally roster, survey, interventions), quarantine unusable rows, compute waiting times, link requesters to the roster, pseudonymise, scrub free text, classify, and write data/processed/. Without --tickets the files are found in --raw-dir by name or through its sources.yml.",
    )
    ingest.add_argument("--tickets", help="ticket export (CSV or .xlsx)")
    ingest.add_argument(
        "--source", default="auto", help="export format: auto, generic or topdesk (default auto)"
    )
    ingest.add_argument("--roster", help="HR roster (generic format, see README)")
    ingest.add_argument("--survey", help="survey responses")
    ingest.add_argument("--instrument", help="survey instrument (YAML)")
    ingest.add_argument("--interventions", help="intervention log")
    ingest.add_argument(
        "--labels",
        help="labelled tickets (ticket_id, question_type, self_solvability) to check the classifier",
    )
    ingest.add_argument(
        "--raw-dir",
        default=str(config.RAW_DIR),
        help="where to look for inputs when --tickets is not given (default data/raw)",
    )
    ingest.add_argument(
        "--out", default=str(config.PROCESSED_DIR), help="output folder (default data/processed)"
    )
    ingest.set_defaults(func=_cmd_ingest)

    report = sub.add_parser(
        "report",
        help="run the diagnose, analyse and intervene notebooks and write HTML reports",
        description="Execute the three step notebooks with papermill for one quarter and publish reports/<quarter>/ with an index.html. The previous reports stay untouched if a notebook fails.",
    )
    report.add_argument(
        "--quarter",
        help="quarter to report, e.g. 2026Q3 (default: the last complete quarter in the data)",
    )
    report.add_argument(
        "--lang", choices=("nl", "en"), default="nl", help="report language (default nl)"
    )
    report.add_argument(
        "--processed",
        default=str(config.PROCESSED_DIR),
        help="processed data folder (default data/processed)",
    )
    report.add_argument(
        "--reports", default=str(config.REPORTS_DIR), help="reports folder (default reports)"
    )
    report.add_argument(
        "--notebooks",
        default=str(config.NOTEBOOKS_DIR),
        help="notebooks folder (default notebooks)",
    )
    report.set_defaults(func=_cmd_report)

    bench = sub.add_parser(
        "bench",
        help="time and memory of each pipeline stage on synthetic data",
        description="Build synthetic exports of the given sizes and print wall time and peak memory of each stage.",
    )
    bench.add_argument(
        "--sizes",
        nargs="+",
        default=["10000", "100000", "1000000"],
        help="numbers of tickets (default 10000 100000 1000000)",
    )
    bench.add_argument("--workdir", default=".bench", help="scratch folder (default .bench)")
    bench.set_defaults(func=_cmd_bench)

    cli_survey.add_commands(sub)
    cli_classify.add_commands(sub)
    cli_analyse.add_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except SelfRelianceError as exc:
        print(f"selfreliance {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: wall time and peak memory of each pipeline stage on synthetic data.

Each size runs in a fresh subprocess so that memory figures of one size do not leak into the
next. Peak memory is the resident set size sampled every 20 ms during the stage (Linux
``/proc/self/statm``), reported as the highest value seen, in MiB, for the whole process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _rss_mib() -> float:
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * PAGE / 2**20
    except OSError:  # not Linux: fall back to the high-water mark of the process
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class _Sampler:
    def __init__(self) -> None:
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, _rss_mib())
            time.sleep(0.02)

    def __enter__(self):
        self.peak = _rss_mib()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_mib())


@contextmanager
def _stage(name: str, rows: list[dict], n: int):
    with _Sampler() as sampler:
        started = time.perf_counter()
        yield
        wall = time.perf_counter() - started
    rows.append(
        {
            "tickets": n,
            "stage": name,
            "wall_s": round(wall, 2),
            "peak_rss_mib": round(sampler.peak, 1),
        }
    )
    print(f"  {name:<28} {wall:8.2f} s   peak {sampler.peak:8.1f} MiB", flush=True)


def bench_one(n_tickets: int, workdir: Path) -> list[dict]:
    """Run every stage once on ``n_tickets`` synthetic tickets; return one row per stage."""
    import pandas as pd

    from selfreliance.categorise import classify_rules, load_codebook
    from selfreliance.clean import (
        add_waiting_times,
        link_requesters,
        protect_tickets,
        quarantine_tickets,
    )
    from selfreliance.demo import DemoConfig, write_demo
    from selfreliance.ingest import read_roster, read_tickets
    from selfreliance.timecalc import OfficeCalendar

    rows: list[dict] = []
    folder = workdir / f"n{n_tickets}"
    folder.mkdir(parents=True, exist_ok=True)
    # Two years of history; headcount scaled so that tickets per person stay realistic
    # (1,000,000 tickets: a 20,000-person roster, the size named in the ingest target).
    n_staff = max(200, round(n_tickets / 50))
    config = DemoConfig(seed=1, n_staff=n_staff, tickets_per_year=n_tickets // 2)
    print(f"{n_tickets:,} tickets, about {n_staff:,} staff", flush=True)
    with _stage("generate synthetic export", rows, n_tickets):
        if not (folder / "tickets.csv").exists():
            write_demo(folder, config, fmt="topdesk")
    key = b"0" * 32
    with _stage("read + adapt tickets (topdesk)", rows, n_tickets):
        canonical = read_tickets(folder / "tickets.csv", "topdesk")
    with _stage("read roster", rows, n_tickets):
        roster = read_roster(folder / "roster.csv")
    with _stage("quarantine + de-duplicate", rows, n_tickets):
        cleaned = quarantine_tickets(
            canonical, as_of=pd.Timestamp("2030-01-01", tz="Europe/Brussels")
        )
    with _stage("link to roster", rows, n_tickets):
        linked = link_requesters(cleaned.tickets, roster)
    with _stage("waiting times (office hours)", rows, n_tickets):
        timed = add_waiting_times(linked, OfficeCalendar.from_yaml())
    with _stage("pseudonymise + scrub text", rows, n_tickets):
        protected, _ = protect_tickets(timed, key, names=roster["name"].dropna().tolist())
    with _stage("classify (codebook rules)", rows, n_tickets):
        classified = classify_rules(protected, load_codebook())
    with _stage("write parquet", rows, n_tickets):
        classified.drop(columns=["_source_row"]).to_parquet(folder / "tickets.parquet", index=False)
    _bench_model(classified, folder, rows, n_tickets)
    actual = len(canonical)
    for row in rows:
        row["tickets"] = actual
    return rows


def _bench_model(
    tickets, folder: Path, rows: list[dict], n_tickets: int, max_train: int = 50_000
) -> None:
    """Train the learned classifier on up to ``max_train`` labelled tickets (no cross-validation,
    as ``selfreliance model train --cv 0``) and classify every ticket with rule fallback."""
    import pandas as pd

    from selfreliance.categorise import load_codebook
    from selfreliance.classifier import classify_with_model, train_model, training_frame

    codebook = load_codebook()
    labels = pd.read_csv(folder / "demo_labels.csv", dtype=str)[["ticket_id", "question_type"]]
    labelled = tickets.drop(columns=["question_type"]).merge(labels, on="ticket_id")
    labelled = labelled.sample(min(max_train, len(labelled)), random_state=0)
    with _stage(f"model: train {len(labelled):,} labels", rows, n_tickets):
        X, y = training_frame(labelled, text=["title", "description"], label="question_type")
        model = train_model(X, y, codebook=codebook, cv_folds=0, label_name="question_type")
    with _stage("model: classify (+ rules)", rows, n_tickets):
        classify_with_model(tickets, model, codebook)


def run_bench(sizes: list[int], *, workdir: Path = Path(".bench")) -> list[dict]:
    """Benchmark each size in its own subprocess and print a summary table."""
    workdir.mkdir(parents=True, exist_ok=True)
    results: list[dict] = []
    for n in sizes:
        out = workdir / f"result-{n}.json"
        code = (
            "import json, sys; from pathlib import Path; from selfreliance.bench import bench_one; "
            f"json.dump(bench_one({n}, Path({str(workdir)!r})), open({str(out)!r}, 'w'))"
        )
        subprocess.run([sys.executable, "-c", code], check=True)
        results.extend(json.loads(out.read_text()))
    total: dict[int, float] = {}
    for row in results:
        if row["stage"] != "generate synthetic export":
            total[row["tickets"]] = total.get(row["tickets"], 0.0) + row["wall_s"]
    print("\nIngest + clean + classify (excluding generation):")
    for n, seconds in total.items():
        peak = max(r["peak_rss_mib"] for r in results if r["tickets"] == n)
        print(f"  {n:>10,} tickets: {seconds:7.1f} s wall, peak {peak:,.0f} MiB")
    (workdir / "bench.json").write_text(json.dumps(results, indent=2))
    return results

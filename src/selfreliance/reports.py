"""Run the step notebooks with papermill and publish them as self-contained HTML reports.

Notebooks run in a staging folder; the quarter's report folder is replaced only when every
notebook succeeded, so a failed run never leaves half a set of reports behind. On failure the
executed notebook stays in the staging folder for debugging and the error names the notebook
and the cell.
"""

from __future__ import annotations

import html
import json
import os
import shutil
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pandas as pd
from nbconvert import HTMLExporter
from nbconvert.preprocessors import Preprocessor, TagRemovePreprocessor

from selfreliance import __version__
from selfreliance.audiences import render_audiences
from selfreliance.config import resource_path
from selfreliance.errors import SelfRelianceError
from selfreliance.metrics import update_history
from selfreliance.quarters import quarter_label
from selfreliance.workshop import write_workshops


@dataclass(frozen=True)
class StepReport:
    """One step notebook and the HTML report it becomes; ``after`` names the step it needs."""

    notebook: str
    html: str
    title_nl: str
    title_en: str
    audience_nl: str
    audience_en: str
    after: str | None = None


STEPS = (
    StepReport(
        "1-diagnose.ipynb",
        "diagnose.html",
        "Diagnose: definitie, volume, vraagtypes, wachttijden en kost",
        "Diagnose: definition, volume, question types, waiting times and cost",
        "IT-dienst, P&O, managementteam",
        "IT service, HR, management team",
    ),
    StepReport(
        "2-analyse.ipynb",
        "analyse.html",
        "Analyse: welke hypothesen houden stand?",
        "Analysis: which hypotheses hold?",
        "P&O, analisten, managementteam",
        "HR, analysts, management team",
    ),
    StepReport(
        "3-intervene.ipynb",
        "intervene.html",
        "Interventie: potentieel, kosten en baten",
        "Intervention: potential, costs and benefits",
        "Managementteam, P&O, IT-dienst",
        "Management team, HR, IT service",
        after="2-analyse.ipynb",
    ),
)


def _waves() -> list[list[StepReport]]:
    """Groups of steps that can run at the same time, in dependency order."""
    done: set[str] = set()
    waves = []
    while len(done) < len(STEPS):
        wave = [s for s in STEPS if s.notebook not in done and (s.after is None or s.after in done)]
        waves.append(wave)
        done |= {s.notebook for s in wave}
    return waves


class DropStderr(Preprocessor):
    """Remove stderr streams (warnings, progress bars) from the published report."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code":
            cell.outputs = [
                o
                for o in cell.get("outputs", [])
                if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
            ]
        return cell, resources


@contextmanager
def _kernel_stderr_to(log_file: Path):
    """Send what kernel processes write to stderr (start-up notices) to a log file.

    Kernels inherit file descriptor 2; errors inside the notebook still surface as
    exceptions from papermill, so nothing the user needs is hidden.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    with log_file.open("ab") as handle:
        os.dup2(handle.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)


def _stylesheet() -> str:
    return resource_path("report.css").read_text(encoding="utf-8")


def page(title: str, body: str, *, lang: str = "nl", footer: str = "") -> str:
    """A complete, self-contained HTML page in the suite's look (no external requests)."""
    return (
        f'<!DOCTYPE html>\n<html lang="{"nl-BE" if lang == "nl" else "en"}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>\n{_stylesheet()}\n</style>\n</head>\n<body>\n"
        f'<main class="report">\n{body}\n</main>\n<footer>{footer}</footer>\n</body>\n</html>\n'
    )


LANGUAGES = ("nl", "en")


def keep_language(notebook: nbformat.NotebookNode, lang: str) -> nbformat.NotebookNode:
    """A copy of ``notebook`` without the markdown cells written for another language.

    Narrative markdown cells carry a language tag (``nl`` or ``en``) and come in pairs; a cell
    without a language tag is kept in every language. Code cells are never dropped.
    """
    others = {other for other in LANGUAGES if other != lang}
    kept = nbformat.from_dict(notebook)
    kept.cells = [
        cell
        for cell in notebook.cells
        if not (
            cell.cell_type == "markdown" and others & set(cell.get("metadata", {}).get("tags", []))
        )
    ]
    return kept


def notebook_to_html(
    notebook: nbformat.NotebookNode, title: str, *, lang: str = "nl", footer: str = ""
) -> str:
    """Render an executed notebook to HTML without code, prompts, stderr, removed cells or the
    markdown cells of the other language."""
    notebook = keep_language(notebook, lang)
    exporter = HTMLExporter(template_name="basic")
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.exclude_anchor_links = True
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_cell_tags={"remove_cell"}), enabled=True
    )
    exporter.register_preprocessor(DropStderr(), enabled=True)
    body, _ = exporter.from_notebook_node(notebook)
    return page(title, body, lang=lang, footer=footer)


def _index(quarter: str, lang: str, lineage: dict, audiences: list[tuple[str, str]] = ()) -> str:
    def items(entries: list[tuple[str, str, str]]) -> str:
        return "".join(
            f'<li><a href="{html.escape(href)}">{html.escape(title)}</a>'
            + (f'<br><span class="muted">{html.escape(note)}</span>' if note else "")
            + "</li>"
            for href, title, note in entries
        )

    nl = lang == "nl"
    steps = [
        (
            s.html,
            s.title_nl if nl else s.title_en,
            ("Voor: " if nl else "For: ") + (s.audience_nl if nl else s.audience_en),
        )
        for s in STEPS
    ]
    sessions = [(name, title, "") for name, title in audiences if not name.startswith("team-")]
    teams = [(name, title, "") for name, title in audiences if name.startswith("team-")]
    heading = "Zelfredzaamheid IT" if nl else "IT self-reliance"
    body = (
        f"<h1>{heading}: {html.escape(quarter_label(quarter, lang))}</h1>\n"
        f"<p>{'Rapporten voor de sessies met de stakeholders. Elk rapport opent met een korte samenvatting en sluit met vragen voor de sessie.' if nl else 'Reports for the stakeholder sessions. Each opens with a short summary and closes with questions for the session.'}</p>\n"
        f'<h2>{"De drie stappen" if nl else "The three steps"}</h2><ol class="reports">{items(steps)}</ol>\n'
        f'<h2>{"Per sessie" if nl else "Per session"}</h2><ul class="reports">{items(sessions)}</ul>\n'
        + (
            f'<h2>{"Per team (voor de leidinggevende)" if nl else "Per team (for the team leader)"}</h2><ul class="reports">{items(teams)}</ul>\n'
            if teams
            else ""
        )
        + lineage_block(lineage, lang)
    )
    return page(f"{heading} {quarter}", body, lang=lang)


def lineage_block(lineage: dict, lang: str = "nl") -> str:
    """Where the figures come from: input file hashes, versions, parameters."""
    rows = "".join(
        f"<tr><td>{html.escape(str(k))}</td><td><code>{html.escape(str(v))}</code></td></tr>"
        for k, v in lineage.items()
    )
    head = "Herkomst van de cijfers" if lang == "nl" else "Lineage"
    return f'<section class="lineage"><h2>{head}</h2><table>{rows}</table></section>'


def run_reports(
    quarter: str,
    *,
    processed_dir: Path,
    reports_dir: Path,
    notebooks_dir: Path,
    lang: str = "nl",
    log=print,
) -> Path:
    """Execute the three step notebooks for ``quarter`` and publish ``reports/<quarter>/``.

    Returns the path of the quarter's ``index.html``.

    Raises
    ------
    SelfRelianceError
        When a notebook fails: names the notebook and the failing cell; the previous reports
        of that quarter stay untouched and the executed notebook is kept in the staging folder.
    """
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    # The kernel must be this interpreter (the project's virtual environment), whatever PATH says.
    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
    summary_file = processed_dir / "ingest_summary.json"
    if not summary_file.exists():
        raise SelfRelianceError(
            f"No processed data in {processed_dir}: run `selfreliance ingest` first."
        )
    summary = json.loads(summary_file.read_text(encoding="utf-8"))
    absent = [step.notebook for step in STEPS if not (notebooks_dir / step.notebook).exists()]
    if absent:
        raise SelfRelianceError(
            f"Notebook(s) {', '.join(absent)} not found in {notebooks_dir}; pass --notebooks."
        )
    staging = reports_dir / f".staging-{quarter}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    parameters = {"quarter": quarter, "processed_dir": str(processed_dir), "lang": lang}
    lineage = {
        "selfreliance": __version__,
        "codebook": summary.get("codebook_version"),
        **{
            f"input {name}": f"{v['file']} sha256:{v['sha256'][:16]}"
            for name, v in summary.get("inputs", {}).items()
        },
        "parameters": json.dumps(parameters, ensure_ascii=False),
    }
    footer = html.escape(
        f"selfreliance {__version__} \u00b7 {quarter} \u00b7 codebook {summary.get('codebook_version')}"
    )

    def execute(step: StepReport) -> None:
        executed = staging / step.notebook
        started = time.perf_counter()
        try:
            pm.execute_notebook(
                str(notebooks_dir / step.notebook),
                str(executed),
                parameters=parameters,
                kernel_name="python3",
                progress_bar=False,
                cwd=str(notebooks_dir),
                log_output=False,
            )
        except PapermillExecutionError as exc:
            raise SelfRelianceError(
                f"Notebook {step.notebook} failed in cell {exc.exec_count} ({exc.ename}: {exc.evalue}). "
                f"The executed notebook is kept at {executed}; the reports of {quarter} were not changed."
            ) from exc
        notebook = nbformat.read(executed, as_version=4)
        title = step.title_nl if lang == "nl" else step.title_en
        (staging / step.html).write_text(
            notebook_to_html(notebook, title, lang=lang, footer=footer), encoding="utf-8"
        )
        log(f"  {step.notebook} done ({time.perf_counter() - started:.0f} s)")

    # Diagnose and analyse are independent; intervene reads the analyse results.
    with _kernel_stderr_to(staging / "kernel-stderr.log"):
        for wave in _waves():
            log("Running " + ", ".join(step.notebook for step in wave) + " ...")
            with ThreadPoolExecutor(max_workers=len(wave)) as pool:
                for future in [pool.submit(execute, step) for step in wave]:
                    future.result()
    summary_table = processed_dir / quarter / "diagnose_summary.parquet"
    if summary_table.exists():
        update_history(processed_dir, quarter, pd.read_parquet(summary_table))
    log("Writing the stakeholder reports ...")
    audiences = render_audiences(quarter, processed_dir, staging, lang=lang)
    audiences += write_workshops(quarter, processed_dir, staging, lang=lang)
    (staging / "index.html").write_text(_index(quarter, lang, lineage, audiences), encoding="utf-8")
    target = reports_dir / quarter
    previous = reports_dir / f".previous-{quarter}"
    shutil.rmtree(previous, ignore_errors=True)
    if target.exists():
        target.rename(previous)
    staging.rename(target)
    shutil.rmtree(previous, ignore_errors=True)
    # Executed notebooks carry code: they go next to the quarter's result tables for analysts,
    # and the published folder holds only the HTML reports.
    kept = processed_dir / quarter / "executed"
    kept.mkdir(parents=True, exist_ok=True)
    for executed in [*target.glob("*.ipynb"), *target.glob("*.log")]:
        executed.replace(kept / executed.name)
    return target / "index.html"

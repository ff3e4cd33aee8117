"""Command-line sub-commands ``model`` (train, evaluate) and ``label`` (export, import).

Wired into ``selfreliance`` by :func:`add_commands`; each handler is a thin shell over
:mod:`selfreliance.classifier` and :mod:`selfreliance.labelling`.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

from selfreliance.errors import SelfRelianceError


def _text_columns(value: str) -> list[str]:
    return [c.strip() for c in value.split(",") if c.strip()]


def _read_labelled(path: str) -> pd.DataFrame:
    from selfreliance.readers import read_table

    if not Path(path).exists():
        raise SelfRelianceError(f"{path} does not exist.")
    return read_table(path).drop(columns="_source_row", errors="ignore")


def _cmd_model_train(args: argparse.Namespace) -> int:
    from selfreliance.categorise import load_codebook
    from selfreliance.classifier import model_input, save_model, train_model

    data = _read_labelled(args.file)
    columns = _text_columns(args.text)
    rows = (
        data[args.label].astype("str").str.strip().replace("", pd.NA).notna()
        if args.label in data
        else None
    )
    if rows is None:
        raise SelfRelianceError(
            f"{args.file}: no label column {args.label!r} (columns: {', '.join(map(str, data.columns))})."
        )
    labelled = data.loc[rows]
    if args.category:
        labelled = labelled.rename(columns={args.category: "category"})
    X, y = model_input(labelled, columns), labelled[args.label].astype("str").str.strip()
    model = train_model(
        X,
        y,
        codebook=load_codebook(args.codebook),
        cv_folds=args.cv,
        seed=args.seed,
        label_name=args.label,
        text_columns=columns,
        rules_input=labelled.rename(
            columns=dict(zip(columns[:2], ("title", "description"), strict=False))
        ),
    )
    model_file, meta_file = save_model(model, args.out)
    meta = model.metadata
    print(
        f"Trained on {meta['n_train']} tickets, {len(meta['classes'])} labels; written {model_file} and {meta_file}."
    )
    if meta.get("dropped_classes"):
        print(
            f"Left out (too few tickets): {', '.join(f'{k} ({v})' for k, v in meta['dropped_classes'].items())}."
        )
    if "cross_validation" in meta:
        cv = meta["cross_validation"]
        print(
            f"{cv['folds']}-fold cross-validated macro-F1 {cv['macro_f1']:.3f}, accuracy {cv['accuracy']:.3f}."
        )
    if "cross_validation_with_fallback" in meta:
        print(
            f"With rule fallback below probability {meta['threshold']:.2f}: macro-F1 {meta['cross_validation_with_fallback']['macro_f1']:.3f}."
        )
    return 0


def _cmd_model_evaluate(args: argparse.Namespace) -> int:
    from selfreliance.classifier import holdout_evaluate, training_frame

    data = _read_labelled(args.file)
    if args.category:
        data = data.rename(columns={args.category: "category"})
    X, y = training_frame(data, text=_text_columns(args.text), label=args.label)
    evaluation = holdout_evaluate(X, y, test_size=args.test_size, seed=args.seed)
    if args.json:
        print(
            json.dumps(
                {k: v for k, v in evaluation.to_dict().items() if k != "confusion"},
                indent=2,
                default=float,
            )
        )
        return 0
    s = evaluation.summary
    print(
        f"Held-out {s['n']} of {s['n'] + s['n_train']} tickets (stratified, test size {args.test_size}, seed {args.seed}):"
    )
    print(f"  macro-F1 {s['macro_f1']:.3f}   accuracy {s['accuracy']:.3f}")
    if s.get("dropped_classes"):
        print(f"  left out (too few tickets): {', '.join(s['dropped_classes'])}")
    print(evaluation.per_class.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    return 0


def _cmd_label_export(args: argparse.Namespace) -> int:
    from selfreliance.categorise import load_codebook
    from selfreliance.labelling import export_sample

    tickets_file = Path(args.tickets)
    if not tickets_file.exists():
        raise SelfRelianceError(f"{tickets_file} does not exist: run `selfreliance ingest` first.")
    tickets = pd.read_parquet(tickets_file)
    sample = export_sample(
        tickets, args.out, n=args.n, seed=args.seed, codebook=load_codebook(args.codebook)
    )
    print(
        f"Wrote {len(sample)} tickets for two coders to {args.out} (sheets Codeur A and Codeur B)."
    )
    return 0


def _cmd_label_import(args: argparse.Namespace) -> int:
    from selfreliance.categorise import load_codebook
    from selfreliance.labelling import import_coding

    predictions = pd.read_parquet(args.tickets) if args.tickets else None
    result = import_coding(
        args.file, codebook=load_codebook(args.codebook), predictions=predictions
    )
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    result.labels.to_csv(out, index=False)
    disagreements = (
        Path(args.disagreements)
        if args.disagreements
        else out.with_name(out.stem + "_disagreements.csv")
    )
    result.disagreements.to_csv(disagreements, index=False)
    # Next to the labels so that ingest carries it into the diagnose report.
    agreement = out.with_name(out.stem + "_agreement.csv")
    result.agreement.to_csv(agreement, index=False)
    print("Agreement (Cohen's kappa, 95% CI):")
    for row in result.agreement.itertuples():
        print(
            f"  {row.comparison:<22} {row.target:<17} n={row.n:<4} kappa {row.kappa:.2f} [{row.ci_low:.2f}; {row.ci_high:.2f}]"
        )
    print(
        f"Agreed labels: {out} ({len(result.labels)} tickets). Disagreements: {disagreements} ({len(result.disagreements)} rows). Kappa table: {agreement}."
    )
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register the ``model`` and ``label`` sub-commands on the main parser's sub-parsers."""
    model = sub.add_parser(
        "model",
        help="train or evaluate the learned ticket classifier",
        description="Train the learned classifier (TF-IDF word and character n-grams, calibrated logistic regression) on any labelled ticket file, or evaluate it on a stratified held-out split.",
    )
    model_sub = model.add_subparsers(dest="model_command", required=True, metavar="ACTION")

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("file", help="labelled tickets: CSV (optionally .gz) or .xlsx")
        p.add_argument(
            "--text",
            required=True,
            help="text column, or several separated by commas (e.g. title,description)",
        )
        p.add_argument("--label", required=True, help="label column (e.g. question_type)")
        p.add_argument(
            "--category", help="column with the source system's category, used as a feature"
        )
        p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")

    train = model_sub.add_parser(
        "train",
        help="train on all labelled tickets and save the model",
        description="Cross-validate, then train on all labelled tickets; save the model with skops and a JSON metadata file (codebook version, training data SHA-256, scores, classes, versions) next to it.",
    )
    common(train)
    train.add_argument(
        "--out",
        required=True,
        help="model file to write (e.g. models/tickets.skops); metadata goes to OUT.json",
    )
    train.add_argument(
        "--cv", type=int, default=5, help="cross-validation folds (default 5; 0 skips)"
    )
    train.add_argument("--codebook", help="codebook YAML (default: the shipped one)")
    train.set_defaults(func=_cmd_model_train)

    evaluate = model_sub.add_parser(
        "evaluate",
        help="score the classifier on a stratified held-out split",
        description="Train on part of the labelled tickets and print macro-F1, accuracy and per-class precision, recall, F1 and support on the held-out rest.",
    )
    common(evaluate)
    evaluate.add_argument(
        "--test-size", type=float, default=0.2, help="held-out share (default 0.2)"
    )
    evaluate.add_argument("--json", action="store_true", help="print the scores as JSON")
    evaluate.set_defaults(func=_cmd_model_evaluate)

    label = sub.add_parser(
        "label",
        help="coding workbook for the definition workshop",
        description="Export a stratified sample of tickets to an .xlsx that two people code independently, and import it back with Cohen's kappa and the list of disagreements.",
    )
    label_sub = label.add_subparsers(dest="label_command", required=True, metavar="ACTION")
    export = label_sub.add_parser(
        "export",
        help="write a stratified sample for two coders to .xlsx",
        description="Draw a sample stratified by predicted question type and write a workbook with instructions (Dutch), one sheet per coder with drop-down lists from the codebook, and a remarks column.",
    )
    export.add_argument(
        "--tickets",
        default="data/processed/tickets.parquet",
        help="processed tickets (default data/processed/tickets.parquet)",
    )
    export.add_argument("--n", type=int, default=200, help="sample size (default 200)")
    export.add_argument("--out", required=True, help="workbook to write (.xlsx)")
    export.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    export.add_argument("--codebook", help="codebook YAML (default: the shipped one)")
    export.set_defaults(func=_cmd_label_export)
    imp = label_sub.add_parser(
        "import",
        help="read the coded workbook: kappa, agreed labels, disagreements",
        description="Check every code against the codebook, print Cohen's kappa with 95%% CI per target, write the labels both coders agree on and the disagreement list.",
    )
    imp.add_argument("file", help="the coded workbook (.xlsx)")
    imp.add_argument(
        "--out",
        required=True,
        help="CSV of agreed labels (ticket_id, question_type, self_solvability)",
    )
    imp.add_argument(
        "--disagreements", help="CSV of disagreements (default: OUT_disagreements.csv)"
    )
    imp.add_argument(
        "--tickets",
        help="processed tickets.parquet: adds kappa of each coder against the classifier",
    )
    imp.add_argument("--codebook", help="codebook YAML (default: the shipped one)")
    imp.set_defaults(func=_cmd_label_import)

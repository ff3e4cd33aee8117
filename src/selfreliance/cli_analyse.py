"""Command-line sub-commands of the analyse step: ``selfreliance validate``.

Wired into :mod:`selfreliance.cli` with ``cli_analyse.add_commands(sub)``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from selfreliance.errors import SelfRelianceError


def _cmd_validate(args: argparse.Namespace) -> int:
    from selfreliance.validation import (
        demo_recovery,
        format_demo_recovery,
        format_table,
        run_validation,
    )

    if args.n_sim < 10:
        raise SelfRelianceError("--n-sim must be at least 10 (1000 for the reported figures).")
    n_power = args.n_power if args.n_power is not None else max(200, args.n_sim // 2)
    print(
        f"Simulating {args.n_sim} null organisations (and {n_power} with effects of IRR 1.5) "
        f"on {args.jobs} core(s); this takes a few minutes ..."
    )
    table = run_validation(
        args.n_sim, seed=args.seed, n_boot=args.n_boot, n_jobs=args.jobs, n_power=n_power
    )
    seconds = table.attrs["seconds"]
    if args.json:
        print(table.to_json(orient="records", indent=2))
    else:
        print(format_table(table))
        print(
            f"\nFalse-positive rate: share of {args.n_sim} organisations without any effect "
            "where the test gives p < 0.05 (target 3-7%; MC 95% = Monte Carlo interval). "
            "Naive Poisson: the same question with a Poisson GLM, model-based errors, no "
            "clustering. Power: share of p < 0.05 among the organisations with the test's "
            f"effect at IRR 1.5 ({n_power} organisations, effects planted in four groups, so "
            f"about {n_power // 4} per test). Run time {seconds:.0f} s."
        )
    demo_text = ""
    if args.demo_seeds:
        print(f"\nRunning the whole pipeline on {args.demo_seeds} demo seeds ...")
        demo, _ = demo_recovery(range(1, args.demo_seeds + 1), n_jobs=args.jobs)
        demo_text = format_demo_recovery(demo)
        print(demo_text)
    if args.out:
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        if out.suffix == ".csv":
            table.to_csv(out, index=False)
        elif out.suffix == ".json":
            out.write_text(
                json.dumps(
                    {"seconds": seconds, "n_sim": args.n_sim, "n_power": n_power,
                     "seed": args.seed, "rows": table.to_dict("records")},
                    indent=2,
                ),
                encoding="utf-8",
            )  # fmt: skip
        else:
            out.write_text(
                "# Validation of the hypothesis tests\n\n"
                f"`selfreliance validate --n-sim {args.n_sim} --seed {args.seed}`: "
                f"{args.n_sim} simulated null organisations, {n_power} with every effect at "
                f"IRR 1.5, run time {seconds:.0f} s.\n\n```\n{format_table(table)}\n```\n\n"
                "False-positive rate: share of null organisations where the test gives "
                "p < 0.05 (target 3-7%; MC 95% = Monte Carlo interval). Naive Poisson: the "
                "same question with a Poisson GLM, model-based errors, no clustering. Power: "
                "share of p < 0.05 among the organisations with the test's effect at IRR 1.5 "
                "(about 200 staff in 20 teams, the demo's size).\n"
                + (
                    "\n## The demo municipality over many seeds\n\n"
                    f"`selfreliance validate --demo-seeds {args.demo_seeds}`: the demo written "
                    "with seeds 1.."
                    f"{args.demo_seeds}, ingested and analysed (12 months to 2026-09-30) "
                    "exactly as `make report` does. Planted effects: share of seeds where "
                    "the hypothesis is supported (q < 0.05, expected direction); nulls: share "
                    f"with q < 0.05.\n\n```\n{demo_text}\n```\n"
                    if demo_text
                    else ""
                ),
                encoding="utf-8",
            )
        print(f"Written to {out}")
    failing = table.loc[~table["within_bounds"], "hypothesis_id"].tolist()
    if failing and args.n_sim >= 1000:
        print(f"Outside [3%, 7%]: {', '.join(failing)}")
        return 1
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register the analyse sub-commands (``validate``) on the main parser's subparsers."""
    validate = sub.add_parser(
        "validate",
        help="simulation study: false-positive rate and power of every hypothesis test",
        description=(
            "Run the hypothesis registry on simulated organisations shaped like a "
            "municipality (about 200 people in 20 teams, team-level correlation, "
            "overdispersed counts, a survey answered by 70%%) and print each test's "
            "false-positive rate at alpha 0.05 with the naive Poisson GLM's rate beside it, "
            "and the power for an IRR of 1.5. Exit code 1 when a rate falls outside "
            "[3%%, 7%%] with at least 1000 simulations."
        ),
    )
    validate.add_argument(
        "--n-sim", "--sims", dest="n_sim", type=int, default=1000,
        help="simulated null organisations (default 1000)",
    )  # fmt: skip
    validate.add_argument(
        "--n-power", type=int, default=None,
        help="simulated organisations with effects (default max(200, n-sim / 2))",
    )  # fmt: skip
    validate.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    validate.add_argument(
        "--n-boot", type=int, default=399, help="bootstrap draws per test (default 399)"
    )
    validate.add_argument("--jobs", type=int, default=2, help="parallel processes (default 2)")
    validate.add_argument("--json", action="store_true", help="print the table as JSON")
    validate.add_argument(
        "--demo-seeds", type=int, default=0,
        help="also run the whole pipeline on the demo with seeds 1..K and report how often "
        "each planted effect is found (default 0: skip)",
    )  # fmt: skip
    validate.add_argument(
        "--out", help="also write the table to FILE (.md, .csv or .json by its suffix)"
    )
    validate.set_defaults(func=_cmd_validate)

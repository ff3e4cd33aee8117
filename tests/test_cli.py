"""The command line: help everywhere, clear errors, deterministic demo."""

from __future__ import annotations

import hashlib

import pytest

from selfreliance.cli import build_parser, main


def _subcommands() -> list[str]:
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return sorted(action.choices)


def test_every_subcommand_has_help(capsys):
    commands = _subcommands()
    assert {"demo", "ingest", "report", "bench"} <= set(commands)
    for command in commands:
        with pytest.raises(SystemExit) as exit_info:
            main([command, "--help"])
        assert exit_info.value.code == 0
        out = capsys.readouterr().out
        assert f"usage: selfreliance {command}" in out
        assert len(out.splitlines()) > 3


def test_demo_twice_gives_identical_bytes(tmp_path, capsys):
    digests = []
    for name in ("a", "b"):
        assert main(["demo", "--seed", "6", "--out", str(tmp_path / name)]) == 0
        digests.append(
            {
                p.name: hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted((tmp_path / name).iterdir())
            }
        )
    assert digests[0] == digests[1]
    assert "tickets.csv" in digests[0] and "demo_ground_truth.yml" in digests[0]


def test_demo_if_empty_leaves_existing_exports_alone(tmp_path, capsys):
    (tmp_path / "tickets.csv").write_text(
        "ticket_id,opened_at,title\n1,2026-01-05 09:00,x\n", encoding="utf-8"
    )
    assert main(["demo", "--if-empty", "--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tickets.csv"]


def test_report_without_ingest_is_a_clear_error(tmp_path, capsys):
    code = main(
        ["report", "--processed", str(tmp_path / "nothing"), "--reports", str(tmp_path / "r")]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "selfreliance ingest" in err and "Traceback" not in err


def test_ingest_without_exports_is_a_clear_error(tmp_path, capsys):
    code = main(["ingest", "--raw-dir", str(tmp_path), "--out", str(tmp_path / "p")])
    err = capsys.readouterr().err
    assert code == 2
    assert "No ticket export" in err

import argparse

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from sklearn.metrics import cohen_kappa_score

from selfreliance.categorise import load_codebook
from selfreliance.cli_classify import add_commands
from selfreliance.errors import SelfRelianceError
from selfreliance.labelling import (
    CODER_SHEETS,
    cohen_kappa,
    export_sample,
    import_coding,
    load_metric_dictionary,
    stratified_sample,
)
from selfreliance.metrics import volume_summary


def cli(argv):
    parser = argparse.ArgumentParser(prog="selfreliance")
    add_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


# --- Cohen's kappa ----------------------------------------------------------------------------


def classic_pair():
    # 2x2 table [[20, 5], [10, 15]]: po = 35/50 = 0.70; marginals A 25/25, B 30/20 -> pe = 0.50
    a = ["yes"] * 25 + ["no"] * 25
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    return a, b


def test_kappa_classic_hand_example():
    k = cohen_kappa(*classic_pair())
    assert (k["n"], k["po"], k["pe"]) == (50, pytest.approx(0.70), pytest.approx(0.50))
    assert k["kappa"] == pytest.approx(0.40)
    assert k["ci_low"] < 0.40 < k["ci_high"]


def test_kappa_matches_sklearn_on_many_labels():
    rng = np.random.default_rng(3)
    a = rng.choice(list("abcde"), 300)
    b = np.where(rng.random(300) < 0.6, a, rng.choice(list("abcde"), 300))
    assert cohen_kappa(a, b)["kappa"] == pytest.approx(cohen_kappa_score(a, b))


def test_kappa_standard_error_agrees_with_a_bootstrap():
    # Independent check of the asymptotic SE (Fleiss, Cohen & Everitt 1969) by resampling.
    a, b = map(np.array, classic_pair())
    rng = np.random.default_rng(0)
    draws = [cohen_kappa_score(a[i], b[i]) for i in (rng.integers(0, 50, 50) for _ in range(3000))]
    assert cohen_kappa(a, b)["se"] == pytest.approx(np.std(draws), rel=0.1)


def test_kappa_edge_cases():
    assert cohen_kappa(list("aab"), list("aab"))["kappa"] == pytest.approx(1.0)
    assert np.isnan(cohen_kappa(list("aaa"), list("aaa"))["kappa"])  # one code only: undefined
    k = cohen_kappa(["a", None, "b"], ["a", "b", None])
    assert k["n"] == 1


# --- sample and workbook ----------------------------------------------------------------------


@pytest.fixture()
def tickets():
    types = ["password_mfa"] * 30 + ["printer_scanning"] * 15 + ["telephony"] * 5
    return pd.DataFrame(
        {
            "ticket_id": [f"M{i:04d}" for i in range(50)],
            "title": [f"Melding {i}" for i in range(50)],
            "description": ['=HYPERLINK("http://x")'] + ["tekst"] * 49,
            "question_type": types,
        }
    )


def test_stratified_sample_keeps_every_type(tickets):
    sample = stratified_sample(tickets, 10, seed=1)
    assert len(sample) == 10 and sample["ticket_id"].is_unique
    assert sample["question_type"].value_counts().to_dict() == {
        "password_mfa": 6,
        "printer_scanning": 3,
        "telephony": 1,
    }


def test_export_writes_two_coder_sheets_with_dropdowns(tickets, tmp_path):
    path = tmp_path / "sample.xlsx"
    export_sample(tickets, path, n=50, seed=0)
    book = load_workbook(path)
    assert {"Instructies", "Codes", *CODER_SHEETS} <= set(book.sheetnames)
    sheet = book["Codeur A"]
    assert [c.value for c in sheet[1]] == [
        "ticket_id",
        "titel",
        "omschrijving",
        "vraagtype",
        "zelf oplosbaar",
        "opmerkingen",
    ]
    formulas = sorted(v.formula1 for v in sheet.data_validations.dataValidation)
    assert formulas == ["'Codes'!$A$2:$A$17", "'Codes'!$E$2:$E$4"]
    descriptions = [row[2].value for row in sheet.iter_rows(min_row=2)]
    assert '\'=HYPERLINK("http://x")' in descriptions  # formula injection defused
    assert "question_type" not in [
        c.value for c in sheet[1]
    ]  # the prediction does not anchor coders
    assert "Codeerinstructies" in book["Instructies"]["A1"].value


def fill(path, coder_a, coder_b):
    book = load_workbook(path)
    for name, codes in zip(CODER_SHEETS, (coder_a, coder_b), strict=True):
        sheet = book[name]
        for row, (qt, ss) in enumerate(codes, start=2):
            sheet[f"D{row}"], sheet[f"E{row}"] = qt, ss
    book.save(path)


def test_import_kappa_labels_and_disagreements(tickets, tmp_path):
    path = tmp_path / "sample.xlsx"
    export_sample(tickets.head(4), path, n=4, seed=0)
    ids = [r[0].value for r in load_workbook(path)["Codeur A"].iter_rows(min_row=2)]
    fill(
        path,
        [
            ("Wachtwoord en MFA", "zelf oplosbaar"),
            ("Printen en scannen", "deels zelf oplosbaar"),
            ("password_mfa", "self"),
            ("Telefonie", "IT nodig"),
        ],
        [
            ("Wachtwoord en MFA", "zelf oplosbaar"),
            ("Telefonie", "deels zelf oplosbaar"),
            ("Wachtwoord en MFA", "zelf oplosbaar"),
            ("Telefonie", "deels zelf oplosbaar"),
        ],
    )
    result = import_coding(path)
    agreement = result.agreement.set_index("target")
    assert agreement.loc["question_type", "n"] == 4
    assert agreement.loc["question_type", "kappa"] == pytest.approx(
        cohen_kappa_score(
            ["password_mfa", "printer_scanning", "password_mfa", "telephony"],
            ["password_mfa", "telephony", "password_mfa", "telephony"],
        )
    )
    labels = result.labels.set_index("ticket_id")
    assert labels.loc[ids[0]].tolist() == ["password_mfa", "self"]
    assert (
        pd.isna(labels.loc[ids[1], "question_type"])
        and labels.loc[ids[1], "self_solvability"] == "partly"
    )
    d = result.disagreements
    assert set(zip(d["ticket_id"], d["target"], d["coder_a"], d["coder_b"], strict=True)) == {
        (ids[1], "question_type", "printer_scanning", "telephony"),
        (ids[3], "self_solvability", "it", "partly"),
    }


def test_import_names_every_bad_cell(tickets, tmp_path):
    path = tmp_path / "sample.xlsx"
    export_sample(tickets.head(3), path, n=3)
    fill(path, [("Wachtwoord", "zelf oplosbaar"), ("Telefonie", "ja")], [("Telefonie", "IT nodig")])
    with pytest.raises(SelfRelianceError) as info:
        import_coding(path)
    message = str(info.value)
    assert "Codeur A!D2: 'Wachtwoord'" in message and "Codeur A!E3: 'ja'" in message
    assert "Codeur B" not in message.split("Question types")[0]


def test_cli_label_roundtrip(tickets, tmp_path, capsys):
    parquet = tmp_path / "tickets.parquet"
    tickets.assign(self_solvability="self").to_parquet(parquet)
    xlsx = tmp_path / "sample.xlsx"
    assert (
        cli(
            [
                "label",
                "export",
                "--tickets",
                str(parquet),
                "--n",
                "5",
                "--out",
                str(xlsx),
                "--seed",
                "2",
            ]
        )
        == 0
    )
    fill(
        xlsx,
        [("Telefonie", "IT nodig")] * 5,
        [("Telefonie", "IT nodig")] * 4 + [("Overige", "IT nodig")],
    )
    assert (
        cli(
            [
                "label",
                "import",
                str(xlsx),
                "--out",
                str(tmp_path / "labels.csv"),
                "--tickets",
                str(parquet),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "kappa" in out and "A vs classifier" in out
    assert len(pd.read_csv(tmp_path / "labels.csv")) == 5
    assert len(pd.read_csv(tmp_path / "labels_disagreements.csv")) == 1


# --- metric dictionary ------------------------------------------------------------------------


def test_metric_dictionary_covers_every_volume_metric():
    dictionary = load_metric_dictionary()
    t = pd.DataFrame(
        {
            "ticket_id": ["1"],
            "self_solvability": ["self"],
            "requester_kind": ["staff"],
            "response_business_hours": [1.0],
            "resolution_business_hours": [2.0],
            "is_reopened": [False],
            "time_spent_minutes": [30],
        }
    )
    people = pd.DataFrame(
        {
            "hire_date": pd.to_datetime(["2020-01-01"]),
            "exit_date": pd.to_datetime([None]),
            "fte": [1.0],
        }
    )
    metrics = volume_summary(t, people, pd.Timestamp("2026-01-01"), pd.Timestamp("2026-03-31"))[
        "metric"
    ]
    assert set(metrics) <= set(dictionary["id"])
    assert (
        dictionary[
            ["name_nl", "name_en", "definition_nl", "definition_en", "formula", "unit", "source"]
        ]
        .ne("")
        .all()
        .all()
    )


def test_metric_dictionary_errors_name_the_metric(tmp_path):
    path = tmp_path / "metrics.yml"
    path.write_text("metrics:\n  tickets: {name_nl: Meldingen}\n")
    with pytest.raises(SelfRelianceError, match="tickets"):
        load_metric_dictionary(path)


def test_codebook_lists_feed_the_dropdowns():
    codebook = load_codebook()
    assert len(codebook.question_types) == 16  # matches the $A$2:$A$17 range above

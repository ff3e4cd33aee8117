import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import f1_score

from selfreliance.categorise import load_codebook
from selfreliance.classifier import (
    WordwiseCharTfidf,
    choose_threshold,
    classify_with_model,
    confusion_table,
    cross_validate,
    holdout_evaluate,
    load_model,
    model_input,
    per_class_scores,
    save_model,
    summary_scores,
    train_model,
    training_frame,
)
from selfreliance.cli_classify import add_commands
from selfreliance.errors import SelfRelianceError

FIXTURE = Path(__file__).parent / "fixtures" / "labelled_tickets.csv"


@pytest.fixture(scope="module")
def labelled():
    return pd.read_csv(FIXTURE, dtype=str)


@pytest.fixture(scope="module")
def trained(labelled):
    X, y = training_frame(labelled, text=["title", "description"], label="question_type")
    return train_model(X, y, cv_folds=3, label_name="question_type", rules_input=labelled)


def cli(argv):
    parser = argparse.ArgumentParser(prog="selfreliance")
    add_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


# --- metrics on hand-computed cases ----------------------------------------------------------


def test_per_class_scores_by_hand():
    # truth a a a b b c; predicted a a b b c c
    # a: P 2/2, R 2/3; b: P 1/2, R 1/2; c: P 1/2, R 1/1
    table = per_class_scores(list("aaabbc"), list("aabbcc")).set_index("label")
    assert table.loc["a", ["precision", "recall"]].tolist() == pytest.approx([1.0, 2 / 3])
    assert table.loc["b", ["precision", "recall", "f1"]].tolist() == pytest.approx([0.5, 0.5, 0.5])
    assert table.loc["c", "f1"] == pytest.approx(2 * 0.5 * 1 / 1.5)
    assert table["support"].tolist() == [3, 2, 1]


def test_macro_f1_by_hand_and_against_sklearn():
    truth, pred = list("aaabbc"), list("aabbcc")
    by_hand = np.mean([2 * 1 * (2 / 3) / (1 + 2 / 3), 0.5, 2 / 3])
    assert summary_scores(truth, pred)["macro_f1"] == pytest.approx(by_hand)
    assert summary_scores(truth, pred)["macro_f1"] == pytest.approx(
        f1_score(truth, pred, average="macro")
    )
    assert summary_scores(truth, pred)["accuracy"] == pytest.approx(4 / 6)


def test_confusion_table_is_tidy_and_complete():
    table = confusion_table(list("aaabbc"), list("aabbcc"))
    assert list(table.columns) == ["true", "predicted", "n"]
    assert len(table) == 9 and table["n"].sum() == 6
    wide = table.pivot(index="true", columns="predicted", values="n")
    assert wide.loc["a"].tolist() == [2, 1, 0]
    assert wide.loc["b"].tolist() == [0, 1, 1]


# --- features ---------------------------------------------------------------------------------


def test_wordwise_char_tfidf_equals_sklearn_char_wb(labelled):
    docs = model_input(labelled)["text"]
    fast = WordwiseCharTfidf(min_df=2).fit(docs[:30])
    slow = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(2, 5), min_df=2, lowercase=False, sublinear_tf=True
    ).fit(docs[:30])
    assert list(fast.get_feature_names_out()) == list(slow.get_feature_names_out())
    assert (
        abs(fast.transform(docs) - slow.transform(docs)).max() < 1e-6
    )  # unseen texts too (float32)


def test_model_input_joins_and_normalises():
    t = pd.DataFrame({"title": ["Printer"], "description": [None], "category": [" Printen "]})
    row = model_input(t).iloc[0]
    assert row["text"] == "printer\n" and row["category"] == "printen" and row["subcategory"] == ""
    with pytest.raises(SelfRelianceError, match="No text column"):
        model_input(t, "body")


# --- training, scores, saving -----------------------------------------------------------------


def test_training_records_metadata(trained, labelled):
    meta = trained.metadata
    assert meta["classes"] == sorted(labelled["question_type"].unique())
    assert meta["codebook_version"] == load_codebook().version
    assert len(meta["training_sha256"]) == 64
    assert 0.5 < meta["cross_validation"]["macro_f1"] <= 1
    assert 0 <= meta["threshold"] < 1


def test_cross_validation_tables(labelled):
    X, y = training_frame(labelled, text=["title", "description"], label="question_type")
    evaluation = cross_validate(X, y, folds=3)
    assert evaluation.summary["n"] == len(labelled)
    assert len(evaluation.summary["macro_f1_folds"]) == 3
    assert evaluation.per_class["support"].sum() == len(labelled)
    assert evaluation.confusion["n"].sum() == len(labelled)
    assert evaluation.predictions["probability"].between(0, 1).all()


def test_rare_classes_are_left_out_with_a_note(labelled):
    data = pd.concat(
        [labelled, labelled.head(2).assign(question_type="network")], ignore_index=True
    )
    X, y = training_frame(data, text="title", label="question_type")
    evaluation = holdout_evaluate(X, y, test_size=0.25)
    assert evaluation.summary["dropped_classes"] == {"network": 2}
    with pytest.raises(SelfRelianceError, match="at least two labels"):
        holdout_evaluate(X.head(8), y.head(8))


def test_save_and_load_roundtrip(trained, labelled, tmp_path):
    model_file, meta_file = save_model(trained, tmp_path / "m.skops")
    assert json.loads(meta_file.read_text())["model_sha256"]
    assert b"pickle" not in model_file.read_bytes()[:4]
    again = load_model(model_file)
    X = model_input(labelled)
    assert np.allclose(again.predict_proba(X), trained.predict_proba(X))
    model_file.write_bytes(model_file.read_bytes() + b"x")
    with pytest.raises(SelfRelianceError, match="changed"):
        load_model(model_file)


def test_fallback_to_rules_below_the_threshold(trained):
    tickets = pd.DataFrame(
        {
            "ticket_id": ["1", "2"],
            "title": ["Printer drukt niet af", "Voicemail doorschakelen"],
            "description": ["", ""],
        }
    )
    always_model = classify_with_model(tickets, trained, threshold=0.0)
    assert always_model["classified_by"].tolist() == ["model", "model"]
    assert always_model.loc[0, "question_type"] == "printer_scanning"
    # telephony is not among the model's classes: with the threshold above every probability the rules decide
    always_rules = classify_with_model(tickets, trained, threshold=1.01)
    assert always_rules["classified_by"].tolist() == ["rules", "rules"]
    assert always_rules.loc[1, "question_type"] == "telephony"
    assert always_rules.loc[1, "self_solvability"] == "partly"
    assert not always_rules["needs_review"].any()  # the rules are sure of both
    vague = classify_with_model(
        pd.DataFrame({"title": ["Help"], "description": ["?"]}), trained, threshold=1.01
    )
    assert vague["needs_review"].tolist() == [True]


def test_choose_threshold_by_hand():
    p = pd.DataFrame(
        {
            "true": ["a", "b", "b", "a"],
            "predicted": ["a", "a", "b", "a"],
            "probability": [0.9, 0.3, 0.8, 0.6],
        }
    )
    rules = pd.Series(["b", "b", "a", "b"])
    threshold, table = choose_threshold(p, rules, grid=np.array([0.0, 0.5, 0.7, 0.95]))
    # 0.0: 3/4 right; 0.5: rules fix ticket 2 -> 4/4; 0.7: rules also spoil ticket 4; 0.95: all rules
    assert threshold == 0.5
    assert table["macro_f1"].tolist()[1] == 1.0


# --- command line -----------------------------------------------------------------------------


def test_cli_train_and_evaluate_any_labelled_file(tmp_path, capsys):
    gz = FIXTURE.with_name("labelled_tickets.csv.gz")
    assert (
        cli(
            [
                "model",
                "train",
                str(gz),
                "--text",
                "title,description",
                "--label",
                "question_type",
                "--category",
                "category",
                "--cv",
                "3",
                "--out",
                str(tmp_path / "m.skops"),
            ]
        )
        == 0
    )
    assert (tmp_path / "m.skops").exists() and (tmp_path / "m.skops.json").exists()
    assert "cross-validated macro-F1" in capsys.readouterr().out
    assert (
        cli(
            [
                "model",
                "evaluate",
                str(FIXTURE),
                "--text",
                "title",
                "--label",
                "question_type",
                "--test-size",
                "0.25",
                "--json",
            ]
        )
        == 0
    )
    scores = json.loads(capsys.readouterr().out)
    assert scores["n"] == 12 and {"macro_f1", "accuracy", "per_class"} <= set(scores)
    assert {r["label"] for r in scores["per_class"]} == {
        "password_mfa",
        "printer_scanning",
        "teams_meetings",
        "hardware_defect",
    }


def test_cli_excel_input_and_help(tmp_path, capsys):
    path = tmp_path / "labels.xlsx"
    pd.read_csv(FIXTURE).to_excel(path, index=False)
    assert cli(["model", "evaluate", str(path), "--text", "title", "--label", "question_type"]) == 0
    assert "macro-F1" in capsys.readouterr().out
    for argv in (
        ["model", "train", "--help"],
        ["model", "evaluate", "--help"],
        ["label", "export", "--help"],
        ["label", "import", "--help"],
    ):
        with pytest.raises(SystemExit):
            cli(argv)
        assert "usage:" in capsys.readouterr().out
    with pytest.raises(SelfRelianceError, match="label column"):
        cli(
            [
                "model",
                "train",
                str(FIXTURE),
                "--text",
                "title",
                "--label",
                "code",
                "--out",
                str(tmp_path / "x.skops"),
            ]
        )

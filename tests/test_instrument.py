"""The shipped survey instrument: validation, scoring, exports and response conversion."""

from __future__ import annotations

import argparse
import copy
import csv
import re

import numpy as np
import pandas as pd
import pytest
import yaml
from openpyxl import load_workbook

from selfreliance import instrument as ins
from selfreliance.errors import SelfRelianceError
from selfreliance.survey import reverse_code, scale_reliability, score_survey


@pytest.fixture(scope="module")
def inst():
    return ins.load_instrument()


def all_items(instrument):
    return [i for spec in instrument["scales"].values() for i in spec["items"]]


# ------------------------------------------------------------------ structure


def test_shipped_instrument_validates(inst):
    assert ins.validate_instrument(inst) == []
    assert 22 <= len(all_items(inst)) <= 30  # about 25 items, about 10 minutes
    assert set(inst["scales"]) >= {
        "self_efficacy",
        "motivation",
        "psych_safety",
        "manager_role_model",
        "procedure_clarity",
        "onboarding",
    }


def test_every_scale_has_items_range_and_reverse_keys(inst):
    for name, spec in inst["scales"].items():
        assert spec["items"], name
        lo, hi = spec["range"]
        assert lo < hi, name
        assert set(spec["reverse"]) <= set(spec["items"]), name
        assert spec["construct"] in ins.CONSTRUCTS and spec["level"] in ins.LEVELS
        for item in spec["items"]:
            assert inst["items"][item]["nl"] and inst["items"][item]["en"]
        assert len(ins.anchor_labels(inst, name, "nl")) == hi - lo + 1


def test_psychological_safety_follows_edmondson(inst):
    ps = inst["scales"]["psych_safety"]
    assert ps["items"] == [f"ps{i}" for i in range(1, 8)]
    assert ps["range"] == [1, 7]
    assert ps["reverse"] == ["ps1", "ps3", "ps5"]
    assert ps["level"] == "team"


def test_item_ids_follow_the_analysis_naming(inst):
    prefixes = {
        "self_efficacy": "se",
        "motivation": "mo",
        "psych_safety": "ps",
        "manager_role_model": "mr",
        "procedure_clarity": "pc",
        "onboarding": "ob",
    }
    for scale, prefix in prefixes.items():
        items = inst["scales"][scale]["items"]
        assert items == [f"{prefix}{i}" for i in range(1, len(items) + 1)]


def test_overlap_with_demo_instrument_keeps_reverse_keys(inst):
    from selfreliance.demo import INSTRUMENT as demo

    for name, spec in demo["scales"].items():
        if name not in inst["scales"]:
            continue
        ours = inst["scales"][name]
        assert ours["range"] == list(spec["range"])
        shared = set(spec["items"]) & set(ours["items"])
        assert {i for i in shared if i in spec["reverse"]} == {
            i for i in shared if i in ours["reverse"]
        }


def test_onboarding_is_conditional_and_background_is_coarse(inst):
    condition = inst["scales"]["onboarding"]["condition"]
    assert condition == {"question": "recent_hire", "equals": "ja"}
    background = inst["background"]
    assert set(background) == {"team", "recent_hire"}  # no age in years, no gender
    assert not any("leeftijd" in q["nl"].lower() for q in background.values())


def test_items_table_lists_every_item_once(inst):
    table = ins.items_table(inst)
    assert table["item"].tolist() == all_items(inst)
    assert table.loc[table["item"] == "ps1", "reverse"].item()
    assert table.loc[table["scale"] == "onboarding", "condition"].str.startswith("Alleen als").all()


# ------------------------------------------------------------------ scoring with the analysis reader


def synthetic_responses(instrument, value_of):
    """One respondent per call of value_of(item, lo, hi, reversed)."""
    row = {"person_key": "p1", "team": "t1"}
    for spec in instrument["scales"].values():
        lo, hi = spec["range"]
        for item in spec["items"]:
            row[item] = value_of(item, lo, hi, item in spec["reverse"])
    return pd.DataFrame([row])


def test_score_survey_applies_reverse_keys(inst):
    # Everyone answers the top of the scale: reversed items count as the bottom.
    top = score_survey(synthetic_responses(inst, lambda i, lo, hi, r: hi), inst)
    for name, spec in inst["scales"].items():
        lo, hi = spec["range"]
        k, r = len(spec["items"]), len(spec["reverse"])
        assert top[name].item() == pytest.approx((hi * (k - r) + lo * r) / k), name
    # A consistent respondent (agree with positive, disagree with reversed) scores the top.
    consistent = score_survey(synthetic_responses(inst, lambda i, lo, hi, r: lo if r else hi), inst)
    for name, spec in inst["scales"].items():
        assert consistent[name].item() == spec["range"][1], name
    # Reverse coding really changes the scores of scales that have reversed items.
    for name, spec in inst["scales"].items():
        if spec["reverse"]:
            assert top[name].item() < consistent[name].item(), name
    coded = reverse_code(synthetic_responses(inst, lambda i, lo, hi, r: hi), inst)
    assert coded["ps1"].item() == 1 and coded["ps2"].item() == 7


def test_conditional_items_may_be_empty(inst):
    frame = synthetic_responses(inst, lambda i, lo, hi, r: np.nan if i.startswith("ob") else hi)
    scores = score_survey(frame, inst)
    assert np.isnan(scores["onboarding"].item())
    assert not np.isnan(scores["self_efficacy"].item())


def test_reliability_runs_on_the_instrument(inst):
    rng = np.random.default_rng(1)
    rows = []
    for person in range(60):
        latent = rng.normal()
        row = {"person_key": f"p{person}", "team": f"t{person % 6}"}
        for spec in inst["scales"].values():
            lo, hi = spec["range"]
            for item in spec["items"]:
                x = latent + rng.normal(0, 0.7)
                x = -x if item in spec["reverse"] else x
                row[item] = float(np.clip(np.round((lo + hi) / 2 + x * (hi - lo) / 4), lo, hi))
        rows.append(row)
    reliability = scale_reliability(pd.DataFrame(rows), inst)
    assert set(reliability["scale"]) == set(inst["scales"])
    assert (reliability["alpha"] > 0.6).all()  # reverse keys line up with the wording direction


# ------------------------------------------------------------------ validation errors


def test_invalid_instrument_lists_every_problem(tmp_path, inst):
    bad = copy.deepcopy(inst)
    del bad["scales"]["motivation"]["range"]
    bad["scales"]["psych_safety"]["reverse"] = ["ps1", "zz9"]
    bad["scales"]["self_efficacy"]["anchors"] = "agree9"
    bad["scales"]["onboarding"]["condition"] = {"question": "hired", "equals": "ja"}
    bad["scales"]["procedure_clarity"]["items"].append("se1")
    path = tmp_path / "instrument.yml"
    path.write_text(yaml.safe_dump(bad, allow_unicode=True), encoding="utf-8")
    with pytest.raises(SelfRelianceError) as err:
        ins.load_instrument(path)
    message = str(err.value)
    assert "scale 'motivation' lacks 'range'" in message
    assert "['zz9'] are not among its items" in message
    assert "'agree9' is not defined" in message
    assert "'hired', which does not exist" in message
    assert "item 'se1' is already used by scale" in message
    assert "belongs to no scale" not in message


def test_unreadable_instrument(tmp_path):
    with pytest.raises(SelfRelianceError, match="cannot read"):
        ins.load_instrument(tmp_path / "nope.yml")
    broken = tmp_path / "broken.yml"
    broken.write_text("scales: [unclosed", encoding="utf-8")
    with pytest.raises(SelfRelianceError, match="not valid YAML"):
        ins.load_instrument(broken)
    assert ins.validate_instrument([1, 2]) == [
        "instrument: the file is not a YAML mapping with 'scales' and 'items'."
    ]


# ------------------------------------------------------------------ exports


def test_forms_xlsx_has_every_item_once(tmp_path, inst):
    path = ins.export_forms_xlsx(inst, tmp_path / "forms.xlsx", teams=["Onthaal", "Burgerzaken"])
    wb = load_workbook(path)
    assert wb.sheetnames == ["Vragen", "Antwoordschalen", "Privacyverklaring", "Werkwijze"]
    rows = list(wb["Vragen"].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert header == (
        "nr",
        "code",
        "sectie",
        "vraagtype",
        "tekst",
        "opties",
        "verplicht",
        "voorwaarde",
    )
    codes = [r[1] for r in body if r[3] == "Likert-uitspraak"]
    assert codes == all_items(inst)
    by_code = {r[1]: r for r in body if r[1]}
    assert by_code["team"][5].splitlines() == ["Onthaal", "Burgerzaken"]
    assert by_code["ps1"][5].splitlines()[0] == "Helemaal niet akkoord"
    assert len(by_code["ps1"][5].splitlines()) == 7
    assert by_code["ob1"][7].startswith("Alleen als")


def read_limesurvey(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, as LimeSurvey exports it
    text = raw.decode("utf-8-sig")
    return list(csv.DictReader(text.splitlines(), delimiter="\t"))


def test_limesurvey_file_structure(tmp_path, inst):
    path = ins.export_limesurvey(inst, tmp_path / "survey.txt", teams=["Onthaal", "Burgerzaken"])
    rows = read_limesurvey(path)
    assert tuple(rows[0].keys()) == ins.LIMESURVEY_COLUMNS
    assert {"class", "type/scale", "name", "relevance", "text", "language", "mandatory"} <= set(
        rows[0]
    )
    classes = {r["class"] for r in rows}
    assert classes == {"S", "SL", "G", "Q", "SQ", "A"}
    assert [r["name"] for r in rows if r["class"] == "SQ"] == all_items(inst)
    # Question and subquestion codes are letters and digits only; answer codes at most 5 chars.
    for r in rows:
        if r["class"] in ("Q", "SQ"):
            assert re.fullmatch(r"[A-Za-z][A-Za-z0-9]{0,19}", r["name"]), r
        if r["class"] == "A":
            assert 0 < len(r["name"]) <= 5, r
    groups = [r for r in rows if r["class"] == "G"]
    onboarding = next(g for g in groups if g["name"].startswith("Onboarding"))
    assert onboarding["relevance"] == 'recenthire == "ja"'
    # The psychological safety array offers 1..7.
    start = next(i for i, r in enumerate(rows) if r["class"] == "Q" and r["name"] == "PSblok")
    answers = []
    for r in rows[start + 1 :]:
        if r["class"] in ("Q", "G"):
            break
        if r["class"] == "A":
            answers.append(r["name"])
    assert answers == [str(v) for v in range(1, 8)]
    assert [r["text"] for r in rows if r["class"] == "A" and r["name"].startswith("T0")] == [
        "Onthaal",
        "Burgerzaken",
    ]


def test_limesurvey_second_language_repeats_the_structure(tmp_path, inst):
    rows = read_limesurvey(ins.export_limesurvey(inst, tmp_path / "s.txt", languages=("nl", "en")))
    nl = [r for r in rows if r["class"] in ("G", "Q", "SQ", "A") and r["language"] == "nl"]
    en = [r for r in rows if r["class"] in ("G", "Q", "SQ", "A") and r["language"] == "en"]
    assert [(r["class"], r["name"]) for r in nl if r["class"] != "G"] == [
        (r["class"], r["name"]) for r in en if r["class"] != "G"
    ]
    assert any(r["name"] == "additional_languages" and r["text"] == "en" for r in rows)


def test_print_version_is_self_contained_and_complete(tmp_path, inst):
    path = ins.export_print_html(inst, tmp_path / "print.html", teams=["Onthaal <&>"])
    page = path.read_text(encoding="utf-8")
    for item in all_items(inst):
        assert page.count(f'<td class="code">{item}</td>') == 1, item
    assert "Onthaal &lt;&amp;&gt;" in page
    assert "size: A4" in page
    flat = " ".join(page.split())
    assert "Privacyverklaring" in flat and "Vlaamse Toezichtcommissie" in flat
    assert not re.search(r"<script|<link|src=|url\(", page)


def test_export_form_dispatch_and_unknown_format(tmp_path, inst):
    for fmt, suffix in (("forms-xlsx", "xlsx"), ("limesurvey", "txt"), ("print", "html")):
        assert ins.export_form(inst, fmt, tmp_path / f"f.{suffix}").exists()
    with pytest.raises(SelfRelianceError, match="Unknown survey export format"):
        ins.export_form(inst, "qualtrics", tmp_path / "x")


def test_shipped_limesurvey_file_is_current(tmp_path, inst):
    shipped = ins.resource_path("survey/bevraging-limesurvey.txt")
    fresh = ins.export_limesurvey(inst, tmp_path / "s.txt")
    assert shipped.read_bytes() == fresh.read_bytes(), (
        "run: selfreliance survey export --format limesurvey --out src/selfreliance/resources/survey/bevraging-limesurvey.txt"
    )
    forms = load_workbook(ins.resource_path("survey/bevraging-forms.xlsx"))
    codes = [
        r[1]
        for r in forms["Vragen"].iter_rows(min_row=2, values_only=True)
        if r[3] == "Likert-uitspraak"
    ]
    assert codes == all_items(inst)
    # The shipped print version embeds report.css: it must be what the generator writes now.
    printed = ins.export_print_html(inst, tmp_path / "print.html")
    assert ins.resource_path("survey/bevraging-print.html").read_bytes() == printed.read_bytes(), (
        "run: selfreliance survey export --format print --out src/selfreliance/resources/survey/bevraging-print.html"
    )


def test_privacy_notice_covers_the_required_points():
    text = ins.privacy_notice("nl")
    for phrase in (
        "artikel 6, lid 1, e)",
        "Pseudonimisering",
        "Geen individuele resultaten",
        "minder dan 5",
        "Hoe lang bewaren",
        "Functionaris voor gegevensbescherming",
        "[naam]",
    ):
        assert phrase in text, phrase


def test_english_privacy_notice_has_the_same_sections_and_placeholders():
    import re

    nl, en = ins.privacy_notice("nl"), ins.privacy_notice("en")
    for phrase in (
        "Article 6(1)(e)",
        "Pseudonymisation",
        "No individual results",
        "fewer than 5",
        "How long do we keep",
        "Data-protection officer",
        "[name]",
    ):
        assert phrase in en, phrase  # fmt: skip
    assert len(re.findall(r"^## ", en, re.M)) == len(re.findall(r"^## ", nl, re.M))
    assert len(re.findall(r"\[[^\]]+\]", en)) == len(re.findall(r"\[[^\]]+\]", nl))
    with pytest.raises(SelfRelianceError, match="'fr'"):
        ins.privacy_notice("fr")


def test_read_teams_from_text_and_roster(tmp_path):
    (tmp_path / "teams.txt").write_text("Onthaal\n\nBurgerzaken\nOnthaal\n", encoding="utf-8")
    assert ins.read_teams(tmp_path / "teams.txt") == ["Onthaal", "Burgerzaken"]
    (tmp_path / "roster.csv").write_text(
        "person_id;team\nP1;Onthaal\nP2;Bib\nP3;Onthaal\n", encoding="utf-8"
    )
    assert ins.read_teams(tmp_path / "roster.csv") == ["Bib", "Onthaal"]
    (tmp_path / "bad.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(SelfRelianceError, match="no 'team' column"):
        ins.read_teams(tmp_path / "bad.csv")


# ------------------------------------------------------------------ responses back to survey.csv


def test_convert_forms_export_with_labels_and_roster(tmp_path, inst):
    labels5 = ins.anchor_labels(inst, "self_efficacy", "nl")
    labels7 = ins.anchor_labels(inst, "psych_safety", "nl")
    rows = []
    for n, (email, when) in enumerate(
        [
            ("an@x.be", "1/06/2026 10:00"),
            ("bo@x.be", "2/06/2026 11:00"),
            ("an@x.be", "3/06/2026 09:00"),
        ]
    ):
        row = {"ID": n + 1, "Tijd van voltooien": when, "E-mail": email.upper(), "Naam": "x"}
        for spec in inst["scales"].values():
            labels = labels7 if spec["range"][1] == 7 else labels5
            for item in spec["items"]:
                row[inst["items"][item]["nl"]] = (
                    "" if item.startswith("ob") else labels[n % len(labels)]
                )
        rows.append(row)
    roster = pd.DataFrame(
        {"person_id": ["P1", "P2"], "email": ["an@x.be", "bo@x.be"], "team": ["Onthaal", "Bib"]}
    )
    survey = ins.convert_responses(
        pd.DataFrame(rows).astype(str).replace("nan", ""), inst, roster=roster
    )
    assert list(survey.columns[:3]) == ["person_id", "team", "submitted_at"]
    assert sorted(survey["person_id"]) == ["P1", "P2"]  # P1's latest submission kept
    p1 = survey.set_index("person_id").loc["P1"]
    assert p1["se1"] == 3.0 and p1["ps1"] == 3.0 and p1["team"] == "Onthaal"
    assert np.isnan(p1["ob1"])
    # The result passes the ingest reader and the scoring.
    path = tmp_path / "survey.csv"
    survey.to_csv(path, index=False)
    from selfreliance.ingest import read_survey

    read = read_survey(path, inst)
    scores = score_survey(read.rename(columns={"person_id": "person_key"}), inst)
    assert scores["self_efficacy"].notna().all()


def test_convert_limesurvey_codes(inst):
    row = {
        "id": "1",
        "submitdate": "2026-06-01 10:00:00",
        "attribute_1": "P9",
        "team": "Onthaal",
        "recenthire": "ja",
    }
    for spec in inst["scales"].values():
        for item in spec["items"]:
            row[f"{item[:2].upper()}blok[{item}]"] = str(spec["range"][1])
    survey = ins.convert_responses(pd.DataFrame([row]), inst)
    assert survey.loc[0, "person_id"] == "P9"
    assert survey.loc[0, "ps7"] == 7.0 and survey.loc[0, "se4"] == 5.0


def test_convert_reports_unusable_exports(inst):
    base = {"person_id": "P1", **{i: "3" for i in all_items(inst)}}
    with pytest.raises(SelfRelianceError, match="neither numbers nor answer labels"):
        ins.convert_responses(pd.DataFrame([{**base, "se1": "misschien"}]), inst)
    with pytest.raises(SelfRelianceError, match="lack the item"):
        ins.convert_responses(pd.DataFrame([{k: v for k, v in base.items() if k != "mr2"}]), inst)
    with pytest.raises(SelfRelianceError, match="no person number"):
        ins.convert_responses(
            pd.DataFrame([{k: v for k, v in base.items() if k != "person_id"}]), inst
        )


# ------------------------------------------------------------------ command line


def parser():
    from selfreliance.cli_survey import add_commands

    p = argparse.ArgumentParser(prog="selfreliance")
    add_commands(p.add_subparsers(dest="command", required=True))
    return p


@pytest.mark.parametrize(
    "fmt,suffix", [("forms-xlsx", "xlsx"), ("limesurvey", "txt"), ("print", "html")]
)
def test_cli_survey_export(tmp_path, capsys, fmt, suffix):
    (tmp_path / "teams.txt").write_text("Onthaal\nBib\n", encoding="utf-8")
    out = tmp_path / f"form.{suffix}"
    args = parser().parse_args(
        [
            "survey",
            "export",
            "--format",
            fmt,
            "--out",
            str(out),
            "--teams",
            str(tmp_path / "teams.txt"),
        ]
    )
    assert args.func(args) == 0
    assert out.exists() and "26 items" in capsys.readouterr().out


def test_cli_survey_convert_and_privacy(tmp_path, inst):
    responses = tmp_path / "responses.csv"
    pd.DataFrame([{"person_id": "P1", "team": "Bib", **{i: 2 for i in all_items(inst)}}]).to_csv(
        responses, index=False
    )
    out = tmp_path / "survey.csv"
    args = parser().parse_args(["survey", "convert", str(responses), "--out", str(out)])
    assert args.func(args) == 0
    assert pd.read_csv(out).loc[0, "ps1"] == 2
    notice = tmp_path / "privacy.md"
    args = parser().parse_args(["survey", "privacy", "--out", str(notice)])
    assert args.func(args) == 0 and "Rechtsgrond" in notice.read_text(encoding="utf-8")

"""Tests of the Lindevoorde demo generator (determinism, formats, sizes, planted effects)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from selfreliance.config import resource_path
from selfreliance.demo import DemoConfig, generate_demo, write_demo
from selfreliance.instrument import load_instrument
from selfreliance.survey import score_survey

TOPDESK_HEADER = [
    "Meldingnummer",
    "Aanmelddatum",
    "Naam aanmelder",
    "E-mail aanmelder",
    "Afdeling aanmelder",
    "Vestiging aanmelder",
    "Soort binnenkomst",
    "Soort melding",
    "Categorie",
    "Subcategorie",
    "Korte omschrijving",
    "Verzoek",
    "Impact",
    "Urgentie",
    "Prioriteit",
    "Behandelaarsgroep",
    "Behandelaar",
    "Status",
    "Verwerkingsstatus",
    "Streefdatum",
    "Datum gereageerd",
    "Datum gereed",
    "Datum afgemeld",
    "Duur on hold",
    "Aantal keer heropend",
    "Bestede tijd eerstelijn",
    "Bestede tijd tweedelijn",
    "Afmeldcode",
]
GENERIC_HEADER = [
    "ticket_id",
    "opened_at",
    "first_response_at",
    "resolved_at",
    "closed_at",
    "requester_email",
    "requester_name",
    "channel",
    "category",
    "subcategory",
    "title",
    "description",
    "priority",
    "operator_group",
    "line",
    "time_spent_minutes",
    "status",
    "reopen_count",
]
FILES = [
    "tickets.csv",
    "demo_labels.csv",
    "roster.csv",
    "survey.csv",
    "instrument.yml",
    "interventions.csv",
    "demo_ground_truth.yml",
]
END = pd.Timestamp("2026-09-30")


@pytest.fixture(scope="module")
def topdesk_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo_topdesk")
    write_demo(out)
    return out


@pytest.fixture(scope="module")
def demo() -> dict:
    return generate_demo(DemoConfig())


@pytest.fixture(scope="module")
def topdesk(topdesk_dir) -> pd.DataFrame:
    return pd.read_csv(
        topdesk_dir / "tickets.csv", sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False
    )


@pytest.fixture(scope="module")
def roster(topdesk_dir) -> pd.DataFrame:
    return pd.read_csv(
        topdesk_dir / "roster.csv",
        parse_dates=["hire_date", "exit_date"],
        dtype={"manager_id": str},
        keep_default_na=True,
    )


def _codebook() -> dict[str, str]:
    cb = yaml.safe_load(resource_path("codebook.yml").read_text(encoding="utf-8"))
    return {k: v["self_solvability"] for k, v in cb["question_types"].items()}


# --- determinism ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["topdesk", "generic"])
def test_same_seed_gives_identical_files(tmp_path, fmt):
    a = write_demo(tmp_path / "a", DemoConfig(seed=11), fmt=fmt)
    b = write_demo(tmp_path / "b", DemoConfig(seed=11), fmt=fmt)
    assert [p.name for p in a] == FILES
    for pa_, pb in zip(a, b, strict=True):
        assert pa_.read_bytes() == pb.read_bytes(), pa_.name
    c = write_demo(tmp_path / "c", DemoConfig(seed=12), fmt=fmt)
    assert (tmp_path / "a" / "tickets.csv").read_bytes() != c[0].read_bytes()
    assert (tmp_path / "a" / "roster.csv").read_bytes() != (
        tmp_path / "c" / "roster.csv"
    ).read_bytes()


def test_bad_format_is_refused(tmp_path):
    with pytest.raises(ValueError):
        write_demo(tmp_path, fmt="excel")


# --- formats -------------------------------------------------------------------------------


def test_topdesk_file_layout(topdesk_dir, topdesk):
    raw = (topdesk_dir / "tickets.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    first_line = raw[3:].split(b"\r\n", 1)[0].decode("utf-8")
    assert first_line.split(";") == TOPDESK_HEADER
    assert list(topdesk.columns) == TOPDESK_HEADER
    date_re = re.compile(r"^\d{2}-\d{2}-\d{4} \d{2}:\d{2}$")
    assert topdesk["Aanmelddatum"].str.match(date_re).all()
    for col in ("Streefdatum", "Datum gereageerd", "Datum gereed", "Datum afgemeld"):
        filled = topdesk[col][topdesk[col] != ""]
        assert len(filled) > 0.9 * len(topdesk)
        assert filled.str.match(date_re).all(), col
    assert topdesk["Meldingnummer"].str.match(r"^M\d{4} \d{4}$").all()
    yymm = topdesk["Aanmelddatum"].str[8:10] + topdesk["Aanmelddatum"].str[3:5]
    assert (topdesk["Meldingnummer"].str[1:5] == yymm).all()
    assert topdesk["Meldingnummer"].is_unique
    for col in ("Duur on hold", "Bestede tijd eerstelijn", "Bestede tijd tweedelijn"):
        assert topdesk[col].str.match(r"^\d+:\d{2}$").all(), col
    assert set(topdesk["Soort binnenkomst"]) <= {
        "Telefonisch",
        "E-mail",
        "Zelfservice Portal",
        "Balie",
    }
    assert set(topdesk["Soort melding"]) == {"Storing", "Vraag", "Verzoek"}
    assert set(topdesk["Status"]) == {"Eerstelijns", "Tweedelijns"}
    status = topdesk["Verwerkingsstatus"]
    assert (status == "Afgemeld").mean() > 0.95
    open_ = status != "Afgemeld"
    assert open_.sum() > 0
    assert (topdesk.loc[open_, "Datum gereed"] == "").all()
    assert (topdesk.loc[open_, "Datum afgemeld"] == "").all()
    assert topdesk["Korte omschrijving"].str.len().max() <= 80
    assert 3 <= topdesk["Behandelaar"].nunique() <= 6


def test_generic_file_layout(tmp_path):
    write_demo(tmp_path, fmt="generic")
    raw = (tmp_path / "tickets.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    t = pd.read_csv(tmp_path / "tickets.csv", dtype=str, keep_default_na=False)
    assert list(t.columns) == GENERIC_HEADER
    assert t["opened_at"].str.match(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$").all()
    assert set(t["line"]) == {"1", "2"}
    assert t["time_spent_minutes"].str.match(r"^\d+$").all()


def test_topdesk_and_generic_describe_the_same_tickets(demo, topdesk):
    t = demo["tickets"]
    assert list(t["ticket_id"]) == list(topdesk["Meldingnummer"])
    assert list(t["description"].fillna("")) == list(topdesk["Verzoek"])


# --- sizes and organisation ----------------------------------------------------------------


def test_roster_sizes(roster):
    active = roster[
        (roster["hire_date"] <= END) & (roster["exit_date"].isna() | (roster["exit_date"] > END))
    ]
    assert 180 <= len(active) <= 220
    assert 18 <= roster["team"].nunique() <= 22
    assert 7 <= roster["department"].nunique() <= 9
    for day in pd.date_range("2024-10-01", END, freq="MS"):
        on = roster[
            (roster["hire_date"] <= day)
            & (roster["exit_date"].isna() | (roster["exit_date"] > day))
        ]
        assert on.groupby("team").size().min() >= 5, day
    hires = roster[roster["hire_date"] >= "2024-10-01"]
    quarters = hires["hire_date"].dt.to_period("Q").value_counts()
    assert len(quarters) == 8 and quarters.min() >= 1
    assert roster["exit_date"].notna().sum() >= 20
    assert (roster["hire_date"] < pd.Timestamp("2000-01-01")).any()


def test_roster_management_line(roster):
    assert roster["person_id"].str.match(r"^P\d{5}$").all()
    assert roster["email"].is_unique
    assert roster["email"].str.match(r"^[a-z]+\.[a-z]+\d?@lindevoorde\.be$").all()
    top = roster[roster["manager_id"].isna()]
    assert len(top) == 1
    by_id = roster.set_index("person_id")
    managers = set(roster["manager_id"].dropna())
    for team, g in roster.groupby("team"):
        # Staff who manage nobody report to one team leader who sits in their own team.
        plain = g[~g["person_id"].isin(managers)]
        leaders = set(plain["manager_id"])
        assert len(leaders) == 1, team
        leader = leaders.pop()
        assert by_id.loc[leader, "team"] == team
        # The leader reports up the line (department head or the algemeen directeur).
        assert pd.notna(by_id.loc[leader, "manager_id"]) or leader == top["person_id"].iloc[0]
    level = roster["function_level"].value_counts(normalize=True)
    assert set(level.index) == set("ABCDE")
    assert 0.25 <= level["C"] <= 0.45
    ages = 2026 - roster["birth_year"]
    assert ages.min() >= 20 and ages.max() <= 65
    assert set(roster["site"]) == {"Administratief Centrum", "Sociaal Huis"}


def test_ticket_volume(topdesk):
    per_year = len(topdesk) / 2
    assert 2500 * 0.85 <= per_year <= 2500 * 1.15
    opened = pd.to_datetime(topdesk["Aanmelddatum"], format="%d-%m-%Y %H:%M")
    assert opened.min() >= pd.Timestamp("2024-10-01")
    assert opened.max() < pd.Timestamp("2026-10-01")
    assert (opened.dt.day_of_week >= 5).mean() < 0.03
    assert (topdesk["E-mail aanmelder"] == "prtg@lindevoorde.be").any()


# --- labels and texts ----------------------------------------------------------------------


def test_labels_cover_every_ticket(topdesk_dir, topdesk):
    labels = pd.read_csv(topdesk_dir / "demo_labels.csv", dtype=str)
    assert labels["ticket_id"].is_unique
    assert set(labels["ticket_id"]) == set(topdesk["Meldingnummer"])
    cb = _codebook()
    assert set(labels["question_type"]) <= set(cb)
    assert (labels["self_solvability"] == labels["question_type"].map(cb)).all()
    share_self = (labels["self_solvability"] == "self").mean()
    assert 0.45 <= share_self <= 0.65


def test_texts_are_varied(topdesk):
    desc = topdesk["Verzoek"]
    non_empty = desc[desc != ""]
    assert non_empty.nunique() / len(non_empty) > 0.8
    assert 0.02 <= (desc == "").mean() <= 0.09
    assert topdesk["Korte omschrijving"].nunique() > 100
    assert desc.str.contains("Oorspronkelijk bericht").any()
    assert desc.str.contains(r"\+32 4\d{2}|050 \d{2} \d{2} \d{2}").mean() > 0.03


def _rrn_valid(text: str) -> bool:
    d = re.sub(r"\D", "", text)
    body, check = d[:9], int(d[9:])
    return 97 - int(body) % 97 == check or 97 - int("2" + body) % 97 == check


def _iban_valid(text: str) -> bool:
    s = text.replace(" ", "")
    moved = s[4:] + s[:4]
    digits = "".join(str(int(c, 36)) for c in moved)
    bban = s[4:]
    national_ok = (int(bban[:10]) % 97 or 97) == int(bban[10:])
    return int(digits) % 97 == 1 and national_ok


def test_planted_personal_data_is_valid(topdesk):
    text = "\n".join(topdesk["Verzoek"])
    rrns = re.findall(r"\b\d{2}\.\d{2}\.\d{2}-\d{3}\.\d{2}\b", text)
    ibans = re.findall(r"\bBE\d{2}(?: \d{4}){3}\b", text)
    assert len(rrns) >= 5 and len(ibans) >= 5
    assert all(_rrn_valid(r) for r in rrns)
    assert all(_iban_valid(i) for i in ibans)
    assert not _rrn_valid("85.07.30-033.62")
    assert not _iban_valid("BE68 5390 0754 7035")


# --- survey, instrument, interventions -----------------------------------------------------


def test_survey_and_instrument(topdesk_dir, roster):
    inst = yaml.safe_load((topdesk_dir / "instrument.yml").read_text(encoding="utf-8"))
    assert set(inst["scales"]) == {
        "self_efficacy",
        "motivation",
        "procedure_clarity",
        "manager_role_model",
        "psych_safety",
        "onboarding",
    }
    assert inst["scales"]["psych_safety"]["reverse"] == ["ps1", "ps3", "ps5"]
    assert inst["scales"]["psych_safety"]["range"] == [1, 7]
    s = pd.read_csv(topdesk_dir / "survey.csv")
    assert s["person_id"].isin(roster["person_id"]).all()
    assert s["submitted_at"].str.startswith("2026-06").all()
    assert set(s["recent_hire"]) == {"ja", "nee"}
    for name, scale in inst["scales"].items():
        lo, hi = scale["range"]
        items = s[scale["items"]].copy()
        if "condition" in scale:
            shown = s[scale["condition"]["question"]] == scale["condition"]["equals"]
            assert items[~shown].isna().all().all(), name
            items = items[shown]
            assert 8 <= len(items) <= 40, name
        assert items.stack().dropna().between(lo, hi).all(), name
        # 3% missing at random: too few recent hires to require some missing answers.
        low = 0.005 if "condition" not in scale else -1
        assert low < items.isna().mean().mean() < 0.07, name
        for it in scale["reverse"]:
            items[it] = lo + hi - items[it]
        items = items.dropna()
        k = items.shape[1]
        alpha = k / (k - 1) * (1 - items.var().sum() / items.sum(axis=1).var())
        assert 0.6 <= alpha <= 0.9, (name, alpha)
        assert set(scale["items"]) <= set(inst["items"])
    day = pd.Timestamp("2026-06-01")
    on = roster[
        (roster["hire_date"] <= day) & (roster["exit_date"].isna() | (roster["exit_date"] > day))
    ]
    assert 0.6 <= len(s) / len(on) <= 0.8
    hired = s.merge(roster[["person_id", "hire_date"]], on="person_id")["hire_date"]
    recent = hired >= pd.Timestamp("2025-06-01")
    assert ((s["recent_hire"] == "ja") == recent.to_numpy()).all()


def test_demo_uses_the_shipped_instrument(topdesk_dir):
    written = yaml.safe_load((topdesk_dir / "instrument.yml").read_text(encoding="utf-8"))
    shipped = load_instrument()
    assert written == shipped
    assert load_instrument(topdesk_dir / "instrument.yml") == shipped
    s = pd.read_csv(topdesk_dir / "survey.csv")
    items = [item for scale in shipped["scales"].values() for item in scale["items"]]
    assert set(items) == set(shipped["items"])
    assert set(items) <= set(s.columns)
    scores = score_survey(s.rename(columns={"person_id": "person_key"}), shipped)
    assert list(scores.columns) == ["person_key", "team", *shipped["scales"]]
    for name in shipped["scales"]:
        assert scores[name].notna().any(), name
    recent = (s["recent_hire"] == "ja").to_numpy()
    assert scores.loc[~recent, "onboarding"].isna().all()
    assert scores.loc[recent, "onboarding"].notna().mean() > 0.9
    # Every item is scored: changing one answer changes its scale's score.
    for name, scale in shipped["scales"].items():
        row = int(np.flatnonzero(s[scale["items"]].notna().all(axis=1).to_numpy())[0])
        for item in scale["items"]:
            lo, hi = scale["range"]
            bumped = s.copy()
            bumped.loc[row, item] = hi if s.loc[row, item] != hi else lo
            after = score_survey(bumped.rename(columns={"person_id": "person_key"}), shipped)
            assert after.loc[row, name] != scores.loc[row, name], item


def test_interventions(topdesk_dir, roster):
    iv = pd.read_csv(topdesk_dir / "interventions.csv", keep_default_na=False)
    pilot = iv[iv["name"].str.contains("wachtwoordreset")].iloc[0]
    assert pilot["start_date"] == "2026-01-12" and pilot["end_date"] == ""
    assert pilot["direction"] == "procedures verduidelijken"
    teams = pilot["teams"].split("|")
    assert 6 <= len(teams) <= 10 and set(teams) <= set(roster["team"])
    assert (iv["teams"] == "all").any()


# --- ground truth and recovery -------------------------------------------------------------


def test_ground_truth_lists_effects_and_nulls(topdesk_dir):
    gt = yaml.safe_load((topdesk_dir / "demo_ground_truth.yml").read_text(encoding="utf-8"))
    eff = {e["name"]: e for e in gt["effects"]}
    for name in ("site", "age_band", "function_level", "tenure_band", "department"):
        assert eff[name]["null"] is True and eff[name]["value"] == 1.0
        assert "IRR" in eff[name]["scale"]
    assert eff["repeat_same_question"]["null"] is True
    expected = {
        "onboarding": 2.0,
        "capability": 0.75,
        "motivation": 0.75,
        "motivation_x_psych_safety": 0.75,
        "intervention_password_reset": 0.55,
        "recurring_behaviour": 0.2,
    }
    for name, value in expected.items():
        assert eff[name]["null"] is False and eff[name]["value"] == pytest.approx(value)
    assert eff["manager_role_model"]["value"] == pytest.approx(np.exp(0.6 * 0.7), abs=1e-3)
    assert "design_note" in gt["model"]
    for e in gt["effects"]:
        assert {"name", "hypothesis", "scale", "value", "description", "null"} <= set(e)
    iv = gt["intervention"]
    assert iv["targeted_question_types"] == ["password_mfa", "account_lockout"]
    assert iv["true_irr"] == 0.55 and iv["expected_weekly_reduction_targeted_org"] > 0
    assert gt["seed"] == 6 and gt["files"]["tickets"] == "tickets.csv"
    assert sum(gt["type_mix"]["by_type"].values()) == pytest.approx(1.0, abs=1e-3)


def _self_with_roster(demo):
    t = demo["tickets"].merge(demo["labels"], on="ticket_id")
    r = demo["roster"]
    return t.merge(r, left_on="requester_email", right_on="email"), r


def test_recovery_onboarding_rate_is_higher(demo):
    t, r = _self_with_roster(demo)
    t = t[t["self_solvability"] == "self"]
    new = (t["opened_at"] - t["hire_date"]).dt.days < 183
    start, end = pd.Timestamp("2024-10-01"), END
    exp_new = exp_old = 0.0
    for p in r.itertuples():
        s = max(p.hire_date, start)
        e = min(p.exit_date if pd.notna(p.exit_date) else end, end)
        if e < s:
            continue
        total = (e - s).days + 1
        n_new = max(0, (min(e, p.hire_date + pd.Timedelta(days=182)) - s).days + 1)
        exp_new += n_new * p.fte / 30.4
        exp_old += (total - n_new) * p.fte / 30.4
    rate_new = new.sum() / exp_new
    rate_old = (~new).sum() / exp_old
    assert rate_new > 1.15 * rate_old


def test_recovery_pilot_drop(demo):
    t, _ = _self_with_roster(demo)
    iv = demo["interventions"]
    pilot = iv.loc[iv["name"].str.contains("wachtwoordreset"), "teams"].iloc[0].split("|")
    t = t[t["question_type"].isin(["password_mfa", "account_lockout"])]
    post = t["opened_at"] >= pd.Timestamp("2026-01-12")
    in_pilot = t["team"].isin(pilot)
    ratio_pilot = (in_pilot & post).sum() / (in_pilot & ~post).sum()
    ratio_other = (~in_pilot & post).sum() / (~in_pilot & ~post).sum()
    assert ratio_pilot / ratio_other < 0.8


def test_requests_only_while_employed(demo):
    t, _ = _self_with_roster(demo)
    day = t["opened_at"].dt.normalize()
    assert (day >= t["hire_date"]).all()
    assert (t["exit_date"].isna() | (day <= t["exit_date"])).all()


def test_scales_to_other_sizes():
    d = generate_demo(
        DemoConfig(seed=3, n_staff=60, tickets_per_year=800, start="2025-01-01", end="2025-12-31")
    )
    r = d["roster"]
    assert r.groupby("team").size().min() >= 5
    assert 600 <= len(d["tickets"]) <= 1000
    assert set(d["labels"]["ticket_id"]) == set(d["tickets"]["ticket_id"])

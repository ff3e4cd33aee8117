"""Disclosure control: no hidden cell survives, none can be recomputed from totals."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from selfreliance.disclosure import protect_crosstab, protect_table, small_groups


def test_single_small_group_gets_a_complementary_partner():
    t = pd.DataFrame({"team": list("ABC"), "n_people": [3, 9, 6], "tickets": [5, 20, 11]})
    out = protect_table(t, people="n_people", values=["tickets"])
    assert out["suppressed"].tolist() == ["primary", "", "complementary"]
    # The total (36) minus the visible cells no longer gives team A's count.
    assert out["tickets"].notna().sum() == 1


def test_two_small_groups_need_no_extra_suppression():
    t = pd.DataFrame({"team": list("ABCD"), "n_people": [3, 4, 9, 6], "tickets": [5, 6, 20, 11]})
    out = protect_table(t, people="n_people", values=["tickets"])
    assert out["suppressed"].tolist() == ["primary", "primary", "", ""]


def test_lines_are_protected_separately():
    t = pd.DataFrame(
        {
            "department": ["X", "X", "Y", "Y"],
            "team": list("ABCD"),
            "n_people": [2, 8, 7, 9],
            "tickets": [1, 2, 3, 4],
        }
    )
    out = protect_table(t, people="n_people", values=["tickets"], lines=["department"])
    assert out["suppressed"].tolist() == ["primary", "complementary", "", ""]


def test_people_column_is_hidden_too():
    t = pd.DataFrame({"team": list("AB"), "n_people": [2, 2], "tickets": [1, 2]})
    out = protect_table(t, people="n_people", values=["tickets"])
    assert out["n_people"].isna().all()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 12), min_size=2, max_size=5), min_size=2, max_size=5).filter(
        lambda rows: len({len(r) for r in rows}) == 1
    )
)
def test_crosstab_never_leaves_a_single_hidden_cell_in_a_line(rows):
    people = pd.DataFrame(rows)
    counts = people * 3
    out = protect_crosstab(counts, people)
    hidden = out.isna().to_numpy()
    assert (hidden | (people.to_numpy() >= 5)).all()  # every small cell hidden
    assert not (hidden.sum(axis=1) == 1).any()
    assert not (hidden.sum(axis=0) == 1).any()


def test_small_groups():
    frame = pd.DataFrame({"team": ["A"] * 4 + ["B"] * 6, "person": list("abcd") + list("efghij")})
    assert list(small_groups(frame, by="team", person="person")) == ["A"]
    assert np.isnan(
        protect_table(pd.DataFrame({"n": [1], "v": [1]}), people="n", values=["v"])["v"].iloc[0]
    )


def test_team_type_mix_hides_types_asked_by_fewer_than_five_people():
    from selfreliance.audiences import _team_type_mix

    # a team of 7: 'password' asked by all 7, 'printer' by 5, 'outlook' by one person only
    people = [f"p{i}" for i in range(7)]
    mine = pd.DataFrame(
        {
            "question_type": ["password"] * 7 + ["printer"] * 5 + ["outlook"] * 3,
            "requester_key": people + people[:5] + ["p0"] * 3,
        }
    )
    org = pd.Series({"password": 0.5, "printer": 0.25, "outlook": 0.15, "teams": 0.1})
    mix = _team_type_mix(mine, org, 5)
    assert mix.loc["outlook", "suppressed"] == "primary" and np.isnan(mix.loc["outlook", "team"])
    # shares add up to 100 %: one more share is hidden so 'outlook' cannot be recomputed
    assert mix.loc["printer", "suppressed"] == "complementary"
    assert np.isnan(mix.loc["printer", "team"]) and mix.loc["password", "team"] == 7 / 15
    assert mix.loc["teams", "team"] == 0 and mix.loc["teams", "suppressed"] == ""
    assert list(mix.index) == ["password", "printer", "outlook", "teams"]  # by org share

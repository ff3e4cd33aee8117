"""Statistical disclosure control: no figure about fewer than ``min_n`` people.

One place in the library decides what a report may show about groups of people:

* **primary suppression**: a cell that describes fewer than ``min_n`` distinct people is
  hidden;
* **complementary suppression**: when a table also shows totals (per row, per column, or a
  grand total), a single hidden cell in a line could be recomputed by subtraction; so in every
  line with exactly one hidden cell the smallest other visible cell is hidden too, repeated
  until no line has exactly one hidden cell (the usual "hypercube" heuristic for two
  dimensions, see Hundepool et al., *Statistical Disclosure Control*, Wiley 2012, ch. 4).

Hidden cells become ``NaN`` in the value columns; a ``suppressed`` column says why
(``primary`` or ``complementary``). The threshold is configurable; the default is 5.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

MIN_GROUP_SIZE = 5


def protect_table(
    table: pd.DataFrame,
    *,
    people: str,
    values: Sequence[str],
    lines: Sequence[str] = (),
    min_n: int = MIN_GROUP_SIZE,
    with_total: bool = True,
) -> pd.DataFrame:
    """Hide the values of groups with fewer than ``min_n`` people, with complementary suppression.

    Parameters
    ----------
    table
        One row per group (cell), with a column counting the distinct people behind the row.
    people
        Name of that column. It is hidden too where the row is suppressed.
    values
        Columns to hide for suppressed rows (counts, rates, shares ...).
    lines
        Columns that partition the rows into lines that each have a published total (e.g.
        ``["department"]`` when the report shows a total per department). Without ``lines`` the
        whole table is one line.
    min_n
        Smallest number of people a published figure may describe.
    with_total
        Whether a total over each line is published (or derivable). Only then is
        complementary suppression needed.

    Returns
    -------
    DataFrame
        A copy with hidden values set to NaN and a ``suppressed`` column
        (``""``, ``"primary"`` or ``"complementary"``).

    Examples
    --------
    >>> t = pd.DataFrame({"team": ["A", "B", "C", "D"], "n_people": [12, 3, 8, 20], "tickets": [40, 9, 30, 70]})
    >>> protect_table(t, people="n_people", values=["tickets"])[["team", "tickets", "suppressed"]].values.tolist()
    [['A', 40.0, ''], ['B', nan, 'primary'], ['C', nan, 'complementary'], ['D', 70.0, '']]
    """
    out = table.copy()
    small = out[people].fillna(0).to_numpy() < min_n
    status = np.where(small, "primary", "").astype(object)
    if with_total:
        groups = (
            out.groupby(list(lines), sort=False).indices.values()
            if lines
            else [np.arange(len(out))]
        )
        for index in groups:
            index = np.asarray(index)
            hidden = status[index] != ""
            if hidden.sum() == 1 and len(index) > 1:
                visible = index[~hidden]
                # The smallest visible group reveals the least when hidden.
                pick = visible[np.argmin(out[people].to_numpy()[visible])]
                status[pick] = "complementary"
    mask = status != ""
    for column in [*values, people]:
        out[column] = out[column].astype("float64").where(~mask)
    out["suppressed"] = status
    return out


def protect_crosstab(
    counts: pd.DataFrame, people: pd.DataFrame, *, min_n: int = MIN_GROUP_SIZE
) -> pd.DataFrame:
    """Suppress a two-way table whose row and column totals are published.

    ``counts`` and ``people`` have the same shape (rows x columns): the figure to show and the
    number of distinct people behind each cell. Returns ``counts`` as floats with hidden cells
    set to NaN. Every row and every column ends with zero or at least two hidden cells, so no
    hidden cell can be recomputed from a margin.

    Examples
    --------
    >>> c = pd.DataFrame({"x": [10, 2, 7], "y": [5, 6, 9]}, index=["A", "B", "C"])
    >>> p = pd.DataFrame({"x": [9, 2, 6], "y": [7, 8, 9]}, index=["A", "B", "C"])
    >>> int(protect_crosstab(c, p).isna().sum().sum())
    4
    """
    if counts.shape != people.shape:
        raise ValueError("counts and people must have the same shape")
    hidden = people.fillna(0).to_numpy() < min_n
    size = people.fillna(0).to_numpy().astype(float)
    changed = True
    while changed:
        changed = False
        for axis in (0, 1):
            lines = hidden if axis == 1 else hidden.T
            sizes = size if axis == 1 else size.T
            for i in range(lines.shape[0]):
                if lines[i].sum() == 1 and lines.shape[1] > 1:
                    candidates = np.where(~lines[i], sizes[i], np.inf)
                    j = int(np.argmin(candidates))
                    if axis == 1:
                        hidden[i, j] = True
                    else:
                        hidden[j, i] = True
                    changed = True
    return counts.astype("float64").mask(hidden)


def small_groups(
    frame: pd.DataFrame, *, by: str | Sequence[str], person: str, min_n: int = MIN_GROUP_SIZE
) -> pd.Index:
    """Groups (values of ``by``) with fewer than ``min_n`` distinct people: never report them alone."""
    sizes = frame.groupby(by, observed=True)[person].nunique()
    return sizes.index[sizes < min_n]

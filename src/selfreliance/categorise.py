"""Classify tickets into question types and self-solvability from the codebook.

The rules need no labelled data: each question type in the codebook lists weighted regular
expressions; a ticket's score for a type is the weighted number of matches, the title
counting double (it is the requester's own summary). The type with the highest score wins;
no match at all gives ``other``. Confidence is the winner's share of the total score.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from selfreliance.config import resource_path
from selfreliance.errors import SelfRelianceError

SOLVABILITY_CLASSES = ("self", "partly", "it")
FALLBACK_TYPE = "other"
TITLE_WEIGHT = 2.0
# Forwarded-mail headers and signatures say nothing about the question and often contain
# words ("Teams", "telefoon") that would mislead the rules.
_NOISE = re.compile(
    r"-{2,}\s*(oorspronkelijk bericht|original message|doorgestuurd bericht)\s*-{2,}"
    r"|^(van|from|verzonden|sent|aan|to|cc|onderwerp|subject)\s*:.*$"
    r"|^(tel|tel\.|gsm|t|m)\s*[.:]?\s*[+\d(][\d\s/().-]{6,}$",
    re.IGNORECASE | re.MULTILINE,
)


@dataclass(frozen=True)
class Codebook:
    """A loaded, validated codebook."""

    version: str
    types: pd.DataFrame  # one row per question type: id, nl, en, self_solvability, ...
    patterns: tuple[tuple[str, re.Pattern, float], ...]  # (type id, compiled regex, weight)
    solvability_labels: dict[str, dict[str, str]]

    def label(self, type_id: str, lang: str = "nl") -> str:
        return str(self.types.loc[type_id, lang])


def load_codebook(path: str | Path | None = None) -> Codebook:
    """Load and validate a codebook YAML (default: the shipped one).

    Raises
    ------
    SelfRelianceError
        On a missing field, an unknown self-solvability class or a pattern that does not compile.
    """
    path = Path(path) if path else resource_path("codebook.yml")
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SelfRelianceError(f"{path}: cannot read the codebook ({exc}).") from exc
    rows, patterns = [], []
    for type_id, entry in spec.get("question_types", {}).items():
        for field in ("nl", "en", "self_solvability"):
            if field not in entry:
                raise SelfRelianceError(f"{path}: question type {type_id!r} lacks {field!r}.")
        if entry["self_solvability"] not in SOLVABILITY_CLASSES:
            raise SelfRelianceError(
                f"{path}: question type {type_id!r} has self_solvability "
                f"{entry['self_solvability']!r}; use one of {', '.join(SOLVABILITY_CLASSES)}."
            )
        rows.append({"id": type_id, **{k: v for k, v in entry.items() if k != "patterns"}})
        for pattern in entry.get("patterns") or []:
            try:
                compiled = re.compile(pattern["re"])
            except re.error as exc:
                raise SelfRelianceError(f"{path}: pattern {pattern['re']!r} of {type_id!r}: {exc}") from exc
            patterns.append((type_id, compiled, float(pattern.get("w", 1))))
    if FALLBACK_TYPE not in {r["id"] for r in rows}:
        raise SelfRelianceError(f"{path}: the codebook needs a question type {FALLBACK_TYPE!r}.")
    types = pd.DataFrame(rows).set_index("id", drop=False)
    return Codebook(str(spec.get("version", "unversioned")), types, tuple(patterns), spec["self_solvability"])


def normalise_text(texts: pd.Series) -> pd.Series:
    """Lower-case, accent-free text without forwarded-mail headers and signature lines.

    Examples
    --------
    >>> normalise_text(pd.Series(["Wachtwoord VERLOPEN\\nTel. 050 12 34 56", None])).tolist()
    ['wachtwoord verlopen\\n', '']
    """
    text = texts.fillna("").astype(str).str.replace(_NOISE, "", regex=True)
    text = text.map(lambda s: unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode())
    return text.str.lower()


def rule_scores(tickets: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Score matrix (tickets x question types) from the codebook patterns."""
    title = normalise_text(tickets["title"])
    body = normalise_text(tickets["description"])
    type_ids = list(codebook.types.index)
    scores = np.zeros((len(tickets), len(type_ids)))
    column = {t: i for i, t in enumerate(type_ids)}
    for type_id, pattern, weight in codebook.patterns:
        hits = TITLE_WEIGHT * title.str.count(pattern).to_numpy() + body.str.count(pattern).to_numpy()
        scores[:, column[type_id]] += weight * np.minimum(hits, 3 * TITLE_WEIGHT)
    return pd.DataFrame(scores, index=tickets.index, columns=type_ids)


def classify_rules(tickets: pd.DataFrame, codebook: Codebook | None = None) -> pd.DataFrame:
    """Add ``question_type``, ``self_solvability``, ``confidence``, ``classified_by`` and
    ``codebook_version`` to a ticket table (title and description columns needed).

    Examples
    --------
    >>> t = pd.DataFrame({"title": ["Wachtwoord vergeten", "Printer doet niets", "?"],
    ...                   "description": ["", "papier vast in de printer", ""]})
    >>> classify_rules(t)[["question_type", "self_solvability"]].values.tolist()
    [['password_mfa', 'self'], ['printer_scanning', 'partly'], ['other', 'it']]
    """
    codebook = codebook or load_codebook()
    scores = rule_scores(tickets, codebook)
    total = scores.sum(axis=1).to_numpy()
    best = scores.to_numpy().argmax(axis=1)
    type_ids = np.asarray(scores.columns)
    question_type = np.where(total > 0, type_ids[best], FALLBACK_TYPE)
    out = tickets.copy()
    out["question_type"] = pd.Series(question_type, index=tickets.index, dtype="string")
    out["self_solvability"] = out["question_type"].map(codebook.types["self_solvability"]).astype("string")
    top = scores.to_numpy().max(axis=1)
    out["confidence"] = np.where(total > 0, top / np.where(total > 0, total, 1), 0.0)
    out["classified_by"] = "rules"
    out["codebook_version"] = codebook.version
    return out

"""Classify tickets into question types and self-solvability from the codebook.

The rules need no labelled data. Each question type in the codebook lists weighted regular
expressions (``patterns``) and, optionally, patterns for the source system's own category
(``categories``). A ticket's score for a type is the weighted number of pattern matches, title
matches counting ``weights.title`` times (the requester's own summary), plus a prior when the
ticket's category or subcategory names the type. The type with the highest score wins; a best
score below ``min_score`` gives ``other``. Confidence is the winner's share of the total score.

Before matching, text is normalised (:func:`normalise_text`) and words of six letters or more
within one edit of a codebook literal are read as that literal (:func:`correct_typos`), so
"wahctwoord", "verlpen" and "latpop" still count.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from selfreliance.config import resource_path
from selfreliance.errors import SelfRelianceError

SOLVABILITY_CLASSES = ("self", "partly", "it")
FALLBACK_TYPE = "other"
TITLE_WEIGHT = 2.0
DEFAULT_WEIGHTS = {"title": TITLE_WEIGHT, "description": 1.0, "category": 1.5, "subcategory": 3.0}
# Shortest word (and codebook literal) that typo tolerance touches: shorter words have too
# many real neighbours one edit away ("kapot"/"kapok", "teams"/"tears").
MIN_FUZZY_LENGTH = 6
# Forwarded-mail headers and signatures say nothing about the question and often contain
# words ("Teams", "telefoon") that would mislead the rules.
_NOISE = re.compile(
    r"-{2,}\s*(oorspronkelijk bericht|original message|doorgestuurd bericht)\s*-{2,}"
    r"|^(van|from|verzonden|sent|aan|to|cc|onderwerp|subject)\s*:.*$"
    r"|^(tel|tel\.|gsm|t|m)\s*[.:]?\s*[+\d(][\d\s/().-]{6,}$",
    re.IGNORECASE | re.MULTILINE,
)
# A line holding only a closing formula starts the signature: drop it and all that follows
# (name, service, address, phone). Applied to lower-cased, accent-free text.
_SIGNATURE = re.compile(
    r"^[ \t]*(?:(?:met )?(?:vriendelijke|beste|hartelijke|collegiale) groet\w*|mvg|m\.v\.g\.?|groet(?:en|jes)?"
    r"|(?:alvast )?(?:bedankt|dank(?:je|u)?(?: u| je)?(?: wel)?)|alvast (?:bedankt|dank\w*)|merci\w*|thanks?|thx"
    r"|(?:kind|best|warm) regards|regards|cheers|greetings)\b[ \t!.,;:]*$.*\Z",
    re.MULTILINE | re.DOTALL,
)
# Placeholders left by scrubbing ("[naam]", "[telefoon]") and the separator between title
# and category fields; they must not match patterns such as "telefoon".
_PLACEHOLDER = re.compile(r"\[[a-z_ -]{2,30}\]")
_WORD = re.compile(rf"[a-z]{{{MIN_FUZZY_LENGTH},}}")
_TOKEN = re.compile(r"\b\w+\b")


@dataclass(frozen=True)
class Codebook:
    """A loaded, validated codebook.

    Attributes
    ----------
    version : str
        Stamped on every classification result.
    types : pandas.DataFrame
        One row per question type (index: type id): nl, en, self_solvability, reasons ...
    patterns : tuple
        ``(type id, compiled regex, weight)`` for the ticket text.
    solvability_labels : dict
        Dutch and English label of each self-solvability class.
    category_patterns : tuple
        ``(type id, compiled regex)`` for the source system's category and subcategory.
    weights : dict
        Multipliers of title, description, category and subcategory evidence.
    min_score : float
        A best score below this gives the fallback type ``other``.
    vocabulary : frozenset
        Real words that typo correction must leave alone.
    """

    version: str
    types: pd.DataFrame
    patterns: tuple[tuple[str, re.Pattern, float], ...]
    solvability_labels: dict[str, dict[str, str]]
    category_patterns: tuple[tuple[str, re.Pattern], ...] = ()
    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    min_score: float = 0.0
    vocabulary: frozenset[str] = frozenset()

    def label(self, type_id: str, lang: str = "nl") -> str:
        return str(self.types.loc[type_id, lang])

    @property
    def question_types(self) -> list[str]:
        """Type ids in codebook order."""
        return list(self.types.index)

    @property
    def lexicon(self) -> tuple[str, ...]:
        """Literal words and stems (>= 6 letters) in the patterns: what typo tolerance aims at."""
        return _lexicon(tuple(p.pattern for _, p, _ in self.patterns))


def _compile(path: Path, type_id: str, source: str) -> re.Pattern:
    try:
        return re.compile(source)
    except (re.error, TypeError) as exc:
        raise SelfRelianceError(
            f"{path}: pattern {source!r} of question type {type_id!r}: {exc}"
        ) from exc


def load_codebook(path: str | Path | None = None) -> Codebook:
    """Load and validate a codebook YAML (default: the shipped one).

    Raises
    ------
    SelfRelianceError
        On a missing field, an unknown self-solvability class or a pattern that does not compile.

    Examples
    --------
    >>> cb = load_codebook()
    >>> cb.version >= "2026.2", cb.types.loc["password_mfa", "self_solvability"]
    (True, 'self')
    """
    path = Path(path) if path else resource_path("codebook.yml")
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SelfRelianceError(f"{path}: cannot read the codebook ({exc}).") from exc
    rows, patterns, category_patterns = [], [], []
    for type_id, entry in spec.get("question_types", {}).items():
        for name in ("nl", "en", "self_solvability"):
            if name not in entry:
                raise SelfRelianceError(f"{path}: question type {type_id!r} lacks {name!r}.")
        if entry["self_solvability"] not in SOLVABILITY_CLASSES:
            raise SelfRelianceError(
                f"{path}: question type {type_id!r} has self_solvability "
                f"{entry['self_solvability']!r}; use one of {', '.join(SOLVABILITY_CLASSES)}."
            )
        rows.append(
            {
                "id": type_id,
                **{k: v for k, v in entry.items() if k not in ("patterns", "categories")},
            }
        )
        for pattern in entry.get("patterns") or []:
            if not isinstance(pattern, dict) or "re" not in pattern:
                raise SelfRelianceError(
                    f"{path}: each pattern of {type_id!r} needs 're:' (and optionally 'w:')."
                )
            patterns.append(
                (type_id, _compile(path, type_id, pattern["re"]), float(pattern.get("w", 1)))
            )
        if entry.get("categories"):
            category_patterns.append((type_id, _compile(path, type_id, entry["categories"])))
    if FALLBACK_TYPE not in {r["id"] for r in rows}:
        raise SelfRelianceError(f"{path}: the codebook needs a question type {FALLBACK_TYPE!r}.")
    unknown = set(spec.get("weights") or {}) - set(DEFAULT_WEIGHTS)
    if unknown:
        raise SelfRelianceError(
            f"{path}: unknown weights {sorted(unknown)}; use {', '.join(DEFAULT_WEIGHTS)}."
        )
    weights = {**DEFAULT_WEIGHTS, **{k: float(v) for k, v in (spec.get("weights") or {}).items()}}
    types = pd.DataFrame(rows).set_index("id", drop=False)
    return Codebook(
        version=str(spec.get("version", "unversioned")),
        types=types,
        patterns=tuple(patterns),
        solvability_labels=spec["self_solvability"],
        category_patterns=tuple(category_patterns),
        weights=weights,
        min_score=float(spec.get("min_score", 0)),
        vocabulary=frozenset(_fold(w) for w in spec.get("vocabulary") or []),
    )


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def normalise_text(texts: pd.Series) -> pd.Series:
    """Lower-case, accent-free text without forwarded-mail headers, signatures and placeholders.

    Examples
    --------
    >>> normalise_text(pd.Series(["Wachtwoord VERLOPEN\\nTel. 050 12 34 56", None])).tolist()
    ['wachtwoord verlopen\\n', '']
    >>> normalise_text(pd.Series(["Printer hapert.\\nMet vriendelijke groet,\\nAn\\nTel. [telefoon]"])).tolist()
    ['printer hapert.\\n']
    """
    text = texts.astype("str").fillna("").str.replace(_NOISE, "", regex=True)
    # Accent folding only where there is something to fold, once per distinct text.
    accented = ~text.str.isascii()
    if accented.any():
        uniques = pd.unique(text[accented].to_numpy())
        folded = dict(zip(uniques, map(_fold, uniques), strict=True))
        text = text.where(~accented, text[accented].map(folded))
    text = text.str.lower()
    return text.str.replace(_SIGNATURE, "", regex=True).str.replace(_PLACEHOLDER, " ", regex=True)


def _lexicon(sources: tuple[str, ...]) -> tuple[str, ...]:
    literals: set[str] = set()
    for source in sources:
        # Escapes (\b, \w) are not letters of a word; character classes and groups split words.
        plain = re.sub(r"\\[a-zA-Z]|\[[^\]]*\]|\{[^}]*\}", " ", source)
        literals.update(re.findall(rf"[a-z]{{{MIN_FUZZY_LENGTH},}}", plain))
    return tuple(sorted(literals))


@lru_cache(maxsize=16)
def _neighbourhood(lexicon: tuple[str, ...]) -> dict[str, str]:
    """Every string one edit (delete, insert, substitute, swap) from a literal -> that literal.

    A variant that is one edit from two literals is ambiguous and dropped.
    """
    letters = "abcdefghijklmnopqrstuvwxyz"
    found: dict[str, str | None] = {}
    for word in lexicon:
        variants = {word[:i] + word[i + 1 :] for i in range(len(word))}
        variants |= {word[:i] + c + word[i:] for i in range(len(word) + 1) for c in letters}
        variants |= {word[:i] + c + word[i + 1 :] for i in range(len(word)) for c in letters}
        variants |= {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)}
        variants.discard(word)
        for variant in variants:
            if len(variant) < MIN_FUZZY_LENGTH - 1:
                continue
            found[variant] = word if found.get(variant, word) == word else None
    return {k: v for k, v in found.items() if v is not None}


def typo_corrections(
    words: Iterable[str] | pd.Series,
    lexicon: tuple[str, ...],
    vocabulary: frozenset[str] = frozenset(),
    *,
    rare_ratio: float = 50.0,
) -> dict[str, str]:
    """Map misspelt words to their corrected form; words needing no correction are left out.

    A word of at least ``MIN_FUZZY_LENGTH`` letters that does not start with a literal of the
    lexicon (and is not in ``vocabulary``) but whose beginning is one edit (delete, insert,
    substitute, swap) away from a literal gets that beginning replaced; the rest of the word
    (inflection, compound) is kept. Stems (the word continues after the literal) need a
    literal of seven letters or more: six-letter stems have too many real neighbours
    ("wachten" is not "wachtw..."). Typos are rare and idiosyncratic, so a word that is
    frequent in the corpus is taken to be a real word: ``words`` may be a Series of counts
    (index: word), and a word is only corrected when it occurs at most
    ``max(2, n / rare_ratio)`` times, n being the count of the words the literal covers.
    The cost is one dictionary look-up per word and distinct literal length: O(unique words).

    Examples
    --------
    >>> typo_corrections(["wachtwoort", "wachtwoorden", "wahctwoordreset", "kapot"], ("wachtwoord",))
    {'wachtwoort': 'wachtwoord', 'wahctwoordreset': 'wachtwoordreset'}
    >>> counts = pd.Series({"wachtwoord": 40, "wachtwoort": 1, "wachtwoorf": 3})
    >>> typo_corrections(counts, ("wachtwoord",), rare_ratio=20)
    {'wachtwoort': 'wachtwoord'}
    """
    if not lexicon:
        return {}
    if isinstance(words, pd.Series) and pd.api.types.is_numeric_dtype(words):
        counts = words.groupby(level=0).sum()
    else:
        counts = pd.Series(list(words), dtype="str").dropna().value_counts()
    counts.index = counts.index.astype("str")
    counts = counts[counts.index.str.len() >= MIN_FUZZY_LENGTH]
    by_length = sorted(lexicon, key=len, reverse=True)
    starts = pd.Series(counts.index, index=counts.index, dtype="str").str.extract(
        "^(" + "|".join(map(re.escape, by_length)) + ")", expand=False
    )
    family = counts.groupby(starts).sum()  # occurrences of the words each literal covers
    candidates = counts[starts.isna().to_numpy() & ~counts.index.isin(list(vocabulary))]
    neighbours = _neighbourhood(lexicon)
    lengths = sorted({len(w) + d for w in lexicon for d in (-1, 0, 1)}, reverse=True)
    out: dict[str, str] = {}
    for word, n in candidates.items():
        for k in lengths:  # longest literal first: "synchronisatie" beats "synchr"
            if k > len(word) or (literal := neighbours.get(word[:k])) is None:
                continue
            if k < len(word) and len(literal) < MIN_FUZZY_LENGTH + 1:
                continue
            if n <= max(2.0, family.get(literal, 0) / rare_ratio):
                out[word] = literal + word[k:]
            break
    return out


def correct_typos(texts: pd.Series, codebook: Codebook) -> pd.Series:
    """Rewrite words within one edit of a codebook literal (see :func:`typo_corrections`).

    Word counts come from the distinct texts, so a frequent real word is left alone.

    Examples
    --------
    >>> correct_typos(pd.Series(["mijn wahctwoord is verlpen", "ok"]), load_codebook()).tolist()
    ['mijn wachtwoord is verlopen', 'ok']
    """
    uniques = pd.Series(pd.unique(texts.to_numpy()), dtype="str")
    words = uniques.str.findall(_WORD)
    counts = words.explode().dropna().value_counts()
    fixes = typo_corrections(counts, codebook.lexicon, codebook.vocabulary)
    if not fixes:
        return texts
    # Rewrite only the distinct texts that contain a misspelt word, token by token: a whole
    # word token (``\w+``) that is a key of ``fixes`` is replaced, which is what a word-bounded
    # alternation of the keys would do, at a fraction of the cost.
    misspelt = frozenset(fixes)
    touched = uniques[words.map(lambda found: not misspelt.isdisjoint(found)).to_numpy(dtype=bool)]
    if touched.empty:
        return texts
    fixed = touched.str.replace(_TOKEN, lambda m: fixes.get(m.group(0), m.group(0)), regex=True)
    rewritten = texts.map(dict(zip(touched, fixed, strict=True)))
    return texts.where(rewritten.isna(), rewritten)


def _category_text(tickets: pd.DataFrame, column: str) -> pd.Series:
    if column not in tickets:
        return pd.Series("", index=tickets.index, dtype="str")
    return normalise_text(tickets[column]).str.strip()


def rule_scores(tickets: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Score matrix (tickets x question types) from the codebook patterns and categories.

    ``tickets`` needs ``title`` and/or ``description``; ``category`` and ``subcategory`` are
    used when present.
    """
    empty = pd.Series("", index=tickets.index, dtype="str")
    title = correct_typos(
        normalise_text(tickets["title"] if "title" in tickets else empty), codebook
    )
    body = correct_typos(
        normalise_text(tickets["description"] if "description" in tickets else empty), codebook
    )
    w = codebook.weights
    type_ids = codebook.question_types
    column = {t: i for i, t in enumerate(type_ids)}
    scores = np.zeros((len(tickets), len(type_ids)))
    for type_id, pattern, weight in codebook.patterns:
        hits = (
            w["title"] * title.str.count(pattern).to_numpy()
            + w["description"] * body.str.count(pattern).to_numpy()
        )
        scores[:, column[type_id]] += weight * np.minimum(hits, 3 * w["title"])
    category, subcategory = (
        _category_text(tickets, "category"),
        _category_text(tickets, "subcategory"),
    )
    for type_id, pattern in codebook.category_patterns:
        scores[:, column[type_id]] += w["category"] * category.str.count(pattern).gt(0).to_numpy(
            dtype=float
        )
        scores[:, column[type_id]] += w["subcategory"] * subcategory.str.count(pattern).gt(
            0
        ).to_numpy(dtype=float)
    return pd.DataFrame(scores, index=tickets.index, columns=type_ids)


def classify_rules(tickets: pd.DataFrame, codebook: Codebook | None = None) -> pd.DataFrame:
    """Add ``question_type``, ``self_solvability``, ``confidence``, ``classified_by`` and
    ``codebook_version`` to a ticket table (title and description columns needed; category
    and subcategory used when present).

    Examples
    --------
    >>> t = pd.DataFrame({"title": ["Wachtwoord vergeten", "Printer doet niets", "?"],
    ...                   "description": ["", "papier vast in de printer", ""]})
    >>> classify_rules(t)[["question_type", "self_solvability"]].values.tolist()
    [['password_mfa', 'self'], ['printer_scanning', 'partly'], ['other', 'it']]
    """
    codebook = codebook or load_codebook()
    scores = rule_scores(tickets, codebook)
    matrix = scores.to_numpy()
    total = matrix.sum(axis=1)
    top = matrix.max(axis=1)
    decided = (total > 0) & (top >= codebook.min_score)
    type_ids = np.asarray(scores.columns)
    question_type = np.where(decided, type_ids[matrix.argmax(axis=1)], FALLBACK_TYPE)
    out = tickets.copy()
    out["question_type"] = pd.Series(question_type, index=tickets.index, dtype="string")
    out["self_solvability"] = (
        out["question_type"].map(codebook.types["self_solvability"]).astype("string")
    )
    out["confidence"] = np.where(decided, top / np.where(total > 0, total, 1), 0.0)
    out["classified_by"] = "rules"
    out["codebook_version"] = codebook.version
    return out

"""A learned ticket classifier: TF-IDF word and character n-grams + calibrated linear model.

Trained on whatever labelled tickets an organisation has (a hand-coded sample, the demo's
labels, a historic export with a reliable category), it predicts a label with a calibrated
probability. Below a confidence threshold the codebook rules decide instead
(:func:`classify_with_model`), and tickets where neither is sure are flagged for review.

The model is a scikit-learn :class:`~sklearn.pipeline.Pipeline`:

- word 1-2-gram TF-IDF and character 2-5-gram TF-IDF within word boundaries (``char_wb``) of
  the normalised title + description (signatures, forwarded headers, scrub placeholders
  removed; see :func:`selfreliance.categorise.normalise_text`);
- the source system's category and subcategory, one-hot, where the export has them;
- a multinomial logistic regression whose scores are calibrated to probabilities (Platt scaling,
  :class:`~sklearn.calibration.CalibratedClassifierCV`).

Character n-grams of a document are the sum of the character n-grams of its words, so
:class:`WordwiseCharTfidf` computes them once per distinct word and multiplies by the
document-word count matrix: identical to ``TfidfVectorizer(analyzer="char_wb")`` but an
order of magnitude faster on large exports (``make bench``: one million tickets).

Models are saved with skops (no pickle: loading cannot run arbitrary code) next to a JSON
metadata file (codebook version, SHA-256 of the training data, scores, classes, versions).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
import sklearn
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)
from sklearn.model_selection import StratifiedKFold, cross_val_predict, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

from selfreliance import __version__
from selfreliance.categorise import Codebook, classify_rules, load_codebook, normalise_text
from selfreliance.errors import SelfRelianceError

DEFAULT_THRESHOLD = 0.5
FEATURE_COLUMNS = ("text", "category", "subcategory")
MIN_PER_CLASS = 5  # 5-fold cross-validation with 3-fold calibration inside needs this many


# --------------------------------------------------------------------------- features


class WordwiseCharTfidf(TransformerMixin, BaseEstimator):
    """Character n-gram TF-IDF within word boundaries, computed per distinct word.

    Gives the same matrix (up to float32 rounding) as ``TfidfVectorizer(analyzer="char_wb", ngram_range=...,
    min_df=..., sublinear_tf=..., lowercase=False)``: ``char_wb`` pads every
    whitespace-separated word with spaces and takes its n-grams, so a document's n-gram counts
    are its word counts times each word's n-gram counts.

    Parameters
    ----------
    ngram_range : tuple of int
        Smallest and largest n.
    min_df : int
        Keep n-grams found in at least this many training documents.
    max_features : int or None
        Keep the most frequent n-grams only.
    sublinear_tf : bool
        Use 1 + log(tf).

    Examples
    --------
    >>> docs = ["printer kapot", "printer werkt", "wachtwoord kwijt"]
    >>> fast = WordwiseCharTfidf(min_df=1).fit_transform(docs)
    >>> slow = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), lowercase=False,
    ...                        sublinear_tf=True).fit_transform(docs)
    >>> bool(abs(fast - slow).max() < 1e-6)  # float32 counts
    True
    """

    def __init__(
        self,
        ngram_range: tuple[int, int] = (2, 5),
        min_df: int = 2,
        max_features: int | None = None,
        sublinear_tf: bool = True,
    ):
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_features = max_features
        self.sublinear_tf = sublinear_tf

    def _word_counts(self, docs) -> tuple[sp.csr_matrix, np.ndarray]:
        counter = CountVectorizer(
            tokenizer=str.split, token_pattern=None, lowercase=False, dtype=np.float32
        )
        counts = counter.fit_transform(docs)
        return counts, counter.get_feature_names_out()

    def _ngram_counts(self, docs, fit: bool) -> sp.csr_matrix:
        words, vocabulary = self._word_counts(docs)
        if fit:
            grams = CountVectorizer(
                analyzer="char_wb", ngram_range=self.ngram_range, lowercase=False, dtype=np.float32
            )
            per_word = grams.fit_transform(vocabulary)
            per_doc = (words @ per_word).tocsr()
            df = np.bincount(per_doc.indices, minlength=per_doc.shape[1])
            keep = np.flatnonzero(df >= self.min_df)
            if self.max_features is not None and len(keep) > self.max_features:
                keep = keep[np.argsort(-df[keep], kind="stable")[: self.max_features]]
                keep.sort()
            names = grams.get_feature_names_out()[keep]
            self.vocabulary_ = {g: i for i, g in enumerate(names)}
            return per_doc[:, keep]
        grams = CountVectorizer(
            analyzer="char_wb",
            ngram_range=self.ngram_range,
            lowercase=False,
            vocabulary=self.vocabulary_,
            dtype=np.float32,
        )
        return (words @ grams.transform(vocabulary)).tocsr()

    def fit(self, docs, y=None):
        self.fit_transform(docs)
        return self

    def fit_transform(self, docs, y=None):
        counts = self._ngram_counts(_as_list(docs), fit=True)
        self.tfidf_ = TfidfTransformer(sublinear_tf=self.sublinear_tf)
        return self.tfidf_.fit_transform(counts)

    def transform(self, docs):
        return self.tfidf_.transform(self._ngram_counts(_as_list(docs), fit=False))

    def get_feature_names_out(self, input_features=None):
        return np.array(sorted(self.vocabulary_, key=self.vocabulary_.get), dtype=object)


def _as_list(docs) -> list[str]:
    if isinstance(docs, pd.DataFrame):
        docs = docs.iloc[:, 0]
    return [str(d) for d in docs]


def model_input(
    tickets: pd.DataFrame, text: str | list[str] = ("title", "description")
) -> pd.DataFrame:
    """The model's input frame: ``text`` (normalised, joined text columns), ``category``, ``subcategory``.

    Text is normalised as for the rules (:func:`~selfreliance.categorise.normalise_text`) and
    every run of digits becomes ``0``.

    Parameters
    ----------
    tickets : pandas.DataFrame
        Needs the ``text`` column(s); ``category`` and ``subcategory`` are used when present.
    text : str or list of str
        Column(s) holding free text, joined with a line break.

    Examples
    --------
    >>> t = pd.DataFrame({"title": ["Printer"], "description": ["Papier VAST\\nMvg\\nAn"]})
    >>> model_input(t).to_dict("records")
    [{'text': 'printer\\npapier vast\\n', 'category': '', 'subcategory': ''}]
    """
    columns = [text] if isinstance(text, str) else list(text)
    missing = [c for c in columns if c not in tickets]
    if len(missing) == len(columns):
        raise SelfRelianceError(
            f"No text column {', '.join(columns)} in the data (columns: {', '.join(map(str, tickets.columns))})."
        )
    parts = [tickets[c].astype("str").fillna("") for c in columns if c in tickets]
    joined = parts[0]
    for part in parts[1:]:
        joined = joined + "\n" + part
    # Digits are identifiers (ticket, room, phone numbers), not content: one token for all.
    out = pd.DataFrame(
        {"text": normalise_text(joined).str.replace(r"[0-9]+", "0", regex=True)},
        index=tickets.index,
    )
    for column in ("category", "subcategory"):
        values = tickets[column] if column in tickets else pd.Series("", index=tickets.index)
        out[column] = values.astype("str").fillna("").str.strip().str.lower()
    return out


def build_model(
    *,
    C: float = 10.0,
    min_df: int = 2,
    calibration_folds: int = 3,
    use_category: bool = True,
    seed: int = 0,
) -> Pipeline:
    """An unfitted classification pipeline (input: a :func:`model_input` frame).

    Parameters
    ----------
    C : float
        Inverse regularisation strength of the logistic regression.
    min_df : int
        Drop words and n-grams seen in fewer training tickets.
    calibration_folds : int
        Folds of the Platt-scaling calibration.
    use_category : bool
        Add the source system's category and subcategory as one-hot features.
    seed : int
        Random state of the SVM.
    """
    transformers = [
        (
            "word",
            TfidfVectorizer(
                ngram_range=(1, 2),
                min_df=min_df,
                sublinear_tf=True,
                max_features=200_000,
                lowercase=False,
                dtype=np.float32,
            ),
            "text",
        ),
        (
            "char",
            WordwiseCharTfidf(ngram_range=(2, 5), min_df=min_df, max_features=300_000),
            "text",
        ),
    ]
    if use_category:
        transformers.append(
            (
                "category",
                OneHotEncoder(handle_unknown="ignore", min_frequency=min_df),
                ["category", "subcategory"],
            )
        )
    features = ColumnTransformer(transformers, sparse_threshold=1.0)
    # Multinomial logistic regression by L-BFGS: on 50,000 tickets an order of magnitude faster
    # than liblinear's one-vs-rest SVMs, which converge slowly on near-duplicate tickets with
    # different labels. Its probabilities are still calibrated (Platt) on held-out folds.
    linear = LogisticRegression(
        C=C, class_weight="balanced", max_iter=300, tol=1e-3, random_state=seed
    )
    model = CalibratedClassifierCV(linear, method="sigmoid", cv=calibration_folds)
    return Pipeline([("features", features), ("model", model)])


def drop_rare_classes(
    X: pd.DataFrame, y: pd.Series, minimum: int = MIN_PER_CLASS
) -> tuple[pd.DataFrame, pd.Series, dict[str, int]]:
    """Leave out labels with fewer than ``minimum`` tickets (they cannot be learned and checked).

    Returns the remaining X and y and ``{label: count}`` of what was left out; tickets of those
    types are left to the rules. Raises when fewer than two labels remain.
    """
    y = y.astype("str")
    counts = y.value_counts()
    rare = counts[counts < minimum]
    keep = ~y.isin(rare.index)
    if counts[counts >= minimum].size < 2:
        raise SelfRelianceError(
            f"Training needs at least two labels with {minimum} or more tickets each; found "
            f"{', '.join(f'{k} ({v})' for k, v in counts.items()) or 'none'}. Label more tickets."
        )
    return X.loc[keep.to_numpy()], y[keep], {str(k): int(v) for k, v in rare.items()}


def training_frame(
    data: pd.DataFrame, *, text: str | list[str], label: str
) -> tuple[pd.DataFrame, pd.Series]:
    """Model input and labels of the rows that have a label (blank labels are dropped).

    Examples
    --------
    >>> d = pd.DataFrame({"tekst": ["Printer kapot", "Wachtwoord vergeten", "?"], "code": ["printer", "password", " "]})
    >>> X, y = training_frame(d, text="tekst", label="code")
    >>> X["text"].tolist(), y.tolist()
    (['printer kapot', 'wachtwoord vergeten'], ['printer', 'password'])
    """
    if label not in data:
        raise SelfRelianceError(
            f"No label column {label!r} in the data (columns: {', '.join(map(str, data.columns))})."
        )
    rows = data[label].astype("str").str.strip().replace("", pd.NA).notna()
    subset = data.loc[rows]
    return model_input(subset, text), subset[label].astype("str").str.strip()


def data_sha256(X: pd.DataFrame, y: pd.Series) -> str:
    """SHA-256 of the training texts, categories and labels (order-sensitive)."""
    digest = hashlib.sha256()
    for column in (*[X[c] for c in X.columns], y):
        digest.update(
            pd.util.hash_pandas_object(column.astype("str"), index=False).to_numpy().tobytes()
        )
    return digest.hexdigest()


# --------------------------------------------------------------------------- scores


def per_class_scores(y_true, y_pred, labels: list[str] | None = None) -> pd.DataFrame:
    """Precision, recall, F1 and support per class: label, precision, recall, f1, support.

    Examples
    --------
    >>> per_class_scores(["a", "a", "b", "b"], ["a", "b", "b", "b"]).round(3).values.tolist()
    [['a', 1.0, 0.5, 0.667, 2], ['b', 0.667, 1.0, 0.8, 2]]
    """
    y_true, y_pred = pd.Series(y_true).astype("str"), pd.Series(y_pred).astype("str")
    labels = labels or sorted(set(y_true) | set(y_pred))
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    return pd.DataFrame(
        {"label": labels, "precision": p, "recall": r, "f1": f, "support": s.astype(int)}
    )


def confusion_table(y_true, y_pred, labels: list[str] | None = None) -> pd.DataFrame:
    """Confusion matrix in long (tidy) form: true, predicted, n (every pair, zeros included).

    Examples
    --------
    >>> confusion_table(["a", "a", "b"], ["a", "b", "b"]).values.tolist()
    [['a', 'a', 1], ['a', 'b', 1], ['b', 'a', 0], ['b', 'b', 1]]
    """
    y_true, y_pred = pd.Series(y_true).astype("str"), pd.Series(y_pred).astype("str")
    labels = labels or sorted(set(y_true) | set(y_pred))
    matrix = confusion_matrix(y_true, y_pred, labels=labels)
    index = pd.MultiIndex.from_product([labels, labels], names=["true", "predicted"])
    return pd.Series(matrix.ravel(), index=index, name="n").reset_index()


def summary_scores(y_true, y_pred) -> dict[str, float]:
    """``{"n", "accuracy", "macro_f1"}`` of predictions against the truth."""
    y_true, y_pred = pd.Series(y_true).astype("str"), pd.Series(y_pred).astype("str")
    return {
        "n": int(len(y_true)),
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "macro_f1": float(f1_score(y_true, y_pred, average="macro", zero_division=0)),
    }


@dataclass(frozen=True)
class Evaluation:
    """Scores of a model on held-out tickets.

    Attributes
    ----------
    summary : dict
        n, accuracy, macro_f1 (and for cross-validation macro_f1_folds, the score per fold).
    per_class : pandas.DataFrame
        label, precision, recall, f1, support.
    confusion : pandas.DataFrame
        true, predicted, n.
    predictions : pandas.DataFrame
        true, predicted, probability for every held-out ticket (index of the input).
    """

    summary: dict
    per_class: pd.DataFrame
    confusion: pd.DataFrame
    predictions: pd.DataFrame

    def to_dict(self) -> dict:
        return {
            **self.summary,
            "per_class": self.per_class.to_dict(orient="records"),
            "confusion": self.confusion.to_dict(orient="records"),
        }


def _evaluation(
    truth: pd.Series, predicted: pd.Series, probability: np.ndarray, extra: dict | None = None
) -> Evaluation:
    labels = sorted(set(truth) | set(predicted))
    return Evaluation(
        summary={**summary_scores(truth, predicted), **(extra or {})},
        per_class=per_class_scores(truth, predicted, labels),
        confusion=confusion_table(truth, predicted, labels),
        predictions=pd.DataFrame(
            {"true": truth, "predicted": predicted, "probability": probability}, index=truth.index
        ),
    )


def cross_validate(
    X: pd.DataFrame, y: pd.Series, *, folds: int = 5, seed: int = 0, **model_options
) -> Evaluation:
    """Stratified k-fold cross-validation: every ticket predicted by a model that did not see it.

    Labels with fewer than ``MIN_PER_CLASS`` tickets are left out (``dropped_classes``); the
    number of folds shrinks to the smallest class when needed. Returns an :class:`Evaluation`
    whose summary also holds ``folds``, ``macro_f1_folds`` and ``dropped_classes``.
    """
    X, y, dropped = drop_rare_classes(X, y)
    folds = int(min(folds, y.value_counts().min()))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    model = build_model(seed=seed, **model_options)
    proba = cross_val_predict(model, X, y, cv=splitter, method="predict_proba")
    classes = np.array(sorted(y.unique()))
    predicted = pd.Series(classes[proba.argmax(axis=1)], index=y.index)
    per_fold = [
        float(f1_score(y.iloc[test], predicted.iloc[test], average="macro", zero_division=0))
        for _, test in splitter.split(X, y)
    ]
    return _evaluation(
        y,
        predicted,
        proba.max(axis=1),
        {"folds": folds, "macro_f1_folds": per_fold, "dropped_classes": dropped},
    )


def holdout_evaluate(
    X: pd.DataFrame, y: pd.Series, *, test_size: float = 0.2, seed: int = 0, **model_options
) -> Evaluation:
    """Train on a stratified share of the tickets, score on the rest (``test_size``)."""
    X, y, dropped = drop_rare_classes(X, y)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_size, stratify=y, random_state=seed
    )
    model = build_model(seed=seed, **model_options).fit(X_train, y_train)
    proba = model.predict_proba(X_test)
    predicted = pd.Series(model.classes_[proba.argmax(axis=1)], index=y_test.index)
    return _evaluation(
        y_test,
        predicted,
        proba.max(axis=1),
        {
            "n_train": int(len(y_train)),
            "test_size": test_size,
            "seed": seed,
            "dropped_classes": dropped,
        },
    )


# --------------------------------------------------------------------------- train, save, load


@dataclass
class TrainedModel:
    """A fitted pipeline and its metadata (what it was trained on and how well it did)."""

    pipeline: Pipeline
    metadata: dict

    @property
    def classes(self) -> list[str]:
        return [str(c) for c in self.pipeline.classes_]

    def predict_proba(
        self, X: pd.DataFrame, *, chunk_size: int = 50_000, n_jobs: int | None = None
    ) -> pd.DataFrame:
        """Class probabilities (tickets x classes).

        Large inputs go in chunks of ``chunk_size`` rows, which bounds memory (the character
        n-gram matrix of a million tickets would take gigabytes), spread over ``n_jobs``
        processes (default: all cores when there is more than one chunk).
        """
        X = X[list(FEATURE_COLUMNS)]
        starts = range(0, len(X), chunk_size)
        if len(starts) <= 1:
            proba = self.pipeline.predict_proba(X)
        else:
            from joblib import Parallel, delayed

            jobs = Parallel(n_jobs=n_jobs or -1, prefer="processes")(
                delayed(self.pipeline.predict_proba)(X.iloc[i : i + chunk_size]) for i in starts
            )
            proba = np.vstack(jobs)
        return pd.DataFrame(proba, index=X.index, columns=self.classes)


def train_model(
    X: pd.DataFrame,
    y: pd.Series,
    *,
    codebook: Codebook | None = None,
    cv_folds: int = 5,
    seed: int = 0,
    label_name: str = "label",
    text_columns: list[str] | None = None,
    rules_input: pd.DataFrame | None = None,
    **model_options,
) -> TrainedModel:
    """Fit the pipeline on all labelled tickets; cross-validate first when ``cv_folds`` >= 2.

    Parameters
    ----------
    X, y : pandas.DataFrame, pandas.Series
        :func:`model_input` of the labelled tickets and their labels.
    codebook : Codebook, optional
        Its version is recorded; its rules are the fallback.
    cv_folds : int
        Folds of the cross-validation (0 or 1: none).
    rules_input : pandas.DataFrame, optional
        The labelled tickets themselves (title, description, category ...), same index as
        ``X``. When given with question-type labels, the fallback threshold is chosen where
        the cross-validated predictions with rule fallback reach the highest macro-F1
        (:func:`choose_threshold`); otherwise it is ``DEFAULT_THRESHOLD``.

    Returns
    -------
    TrainedModel
        Metadata: codebook version, SHA-256 of the training data, classes and counts, the
        cross-validated scores (model alone and with fallback), the threshold, and the versions
        of scikit-learn and this package.
    """
    codebook = codebook or load_codebook()
    X, y, dropped = drop_rare_classes(X, y)
    metadata = {
        "label": label_name,
        "text_columns": text_columns or ["title", "description"],
        "codebook_version": codebook.version,
        "training_sha256": data_sha256(X, y),
        "n_train": int(len(y)),
        "classes": sorted(y.unique()),
        "class_counts": {k: int(v) for k, v in y.value_counts().sort_index().items()},
        "dropped_classes": dropped,
        "threshold": DEFAULT_THRESHOLD,
        "model_options": {"seed": seed, **model_options},
        "sklearn_version": sklearn.__version__,
        "selfreliance_version": __version__,
        "trained_at": pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds"),
    }
    if cv_folds >= 2:
        evaluation = cross_validate(X, y, folds=cv_folds, seed=seed, **model_options)
        metadata["cross_validation"] = evaluation.to_dict()
        if rules_input is not None and set(y) <= set(codebook.question_types):
            rules = classify_rules(rules_input.loc[y.index], codebook)["question_type"]
            threshold, table = choose_threshold(evaluation.predictions, rules)
            metadata["threshold"] = threshold
            metadata["threshold_search"] = table.to_dict(orient="records")
            best = table.loc[table["threshold"].eq(threshold)].iloc[0]
            metadata["cross_validation_with_fallback"] = {
                "macro_f1": float(best["macro_f1"]),
                "rules_share": float(best["rules_share"]),
            }
    pipeline = build_model(seed=seed, **model_options).fit(X[list(FEATURE_COLUMNS)], y)
    return TrainedModel(pipeline, metadata)


def choose_threshold(
    predictions: pd.DataFrame, rules: pd.Series, grid: np.ndarray | None = None
) -> tuple[float, pd.DataFrame]:
    """The fallback threshold that maximises macro-F1 of model-or-rules on held-out predictions.

    Parameters
    ----------
    predictions : pandas.DataFrame
        true, predicted, probability per ticket (out-of-fold, e.g. ``cross_validate(...).predictions``).
    rules : pandas.Series
        The rules' label for the same tickets.
    grid : array, optional
        Thresholds to try (default 0, 0.05, ..., 0.95).

    Returns
    -------
    (float, pandas.DataFrame)
        The best threshold (the lowest among equals) and the table threshold, macro_f1, rules_share.

    Examples
    --------
    >>> p = pd.DataFrame({"true": ["a", "b", "b"], "predicted": ["a", "a", "b"], "probability": [0.9, 0.4, 0.8]})
    >>> choose_threshold(p, pd.Series(["b", "b", "a"]), grid=np.array([0.0, 0.5, 0.85]))[0]
    0.5
    """
    grid = np.round(np.arange(0, 1, 0.05), 2) if grid is None else grid
    rules = pd.Series(rules, index=predictions.index).astype("str")
    rows = []
    for threshold in grid:
        unsure = predictions["probability"] < threshold
        hybrid = predictions["predicted"].astype("str").where(~unsure, rules)
        rows.append(
            {
                "threshold": float(threshold),
                "macro_f1": summary_scores(predictions["true"], hybrid)["macro_f1"],
                "rules_share": float(unsure.mean()),
            }
        )
    table = pd.DataFrame(rows)
    return float(table.loc[table["macro_f1"].idxmax(), "threshold"]), table


def _metadata_path(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def save_model(model: TrainedModel, path: str | Path) -> tuple[Path, Path]:
    """Write the pipeline with skops (``path``, e.g. ``model.skops``) and ``path + '.json'``."""
    import skops.io as sio

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    sio.dump(model.pipeline, path)
    meta = {
        **model.metadata,
        "model_file": path.name,
        "model_sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
    }
    _metadata_path(path).write_text(json.dumps(meta, indent=2, default=str), encoding="utf-8")
    return path, _metadata_path(path)


def load_model(path: str | Path) -> TrainedModel:
    """Load a model written by :func:`save_model`, trusting only the types this module uses.

    Raises
    ------
    SelfRelianceError
        When the file is missing, was changed after saving, or holds unexpected types.
    """
    import skops.io as sio

    path = Path(path)
    meta_file = _metadata_path(path)
    if not path.exists() or not meta_file.exists():
        raise SelfRelianceError(
            f"Model {path} or its metadata {meta_file.name} not found: train one with `selfreliance model train`."
        )
    metadata = json.loads(meta_file.read_text(encoding="utf-8"))
    if metadata.get("model_sha256") != hashlib.sha256(path.read_bytes()).hexdigest():
        raise SelfRelianceError(
            f"{path} does not match the SHA-256 in {meta_file.name}: the file was changed; retrain the model."
        )
    untrusted = sio.get_untrusted_types(file=path)
    allowed = {
        f"{__name__}.WordwiseCharTfidf",
        "builtins.method",
        "builtins.str.split",
        "sklearn.calibration._CalibratedClassifier",
        "sklearn.calibration._SigmoidCalibration",
    }
    unexpected = [t for t in untrusted if t not in allowed]
    if unexpected:
        raise SelfRelianceError(
            f"{path} holds types this suite does not create ({', '.join(unexpected)}); not loaded."
        )
    pipeline = sio.load(path, trusted=untrusted)
    return TrainedModel(pipeline, metadata)


# --------------------------------------------------------------------------- classify


def classify_with_model(
    tickets: pd.DataFrame,
    model: TrainedModel,
    codebook: Codebook | None = None,
    *,
    threshold: float | None = None,
    rules_sure: float = 0.6,
) -> pd.DataFrame:
    """Classify tickets with the model, falling back to the codebook rules when it is unsure.

    For a model trained on question types: tickets whose top probability is below
    ``threshold`` take the rules' type (``classified_by`` = ``rules``), the others the model's
    (``model``); ``self_solvability`` follows the codebook. ``needs_review`` is true when the
    model is unsure and the rules neither agree with it nor are sure themselves (a type other
    than ``other`` with at least ``rules_sure`` of the rule score). For a model
    trained on another label the prediction goes to ``predicted_label`` (no fallback).

    Adds: question_type, self_solvability, confidence, model_probability, classified_by,
    needs_review, codebook_version (or predicted_label, confidence, needs_review).
    """
    codebook = codebook or load_codebook()
    threshold = (
        model.metadata.get("threshold", DEFAULT_THRESHOLD) if threshold is None else threshold
    )
    proba = model.predict_proba(
        model_input(tickets, model.metadata.get("text_columns", ["title", "description"]))
    )
    top = proba.to_numpy().max(axis=1)
    best = pd.Series(
        np.asarray(proba.columns)[proba.to_numpy().argmax(axis=1)],
        index=tickets.index,
        dtype="string",
    )
    unsure = top < threshold
    out = tickets.copy()
    if not set(model.classes) <= set(codebook.question_types):
        out["predicted_label"] = best
        out["confidence"] = top
        out["needs_review"] = unsure
        return out
    question_type, confidence = best.copy(), pd.Series(top, index=tickets.index)
    sure = pd.Series(False, index=tickets.index)
    agree = pd.Series(False, index=tickets.index)
    if unsure.any():  # the rules only run where the model is unsure
        rules = classify_rules(tickets.loc[unsure], codebook)
        question_type[unsure] = rules["question_type"]
        confidence[unsure] = rules["confidence"]
        sure[unsure] = rules["confidence"].ge(rules_sure) & rules["question_type"].ne("other")
        agree[unsure] = rules["question_type"].eq(best[unsure])
    out["question_type"] = question_type
    out["self_solvability"] = question_type.map(codebook.types["self_solvability"]).astype("string")
    out["confidence"] = confidence.astype(float)
    out["model_probability"] = top
    out["classified_by"] = pd.Series(
        np.where(unsure, "rules", "model"), index=tickets.index, dtype="string"
    )
    out["needs_review"] = unsure & ~(agree | sure)
    out["codebook_version"] = codebook.version
    return out

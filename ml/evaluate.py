"""Cross-dataset evaluation of the bot classifier against a plain baseline trained in the same run.

CLI::

    python -m ml.evaluate --train DIR [DIR ...] --test DIR [DIR ...] --json OUT
    python -m ml.evaluate --lodo DIR [DIR ...] --json OUT

Each DIR is a labelled dataset folder; ``a,b`` joins several folders into one dataset. ``--lodo``
is nested: the datasets are grouped into sources (``ml.datasets.source_of``), each source is held
out in turn, and everything that is chosen (feature set, regularisation, calibration, threshold)
is chosen by leave-one-source-out on the other sources only (``ml.train``), so the held-out source
is never looked at while choosing. The baseline is a plain ``RandomForestClassifier`` on the 20
BotometerLite features, trained on the same accounts. Per test set: AUC, accuracy, F1, Brier, ECE,
recall and false-positive rate at the shipped threshold, the bot share estimated without the
labels against the true one (``prevalence``), and which field-set models scored it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score, brier_score_loss, f1_score, roc_auc_score
from sklearn.pipeline import Pipeline

from ml.bot_share import estimate_bot_share
from ml.datasets import LabelledDataset, combine, concat_frames, load_dataset, source_of
from ml.features import BOTOMETER_LITE_FEATURES, FEATURE_SETS, ProfileFeatures
from ml.train import TrainedClassifier, train_classifier

METRICS = ["n", "bots", "auc", "accuracy", "f1", "brier", "ece", "recall", "false_positive_rate"]
ECE_BINS = 10
BASELINE_THRESHOLD = 0.5


def calibration_table(
    y_true: np.ndarray, probabilities: np.ndarray, bins: int = ECE_BINS
) -> pd.DataFrame:
    """Equal-width probability bins: bounds, accounts, mean predicted and observed bot share."""
    y_true = np.asarray(y_true, dtype=float)
    probabilities = np.asarray(probabilities, dtype=float)
    index = np.minimum((probabilities * bins).astype(int), bins - 1)
    rows = []
    for b in range(bins):
        inside = index == b
        n = int(inside.sum())
        rows.append(
            {
                "bin_low": b / bins,
                "bin_high": (b + 1) / bins,
                "n": n,
                "mean_predicted": float(probabilities[inside].mean()) if n else np.nan,
                "observed_rate": float(y_true[inside].mean()) if n else np.nan,
            }
        )
    return pd.DataFrame(rows)


def calibration_curve_points(
    model: TrainedClassifier, frame: pd.DataFrame, bins: int = ECE_BINS
) -> list[dict]:
    """The model's calibration curve on a labelled frame, as JSON-ready records (None = empty
    bin). On the training frame it shows in-sample fit; LODO reports held-out curves."""
    probabilities = model.predict_proba(frame)
    return _records(calibration_table(frame["is_bot"].to_numpy(dtype=bool), probabilities, bins))


def expected_calibration_error(
    y_true: np.ndarray, probabilities: np.ndarray, bins: int = ECE_BINS
) -> float:
    """Share-weighted mean gap between predicted and observed bot share over equal-width bins."""
    points = calibration_table(y_true, probabilities, bins).query("n > 0")
    weights = points["n"] / points["n"].sum()
    return float((weights * (points["mean_predicted"] - points["observed_rate"]).abs()).sum())


def metrics(y_true: np.ndarray, probabilities: np.ndarray, threshold: float | np.ndarray) -> dict:
    """n, bots, auc, accuracy, f1, recall and false-positive rate (at ``threshold``), brier, ece.
    AUC is null with one class; recall without bots and the false-positive rate without humans
    too."""
    y_true = np.asarray(y_true, dtype=bool)
    predicted = probabilities >= threshold
    both = y_true.any() and not y_true.all()
    return {
        "recall": float(predicted[y_true].mean()) if y_true.any() else None,
        "false_positive_rate": float(predicted[~y_true].mean()) if (~y_true).any() else None,
        "n": len(y_true),
        "bots": int(y_true.sum()),
        "auc": float(roc_auc_score(y_true, probabilities)) if both else None,
        "accuracy": float(accuracy_score(y_true, predicted)),
        "f1": float(f1_score(y_true, predicted, zero_division=0)),
        "brier": float(brier_score_loss(y_true, probabilities)),
        "ece": expected_calibration_error(y_true, probabilities),
    }


def train_baseline(frame: pd.DataFrame, random_state: int = 0) -> Pipeline:
    """The plain baseline: a default RandomForest on the 20 BotometerLite features."""
    pipeline = Pipeline(
        [
            ("features", ProfileFeatures(BOTOMETER_LITE_FEATURES)),
            ("model", RandomForestClassifier(random_state=random_state, n_jobs=-1)),
        ]
    )
    return pipeline.fit(frame, frame["is_bot"].to_numpy(dtype=bool))


def evaluate_on(
    model: TrainedClassifier, baseline: Pipeline, test: LabelledDataset
) -> tuple[dict, np.ndarray]:
    """Metrics of the model at its shipped threshold and of the baseline (at 0.5) on ``test``,
    the bot share estimated from the scores alone beside the true one, and the field-set models
    that scored it."""
    frame = test.frame.reset_index(drop=True)
    y = frame["is_bot"].to_numpy(dtype=bool)
    probabilities = model.predict_proba(frame)
    field_sets = model.field_set_of(frame)
    result = metrics(y, probabilities, model.thresholds(field_sets))
    share = estimate_bot_share(model, probabilities, field_sets)
    result["prevalence"] = {
        "true": float(y.mean()),
        "estimate": share.estimate,
        "low": share.low,
        "high": share.high,
        "thresholded": share.thresholded,
        "method": share.method,
        **({"note": share.note} if share.note else {}),
    }
    names, counts = np.unique(field_sets.astype(str), return_counts=True)
    result["model_used"] = {str(n): int(c) for n, c in zip(names, counts, strict=True)}
    base = baseline.predict_proba(frame)[:, 1]
    result["baseline"] = metrics(y, base, BASELINE_THRESHOLD)
    return result, probabilities


def train_test_report(
    train: Sequence[LabelledDataset],
    tests: Sequence[LabelledDataset],
    random_state: int = 0,
    features: list[str] | None = None,
) -> dict:
    """Train on ``train`` (together) and report each of ``tests``: the CLI's JSON."""
    frame = concat_frames(train)
    model = train_classifier(frame, random_state, features)
    baseline = train_baseline(frame, random_state)
    report: dict = {
        "train": [d.name for d in train],
        "threshold": {name: m.threshold for name, m in model.models.items()},
        "cv": {name: m.cv_metrics for name, m in model.models.items()},
        "tests": {},
    }
    for test in tests:
        report["tests"][test.name], _ = evaluate_on(model, baseline, test)
    return report


def by_source(datasets: Sequence[LabelledDataset]) -> list[LabelledDataset]:
    """The datasets joined into one per source (``source_of``), in order of first appearance."""
    names = list(dict.fromkeys(source_of(d.name) for d in datasets))
    grouped = []
    for name in names:
        parts = [d for d in datasets if source_of(d.name) == name]
        grouped.append(parts[0] if len(parts) == 1 else _joined(parts, name))
    return grouped


def _joined(parts: Sequence[LabelledDataset], name: str) -> LabelledDataset:
    joined = combine(parts, name)
    # keep each part's own dataset name: the training side groups them back by source
    joined.frame["dataset"] = pd.concat([p.frame["dataset"] for p in parts], ignore_index=True)
    return joined


def lodo_report(
    datasets: Sequence[LabelledDataset], random_state: int = 0, features: list[str] | None = None
) -> dict:
    """Nested leave-one-source-out: each source is the test set of a model trained, and chosen,
    on all the others (``train_classifier`` chooses by leave-one-source-out among them)."""
    sources = by_source(datasets)
    if len(sources) < 2:
        raise ValueError("leave-one-dataset-out needs at least two sources")
    report: dict = {"lodo": True, "nested": True, "tests": {}, "calibration": {}}
    for held_out in sources:
        train = [d for d in sources if d is not held_out]
        frame = concat_frames(train)
        model = train_classifier(frame, random_state, features)
        baseline = train_baseline(frame, random_state)
        result, probabilities = evaluate_on(model, baseline, held_out)
        result["train"] = [d.name for d in train]
        result["threshold"] = {name: m.threshold for name, m in model.models.items()}
        result["chosen"] = {
            name: {"feature_set": m.feature_set, "c": m.cv_metrics["chosen_c"]}
            for name, m in model.models.items()
        }
        report["tests"][held_out.name] = result
        curve = calibration_table(held_out.frame["is_bot"].to_numpy(bool), probabilities)
        report["calibration"][held_out.name] = _records(curve)
    return report


def lodo_table(
    datasets: Sequence[LabelledDataset], random_state: int = 0, features: list[str] | None = None
) -> pd.DataFrame:
    """The LODO report as one row per held-out dataset (model and ``baseline_*`` columns)."""
    return report_table(lodo_report(datasets, random_state, features))


TABLE_BASELINE_METRICS = ["auc", "accuracy", "ece"]


def report_table(report: dict) -> pd.DataFrame:
    """One row per test set: the model's metrics, the bot share (true, thresholded, estimated
    with its interval), the field-set models used, then the baseline's as ``baseline_<metric>``."""
    rows = []
    for name, result in report["tests"].items():
        row = {"test": name, **{m: result[m] for m in METRICS}}
        prevalence = result["prevalence"]
        row.update(
            {
                "true_share": prevalence["true"],
                "thresholded_share": prevalence["thresholded"],
                "estimated_share": prevalence["estimate"],
                "estimate_low": prevalence["low"],
                "estimate_high": prevalence["high"],
                "model_used": ", ".join(f"{k}: {v}" for k, v in result["model_used"].items()),
            }
        )
        row.update({f"baseline_{m}": result["baseline"][m] for m in TABLE_BASELINE_METRICS})
        rows.append(row)
    return pd.DataFrame(rows)


def _load(specs: Sequence[str]) -> list[LabelledDataset]:
    return [load_dataset(spec) for spec in specs]  # a comma-joined spec is one dataset


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ml.evaluate", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--train", nargs="+", metavar="DIR", help="datasets to train on")
    parser.add_argument("--test", nargs="+", metavar="DIR", help="datasets to test on")
    parser.add_argument("--lodo", nargs="+", metavar="DIR", help="leave-one-dataset-out over these")
    parser.add_argument("--json", type=Path, metavar="OUT", help="write the report here")
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument(
        "--features",
        choices=["chosen", *sorted(FEATURE_SETS)],
        default="chosen",
        help="feature set of the classifier (default: chosen by leave-one-source-out among "
        "ml.features.CANDIDATE_FEATURE_SETS)",
    )
    args = parser.parse_args(argv)
    if args.lodo and (args.train or args.test):
        parser.error("use either --lodo or --train/--test")
    if not args.lodo and not (args.train and args.test):
        parser.error("give --train and --test, or --lodo")
    features = None if args.features == "chosen" else FEATURE_SETS[args.features]
    try:
        if args.lodo:
            report = lodo_report(_load(args.lodo), args.random_state, features)
        else:
            report = train_test_report(
                _load(args.train), _load(args.test), args.random_state, features
            )
    except (ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    table = report_table(report)
    with pd.option_context("display.width", 250, "display.max_columns", 40):
        print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2, default=_json_default) + "\n")
    return 0


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts with None for missing values (JSON has no NaN)."""
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def _json_default(value: object) -> object:
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"not JSON serialisable: {type(value)}")


if __name__ == "__main__":
    raise SystemExit(main())

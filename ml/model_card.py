"""The Markdown model card written beside each artefact: data, models, metrics, limits, use."""

from __future__ import annotations

import pandas as pd

from ml.features import FEATURE_MEANINGS
from ml.train import TrainedClassifier

_FIELD_SET_NOTES = {
    "v1.1": "the full Twitter API v1.1 profile (accounts with a likes count)",
    "v2": "the Twitter API v2 fields (no likes count, geo flag or default-profile flags), for "
    "collections written with API v2 (twarc2) and v2-style datasets",
}
# held-out AUC below this names a population the classifier is weak on
WEAK_AUC = 0.8


def _table(frame: pd.DataFrame) -> str:
    header = "| " + " | ".join(str(c) for c in frame.columns) + " |"
    rule = "|" + "---|" * len(frame.columns)
    rows = [
        "| "
        + " | ".join(
            f"{v:.3f}" if isinstance(v, float) else ("" if v is None else str(v)) for v in row
        )
        + " |"
        for row in frame.itertuples(index=False)
    ]
    return "\n".join([header, rule, *rows])


def weakest_populations(evaluation: pd.DataFrame) -> list[str]:
    """Held-out sets with an AUC under ``WEAK_AUC``, weakest first, as sentences."""
    if evaluation is None or "auc" not in evaluation.columns:
        return []
    weak = evaluation[evaluation["auc"].notna() & (evaluation["auc"] < WEAK_AUC)]
    return [
        f"`{row.test}`: held-out AUC {row.auc:.2f}, accuracy {row.accuracy:.2f}"
        for row in weak.sort_values("auc").itertuples()
    ]


def _model_lines(model: TrainedClassifier) -> list[str]:
    lines = []
    for name, part in model.models.items():
        cv = part.cv_metrics
        how = (
            "cross-validation holding out one source at a time"
            if cv.get("cv") == "grouped"
            else "stratified cross-validation (one source only: transfer to another "
            "population could not be measured while choosing)"
        )
        lines += [
            f"### Field set `{name}`: {_FIELD_SET_NOTES.get(name, name)}",
            f"Feature set `{part.feature_set}`, C={cv.get('chosen_c')}, chosen by {how} "
            f"({cv.get('folds')} folds; held-out AUC per fold "
            + ", ".join(f"{a:.3f}" for a in cv.get("held_out_auc_by_fold", []))
            + "). Held-out calibrated scores: AUC "
            f"{cv.get('oof_auc', float('nan')):.3f}, Brier {cv.get('oof_brier', float('nan')):.4f},"
            f" accuracy {cv.get('oof_accuracy', float('nan')):.3f}, F1 "
            f"{cv.get('oof_f1', float('nan')):.3f}; at the threshold true-positive rate "
            f"{cv.get('tpr', float('nan')):.3f}, false-positive rate "
            f"{cv.get('fpr', float('nan')):.3f} (what the prevalence estimate corrects with).",
            "",
            "Features:",
            *[f"- `{f}`: {FEATURE_MEANINGS[f]}" for f in part.feature_names],
            "",
        ]
    for name, why in model.summary.get("skipped_field_sets", {}).items():
        lines += [f"No model for field set `{name}`: only {why}.", ""]
    return lines


def render_model_card(model: TrainedClassifier, evaluation: pd.DataFrame | None = None) -> str:
    """The card as Markdown. ``evaluation`` is the held-out table (e.g. nested LODO)."""
    summary = model.summary
    datasets = pd.DataFrame([{"dataset": k, **v} for k, v in summary.get("datasets", {}).items()])
    weak = weakest_populations(evaluation)
    lines = [
        f"# Bot classifier {model.version or '(unsaved)'}",
        "",
        "## Intended use",
        "Score Twitter/X accounts from their profile alone (one observation of the public profile "
        "fields) as the probability of being an automated account, to estimate bot shares in a "
        "collection and to point analysts at accounts worth a closer look. Not for taking action "
        "against an individual account on the score alone.",
        "",
        "## Data",
        _table(datasets) if len(datasets) else "(no summary)",
        "",
        f"{summary.get('accounts', '?')} accounts, {summary.get('bots', '?')} bots; "
        f"random_state {summary.get('random_state', '?')}. Every source weighs the same.",
        "",
        "## Models",
        f"{summary.get('model', '')}. Each account is scored by the richest field set whose "
        "fields it has. The feature set and regularisation of each are chosen by held-out-source "
        "AUC (the simplest candidate within one standard error of the best); the sigmoid "
        "calibration is fitted on held-out-source scores.",
        "",
        "Thresholds: "
        + ", ".join(f"`{name}` {m.threshold:.2f}" for name, m in model.models.items())
        + " (each the best source-weighted accuracy on its model's held-out scores).",
        "",
        *_model_lines(model),
        "## Evaluation",
        "Nested leave-one-source-out: each row is a source held out of everything, model and "
        "feature choice included (chosen by leave-one-source-out on the others only).",
        "",
        _table(evaluation)
        if evaluation is not None
        else "Not evaluated at save time; run `python -m ml.evaluate --lodo ...`.",
        "",
        "## Weakest populations",
        *([f"- {w}" for w in weak] if weak else ["None below AUC 0.8 among the evaluated sets."]),
        "",
        "## Limits",
        "- Profile features only: an automated account that likes tweets and fills in its "
        "profile looks human; a human who never likes anything looks like a bot.",
        "- Held out, every source is a population unlike the training ones; there the scores "
        "shift (see ECE), so the bot share is also estimated as a quantity (adjusted for the "
        "classifier's held-out error rates), not only counted at the threshold.",
        "- Missing profile fields are imputed with the training median and listed per account "
        "in `missing_fields`; such scores deserve less trust.",
        "- Training labels come from published datasets (2014-2021) and inherit their biases.",
        "",
    ]
    return "\n".join(lines)

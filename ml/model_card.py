"""The Markdown model card written beside each artefact: data, features, metrics, limits, use."""

from __future__ import annotations

import pandas as pd

from ml.train import TrainedClassifier

_FEATURE_NOTES = {
    "favourites_growth_rate": "likes given per day of account age at observation",
    "favourites_per_tweet": "likes given per tweet written (+1)",
    "geo_enabled": "the user switched on location tagging",
    "description_length": "characters in the profile description (0 when none)",
}
_MORE_FEATURES = "see `ml.features.FEATURE_INPUTS` for the profile fields it needs"


_SET_NOTES = {
    "transfer": "Feature set `transfer`: chosen by leave-one-dataset-out evaluation to hold up on "
    "accounts from a population the model was not trained on.",
    "population": "Feature set `population`: every feature, including those that identify a "
    "collection. Use this model only on the population it was trained on (e.g. the simulator's "
    "accounts); it is not expected to hold up elsewhere.",
    "custom": "Custom feature set: check the evaluation before using it on another population.",
}


def _table(frame: pd.DataFrame) -> str:
    header = "| " + " | ".join(str(c) for c in frame.columns) + " |"
    rule = "|" + "---|" * len(frame.columns)
    rows = [
        "| " + " | ".join(f"{v:.3f}" if isinstance(v, float) else str(v) for v in row) + " |"
        for row in frame.itertuples(index=False)
    ]
    return "\n".join([header, rule, *rows])


def render_model_card(model: TrainedClassifier, evaluation: pd.DataFrame | None = None) -> str:
    """The card as Markdown. ``evaluation`` is an optional table (e.g. the LODO table)."""
    summary, cv = model.summary, model.cv_metrics
    datasets = pd.DataFrame([{"dataset": k, **v} for k, v in summary.get("datasets", {}).items()])
    cv_note = (
        "cross-validation grouped by dataset (each fold holds out whole datasets)"
        if cv.get("cv") == "grouped"
        else "stratified cross-validation: only one training dataset, so model choice could "
        "not measure transfer to another population"
    )
    lines = [
        f"# Bot classifier {model.version or '(unsaved)'}",
        "",
        "## Intended use",
        "Score Twitter/X accounts from their profile alone (one observation of the public profile "
        "fields) as the probability of being an automated account, to estimate bot shares in a "
        "collection and to point analysts at accounts worth a closer look. Not for taking action "
        "against an individual account on the score alone.",
        "",
        _SET_NOTES.get(summary.get("feature_set", ""), _SET_NOTES["custom"]),
        "",
        "## Data",
        _table(datasets) if len(datasets) else "(no summary)",
        "",
        f"{summary.get('accounts', '?')} accounts, {summary.get('bots', '?')} bots; "
        f"random_state {summary.get('random_state', '?')}.",
        "",
        "## Model",
        f"{summary.get('model', '')}. Regularisation chosen by {cv_note} ({cv.get('folds')} "
        "folds): the most regularised candidate within one standard error of the best Brier "
        f"score. Candidates (C: mean Brier): "
        + ", ".join(f"{c}: {v['brier']:.4f}" for c, v in cv.get("candidates", {}).items())
        + ".",
        "",
        f"Threshold {model.threshold:.2f}: maximises F1 on out-of-fold probabilities. "
        f"Out-of-fold AUC {cv.get('oof_auc', float('nan')):.3f}, Brier "
        f"{cv.get('oof_brier', float('nan')):.4f}, F1 {cv.get('oof_f1', float('nan')):.3f}, "
        f"accuracy {cv.get('oof_accuracy', float('nan')):.3f}.",
        "",
        "## Features",
        *[f"- `{f}`: {_FEATURE_NOTES.get(f, _MORE_FEATURES)}" for f in model.feature_names],
        "",
        "Left out of the `transfer` set on purpose: `verified` (nearly gives the label away "
        "in verified-2019), raw counts including the likes count, follower/friend figures, tweet "
        "rate, account age, screen-name shapes and profile decoration: across the labelled "
        "collections they tell which collection an account came from rather than whether it is "
        "automated. The 20 BotometerLite features (`ml.features.BOTOMETER_LITE_FEATURES`) are "
        "the evaluation's baseline.",
        "",
        "## Evaluation",
        _table(evaluation)
        if evaluation is not None
        else "Not evaluated at save time; run "
        "`python -m ml.evaluate --lodo ...` (leave-one-dataset-out).",
        "",
        "## Limits",
        "- Profile features only: an automated account that likes tweets and tags its location "
        "looks human; a human who never likes anything looks like a bot.",
        "- Probabilities are calibrated on the training population; on a population with another "
        "bot share or other habits they drift (see ECE in the evaluation).",
        "- Missing profile fields are imputed with the training median and listed per account "
        "in `missing_fields`; such scores deserve less trust.",
        "- Training labels come from published datasets (2014-2019) and inherit their biases.",
        "",
    ]
    return "\n".join(lines)

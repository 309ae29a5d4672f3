"""Model: the classifier's card, how it was evaluated, and the threshold in use."""

from __future__ import annotations

import streamlit as st

from app import charts, queries, ui
from app import format as fmt

snap = ui.snapshot()
st.title("The bot classifier")

threshold = queries.threshold_in_use(snap)
versions = queries.model_versions(snap)
numbers = st.columns(3)
numbers[0].metric(
    "Threshold in use",
    fmt.score(threshold),
    help="Accounts whose bot score is at least this are classified as bots.",
)
scored = versions[versions["account_class"] != "unscored"]
numbers[1].metric("Accounts scored", fmt.count(scored["accounts"].sum()))
model_ids = scored["model_version"].dropna().unique()
numbers[2].metric("Model version", ", ".join(str(v)[:12] for v in model_ids) or fmt.MISSING)

distribution = queries.score_distribution(snap)
st.subheader("Scores of the accounts in this snapshot")
if distribution.empty:
    st.info("No account of this snapshot was scored.")
else:
    st.altair_chart(charts.score_histogram(distribution, threshold), width="stretch")

st.subheader("How well it does on accounts it was not trained on")
evaluation = queries.classifier_evaluation(snap)
if evaluation.empty:
    st.info("The classifier's evaluation is empty in this snapshot.")
else:
    st.caption(f"Held out by {evaluation['evaluation'].iloc[0]}.")
    ui.downloadable_table(
        evaluation.drop(columns=["evaluation"]).dropna(axis="columns", how="all"),
        "classifier evaluation",
        column_config={
            "test": st.column_config.TextColumn("Held-out accounts", width="large"),
            "accounts": st.column_config.NumberColumn("Accounts", format="localized"),
            "bots": st.column_config.NumberColumn("Of which bots", format="localized"),
            "auc": st.column_config.NumberColumn(
                "ROC AUC", format="%.3f", help="Chance that a bot scores above a human"
            ),
            "accuracy": st.column_config.NumberColumn("Accuracy", format="%.3f"),
            "f1": st.column_config.NumberColumn("F1 (bots)", format="%.3f"),
            "recall": st.column_config.NumberColumn("Bots found", format="%.3f"),
            "false_positive_rate": st.column_config.NumberColumn(
                "Humans called bots", format="%.3f"
            ),
            "brier": st.column_config.NumberColumn(
                "Brier score", format="%.3f", help="Lower is better"
            ),
        },
    )

st.subheader("Calibration")
curve = queries.calibration_curve(snap)
if curve.empty:
    st.info("The calibration curve is empty in this snapshot.")
else:
    st.altair_chart(charts.calibration(curve), width="stretch")
    st.caption(
        "On the training accounts: a score reads as a probability when the points lie on the "
        "diagonal."
    )

st.subheader("Model card")
card = snap.model_card()
if card:
    with st.container(border=True):
        st.markdown(card)
else:
    st.info("This snapshot has no model card.")

"""Model: the classifier's card, how it was evaluated, and the threshold in use."""

from __future__ import annotations

import streamlit as st

from app import charts, queries, ui
from app import format as fmt

snap = ui.snapshot()
st.title("The bot classifier")

threshold, threshold_source = queries.threshold_in_use(snap)
versions = queries.model_versions(snap)
numbers = st.columns(3)
numbers[0].metric(
    "Threshold in use",
    fmt.score(threshold),
    help=f"Accounts scoring at or above it are called bots (read from {threshold_source}).",
)
scored = versions[versions["account_class"] != "unscored"] if not versions.empty else versions
numbers[1].metric("Accounts scored", fmt.count(scored["accounts"].sum() if not scored.empty else 0))
model_ids = scored["model_version"].dropna().unique() if not scored.empty else []
numbers[2].metric("Model version", ", ".join(str(v)[:12] for v in model_ids) or fmt.MISSING)

distribution = queries.score_distribution(snap)
if not distribution.empty:
    st.subheader("Scores of the accounts in this snapshot")
    st.altair_chart(charts.score_histogram(distribution, threshold), width="stretch")

st.subheader("Evaluation")
evaluations = [t for t in snap.find_tables("evaluation") + snap.find_tables("lodo") if t]
for table in dict.fromkeys(evaluations):
    st.markdown(f"**{table}**")
    frame = snap.query(f"SELECT * FROM {queries.quoted(table)}")
    ui.downloadable_table(frame, table)
if not evaluations:
    ui.not_in_snapshot("The leave-one-dataset-out evaluation table")

curves = snap.find_tables("calibration")
if curves:
    frame = snap.query(f"SELECT * FROM {queries.quoted(curves[0])}")
    predicted = next((c for c in frame.columns if "pred" in c or "mean_score" in c), None)
    observed = next(
        (
            c
            for c in frame.columns
            if c != predicted and ("observ" in c or "fraction" in c or "true" in c)
        ),
        None,
    )
    group = next((c for c in ("dataset", "held_out", "group", "model") if c in frame.columns), None)
    st.subheader("Calibration")
    if predicted and observed:
        st.altair_chart(charts.calibration(frame, predicted, observed, group), width="stretch")
    else:
        ui.downloadable_table(frame, curves[0])
else:
    ui.not_in_snapshot("The calibration curve")

st.subheader("Model card")
card = snap.model_card()
if card:
    with st.container(border=True):
        st.markdown(card)
else:
    ui.not_in_snapshot("The model card")

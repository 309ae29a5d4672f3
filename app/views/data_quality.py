"""Data quality: the last checks, what was quarantined and why, and what the stream missed."""

from __future__ import annotations

import altair as alt
import streamlit as st

from app import charts, queries, ui
from app import format as fmt

snap = ui.snapshot()
st.title("Data quality")

st.subheader("Checks of the last run")
checks = queries.quality_checks(snap)
if checks.empty:
    ui.not_in_snapshot("The check results")
else:
    failed = checks[checks["passed"].eq(False).fillna(False)] if "passed" in checks else checks[:0]
    never = checks[checks["passed"].isna()] if "passed" in checks else checks[:0]
    numbers = st.columns(3)
    numbers[0].metric("Checks", fmt.count(len(checks)))
    numbers[1].metric("Failed", fmt.count(len(failed)))
    numbers[2].metric("Not evaluated", fmt.count(len(never)))
    if len(failed):
        st.error(f"{len(failed)} check(s) failed in the last run: see the first rows below.")
    else:
        st.success("Every evaluated check passed.")
    ui.downloadable_table(checks, "quality checks", column_config={"evaluated_at": ui.WHEN})

st.subheader("Rejected records by reason")
rejected = queries.rejected_by_reason(snap)
if rejected.empty:
    st.info("No table of rejected records is in this snapshot, or nothing was rejected.")
else:
    st.altair_chart(
        alt.Chart(rejected)
        .mark_bar(color="#ff7f0e")
        .encode(
            y=alt.Y("reason:N", sort="-x", title=None),
            x=alt.X("records:Q", title="Records quarantined"),
            tooltip=["reason:N", alt.Tooltip("records:Q", format=",")],
        )
        .properties(autosize=charts.FIT_WIDTH, height=26 * len(rejected)),
        width="stretch",
    )
    ui.downloadable_table(rejected, "rejected records by reason")

st.subheader("Collection gaps")
st.caption(
    "The streaming API sends a `limit` notice when it matched more tweets than it could deliver: "
    "the count is what the collection is missing."
)
gaps = queries.collection_gaps(snap)
if gaps.empty:
    ui.not_in_snapshot("The campaign summary")
else:
    ui.downloadable_table(
        gaps,
        "collection gaps",
        column_config={"tweets": ui.COUNT, "limit_notices": ui.COUNT, "missed_tweets": ui.COUNT},
        percent_columns=("missed_share",),
    )

st.subheader("Tables in this snapshot")
tables = snap.manifest.get("tables") or {}
st.caption(
    ", ".join(f"{name} ({fmt.count(rows)})" for name, rows in sorted(tables.items()))
    or "The manifest lists no tables."
)

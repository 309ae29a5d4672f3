"""Data quality: the last pipeline run (also a failed one), the checks behind the snapshot, what
was quarantined and why, and what the stream missed."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from app import charts, queries, ui
from app import format as fmt
from botwatch import published, readable

SEVERITY_WORDS = {"ERROR": "Blocks publishing", "WARN": "Reported only"}
snap = ui.snapshot()
st.title("Data quality")

st.subheader("The last pipeline run")
ui.last_run(snap)

st.subheader("Checks behind this snapshot")
checks = queries.quality_checks(snap)
if checks.empty:
    st.info("No check result was recorded for this snapshot.")
else:
    failed = checks[checks["passed"].eq(False).fillna(False)]
    never = checks[checks["passed"].isna()]
    numbers = st.columns(3)
    numbers[0].metric("Checks", fmt.count(len(checks)))
    numbers[1].metric("Failed", fmt.count(len(failed)))
    numbers[2].metric("Not evaluated", fmt.count(len(never)))
    if len(failed):
        st.error(f"{len(failed)} check(s) failed in the last run: see the first rows below.")
    else:
        st.success("Every evaluated check passed.")
    shown = checks.assign(
        asset=checks["asset"].map(readable.table_label),
        severity=checks["severity"].map(SEVERITY_WORDS).fillna(checks["severity"]),
        description=checks["description"].fillna("Not described"),
    )
    ui.downloadable_table(
        shown[["passed", "asset", "description", "severity", "evaluated_at"]],
        "quality checks",
        column_config={
            "passed": "Passed",
            "asset": "Table checked",
            "description": st.column_config.TextColumn("What it verifies", width="large"),
            "severity": st.column_config.TextColumn(
                "When it fails", help="A blocking check stops publishing; the others are reported"
            ),
            "evaluated_at": st.column_config.DatetimeColumn(
                "Evaluated (UTC)", format="YYYY-MM-DD HH:mm"
            ),
        },
    )

st.subheader("Rejected records by reason")
rejected = queries.rejected_by_reason(snap)
if rejected.empty:
    st.success("No input record was rejected.")
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
    st.info("This snapshot has no campaigns.")
else:
    ui.downloadable_table(
        gaps,
        "collection gaps",
        column_config={"tweets": ui.COUNT, "limit_notices": ui.COUNT, "missed_tweets": ui.COUNT},
        percent_columns=("missed_share",),
    )

st.subheader("Tables in this snapshot")
st.caption("What each published table holds, and its rows.")
rows = snap.manifest.get("tables") or {}
st.dataframe(
    pd.DataFrame(
        [
            {"table": readable.table_label(name), "meaning": table.meaning, "rows": rows.get(name)}
            for name, table in published.tables().items()
        ]
    ),
    hide_index=True,
    width="stretch",
    column_config={
        "table": "Table",
        "meaning": st.column_config.TextColumn("What it holds", width="large"),
        "rows": st.column_config.NumberColumn("Rows", format="localized"),
    },
)

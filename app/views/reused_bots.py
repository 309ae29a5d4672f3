"""Reused bots: accounts active in an earlier campaign, silent for a while, then active again."""

from __future__ import annotations

import altair as alt
import streamlit as st

from app import charts, queries, ui
from app import format as fmt

snap = ui.snapshot()
campaign_id = ui.selected_campaign()
st.title("Reused bots")
st.caption(
    "Accounts that promoted an earlier campaign, went silent, and came back for this one (in the "
    "study: bots of the 2016 US election that reappeared for #MacronLeaks). Beware collection "
    "gaps: a period the collection did not cover looks like silence."
)
if campaign_id is None:
    st.stop()

summary = queries.reuse_summary(snap, campaign_id)
for row in summary.itertuples():
    cells = st.columns(4)
    cells[0].metric(
        f"Reused bots (from {row.earlier_campaign_id})",
        fmt.count(row.reused_bots),
        help="Reused accounts whose statuses_count stood still across the silence (a human who "
        "was merely not collected kept tweeting) and that are bots: classified so, or scored at "
        "least the lower bar a frozen counter earns (dbt var reused_bot_min_score).",
    )
    cells[1].metric("Reused accounts, any class", fmt.count(row.reused_accounts))
    cells[2].metric("Median dormancy of the bots", fmt.days(row.median_dormant_days))
    cells[3].metric(
        "Share of the bot tweets",
        fmt.percent(row.share_of_later_bot_tweets),
        help=f"{fmt.count(row.reused_bot_tweets)} of the campaign's "
        f"{fmt.count(row.later_bot_tweets)} bot tweets came from reused bots",
    )

reused = queries.reused_accounts(snap, campaign_id)
if reused.empty:
    st.info("No account of an earlier campaign came back for this one after a dormancy.")
    st.stop()

st.subheader("How long the reused accounts were silent")
st.altair_chart(
    alt.Chart(reused)
    .mark_bar()
    .encode(
        x=alt.X("dormant_days:Q", bin=alt.Bin(maxbins=30), title="Days without a tweet"),
        y=alt.Y("count():Q", title="Reused accounts", stack=True),
        color=alt.Color("account_class:N", scale=charts.CLASS_SCALE, legend=charts.CLASS_LEGEND),
    )
    .properties(height=220, autosize=charts.FIT_WIDTH),
    width="stretch",
)

st.subheader("The reused bots and the evidence")
st.caption(
    "Each account promoted the earlier campaign, tweeted nothing at all between the two dates "
    "below, then promoted this one; its tweet counter barely moved while it was silent (a human "
    "who was merely not collected kept tweeting elsewhere)."
)
bots = queries.reused_bots(snap, campaign_id)
if bots.empty:
    st.info("None of the reused accounts has the evidence of a reused bot.")
else:
    ui.account_shortcuts(bots, campaign_id, "reused bots")
    ui.downloadable_table(
        ui.account_link(bots, campaign_id).drop(columns=["user_id"]),
        f"reused bots {campaign_id}",
        column_config={
            "screen_name": "Account",
            "earlier_campaign_id": "Earlier campaign",
            "dormant_from": st.column_config.DatetimeColumn(
                "Silent from (UTC)", format="YYYY-MM-DD HH:mm"
            ),
            "dormant_until": st.column_config.DatetimeColumn(
                "Silent until (UTC)", format="YYYY-MM-DD HH:mm"
            ),
            "dormant_days": st.column_config.NumberColumn("Days silent", format="localized"),
            "statuses_while_dormant": st.column_config.NumberColumn(
                "Counter's move while silent",
                format="localized",
                help="How much the profile tweet counter (statuses_count) rose while silent",
            ),
            "bot_score": st.column_config.NumberColumn("Bot score", format="%.2f"),
            "profile": ui.PROFILE_LINK,
        },
    )

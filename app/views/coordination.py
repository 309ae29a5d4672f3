"""Coordination: groups of accounts that act together, found without the bot classifier."""

from __future__ import annotations

import streamlit as st

from app import charts, queries, ui
from app import format as fmt

snap = ui.snapshot()
campaign_id = ui.selected_campaign()
st.title("Coordinated groups")
st.caption(
    "Accounts that retweet the same content, or post the same thing within minutes of each other "
    "(Pacheco et al., ICWSM 2021). This catches human-run troll operations that bot scores miss."
)

groups_table = queries.coordination_table(snap, "group")
if groups_table is None:
    ui.not_in_snapshot("The coordination analysis")
    st.stop()

groups = (
    queries.campaign_table(snap, groups_table, campaign_id)
    if campaign_id
    else snap.query(f"SELECT * FROM {queries.quoted(groups_table)}")
)
if groups.empty:
    st.info("No coordinated group was found for this campaign in this snapshot.")
    st.stop()
if "size" in groups.columns:
    groups = groups.sort_values("size", ascending=False, ignore_index=True)

numbers = st.columns(3)
numbers[0].metric("Groups", fmt.count(len(groups)))
numbers[1].metric(
    "Accounts in groups", fmt.count(queries.coordinated_account_count(snap, campaign_id))
)
if "size" in groups.columns:
    numbers[2].metric("Largest group", fmt.count(groups["size"].max()))

ui.downloadable_table(
    groups,
    f"coordinated groups {campaign_id or ''}",
    column_config={"mean_bot_score": ui.SCORE, "first_at": ui.WHEN, "last_at": ui.WHEN},
    percent_columns=("bot_share",),
)

st.subheader("Network of a group")


def group_label(index: int) -> str:
    row = groups.iloc[index]
    parts = [f"group {row.get('group_id', index)}"]
    if "method" in groups.columns:
        parts.append(str(row["method"]))
    if "size" in groups.columns:
        parts.append(f"{fmt.count(row['size'])} accounts")
    return " · ".join(parts)


chosen = st.selectbox("Group", range(len(groups)), format_func=group_label)
nodes, edges = queries.group_network(snap, groups.iloc[chosen].to_dict())
if nodes.empty:
    st.info("The members of this group are not in this snapshot.")
else:
    st.altair_chart(charts.network(nodes, edges), width="stretch")
    st.caption(
        f"{fmt.count(len(nodes))} accounts, {fmt.count(len(edges))} links (similarity of their "
        "activity). Red: classified bots; blue: classified humans; grey: unscored."
    )
    ui.downloadable_table(
        ui.account_link(nodes, campaign_id),
        f"members of group {groups.iloc[chosen].get('group_id', chosen)}",
        column_config={"profile": ui.PROFILE_LINK, "bot_score": ui.SCORE},
    )

files = snap.network_files(campaign_id) if campaign_id else []
if files:
    st.subheader("Take the networks to Gephi")
    st.caption("The campaign's interaction network and its coordinated groups, with bot scores.")
    ui.file_downloads(files, "network")

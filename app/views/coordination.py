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

if campaign_id is None:
    st.stop()
groups = queries.coordination_groups(snap, campaign_id)
counted = queries.coordination_summary(snap, campaign_id) or {}
if groups.empty:
    st.info("No coordinated group was found for this campaign in this snapshot.")
    st.stop()

numbers = st.columns(4)
numbers[0].metric(
    "Groups",
    fmt.count(counted.get("groups")),
    help=f"{fmt.count(counted.get('co_retweet_groups'))} by co-retweeting, "
    f"{fmt.count(counted.get('synchronised_groups'))} by synchronised posting",
)
numbers[1].metric(
    "Accounts in groups",
    fmt.count(counted.get("accounts_in_groups")),
    help="Distinct accounts: one in a co-retweet group and in a synchronised group counts once",
)
numbers[2].metric("Largest group", fmt.count(counted.get("largest_group")))
numbers[3].metric(
    "Groups that are mostly bots",
    fmt.count((groups["bot_share"] > 0.5).sum()),
    help="Groups where more than half of the members with a known class are classified bots",
)

ui.downloadable_table(
    groups[
        ["group_label", "size", "bot_share", "mean_bot_score", "top_content", "first_at", "last_at"]
    ],
    f"coordinated groups {campaign_id}",
    column_config={
        "group_label": "Group",
        "size": st.column_config.NumberColumn("Accounts", format="localized"),
        "bot_share": st.column_config.NumberColumn("Bots among members", format="%.0f%%"),
        "mean_bot_score": st.column_config.NumberColumn("Mean bot score", format="%.2f"),
        "top_content": st.column_config.TextColumn("What they posted most", width="large"),
        "first_at": st.column_config.DatetimeColumn("First tweet (UTC)", format="YYYY-MM-DD HH:mm"),
        "last_at": st.column_config.DatetimeColumn("Last tweet (UTC)", format="YYYY-MM-DD HH:mm"),
    },
    percent_columns=("bot_share",),
)

st.subheader("Network of a group")
labels = dict(enumerate(groups["group_label"]))
chosen = st.selectbox(
    "Group",
    list(labels),
    format_func=lambda i: f"{labels[i]} · {fmt.count(groups.iloc[i]['size'])} accounts",
)
group = groups.iloc[chosen]
nodes, edges = queries.group_network(snap, group.to_dict())
if nodes.empty:
    st.info("The members of this group are not in this snapshot.")
else:
    st.altair_chart(charts.network(nodes, edges), width="stretch")
    st.caption(
        f"{fmt.count(len(nodes))} accounts, {fmt.count(len(edges))} links (similarity of their "
        "activity). Red: classified bots; blue: classified humans; grey: unscored."
    )
    ui.account_shortcuts(nodes, campaign_id, f"members of {group['group_label']}")
    ui.downloadable_table(
        ui.account_link(nodes, campaign_id),
        f"members of {group['group_label']}",
        column_config={
            "user_id": "Account id",
            "screen_name": "Account",
            "account_class": "Class",
            "profile": ui.PROFILE_LINK,
            "bot_score": st.column_config.NumberColumn("Bot score", format="%.2f"),
        },
    )

files = snap.network_files(campaign_id)
if files:
    st.subheader("Take the networks to Gephi")
    st.caption("The campaign's interaction network and its coordinated groups, with bot scores.")
    ui.file_downloads(files, "network")

"""The study's headline findings on the overview's first screen: each with its interval or its
definition, how it was measured, and a link to the accounts behind it (one click to the list, a
second to an account)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from app import format as fmt

ACCOUNTS, REUSED, COORDINATION = (
    "views/accounts.py",
    "views/reused_bots.py",
    "views/coordination.py",
)
ARROW = ":material/arrow_forward:"


def _link(page: str, label: str, campaign_id: str) -> None:
    st.page_link(page, label=label, icon=ARROW, query_params={"campaign": campaign_id})


def bot_share(interval: dict[str, Any], summary: dict[str, Any], campaign_id: str) -> None:
    st.markdown("**Bots among the promoters**")
    if not interval:
        st.caption("No promoter of this campaign was scored, so there is no bot share.")
        return
    confidence = float(interval.get("confidence") or 0.95)
    counted = fmt.percent_interval(
        interval.get("estimate"), interval.get("ci_low"), interval.get("ci_high"), confidence
    )
    if interval.get("adjusted_estimate") is not None:
        estimated = fmt.percent_interval(
            interval["adjusted_estimate"],
            interval.get("adjusted_low"),
            interval.get("adjusted_high"),
            confidence,
        )
        st.markdown(f"Estimated **{estimated}**")
        st.caption(
            f"{interval.get('adjusted_method') or 'Adjusted classify-and-count'}: the count "
            "corrected for the classifier's error rates on accounts it was not trained on."
        )
    elif interval.get("adjusted_note"):
        st.caption(f"No estimated share: {interval['adjusted_note']}")
    st.markdown(f"Counted **{counted}**")
    st.caption(
        f"Scored promoters with a bot score of at least {fmt.score(interval.get('threshold'))} "
        f"(of {fmt.count(interval.get('scored_promoters'))}); interval: bootstrap over promoters."
    )
    _link(ACCOUNTS, f"The {fmt.count(summary.get('bot_promoters'))} bot promoters", campaign_id)


def reused_bots(reuse: pd.DataFrame, names: dict[str, str], campaign_id: str) -> None:
    st.markdown("**Bots reused from an earlier campaign**")
    if reuse.empty:
        st.caption("No account of an earlier campaign came back for this one.")
        return
    for row in reuse.itertuples():
        earlier = names.get(row.earlier_campaign_id, row.earlier_campaign_id)
        st.markdown(f"**{fmt.count(row.reused_bots)}** from {earlier}")
        st.caption(
            f"Bots that promoted {earlier}, tweeted nothing for months (median "
            f"{fmt.days(row.median_dormant_days)}) with a tweet counter that stood still, then "
            f"promoted this campaign; {fmt.percent(row.share_of_later_bot_tweets)} of its bot "
            "tweets."
        )
    _link(REUSED, "The reused bots and their silence", campaign_id)


def _groups(count: Any) -> str:
    return f"{fmt.count(count)} group" + ("" if count == 1 else "s")


def coordination(counted: dict[str, Any] | None, campaign_id: str) -> None:
    st.markdown("**Accounts acting together**")
    if not counted or not counted.get("groups"):
        st.caption("No coordinated group was found for this campaign.")
        return
    st.markdown(
        f"**{fmt.count(counted.get('accounts_in_groups'))}** accounts in "
        f"{fmt.count(counted.get('groups'))} groups"
    )
    co_retweet, synchronised = counted.get("co_retweet_groups"), counted.get("synchronised_groups")
    st.caption(
        f"{_groups(co_retweet)} retweeted the same tweets, {_groups(synchronised)} posted the "
        "same content within minutes (Pacheco et al. 2021): found from behaviour alone, without "
        "the bot classifier."
    )
    _link(COORDINATION, "The groups and their members", campaign_id)

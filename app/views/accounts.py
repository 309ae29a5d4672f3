"""Accounts: look one account up (by screen name or id), and the lists worth a look."""

from __future__ import annotations

import streamlit as st

from app import charts, queries, ui
from app import format as fmt
from botwatch import readable

ACCOUNT_KEY = "account"
APPLIED_KEY = "_account_from_url"

snap = ui.snapshot()
campaign_id = ui.selected_campaign()
st.title("Accounts")

# A link to this page with ?account= (a deep link, a shortcut of a list) shows that account,
# also when this page was opened before in the session; the box keeps what is typed in it.
wanted = ui.query_param(ACCOUNT_KEY) or ""
if st.session_state.get(APPLIED_KEY) != wanted:
    st.session_state["account_query"] = wanted
    st.session_state[APPLIED_KEY] = wanted
text = ui.clean_input(
    st.text_input(
        "Search an account",
        key="account_query",
        max_chars=ui.MAX_INPUT_CHARS,
        placeholder="screen name or part of it (with or without @), or id",
    )
)

st.session_state[APPLIED_KEY] = text
if text:
    st.query_params[ACCOUNT_KEY] = text
    found = queries.find_accounts(snap, text)
    if found.empty:
        st.warning(f"No account called or numbered “{text}” is in this snapshot.")
        user_id = None
    elif len(found) == 1:
        user_id = found.iloc[0]["user_id"]
    else:
        labels = {
            row.user_id: (
                f"@{row.screen_name} · {row.user_id} · {fmt.count(row.tweets_collected)} tweets"
            )
            for row in found.itertuples()
        }
        user_id = st.selectbox("Several accounts match", list(labels), format_func=labels.get)
else:
    st.query_params.pop(ACCOUNT_KEY, None)
    user_id = None

if user_id is not None:
    profile = queries.account(snap, user_id)
    with st.container(border=True):
        head, score = st.columns([3, 1])
        with head:
            st.subheader(f"@{profile.get('screen_name') or '?'} · {profile.get('name') or ''}")
            st.caption(
                f"id {profile['user_id']} · {profile.get('location') or 'no location'} · "
                f"created {fmt.date(profile.get('account_created_at'))} · profile seen "
                f"{fmt.timestamp(profile.get('profile_observed_at'))}"
            )
            if profile.get("description"):
                st.write(profile["description"])
            st.markdown(
                f"[Open the profile on X](https://x.com/i/user/{profile['user_id']}) "
                "(it may since have been suspended or deleted)"
            )
        with score:
            account_class = profile.get("account_class")
            st.metric("Bot score", fmt.score(profile.get("bot_score")))
            st.badge(
                {"bot": "Classified as a bot", "human": "Classified as human"}.get(
                    account_class, "Not scored"
                ),
                color={"bot": "red", "human": "blue"}.get(account_class, "gray"),
            )
        facts = st.columns(4)
        facts[0].metric("Followers", fmt.count(profile.get("followers_count")))
        facts[1].metric("Following", fmt.count(profile.get("friends_count")))
        facts[2].metric("Statuses", fmt.count(profile.get("statuses_count")))
        facts[3].metric("Tweets collected", fmt.count(profile.get("tweets_collected")))
        missing = profile.get("missing_fields")
        if missing is not None and len(missing):
            absent = ", ".join(readable.feature_label(field).lower() for field in missing)
            st.caption(f"Absent from the profile (imputed): {absent}")

    reasons = queries.reasons(profile.get("top_reasons"))
    left, right = st.columns(2)
    with left:
        st.markdown("**Why this score** (strongest contributions)")
        if reasons.empty:
            st.info("No reasons recorded for this account (it was not scored).")
        else:
            st.altair_chart(charts.reasons(reasons), width="stretch")
    with right:
        st.markdown("**Activity in the collection**")
        daily = queries.account_daily_activity(snap, user_id)
        if daily.empty:
            st.info("No tweets of this account are in the collection.")
        else:
            st.altair_chart(charts.account_activity(daily), width="stretch")
        if not fmt.is_missing(profile.get("longest_silence_days")):
            st.caption(
                f"Longest silence: **{fmt.days(profile['longest_silence_days'])}**, from "
                f"{fmt.timestamp(profile['longest_silence_from'])} "
                f"to {fmt.timestamp(profile['longest_silence_until'])}."
            )
    st.markdown("**A few of its tweets** (the latest in the collection)")
    sample = queries.account_sample_tweets(snap, user_id)
    if sample.empty:
        st.info("No tweet of this account is in the collection.")
    else:
        st.dataframe(
            sample,
            hide_index=True,
            width="stretch",
            column_config={
                "created_at": st.column_config.DatetimeColumn(
                    "When (UTC)", format="YYYY-MM-DD HH:mm"
                ),
                "tweet_type": "Kind",
                "text": st.column_config.TextColumn("Text", width="large"),
            },
        )
    st.markdown("**Campaigns taken part in**")
    taken = queries.account_campaigns(snap, user_id)
    if taken.empty:
        st.info("This account promoted none of the campaigns.")
    else:
        ui.downloadable_table(
            taken,
            f"campaigns of {profile.get('screen_name') or user_id}",
            column_config={"first_tweet_at": ui.WHEN, "last_tweet_at": ui.WHEN},
        )

if campaign_id is None:
    st.stop()
st.divider()
active, amplified, domains = st.tabs(
    ["Most active bots", "Most amplified accounts", "Most amplified web domains"]
)
with active:
    bots = queries.most_active_bots(snap, campaign_id)
    if bots.empty:
        st.info("No bot promoted this campaign in this snapshot.")
    else:
        ui.account_shortcuts(bots, campaign_id, "most active bot promoters")
        ui.downloadable_table(
            ui.account_link(bots, campaign_id),
            f"most active bots {campaign_id}",
            column_config={
                "profile": ui.PROFILE_LINK,
                "bot_score": ui.SCORE,
                "tweets": ui.COUNT,
                "first_tweet_at": ui.WHEN,
                "last_tweet_at": ui.WHEN,
            },
        )
with amplified:
    st.caption("Accounts whose posts bots retweeted most, and the bot share of their retweets.")
    top = queries.most_amplified(snap, campaign_id)
    if top.empty:
        st.info("Nobody's posts were retweeted in this campaign in this snapshot.")
    else:
        ui.downloadable_table(
            ui.account_link(top, campaign_id),
            f"most amplified accounts {campaign_id}",
            column_config={"profile": ui.PROFILE_LINK, "retweets_received": ui.COUNT},
            percent_columns=("bot_amplification_share",),
        )
with domains:
    st.caption("Web domains linked in the campaign, and the share of their spread due to bots.")
    linked = queries.amplified_domains(snap, campaign_id)
    if linked.empty:
        st.info("No links were shared in this campaign in this snapshot.")
    else:
        ui.downloadable_table(
            linked, f"amplified domains {campaign_id}", percent_columns=("bot_share",)
        )

"""Overview: a campaign's headline numbers in the study's terms, its hours, its languages."""

from __future__ import annotations

import streamlit as st

from app import charts, queries, ui
from app import format as fmt

snap = ui.snapshot()
campaign_id = ui.selected_campaign()
summary = queries.campaign_summary(snap, campaign_id) if campaign_id else None

if campaign_id is None:
    st.stop()
if summary is None:
    st.title("Overview")
    ui.not_in_snapshot("The campaign summary (fct_campaign_summary)")
    st.stop()

st.title(summary.get("campaign_name") or campaign_id)
st.caption(
    f"Window {fmt.timestamp(summary.get('start_at'))} – {fmt.timestamp(summary.get('end_at'))}. "
    "Promoters are accounts that posted campaign content; the bot share counts scored "
    "promoters only."
)
if not summary.get("tweets"):
    st.info(
        "No tweets of this snapshot matched this campaign (its hashtags, keywords and window). "
        "Nothing to show yet."
    )
    st.stop()

interval = queries.bot_share_interval(snap, campaign_id)
share = summary.get("bot_share_among_promoters")
share_text = fmt.percent(share)
if interval:
    confidence = float(interval.get("confidence") or 0.95)
    share_text = fmt.percent(interval.get("estimate", share))
    share_help = fmt.percent_interval(
        interval.get("estimate", share), interval["ci_low"], interval["ci_high"], confidence
    )
else:
    share_help = "No bootstrap interval in this snapshot."

row = st.columns(4)
row[0].metric("Tweets", fmt.count(summary["tweets"]), help="Campaign tweets in the collection")
row[1].metric("Promoters", fmt.count(summary["promoters"]))
row[2].metric("Bot share among promoters", share_text, help=share_help)
row[3].metric("Bot promoters", fmt.count(summary["bot_promoters"]))
if interval:
    st.caption(
        f"Bot share among promoters, counted at the threshold: **{share_help}** (bootstrap over "
        "promoters)."
    )
    if interval.get("adjusted_estimate") is not None:
        adjusted = fmt.percent_interval(
            interval["adjusted_estimate"],
            interval["adjusted_low"],
            interval["adjusted_high"],
            confidence,
        )
        st.caption(
            f"Bot share among promoters, estimated as a quantity: **{adjusted}** "
            f"({interval['adjusted_method']}; the counted share is biased wherever the "
            "classifier's error rates differ from zero, the estimate corrects for them)."
        )
    elif interval.get("adjusted_note"):
        st.caption(f"No adjusted estimate: {interval['adjusted_note']}")

row = st.columns(4)
row[0].metric(
    "Retweets", fmt.percent(summary.get("retweet_share")), help="Share of campaign tweets"
)
row[1].metric("English tweets", fmt.count(summary.get("english_tweets")))
row[2].metric("French tweets", fmt.count(summary.get("french_tweets")))
row[3].metric(
    "Tweets in the peak hour",
    fmt.count(summary.get("peak_hour_tweets")),
    help=f"Tweets in the busiest hour, {fmt.timestamp(summary.get('peak_hour'))}",
)
st.caption(
    f"Human promoters {fmt.count(summary.get('human_promoters'))} · unscored "
    f"{fmt.count(summary.get('unscored_promoters'))} · busiest hour "
    f"{fmt.timestamp(summary.get('peak_hour'))} · tweets the stream could not deliver "
    f"(limit notices) {fmt.count(summary.get('missed_tweets'))}"
)

peak = queries.volume_peak(snap, campaign_id)
if peak and peak.get("preceding_event"):
    st.caption(
        f"The busiest hour, {fmt.timestamp(peak.get('peak_hour'))}, came "
        f"{fmt.count(peak.get('hours_after_preceding_event'))} hours after “"
        f"{peak['preceding_event']}”; bots posted {fmt.percent(peak.get('peak_bot_tweet_share'))} "
        "of its tweets."
    )

st.subheader("Tweets per hour, bots and humans")
hourly = queries.hourly_activity(snap, campaign_id)
events = queries.campaign_events(snap, campaign_id)
if hourly.empty:
    ui.not_in_snapshot("Hourly activity")
else:
    st.altair_chart(charts.hourly_activity(hourly, events), width="stretch")
    if not events.empty:
        with st.expander("Events of the window"):
            st.dataframe(events, hide_index=True, column_config={"event_at": ui.WHEN})

left, right = st.columns(2)
with left:
    st.subheader("Languages")
    langs = queries.languages(snap, campaign_id)
    if langs.empty:
        ui.not_in_snapshot("The language split")
    else:
        st.altair_chart(charts.language_split(langs), width="stretch")
with right:
    st.subheader("Bot share and the threshold")
    curve = queries.threshold_sensitivity(snap, campaign_id)
    if curve.empty:
        ui.not_in_snapshot("The threshold sensitivity curve")
    else:
        st.altair_chart(
            charts.threshold_curve(curve, queries.threshold_in_use(snap)[0]), width="stretch"
        )
        st.caption(
            "The share of promoters called bots depends on the threshold: one number hides it."
        )

st.subheader("When the promoters' accounts were created")
cohorts = queries.creation_cohorts(snap, campaign_id)
if cohorts.empty:
    ui.not_in_snapshot("The creation cohorts")
else:
    st.altair_chart(charts.creation_cohorts(cohorts), width="stretch")

reports = snap.report_files(campaign_id)
if reports:
    st.subheader("Findings report")
    latest = reports[-1].stem
    st.caption(f"The latest generated report for this campaign ({latest}), to share or print.")
    ui.file_downloads([p for p in reports if p.stem == latest], "report")

"""Overview: a campaign's headline numbers in the study's terms, its hours, its languages."""

from __future__ import annotations

import streamlit as st

from app import charts, headline, queries, ui
from app import format as fmt
from botwatch import readable

snap = ui.snapshot()
campaign_id = ui.selected_campaign()
summary = queries.campaign_summary(snap, campaign_id) if campaign_id else None

if campaign_id is None:
    st.stop()
if summary is None:
    st.title("Overview")
    st.info(f"The campaign “{campaign_id}” is not in this snapshot.")
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

interval = queries.bot_share_interval(snap, campaign_id) or {}
confidence = float(interval.get("confidence") or 0.95)
threshold = interval.get("threshold")
counted = fmt.percent_interval(
    interval.get("estimate"), interval.get("ci_low"), interval.get("ci_high"), confidence
)
estimated = fmt.percent_interval(
    interval.get("adjusted_estimate"),
    interval.get("adjusted_low"),
    interval.get("adjusted_high"),
    confidence,
)

row = st.columns(5)
row[0].metric("Tweets", fmt.count(summary["tweets"]), help="Campaign tweets in the collection")
row[1].metric(
    "Promoters", fmt.count(summary["promoters"]), help="Accounts that posted campaign content"
)
row[2].metric(
    "Bot promoters",
    fmt.count(summary["bot_promoters"]),
    help=f"Promoters whose bot score is at least the threshold, {fmt.score(threshold)}",
)
row[3].metric(
    "Bot share, counted",
    fmt.percent(interval.get("estimate", summary.get("bot_share_among_promoters"))),
    help=counted,
)
row[4].metric(
    "Bot share, estimated",
    fmt.percent(interval.get("adjusted_estimate")),
    help=estimated if interval.get("adjusted_estimate") is not None else None,
)
findings = st.columns(3)
with findings[0].container(border=True):
    headline.bot_share(interval, summary, campaign_id)
with findings[1].container(border=True):
    names = dict(queries.campaigns(snap)[["campaign_id", "name"]].itertuples(index=False))
    headline.reused_bots(queries.reuse_summary(snap, campaign_id), names, campaign_id)
with findings[2].container(border=True):
    headline.coordination(queries.coordination_summary(snap, campaign_id), campaign_id)

row = st.columns(4)
row[0].metric(
    "Retweets", fmt.percent(summary.get("retweet_share")), help="Share of campaign tweets"
)
for cell, rank in ((row[1], "top"), (row[2], "second")):
    language = summary.get(f"{rank}_language")
    if language is None:
        continue
    cell.metric(
        f"Tweets in {readable.language_name(language)}",
        fmt.count(summary.get(f"{rank}_language_tweets")),
        help=f"The campaign's {'most' if rank == 'top' else 'second most'} used language "
        f"(tweet language '{language}')",
    )
row[3].metric(
    "Tweets in the peak hour",
    fmt.count(summary.get("peak_hour_tweets")),
    help=f"Tweets in the busiest hour, {fmt.timestamp(summary.get('peak_hour'))}",
)
st.caption(
    f"Human promoters {fmt.count(summary.get('human_promoters'))} · unscored "
    f"{fmt.count(summary.get('unscored_promoters'))} · tweets the stream could not deliver "
    f"(limit notices) {fmt.count(summary.get('missed_tweets'))}"
)

peak = queries.volume_peak(snap, campaign_id)
if peak and peak.get("preceding_event"):
    st.caption(
        f"The busiest hour, {fmt.timestamp(peak.get('peak_hour'))}, came "
        f"{readable.after_event(peak['hours_after_preceding_event'], peak['preceding_event'])}; "
        f"bots posted {fmt.percent(peak.get('peak_bot_tweet_share'))} of its tweets."
    )

st.subheader("Tweets per hour, bots and humans")
hourly = queries.hourly_activity(snap, campaign_id)
events = queries.campaign_events(snap, campaign_id)
if hourly.empty:
    ui.no_rows("Hourly activity")
else:
    st.altair_chart(charts.hourly_activity(hourly, events), width="stretch")
    if not events.empty:
        with st.expander("Events of the window"):
            st.dataframe(
                events,
                hide_index=True,
                column_config={
                    "event_at": st.column_config.DatetimeColumn(
                        "When (UTC)", format="YYYY-MM-DD HH:mm"
                    ),
                    "event": "Event",
                    "description": "What happened",
                },
            )

left, right = st.columns(2)
with left:
    st.subheader("Languages")
    langs = queries.languages(snap, campaign_id)
    if langs.empty:
        ui.no_rows("The language split")
    else:
        st.altair_chart(charts.language_split(langs), width="stretch")
with right:
    st.subheader("Bot share and the threshold")
    curve = queries.threshold_sensitivity(snap, campaign_id)
    if curve.empty:
        ui.no_rows("The threshold curve (no scored promoter)")
    else:
        st.altair_chart(charts.threshold_curve(curve, threshold), width="stretch")
        st.caption(
            "The share of promoters called bots depends on the threshold: one number hides it."
        )

st.subheader("When the promoters' accounts were created")
cohorts = queries.creation_cohorts(snap, campaign_id)
if cohorts.empty:
    ui.no_rows("The creation dates (no promoter profile has one)")
else:
    st.altair_chart(charts.creation_cohorts(cohorts), width="stretch")

reports = snap.report_files(campaign_id)
if reports:
    st.subheader("Findings report")
    latest = reports[-1].stem
    st.caption(f"The latest generated report for this campaign ({latest}), to share or print.")
    ui.file_downloads([p for p in reports if p.stem == latest], "report")

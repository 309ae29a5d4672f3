"""Altair charts of the app. Each takes plain DataFrames and returns a chart (no data access)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from botwatch import readable

CLASS_SCALE = alt.Scale(
    domain=["bot", "human", "unscored"], range=["#d62728", "#1f77b4", "#9e9e9e"]
)
CLASS_LEGEND = alt.Legend(title="Account class", orient="top")
HEIGHT = 320
# Streamlit's default autosize ("fit") squeezes axes and legends into `height`; with "fit-x" the
# chart stretches to the page's width and `height` is the plot's own.
FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")


def hourly_activity(hourly: pd.DataFrame, events: pd.DataFrame) -> alt.LayerChart:
    """Tweets per hour, bots against humans, with the window's events as labelled rules."""
    lines = (
        alt.Chart(hourly)
        .mark_line(strokeWidth=1.6)
        .encode(
            x=alt.X("activity_hour:T", title="Hour (UTC)"),
            y=alt.Y("tweets:Q", title="Tweets per hour"),
            color=alt.Color("account_class:N", scale=CLASS_SCALE, legend=CLASS_LEGEND),
            tooltip=[
                alt.Tooltip("activity_hour:T", title="Hour", format="%Y-%m-%d %H:00"),
                alt.Tooltip("account_class:N", title="Class"),
                alt.Tooltip("tweets:Q", title="Tweets", format=","),
            ],
        )
    )
    layers: list[alt.Chart] = [lines]
    if not events.empty:
        base = alt.Chart(events).encode(x="event_at:T")
        layers.append(
            base.mark_rule(color="#555", strokeDash=[4, 3]).encode(
                tooltip=[
                    alt.Tooltip("event:N", title="Event"),
                    alt.Tooltip("event_at:T", title="When", format="%Y-%m-%d %H:%M"),
                    alt.Tooltip("description:N", title="What"),
                ]
            )
        )
        layers.append(
            base.mark_text(
                align="left", baseline="bottom", angle=90, dx=4, dy=-3, fontSize=11
            ).encode(text="event:N", y=alt.value(4))
        )
    return (
        alt.layer(*layers).properties(autosize=FIT_WIDTH, height=HEIGHT).interactive(bind_y=False)
    )


def language_split(languages: pd.DataFrame) -> alt.Chart:
    """Campaign tweets per language (named for readers), split by account class."""
    languages = languages.assign(language=languages["lang"].map(readable.language_name))
    totals = languages.groupby("language")["tweets"].sum().sort_values(ascending=False)
    order = totals.index.tolist()
    return (
        alt.Chart(languages)
        .mark_bar()
        .encode(
            y=alt.Y("language:N", title="Language", sort=order),
            x=alt.X("tweets:Q", title="Campaign tweets"),
            color=alt.Color("account_class:N", scale=CLASS_SCALE, legend=CLASS_LEGEND),
            tooltip=[
                alt.Tooltip("language:N", title="Language"),
                alt.Tooltip("account_class:N", title="Class"),
                alt.Tooltip("tweets:Q", title="Tweets", format=","),
                alt.Tooltip("share_of_campaign:Q", title="Share of campaign", format=".1%"),
            ],
        )
        .properties(autosize=FIT_WIDTH, height=min(HEIGHT, 40 + 28 * max(1, len(order))))
    )


def creation_cohorts(cohorts: pd.DataFrame) -> alt.Chart:
    """Promoters by account creation month, as a share of their class (bots born just before a
    campaign stand out)."""
    return (
        alt.Chart(cohorts)
        .mark_bar(opacity=0.8)
        .encode(
            x=alt.X("yearmonth(cohort_month):T", title="Account created"),
            y=alt.Y(
                "share_of_class:Q",
                title="Share of the class's promoters",
                axis=alt.Axis(format="%"),
            ),
            color=alt.Color("account_class:N", scale=CLASS_SCALE, legend=CLASS_LEGEND),
            xOffset="account_class:N",
            tooltip=[
                alt.Tooltip("yearmonth(cohort_month):T", title="Created"),
                alt.Tooltip("account_class:N", title="Class"),
                alt.Tooltip("promoters:Q", format=","),
                alt.Tooltip("share_of_class:Q", title="Share of class", format=".1%"),
            ],
        )
        .properties(autosize=FIT_WIDTH, height=220)
    )


def threshold_curve(curve: pd.DataFrame, threshold: float | None) -> alt.LayerChart:
    """Bot share among promoters as the classification threshold moves."""
    line = (
        alt.Chart(curve)
        .mark_line(point=True)
        .encode(
            x=alt.X(
                "threshold:Q",
                title="Classification threshold (bot score, 0–1)",
                scale=alt.Scale(domain=[0, 1]),
            ),
            y=alt.Y(
                "bot_share:Q",
                title="Bot share among promoters",
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            tooltip=[
                alt.Tooltip("threshold:Q", format=".2f"),
                alt.Tooltip("bot_share:Q", title="Bot share", format=".1%"),
            ],
        )
    )
    layers: list[alt.Chart] = [line]
    if threshold is not None:
        layers.append(
            alt.Chart(pd.DataFrame({"threshold": [threshold]}))
            .mark_rule(color="#d62728", strokeDash=[4, 3])
            .encode(x="threshold:Q", tooltip=[alt.Tooltip("threshold:Q", title="In use")])
        )
    return alt.layer(*layers).properties(autosize=FIT_WIDTH, height=240)


def reasons(contributions: pd.DataFrame) -> alt.Chart:
    """The features that pushed a score up (red) or down (blue)."""
    frame = contributions.assign(
        direction=contributions["contribution"]
        .ge(0)
        .map({True: "towards bot", False: "towards human"}),
        label=[
            f"{readable.feature_label(f)} = {readable.feature_value(v)}"
            for f, v in zip(contributions["feature"], contributions["value"], strict=True)
        ],
    )
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y("label:N", title=None, sort=None, axis=alt.Axis(labelLimit=320)),
            x=alt.X("contribution:Q", title="Contribution to the score (log-odds)"),
            color=alt.Color(
                "direction:N",
                scale=alt.Scale(
                    domain=["towards bot", "towards human"], range=["#d62728", "#1f77b4"]
                ),
                legend=alt.Legend(title=None, orient="top"),
            ),
            tooltip=[
                alt.Tooltip("label:N", title="Feature"),
                alt.Tooltip("contribution:Q", title="Contribution", format="+.3f"),
            ],
        )
        .properties(autosize=FIT_WIDTH, height=28 * len(frame))
    )


def account_activity(daily: pd.DataFrame) -> alt.Chart:
    return (
        alt.Chart(daily)
        .mark_bar()
        .encode(
            x=alt.X("day:T", title="Day (UTC)"),
            y=alt.Y("tweets:Q", title="Tweets"),
            color=alt.Color(
                "tweet_type:N",
                title="Type",
                legend=alt.Legend(orient="top"),
                # not red or blue: those colours mean bot and human everywhere else
                scale=alt.Scale(
                    domain=["original", "retweet", "quote", "reply"],
                    range=["#4c4c4c", "#a6a6a6", "#f58518", "#54a24b"],
                ),
            ),
            tooltip=[
                alt.Tooltip("day:T", format="%Y-%m-%d"),
                "tweet_type:N",
                alt.Tooltip("tweets:Q", format=","),
            ],
        )
        .properties(autosize=FIT_WIDTH, height=220)
    )


def score_histogram(distribution: pd.DataFrame, threshold: float | None) -> alt.LayerChart:
    """Accounts per bot-score bin (``bin_low, bin_high, account_class, accounts``, binned by the
    mart), stacked by class, with the threshold as a dashed rule."""
    bars = (
        alt.Chart(distribution)
        .mark_bar(opacity=0.85)
        .encode(
            x=alt.X(
                "bin_low:Q",
                title="Bot score (0 = surely human, 1 = surely a bot)",
                scale=alt.Scale(domain=[0, 1]),
            ),
            x2="bin_high:Q",
            y=alt.Y("accounts:Q", title="Accounts", stack=True),
            color=alt.Color("account_class:N", scale=CLASS_SCALE, legend=CLASS_LEGEND),
            tooltip=[
                alt.Tooltip("bin_low:Q", title="Score from", format=".2f"),
                alt.Tooltip("bin_high:Q", title="to", format=".2f"),
                alt.Tooltip("account_class:N", title="Class"),
                alt.Tooltip("accounts:Q", title="Accounts", format=","),
            ],
        )
    )
    layers: list[alt.Chart] = [bars]
    if threshold is not None:
        layers.append(
            alt.Chart(pd.DataFrame({"threshold": [threshold]}))
            .mark_rule(color="black", strokeDash=[4, 3])
            .encode(x="threshold:Q")
        )
    return alt.layer(*layers).properties(autosize=FIT_WIDTH, height=240)


def calibration(
    curve: pd.DataFrame,
    predicted: str = "mean_predicted",
    observed: str = "observed_rate",
    group: str | None = None,
) -> alt.LayerChart:
    """A reliability diagram: observed bot frequency against predicted score, with the diagonal."""
    diagonal = (
        alt.Chart(pd.DataFrame({"x": [0.0, 1.0], "y": [0.0, 1.0]}))
        .mark_line(color="#999", strokeDash=[4, 3])
        .encode(x="x:Q", y="y:Q")
    )
    encoding = {
        "x": alt.X(
            f"{predicted}:Q", title="Predicted bot probability", scale=alt.Scale(domain=[0, 1])
        ),
        "y": alt.Y(f"{observed}:Q", title="Observed share of bots", scale=alt.Scale(domain=[0, 1])),
        "tooltip": [
            alt.Tooltip(f"{predicted}:Q", format=".2f"),
            alt.Tooltip(f"{observed}:Q", format=".2f"),
        ],
    }
    if group:
        encoding["color"] = alt.Color(f"{group}:N", legend=alt.Legend(orient="top"))
    line = alt.Chart(curve).mark_line(point=True).encode(**encoding)
    return alt.layer(diagonal, line).properties(autosize=FIT_WIDTH, height=300)


def network(nodes: pd.DataFrame, edges: pd.DataFrame, seed: int = 7) -> alt.LayerChart:
    """A node-link drawing: a spring layout computed here, nodes coloured by account class."""
    import networkx as nx  # only this page needs it; keeps the first render of others quick

    graph = nx.Graph()
    graph.add_nodes_from(nodes["user_id"])
    graph.add_weighted_edges_from(edges[["user_a", "user_b", "weight"]].itertuples(index=False))
    layout = nx.spring_layout(graph, seed=seed, weight="weight")
    placed = nodes.assign(
        x=[layout[u][0] for u in nodes["user_id"]],
        y=[layout[u][1] for u in nodes["user_id"]],
        degree=[graph.degree(u) for u in nodes["user_id"]],
        label=nodes["screen_name"].fillna(nodes["user_id"]),
    )
    segments = edges.assign(
        x=[layout[a][0] for a in edges["user_a"]],
        y=[layout[a][1] for a in edges["user_a"]],
        x2=[layout[b][0] for b in edges["user_b"]],
        y2=[layout[b][1] for b in edges["user_b"]],
    )
    hidden = alt.Axis(title=None, labels=False, ticks=False, grid=False, domain=False)
    room = alt.Scale(padding=24, zero=False, nice=False)  # keep edge nodes inside the frame
    links = (
        alt.Chart(segments)
        .mark_rule(color="#bbb")
        .encode(
            x=alt.X("x:Q", axis=hidden, scale=room),
            y=alt.Y("y:Q", axis=hidden, scale=room),
            x2="x2:Q",
            y2="y2:Q",
            strokeWidth=alt.StrokeWidth("weight:Q", legend=None, scale=alt.Scale(range=[0.5, 3])),
        )
    )
    points = (
        alt.Chart(placed)
        .mark_circle(opacity=0.9, stroke="white", strokeWidth=0.8)
        .encode(
            x=alt.X("x:Q", axis=hidden, scale=room),
            y=alt.Y("y:Q", axis=hidden, scale=room),
            size=alt.Size("degree:Q", legend=None, scale=alt.Scale(range=[60, 400])),
            color=alt.Color("account_class:N", scale=CLASS_SCALE, legend=CLASS_LEGEND),
            tooltip=[
                alt.Tooltip("label:N", title="Account"),
                alt.Tooltip("user_id:N", title="Id"),
                alt.Tooltip("account_class:N", title="Class"),
                alt.Tooltip("bot_score:Q", title="Bot score", format=".2f"),
                alt.Tooltip("degree:Q", title="Links"),
            ],
        )
    )
    return (
        alt.layer(links, points)
        .properties(autosize=FIT_WIDTH, height=420)
        .configure_view(stroke=None)
    )

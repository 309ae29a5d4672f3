"""The findings report's charts, drawn from its tables: hourly volume by class with the events
marked, the language split by class, and the bot share against the classification threshold."""

from __future__ import annotations

import pandas as pd

from analytics.frames import require_columns
from analytics.svg_charts import LineChart, bar_chart, line_chart
from botwatch.readable import language_name

MAIN_LANGUAGES = 2  # the campaign's most used languages drawn apart; the rest are "other"


def _epoch_hours(moments: pd.Series) -> pd.Series:
    stamps = pd.to_datetime(moments, utc=True)
    return (stamps - pd.Timestamp("1970-01-01", tz="UTC")) / pd.Timedelta(hours=1)


def hourly_chart(hourly: pd.DataFrame, events: pd.DataFrame | None = None) -> str:
    """Tweets per hour, one line per account class. ``hourly``: ``activity_hour,
    account_class, tweets`` (other columns, e.g. ``lang``, are summed over). ``events``:
    ``event_at, event``, drawn as dashed vertical lines."""
    require_columns(hourly, ["activity_hour", "account_class", "tweets"], "hourly")
    frame = hourly.assign(
        account_class=hourly["account_class"].fillna("unknown"),
        hour=_epoch_hours(hourly["activity_hour"]),
    )
    per_class = frame.groupby(["account_class", "hour"])["tweets"].sum().reset_index()
    all_hours = pd.RangeIndex(int(per_class["hour"].min()), int(per_class["hour"].max()) + 1)
    series = {}
    for name, rows in per_class.groupby("account_class"):
        counts = rows.set_index("hour")["tweets"].reindex(all_hours, fill_value=0)
        series[str(name)] = (list(map(float, counts.index)), list(map(float, counts.values)))
    days = pd.date_range(
        pd.to_datetime(hourly["activity_hour"], utc=True).min().ceil("D"),
        pd.to_datetime(hourly["activity_hour"], utc=True).max(),
        freq="D",
    )
    step = max(1, len(days) // 8)
    ticks = [(float(_epoch_hours(pd.Series([day])).iloc[0]), day.strftime("%d %b")) for day in days]
    markers = []
    if events is not None and not events.empty:
        require_columns(events, ["event_at", "event"], "events")
        events = events.sort_values("event_at")
        hours = _epoch_hours(events["event_at"])
        markers = [(float(h), str(e)) for h, e in zip(hours, events["event"], strict=True)]
    return line_chart(
        LineChart(
            title="Campaign tweets per hour by account class (UTC)",
            series=series,
            y_label="tweets per hour",
            x_ticks=ticks[::step],
            markers=markers,
        )
    )


def main_languages(languages: pd.DataFrame, n: int = MAIN_LANGUAGES) -> list[str]:
    """The ``n`` languages with most tweets (ties alphabetically)."""
    totals = languages.groupby("lang")["tweets"].sum().reset_index()
    ranked = totals.sort_values(["tweets", "lang"], ascending=[False, True])
    return list(ranked["lang"].head(n))


def language_shares(languages: pd.DataFrame) -> pd.DataFrame:
    """Share of tweets per language group (the campaign's two most used languages, then
    'other') overall and per class: rows are language groups, columns ``all`` and each
    ``account_class`` present. ``languages``: ``lang, tweets`` and optionally ``account_class``."""
    require_columns(languages, ["lang", "tweets"], "languages")
    main = main_languages(languages)
    frame = languages.assign(group=languages["lang"].where(languages["lang"].isin(main), "other"))
    table = pd.DataFrame({"all": frame.groupby("group")["tweets"].sum()})
    if "account_class" in frame.columns:
        by_class = frame.pivot_table(
            index="group", columns="account_class", values="tweets", aggfunc="sum", fill_value=0
        )
        table = table.join(by_class)
    table = table.reindex([*main, "other"], fill_value=0)
    return table / table.sum().replace(0, float("nan"))


def language_chart(languages: pd.DataFrame) -> str:
    """Grouped bars of the language split, overall and per class."""
    shares = language_shares(languages).fillna(0.0)
    return bar_chart(
        "Language of campaign tweets (share of tweets)",
        [language_name(code) for code in shares.index],
        {str(column): list(shares[column]) for column in shares.columns},
    )


def threshold_chart(curve: pd.DataFrame, threshold: float | None = None) -> str:
    """Bot share among promoters against the classification threshold (``threshold,
    bot_share``), with the threshold in use marked."""
    require_columns(curve, ["threshold", "bot_share"], "threshold_curve")
    curve = curve.sort_values("threshold")
    in_use = threshold is not None and not pd.isna(threshold)
    markers = [(float(threshold), f"threshold in use {threshold:.2f}")] if in_use else []
    return line_chart(
        LineChart(
            title="Bot share among promoters by classification threshold",
            series={"bot": (list(curve["threshold"]), list(curve["bot_share"]))},
            y_label="bot share",
            x_ticks=[(x, f"{x:.1f}") for x in (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)],
            markers=markers,
            y_max=1.0,
        )
    )

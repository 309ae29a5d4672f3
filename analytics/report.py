"""The per-campaign findings report, as Markdown and as a self-contained HTML page a newsroom can
forward: readable on a phone, offline, every table sorted by what it means and at most seven
columns with plain headers.

The first screen holds the headline numbers, the bot share counted and estimated with their
intervals, and a methods box (how bots were classified, the threshold, what each share means, the
classifier's figures on accounts it was not trained on, the limits). The charts are SVG drawn here,
embedded in the HTML inline and in the Markdown as data URIs, so both files work with nothing beside
them. Everything that comes from the data is escaped: a screen name or hashtag cannot inject markup.

The numbers are the snapshot's (marts and Python assets), passed in by the Dagster asset
(``orchestration/defs/publish/reports.py``); this module only chooses, orders and words them.
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from html import escape
from pathlib import Path
from typing import Any

import markdown as markdown_lib
import numpy as np
import pandas as pd
from markdown.extensions.toc import slugify

from analytics.report_charts import hourly_chart, language_chart, threshold_chart
from botwatch.readable import language_name

MAX_ROWS = 15
MAX_COLUMNS = 7
SAFE_CAMPAIGN_ID = re.compile(r"^[A-Za-z0-9_.-]+$")
Block = tuple[str, str]  # ("md", markdown text), ("svg", an SVG document) or ("box", markdown)


@dataclass(frozen=True)
class Section:
    """A table of the report: its title, one sentence on what it shows, the columns kept (raw
    name -> plain header, in order), how its rows are sorted, and which rows are kept."""

    title: str
    explanation: str
    columns: Mapping[str, str]
    sort_by: tuple[tuple[str, bool], ...] = ()  # (column, ascending)
    keep: Callable[[pd.DataFrame], pd.Series] | None = None
    formats: Mapping[str, str] = field(default_factory=dict)  # column -> "share" | "score"


SECTIONS: dict[str, Section] = {
    "bot_promoters": Section(
        "The bot promoters",
        "Promoters classified as bots, the most active in the campaign first; each account "
        "links to its profile on X (it may since have been suspended or deleted).",
        {
            "profile": "Account",
            "tweets": "Campaign tweets",
            "active_days": "Days active",
            "bot_score": "Bot score",
            "first_tweet_at": "First tweet (UTC)",
            "last_tweet_at": "Last tweet (UTC)",
        },
        sort_by=(("tweets", False), ("bot_score", False), ("user_id", True)),
        formats={"bot_score": "score", "profile": "link"},
    ),
    "events": Section(
        "Events of the window",
        "Dated events of the campaign, in time order (the dashed lines of the chart).",
        {"event_at": "When (UTC)", "event": "Event", "description": "What happened"},
        sort_by=(("event_at", True), ("event", True)),
    ),
    "reused_bots": Section(
        "Reused bots",
        "Bots that promoted an earlier campaign, tweeted nothing at all for months, then "
        "promoted this one; their tweet counter barely moved while silent (a human who was "
        "merely not collected kept tweeting). The longest silent first.",
        {
            "screen_name": "Account",
            "earlier_campaign": "Earlier campaign",
            "dormant_from": "Silent from (UTC)",
            "dormant_until": "Silent until (UTC)",
            "dormant_days": "Days silent",
            "statuses_while_dormant": "Tweets counted while silent",
            "bot_score": "Bot score",
        },
        sort_by=(("dormant_days", False), ("bot_score", False), ("screen_name", True)),
        keep=lambda frame: frame["is_reused_bot"].fillna(False).astype(bool),
        formats={"bot_score": "score"},
    ),
    "amplified_accounts": Section(
        "Accounts whose content bots amplified most",
        "Ranked by the retweets they received from bots in the campaign.",
        {
            "rank": "Rank",
            "screen_name": "Account",
            "account_class": "Classified as",
            "retweets_received": "Retweets received",
            "retweets_from_bots": "From bots",
            "bot_amplification_share": "Share from bots",
        },
        sort_by=(("rank", True),),
        formats={"bot_amplification_share": "share"},
    ),
    "amplified_domains": Section(
        "Web domains bots spread most",
        "Ranked by the campaign tweets that linked to them; the share is the part of those "
        "tweets that bots posted.",
        {
            "rank": "Rank",
            "domain": "Domain",
            "tweets": "Tweets linking to it",
            "tweets_from_bots": "From bots",
            "accounts": "Accounts",
            "bot_share": "Share from bots",
        },
        sort_by=(("rank", True),),
        formats={"bot_share": "share"},
    ),
    "promoter_hashtags": Section(
        "What promoters talked about outside the campaign, beside everyone else",
        "Hashtags other than the campaign's own, ranked by tweets in each audience; the share is "
        "of the audience's accounts that used the hashtag.",
        {
            "rank": "Rank",
            "promoters_hashtag": "Promoters' hashtag",
            "promoters_share": "Share of promoters",
            "others_hashtag": "Others' hashtag",
            "others_share": "Share of others",
        },
        sort_by=(("rank", True),),
        formats={"promoters_share": "share", "others_share": "share"},
    ),
    "coordinated_groups": Section(
        "Coordinated groups",
        "Accounts that retweeted the same tweets, or posted the same content within minutes of "
        "each other (Pacheco et al. 2021), found without the bot classifier. The largest first.",
        {
            "group_label": "Group",
            "size": "Accounts",
            "bot_share": "Bots among members",
            "mean_bot_score": "Mean bot score",
            "top_content": "What they posted most",
            "first_at": "First tweet (UTC)",
            "last_at": "Last tweet (UTC)",
        },
        sort_by=(("size", False), ("group_label", True)),
        formats={"bot_share": "share", "mean_bot_score": "score"},
    ),
    "creation_cohorts": Section(
        "When the promoters' accounts were created",
        "The months in which most bot promoters were created, beside the human promoters of the "
        "same months.",
        {
            "cohort_month": "Month created",
            "months_before_campaign": "Months before the campaign",
            "bot": "Bot promoters",
            "bot_share": "Share of bot promoters",
            "human": "Human promoters",
            "human_share": "Share of human promoters",
        },
        sort_by=(("bot", False), ("cohort_month", False)),
        formats={"bot_share": "share", "human_share": "share"},
    ),
}
TABLE_ORDER = (
    "bot_promoters",
    "reused_bots",
    "coordinated_groups",
    "amplified_accounts",
    "amplified_domains",
    "promoter_hashtags",
    "creation_cohorts",
)


def _missing(value: Any) -> bool:
    """None, NaN, NaT or pd.NA (a list or array is never missing as a whole)."""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _count(value: Any) -> str:
    return "n/a" if _missing(value) else f"{int(value):,}"


def _share(value: Any) -> str:
    return "n/a" if _missing(value) else f"{float(value):.1%}"


def _share_interval(estimate: Any, low: Any, high: Any, confidence: float) -> str:
    text = _share(estimate)
    if not _missing(low) and not _missing(high):
        text += f" ({confidence:.0%} interval {_share(low)} – {_share(high)})"
    return text


def _cell(value: Any, kind: str | None = None) -> str:
    """One table cell: formatted, HTML-escaped and safe inside a Markdown table."""
    if kind == "link" and isinstance(value, tuple) and len(value) == 2:
        text, target = (_cell(part) for part in value)
        return f"[{text.replace('[', '&#91;').replace(']', '&#93;')}]({target})" if text else ""
    if isinstance(value, list | tuple | np.ndarray):
        text = ", ".join(str(item) for item in value)
    elif _missing(value):
        text = ""
    elif isinstance(value, datetime | pd.Timestamp):
        moment = pd.Timestamp(value)
        text = moment.strftime("%Y-%m") if kind == "month" else moment.strftime("%Y-%m-%d %H:%M")
    elif kind == "share":
        text = f"{float(value):.1%}"
    elif kind == "score":
        text = f"{float(value):.2f}"
    elif isinstance(value, bool | np.bool_):
        text = "yes" if value else "no"
    elif isinstance(value, int | np.integer):
        text = f"{int(value):,}"
    elif isinstance(value, float):
        text = f"{value:,.3g}"
    else:
        text = str(value)
    return escape(text, quote=False).replace("|", "&#124;").replace("\n", " ")


def markdown_table(
    frame: pd.DataFrame, max_rows: int = MAX_ROWS, formats: Mapping[str, str] | None = None
) -> str:
    """A DataFrame as a Markdown table of at most ``max_rows`` rows (the rest counted below);
    ``formats`` names the columns shown as shares or scores (by the frame's column names)."""
    if frame.empty:
        return "_None._"
    formats = formats or {}
    shown = frame.head(max_rows)
    lines = [
        "| " + " | ".join(escape(str(c), quote=False) for c in shown.columns) + " |",
        "|" + "---|" * len(shown.columns),
    ]
    for record in shown.to_dict("records"):
        lines.append(
            "| " + " | ".join(_cell(record[c], formats.get(str(c))) for c in shown.columns) + " |"
        )
    if len(frame) > max_rows:
        lines.append(f"\n_{len(frame) - max_rows:,} more rows in the app and its CSV downloads._")
    return "\n".join(lines)


def hashtags_side_by_side(hashtags: pd.DataFrame) -> pd.DataFrame:
    """``fct_promoter_hashtags`` rows (``audience, hashtag, share_of_audience, rank``) as one row
    per rank: the promoters' hashtag of that rank beside the other accounts'."""
    columns = ["rank", "promoters_hashtag", "promoters_share", "others_hashtag", "others_share"]
    if hashtags.empty:
        return pd.DataFrame(columns=columns)
    sides = []
    for audience, prefix in (("promoters", "promoters"), ("non_promoters", "others")):
        side = hashtags[hashtags["audience"] == audience][["rank", "hashtag", "share_of_audience"]]
        sides.append(
            side.rename(
                columns={"hashtag": f"{prefix}_hashtag", "share_of_audience": f"{prefix}_share"}
            ).set_index("rank")
        )
    paired = sides[0].join(sides[1], how="outer").sort_index().reset_index()
    return paired.reindex(columns=columns)


def cohorts_by_class(cohorts: pd.DataFrame) -> pd.DataFrame:
    """``fct_promoter_creation_cohorts`` rows (``cohort_month, months_before_campaign,
    account_class, promoters, share_of_class``) as one row per month: bots beside humans."""
    columns = ["cohort_month", "months_before_campaign", "bot", "bot_share", "human", "human_share"]
    if cohorts.empty:
        return pd.DataFrame(columns=columns)
    counts = cohorts.pivot_table(
        index=["cohort_month", "months_before_campaign"],
        columns="account_class",
        values="promoters",
        aggfunc="sum",
        fill_value=0,
    )
    shares = cohorts.pivot_table(
        index=["cohort_month", "months_before_campaign"],
        columns="account_class",
        values="share_of_class",
        aggfunc="sum",
        fill_value=0.0,
    ).add_suffix("_share")
    joined = counts.join(shares).reset_index()
    return joined.reindex(columns=columns).fillna(
        {"bot": 0, "human": 0, "bot_share": 0.0, "human_share": 0.0}
    )


PROFILE_URL = "https://x.com/i/user/{user_id}"


def with_profiles(frame: pd.DataFrame) -> pd.DataFrame:
    """A ``profile`` column: (shown name, profile link) of each row's ``user_id``."""
    if frame.empty:
        return frame.assign(profile=pd.Series(dtype=object))
    names = frame.get("screen_name", pd.Series(index=frame.index, dtype=object))
    return frame.assign(
        profile=[
            (f"@{name}" if not _missing(name) else str(user), PROFILE_URL.format(user_id=user))
            for name, user in zip(names, frame["user_id"], strict=True)
        ]
    )


def anchor(key: str) -> str:
    """The id of a section's heading in the HTML (python-markdown's toc slug of its title, as
    Markdown viewers make it too)."""
    return "#" + slugify(SECTIONS[key].title, "-")


def shaped(key: str, frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """A section's rows as the report shows them: the rows it keeps, sorted by their meaning, its
    columns under plain headers; with the formats of the renamed columns."""
    section = SECTIONS[key]
    if key == "promoter_hashtags":
        frame = hashtags_side_by_side(frame)
    elif key == "creation_cohorts":
        frame = cohorts_by_class(frame)
    elif key == "bot_promoters":
        frame = with_profiles(frame)
    if section.keep is not None and not frame.empty:
        frame = frame[section.keep(frame)]
    sort = [(c, up) for c, up in section.sort_by if c in frame.columns]
    if sort and not frame.empty:
        frame = frame.sort_values(
            [c for c, _ in sort], ascending=[up for _, up in sort], na_position="last"
        )
    frame = frame.reindex(columns=list(section.columns)).rename(columns=dict(section.columns))
    formats = {section.columns[c]: kind for c, kind in section.formats.items()}
    if key == "creation_cohorts":
        formats[section.columns["cohort_month"]] = "month"
    return frame.reset_index(drop=True), formats


def headline_rows(summary: dict) -> list[tuple[str, str, tuple[str, str] | None]]:
    """The headline table's (measure, value, link to the accounts behind it) rows; a link is
    (words, the anchor of the report's table of those accounts).

    ``summary`` keys (missing ones show as n/a): ``tweets``, ``promoters``, ``bot_promoters``,
    ``threshold``, ``confidence`` (default 0.95), ``bot_share`` / ``bot_share_low`` /
    ``bot_share_high`` (counted), ``adjusted_share`` / ``adjusted_low`` / ``adjusted_high``
    (estimated), ``top_language`` / ``top_language_tweets``, ``second_language`` /
    ``second_language_tweets``, ``reused_bots`` (a list of ``(earlier campaign name, bots)``),
    ``min_dormancy_days``, ``coordinated_groups``, ``coordinated_accounts``, ``peak_hour``,
    ``peak_hour_tweets``.
    """
    confidence = summary.get("confidence") or 0.95
    threshold = summary.get("threshold")
    at = f" (bot score ≥ {threshold:.2f})" if not _missing(threshold) else ""
    bots = ("The bot promoters", anchor("bot_promoters"))
    rows = [
        ("Campaign tweets", _count(summary.get("tweets"))),
        ("Promoters (accounts that posted campaign content)", _count(summary.get("promoters"))),
        (f"Promoters classified as bots{at}", _count(summary.get("bot_promoters")), bots),
        (
            "Bot share among promoters, estimated",
            _share_interval(
                summary.get("adjusted_share"),
                summary.get("adjusted_low"),
                summary.get("adjusted_high"),
                confidence,
            ),
            bots,
        ),
        (
            "Bot share among promoters, counted",
            _share_interval(
                summary.get("bot_share"),
                summary.get("bot_share_low"),
                summary.get("bot_share_high"),
                confidence,
            ),
            bots,
        ),
    ]
    languages = [
        f"{language_name(summary[f'{rank}_language'])} "
        f"{_count(summary.get(f'{rank}_language_tweets'))}"
        for rank in ("top", "second")
        if not _missing(summary.get(f"{rank}_language"))
    ]
    rows.append(("Tweets in the main languages", ", ".join(languages) or "n/a"))
    dormancy = summary.get("min_dormancy_days")
    silent = f", silent ≥ {dormancy} days" if not _missing(dormancy) else ""
    for earlier, reused in summary.get("reused_bots") or []:
        rows.append(
            (
                f"Reused bots (from {earlier}{silent})",
                _count(reused),
                ("The reused bots", anchor("reused_bots")),
            )
        )
    groups = _count(summary.get("coordinated_groups"))
    if not _missing(summary.get("coordinated_accounts")):
        groups += f" ({_count(summary['coordinated_accounts'])} distinct accounts)"
    rows.append(("Coordinated groups", groups, ("The groups", anchor("coordinated_groups"))))
    if not _missing(summary.get("peak_hour")):
        rows.append(
            (
                "Busiest hour (UTC)",
                f"{pd.Timestamp(summary['peak_hour']):%Y-%m-%d %H:00} "
                f"({_count(summary.get('peak_hour_tweets'))} tweets)",
            )
        )
    return [row if len(row) == 3 else (*row, None) for row in rows]


def methods_text(summary: dict, evaluation: pd.DataFrame | None) -> str:
    """The methods box (Markdown): how bots were classified, what the two shares mean, the
    classifier's figures on accounts it was not trained on, and the limits."""
    threshold = summary.get("threshold")
    at = f"{threshold:.2f}" if not _missing(threshold) else "its threshold"
    confidence = summary.get("confidence") or 0.95
    counted = _share_interval(
        summary.get("bot_share"),
        summary.get("bot_share_low"),
        summary.get("bot_share_high"),
        confidence,
    )
    estimated = _share_interval(
        summary.get("adjusted_share"),
        summary.get("adjusted_low"),
        summary.get("adjusted_high"),
        confidence,
    )
    method = summary.get("adjusted_method")
    lines = [
        "### How these numbers were made",
        "",
        "- **Who is a bot.** A scikit-learn classifier, trained on accounts labelled bot or human, "
        "gives every account a bot score between 0 and 1 from its profile "
        f"(age, activity, followers, ...). An account is *classified as a bot* when its score is "
        f"at least **{at}**.",
        f"- **Bot share, counted: {counted}.** The share of the scored promoters classified as "
        "bots. The interval is a bootstrap over promoters: it covers sampling, not the "
        "classifier's mistakes.",
        f"- **Bot share, estimated: {estimated}.** "
        + (f"{escape(str(method)).capitalize()}: " if not _missing(method) else "")
        + "the count corrected for the classifier's error rates measured on accounts it was not "
        "trained on; its interval includes the uncertainty of those rates. It is the better figure "
        "for how many of the promoters are bots.",
    ]
    if evaluation is not None and not evaluation.empty:
        held_out = "; ".join(
            f"{escape(str(row['test']))}: ROC AUC {_fixed(row.get('auc'))}, accuracy "
            f"{_fixed(row.get('accuracy'))}, bots found {_share(row.get('recall'))}, humans "
            f"called bots {_share(row.get('false_positive_rate'))}"
            for row in evaluation.to_dict("records")
        )
        how = evaluation["evaluation"].iloc[0] if "evaluation" in evaluation.columns else ""
        lines.append(
            f"- **The classifier on accounts it was not trained on** ({escape(str(how))}): "
            f"{held_out}."
        )
    lines.append(
        "- **Limits.** The classifier's errors on this campaign's accounts can differ from those "
        "measured on the labelled datasets. A gap in the collection looks like silence, so a "
        "reused bot's dormancy is bounded by what was collected"
        + (
            f" (the stream could not deliver {_count(summary.get('missed_tweets'))} matching "
            "tweets)"
            if not _missing(summary.get("missed_tweets")) and summary.get("missed_tweets")
            else ""
        )
        + ". A coordinated group is accounts that behaved alike, not proof of one operator."
    )
    return "\n".join(lines)


def _minute(moment: Any) -> str:
    try:
        return pd.Timestamp(moment).strftime("%Y-%m-%d %H:%M")
    except (TypeError, ValueError):
        return escape(str(moment))


def _fixed(value: Any) -> str:
    return "n/a" if _missing(value) else f"{float(value):.3f}"


def _blocks(
    campaign: dict,
    summary: dict,
    tables: dict[str, pd.DataFrame],
    run_date: date,
    evaluation: pd.DataFrame | None,
) -> list[Block]:
    name = campaign.get("name") or campaign["campaign_id"]
    start = campaign.get("start", campaign.get("start_at"))
    end = campaign.get("end", campaign.get("end_at"))
    window = ""
    if not _missing(start) and not _missing(end):
        window = f" Window {_minute(start)} – {_minute(end)} UTC."
    blocks: list[Block] = [
        (
            "md",
            f"# Findings: {escape(str(name))}\n\n"
            f"Report of the run of {run_date.isoformat()}.{window}\n\n## Headline\n\n"
            + markdown_table(
                pd.DataFrame(headline_rows(summary), columns=["Measure", "Value", "Accounts"]),
                formats={"Accounts": "link"},
            ),
        ),
        ("box", methods_text(summary, evaluation)),
    ]
    charts: list[tuple[str, str, Callable[[], str]]] = []
    if "hourly" in tables and not tables["hourly"].empty:
        charts.append(
            (
                "Volume over time",
                "hourly",
                lambda: hourly_chart(tables["hourly"], tables.get("events")),
            )
        )
    if "languages" in tables and not tables["languages"].empty:
        charts.append(("Languages", "languages", lambda: language_chart(tables["languages"])))
    if "threshold_curve" in tables and not tables["threshold_curve"].empty:
        charts.append(
            (
                "Bot share and the classification threshold",
                "threshold_curve",
                lambda: threshold_chart(tables["threshold_curve"], summary.get("threshold")),
            )
        )
    for title, key, draw in charts:
        blocks += [("md", f"## {title}"), ("svg", draw())]
        if key == "hourly" and "events" in tables and not tables["events"].empty:
            events, formats = shaped("events", tables["events"])
            blocks.append(("md", markdown_table(events, formats=formats)))
    for key in TABLE_ORDER:
        if key not in tables:
            continue
        frame, formats = shaped(key, tables[key])
        section = SECTIONS[key]
        blocks.append(
            (
                "md",
                f"## {escape(section.title, quote=False)}\n\n"
                f"{escape(section.explanation, quote=False)}\n\n"
                + markdown_table(frame, formats=formats),
            )
        )
    return blocks


STYLE = """
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;line-height:1.45;
 color:#1b1b1b;max-width:60rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;margin:.5rem 0}h2{font-size:1.25rem;margin-top:2rem}h3{margin-top:0}
.table{overflow-x:auto;-webkit-overflow-scrolling:touch;margin:.5rem 0}
table{border-collapse:collapse;font-size:.92rem;min-width:50%}
td,th{border:1px solid #ccc;padding:.3rem .55rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}
td:first-child{font-weight:500}
.methods{background:#f5f8fc;border:1px solid #b9cde5;border-left:.35rem solid #3b6ea8;
 padding:.6rem 1rem;margin:1.2rem 0}
.methods li{margin:.35rem 0}
figure{margin:1rem 0}figure svg{max-width:100%;height:auto;display:block}
@media (max-width:600px){body{padding:.6rem;font-size:15px}table{font-size:.82rem}
 td,th{padding:.25rem .35rem}h1{font-size:1.3rem}h2{font-size:1.1rem}}
@media print{.table{overflow:visible}}
"""


def _html_of(markdown_text: str) -> str:
    html = markdown_lib.markdown(markdown_text, extensions=["tables", "toc"])
    return html.replace("<table>", '<div class="table"><table>').replace(
        "</table>", "</table></div>"
    )


def render_report(
    campaign: dict,
    summary: dict,
    tables: dict[str, pd.DataFrame],
    run_date: date,
    evaluation: pd.DataFrame | None = None,
) -> tuple[str, str]:
    """The report as ``(markdown, html)``.

    ``campaign``: ``campaign_id`` and optionally ``name``, ``start``/``start_at``,
    ``end``/``end_at``. ``summary``: see ``headline_rows`` (and ``adjusted_method``,
    ``missed_tweets`` for the methods box). ``tables``: charts from ``hourly`` (``activity_hour,
    account_class, tweets``), ``events``, ``languages`` (``lang, tweets[, account_class]``),
    ``threshold_curve`` (``threshold, bot_share``); tables from the keys of ``SECTIONS``, each
    with the columns of its snapshot table. ``evaluation``: the ``classifier_evaluation`` table.
    """
    blocks = _blocks(campaign, summary, tables, run_date, evaluation)
    md_parts, html_parts = [], []
    for kind, content in blocks:
        if kind == "md":
            md_parts.append(content)
            html_parts.append(_html_of(content))
        elif kind == "box":
            md_parts.append("\n".join(f"> {line}".rstrip() for line in content.splitlines()))
            html_parts.append(f'<section class="methods">{_html_of(content)}</section>')
        elif kind == "svg":
            data = base64.b64encode(content.encode()).decode()
            md_parts.append(f"![chart](data:image/svg+xml;base64,{data})")
            html_parts.append(f"<figure>{content}</figure>")
    title = escape(str(campaign.get("name") or campaign["campaign_id"]))
    html = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>botwatch findings: {title} ({run_date.isoformat()})</title>"
        f"<style>{STYLE}</style></head><body>\n" + "\n".join(html_parts) + "\n</body></html>\n"
    )
    return "\n\n".join(md_parts) + "\n", html


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def write_report(
    campaign: dict,
    summary: dict,
    tables: dict[str, pd.DataFrame],
    run_date: date,
    reports_dir: Path,
    evaluation: pd.DataFrame | None = None,
) -> tuple[Path, Path]:
    """Render and write ``reports_dir/<campaign_id>-<YYYY-MM-DD>.md`` and ``.html`` (each
    written to a temporary name and moved into place). Returns ``(md_path, html_path)``."""
    if not SAFE_CAMPAIGN_ID.match(str(campaign["campaign_id"])):
        raise ValueError(
            f"campaign_id {campaign['campaign_id']!r} cannot name a file: use letters, digits, _.-"
        )
    markdown_text, html = render_report(campaign, summary, tables, run_date, evaluation)
    reports_dir = Path(reports_dir)
    reports_dir.mkdir(parents=True, exist_ok=True)
    stem = f"{campaign['campaign_id']}-{run_date.isoformat()}"
    md_path, html_path = reports_dir / f"{stem}.md", reports_dir / f"{stem}.html"
    _write_atomically(md_path, markdown_text)
    _write_atomically(html_path, html)
    return md_path, html_path

"""The per-campaign findings report, as Markdown and as a self-contained HTML page.

The headline table speaks the study's terms (tweets, promoters, bot share with its interval,
language split, reused bots, coordinated groups); the charts are SVG drawn here, embedded in the
HTML inline and in the Markdown as data URIs, so both files work offline with nothing beside them.
Everything that comes from the data is escaped: a screen name or hashtag cannot inject markup.
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Callable
from datetime import date, datetime
from html import escape
from pathlib import Path
from typing import Any

import markdown as markdown_lib
import numpy as np
import pandas as pd

from analytics.report_charts import hourly_chart, language_chart, language_shares, threshold_chart

# Tables the report knows, in the order shown, with their section titles. Any other table in
# ``tables`` is shown after these under its own name.
KNOWN_TABLES = {
    "coordinated_groups": "Coordinated groups (co-retweet / synchronised posting)",
    "reused_bots": "Reused bots",
    "amplified_accounts": "Accounts whose content bots amplified most",
    "amplified_domains": "URL domains and the share of their spread due to bots",
    "promoter_hashtags": "What promoters talked about outside the campaign",
    "creation_cohorts": "Account creation cohorts of promoters",
}
CHART_TABLES = {"hourly", "events", "languages", "threshold_curve"}
MAX_ROWS = 15
CAMPAIGN_COLUMNS = ("campaign_id",)

Block = tuple[str, str]  # ("md", markdown text) or ("svg", an SVG document)
SAFE_CAMPAIGN_ID = re.compile(r"^[A-Za-z0-9_.-]+$")


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


def _cell(value: Any, column: str) -> str:
    """One table cell: formatted, HTML-escaped and safe inside a Markdown table."""
    if isinstance(value, list | tuple | np.ndarray):
        text = ", ".join(str(item) for item in value)
    elif _missing(value):
        text = ""
    elif isinstance(value, datetime | pd.Timestamp):
        text = pd.Timestamp(value).strftime("%Y-%m-%d %H:%M")
    elif isinstance(value, float):
        text = f"{value:.1%}" if "share" in column else f"{value:,.3g}"
    else:
        text = str(value)
    return escape(text).replace("|", "&#124;").replace("\n", " ")


def markdown_table(frame: pd.DataFrame, max_rows: int = MAX_ROWS) -> str:
    """A DataFrame as a Markdown table of at most ``max_rows`` rows (the rest counted below)."""
    if frame.empty:
        return "_No rows._"
    # The report is about one campaign: a campaign column would repeat it on every row.
    shown = frame.drop(columns=[c for c in CAMPAIGN_COLUMNS if c in frame.columns]).head(max_rows)
    lines = [
        "| " + " | ".join(escape(str(c)) for c in shown.columns) + " |",
        "|" + "---|" * len(shown.columns),
    ]
    for record in shown.to_dict("records"):
        lines.append("| " + " | ".join(_cell(record[c], str(c)) for c in shown.columns) + " |")
    if len(frame) > max_rows:
        lines.append(f"\n_{len(frame) - max_rows:,} more rows not shown._")
    return "\n".join(lines)


def headline_rows(summary: dict, tables: dict[str, pd.DataFrame]) -> list[tuple[str, str]]:
    """The headline table's (measure, value) rows.

    ``summary`` keys (missing ones show as n/a): ``tweets``, ``promoters``, ``bot_share``,
    ``bot_share_low``, ``bot_share_high``, ``confidence`` (default 0.95), ``threshold``,
    ``bot_promoters``, ``adjusted_share``, ``adjusted_low``, ``adjusted_high``,
    ``adjusted_method``, ``reused_bots``, ``min_dormancy_days``, ``coordinated_groups``,
    ``coordinated_accounts``. The language split comes from ``tables['languages']``, or from
    ``summary['language_shares']`` (a dict lang group → share) when that table is absent.
    """
    confidence = summary.get("confidence", 0.95)
    threshold = summary.get("threshold")
    share_label = "Bot share among promoters, counted" + (
        f" (accounts scoring ≥ {threshold:.2f})" if not _missing(threshold) else ""
    )
    share = _share(summary.get("bot_share"))
    if not _missing(summary.get("bot_share_low")) and not _missing(summary.get("bot_share_high")):
        share += (
            f" ({confidence:.0%} CI {_share(summary['bot_share_low'])}"
            f" – {_share(summary['bot_share_high'])})"
        )
    if "languages" in tables:
        split = language_shares(tables["languages"])["all"].to_dict()
    else:
        split = summary.get("language_shares", {})
    languages = " / ".join(
        f"{name} {_share(split.get(name))}" for name in ("en", "fr", "other") if name in split
    )
    dormancy = summary.get("min_dormancy_days")
    reused_label = "Reused bots" + (f" (dormant ≥ {dormancy} days)" if dormancy else "")
    groups = _count(summary.get("coordinated_groups"))
    if not _missing(summary.get("coordinated_accounts")):
        groups += f" ({_count(summary['coordinated_accounts'])} accounts)"
    adjusted = _share(summary.get("adjusted_share"))
    if not _missing(summary.get("adjusted_low")) and not _missing(summary.get("adjusted_high")):
        adjusted += (
            f" ({confidence:.0%} CI {_share(summary['adjusted_low'])}"
            f" – {_share(summary['adjusted_high'])})"
        )
    adjusted_label = "Bot share among promoters, estimated" + (
        f" ({summary['adjusted_method']})" if not _missing(summary.get("adjusted_method")) else ""
    )
    rows = [
        ("Campaign tweets", _count(summary.get("tweets"))),
        ("Promoters (accounts that posted campaign content)", _count(summary.get("promoters"))),
        ("Bot promoters", _count(summary.get("bot_promoters"))),
        (share_label, share),
        (adjusted_label, adjusted),
        ("Language split (English / French / other)", languages or "n/a"),
        (reused_label, _count(summary.get("reused_bots"))),
        ("Coordinated groups", groups),
    ]
    peak = _peak_hour(tables.get("hourly"))
    if peak:
        rows.append(("Peak hour (UTC)", peak))
    return rows


def _peak_hour(hourly: pd.DataFrame | None) -> str:
    if hourly is None or hourly.empty:
        return ""
    per_hour = hourly.groupby("activity_hour")["tweets"].sum()
    hour = pd.Timestamp(per_hour.idxmax())
    return f"{hour:%Y-%m-%d %H:00} ({int(per_hour.max()):,} tweets)"


def _blocks(campaign: dict, summary: dict, tables: dict, run_date: date) -> list[Block]:
    name = campaign.get("name") or campaign["campaign_id"]
    start = campaign.get("start", campaign.get("start_at"))
    end = campaign.get("end", campaign.get("end_at"))
    window = ""
    if not _missing(start) and not _missing(end):
        window = f", window {escape(str(start))} – {escape(str(end))} UTC"
    blocks: list[Block] = [
        (
            "md",
            f"# Findings: {escape(str(name))}\n\n"
            f"Campaign `{escape(str(campaign['campaign_id']))}`{window}. "
            f"Report of the run of {run_date.isoformat()}.\n\n## Headline\n\n"
            + markdown_table(
                pd.DataFrame(headline_rows(summary, tables), columns=["Measure", "Value"])
            )
            + "\n\nBot share: accounts with a bot score at or above the threshold, among "
            "promoters; the interval is a percentile bootstrap over promoters.",
        )
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
            blocks.append(("md", markdown_table(tables["events"])))
    others = [k for k in tables if k not in KNOWN_TABLES and k not in CHART_TABLES]
    for key in [*[k for k in KNOWN_TABLES if k in tables], *others]:
        title = KNOWN_TABLES.get(key, key.replace("_", " ").capitalize())
        blocks.append(("md", f"## {escape(title)}\n\n{markdown_table(tables[key])}"))
    return blocks


def render_report(
    campaign: dict, summary: dict, tables: dict[str, pd.DataFrame], run_date: date
) -> tuple[str, str]:
    """The report as ``(markdown, html)``.

    ``campaign``: ``campaign_id`` and optionally ``name``, ``start``/``start_at``,
    ``end``/``end_at`` (a row of the campaigns seed will do). ``summary``: see
    ``headline_rows``. ``tables``: any of ``hourly`` (``activity_hour, account_class, tweets``),
    ``events`` (``event_at, event``, ...), ``languages`` (``lang, tweets[, account_class]``),
    ``threshold_curve`` (``threshold, bot_share``) drawn as charts, and any other frames (e.g.
    ``coordinated_groups``, ``reused_bots``, ``amplified_accounts``) shown as tables of at most
    15 rows.
    """
    blocks = _blocks(campaign, summary, tables, run_date)
    md_parts, html_parts = [], []
    for kind, content in blocks:
        if kind == "md":
            md_parts.append(content)
            html_parts.append(markdown_lib.markdown(content, extensions=["tables"]))
        elif kind == "svg":
            data = base64.b64encode(content.encode()).decode()
            md_parts.append(f"![chart](data:image/svg+xml;base64,{data})")
            html_parts.append(f"<figure>{content}</figure>")
    title = escape(str(campaign.get("name") or campaign["campaign_id"]))
    html = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>botwatch findings: {title} ({run_date.isoformat()})</title><style>"
        "body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}"
        "table{border-collapse:collapse;display:block;overflow-x:auto}"
        "td,th{border:1px solid #ccc;padding:.2rem .5rem}"
        "figure{margin:1rem 0}</style></head><body>\n"
        + "\n".join(html_parts)
        + "\n</body></html>\n"
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
) -> tuple[Path, Path]:
    """Render and write ``reports_dir/<campaign_id>-<YYYY-MM-DD>.md`` and ``.html`` (each
    written to a temporary name and moved into place). Returns ``(md_path, html_path)``."""
    if not SAFE_CAMPAIGN_ID.match(str(campaign["campaign_id"])):
        raise ValueError(
            f"campaign_id {campaign['campaign_id']!r} cannot name a file: use letters, digits, _.-"
        )
    markdown_text, html = render_report(campaign, summary, tables, run_date)
    reports_dir = Path(reports_dir)
    reports_dir.mkdir(parents=True, exist_ok=True)
    stem = f"{campaign['campaign_id']}-{run_date.isoformat()}"
    md_path, html_path = reports_dir / f"{stem}.md", reports_dir / f"{stem}.html"
    _write_atomically(md_path, markdown_text)
    _write_atomically(html_path, html)
    return md_path, html_path

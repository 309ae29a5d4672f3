"""The findings report: headline numbers, offline charts, escaping, dated file names."""

from __future__ import annotations

import base64
import re
from datetime import date
from xml.etree import ElementTree

import numpy as np
import pandas as pd
import pytest

from analytics.bootstrap import bot_share_interval, threshold_sensitivity
from analytics.report import render_report, write_report

CAMPAIGN = {
    "campaign_id": "macronleaks",
    "name": "MacronLeaks",
    "start": "2017-04-27",
    "end": "2017-05-07",
}
RUN_DATE = date(2026, 11, 28)


def report_inputs():
    rng = np.random.default_rng(2)
    hours = pd.date_range("2017-04-27", "2017-05-07 23:00", freq="h")
    hourly = pd.concat(
        [
            pd.DataFrame(
                {"activity_hour": hours, "account_class": cls, "lang": "en", "tweets": counts}
            )
            for cls, counts in (
                ("bot", rng.poisson(10, len(hours))),
                ("human", rng.poisson(40, len(hours))),
            )
        ]
    )
    hourly.loc[hourly["activity_hour"] == pd.Timestamp("2017-05-05 19:00"), "tweets"] = 900
    events = pd.DataFrame(
        {
            "event_at": pd.to_datetime(["2017-05-05 18:49", "2017-05-05 22:00"]),
            "event": ["leak", "media blackout"],
            "description": ["documents posted", "French media blackout begins"],
        }
    )
    languages = pd.DataFrame(
        {
            "lang": ["en", "fr", "de", "en", "fr", "und"],
            "account_class": ["bot", "bot", "bot", "human", "human", "human"],
            "tweets": [300, 100, 20, 1_000, 900, 80],
        }
    )
    scores = pd.DataFrame({"user_id": range(2_000), "bot_score": rng.beta(1, 4, 2_000)})
    estimate, low, high = bot_share_interval(scores, threshold=0.5)
    summary = {
        "tweets": 2_400,
        "promoters": 2_000,
        "bot_promoters": round(estimate * 2_000),
        "bot_share": estimate,
        "bot_share_low": low,
        "bot_share_high": high,
        "threshold": 0.5,
        "reused_bots": 57,
        "min_dormancy_days": 150,
        "coordinated_groups": 2,
        "coordinated_accounts": 41,
    }
    groups = pd.DataFrame(
        {
            "group_id": [1, 2],
            "method": ["co_retweet", "co_retweet"],
            "size": [33, 8],
            "bot_share": [0.03, 0.75],
            "top_content": ["rt:42 (300); #MacronLeaks (120)", "#<script>alert(1)</script>|x"],
        }
    )
    tables = {
        "hourly": hourly,
        "events": events,
        "languages": languages,
        "threshold_curve": threshold_sensitivity(scores),
        "coordinated_groups": groups,
        "reused_bots": pd.DataFrame({"user_id": ["7", "8"], "dormant_days": [171, 188]}),
    }
    return summary, tables


def test_headline_numbers_are_in_both_renderings():
    summary, tables = report_inputs()
    markdown, html = render_report(CAMPAIGN, summary, tables, RUN_DATE)
    share = f"{summary['bot_share']:.1%}"
    interval = f"95% CI {summary['bot_share_low']:.1%} – {summary['bot_share_high']:.1%}"
    for text in (markdown, html):
        assert "2,400" in text and "2,000" in text
        assert share in text and interval in text
        assert "en 54.2% / fr 41.7% / other 4.2%" in text  # (1300, 1000, 100) of 2400
        assert "Reused bots (dormant ≥ 150 days)" in text and "57" in text
        assert "2 (41 accounts)" in text
        assert "2017-05-05 19:00 (1,800 tweets)" in text  # the peak hour, both classes
        assert "media blackout" in text


def test_charts_are_embedded_as_valid_svg_without_network_references():
    summary, tables = report_inputs()
    markdown, html = render_report(CAMPAIGN, summary, tables, RUN_DATE)
    svgs = re.findall(r"<svg.*?</svg>", html, flags=re.S)
    assert len(svgs) == 3
    for svg in svgs:
        ElementTree.fromstring(svg)  # well-formed XML
    titles = " ".join(svgs)
    assert "per hour" in titles and "Language" in titles and "threshold" in titles
    assert "<script" not in html.replace("&lt;script", "")
    assert "http" not in html.replace("http://www.w3.org/2000/svg", "")
    encoded = re.findall(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", markdown)
    assert len(encoded) == 3
    assert base64.b64decode(encoded[0]).decode().startswith("<svg")


def test_data_cannot_inject_markup_or_break_tables():
    summary, tables = report_inputs()
    markdown, html = render_report(CAMPAIGN, summary, tables, RUN_DATE)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    group_row = next(line for line in markdown.splitlines() if "alert(1)" in line)
    assert group_row.count("|") == 6  # five columns: the pipe in the data was escaped


def test_report_files_are_dated_per_campaign(tmp_path):
    summary, tables = report_inputs()
    md_path, html_path = write_report(CAMPAIGN, summary, tables, RUN_DATE, tmp_path / "reports")
    assert md_path == tmp_path / "reports" / "macronleaks-2026-11-28.md"
    assert html_path == tmp_path / "reports" / "macronleaks-2026-11-28.html"
    assert "MacronLeaks" in md_path.read_text() and html_path.read_text().startswith("<!DOCTYPE")
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == [
        "macronleaks-2026-11-28.html",
        "macronleaks-2026-11-28.md",
    ]
    with pytest.raises(ValueError, match="cannot name a file"):
        write_report({"campaign_id": "../x"}, summary, tables, RUN_DATE, tmp_path)


def test_missing_figures_show_as_not_available():
    seed_row = {"campaign_id": "x", "start_at": "2017-04-27 00:00", "end_at": "2017-05-07 23:59"}
    assert (
        "window 2017-04-27 00:00 – 2017-05-07 23:59 UTC"
        in render_report(seed_row, {}, {}, RUN_DATE)[0]
    )
    markdown, _ = render_report({"campaign_id": "empty"}, {}, {}, RUN_DATE)
    assert "window" not in markdown
    assert "| Campaign tweets | n/a |" in markdown
    assert "<svg" not in markdown


def test_warehouse_types_render_like_python_ones():
    """Frames from DuckDB bring numpy scalars, pd.NA and arrays for list columns."""
    summary, tables = report_inputs()
    summary |= {"tweets": np.int64(2_400), "reused_bots": pd.NA, "threshold": np.float64(0.5)}
    tables["coordinated_groups"]["top_content"] = [np.array(["rt:1", "#a"]), np.array([])]
    markdown, _ = render_report(CAMPAIGN, summary, tables, RUN_DATE)
    assert "| Campaign tweets | 2,400 |" in markdown
    assert "| Reused bots (dormant ≥ 150 days) | n/a |" in markdown
    assert "| rt:1, #a |" in markdown


def test_rows_in_any_order_draw_a_clean_curve_and_the_campaign_column_is_not_repeated():
    summary, tables = report_inputs()
    tables["threshold_curve"] = (
        tables["threshold_curve"].sample(frac=1.0, random_state=1).assign(campaign_id="macronleaks")
    )
    _, html = render_report(CAMPAIGN, summary, tables, RUN_DATE)
    curve_svg = next(s for s in re.findall(r"<svg.*?</svg>", html, flags=re.S) if "threshold" in s)
    points = re.search(r'<polyline points="([^"]+)"', curve_svg).group(1).split()
    xs = [float(point.split(",")[0]) for point in points]
    assert xs == sorted(xs) and len(xs) == 19
    groups = tables["coordinated_groups"].assign(campaign_id="macronleaks")
    markdown, _ = render_report(CAMPAIGN, summary, {"coordinated_groups": groups}, RUN_DATE)
    assert "campaign_id" not in markdown

"""The findings report: headline numbers, offline charts, escaping, dated file names."""

from __future__ import annotations

import base64
import re
from datetime import date
from xml.etree import ElementTree

import numpy as np
import pandas as pd
import pytest

from analytics.bootstrap import bot_share_interval
from analytics.report import render_report, write_report
from tests.helpers.analytics_oracles import threshold_sensitivity

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
        "adjusted_share": 0.21,
        "adjusted_low": 0.17,
        "adjusted_high": 0.26,
        "adjusted_method": "adjusted classify-and-count",
        "top_language": "en",
        "top_language_tweets": 1_300,
        "second_language": "fr",
        "second_language_tweets": 1_000,
        "reused_bots": [("US election 2016", 57)],
        "min_dormancy_days": 150,
        "coordinated_groups": 2,
        "coordinated_accounts": 41,
        "peak_hour": pd.Timestamp("2017-05-05 19:00"),
        "peak_hour_tweets": 1_800,
        "missed_tweets": 57,
    }
    groups = pd.DataFrame(
        {
            "group_id": [2, 1],
            "group_label": ["Synchronised group 1", "Co-retweet group 1"],
            "method": ["pacheco2021_sync", "pacheco2021_coretweet"],
            "size": [8, 33],
            "bot_share": [0.75, 0.03],
            "top_content": ["#<script>alert(1)</script>|x", "rt:42 (300); #MacronLeaks (120)"],
        }
    )
    reused = pd.DataFrame(
        {
            "user_id": ["7", "8", "9"],
            "screen_name": ["not_a_reused_bot", "short_silence", "long_silence"],
            "earlier_campaign": "US election 2016",
            "dormant_from": pd.to_datetime(["2016-11-01", "2016-11-05", "2016-11-02"]),
            "dormant_until": pd.to_datetime(["2017-05-01", "2017-04-30", "2017-05-02"]),
            "dormant_days": [181, 171, 188],
            "statuses_while_dormant": [900, 2, 0],
            "bot_score": [0.008, 0.81, 0.93],
            "is_reused_bot": [False, True, True],
            "account_class": ["human", "bot", "bot"],
            "later_campaign_tweets": [4, 9, 12],
        }
    )
    amplified = pd.DataFrame(
        {
            "rank": [26, 11, 1, 39],
            "screen_name": ["d", "b", "a", "e"],
            "account_class": "human",
            "retweets_received": [10, 30, 90, 5],
            "retweets_from_bots": [3, 12, 60, 1],
            "retweets_from_humans": [7, 18, 30, 4],
            "bot_retweeters": [3, 9, 20, 1],
            "bot_amplification_share": [0.3, 0.4, 0.67, 0.2],
        }
    )
    hashtags = pd.DataFrame(
        {
            "audience": ["non_promoters"] * 3 + ["promoters"] * 2,
            "hashtag": ["football", "weather", "music", "frexit", "marine2017"],
            "share_of_audience": [0.2, 0.1, 0.05, 0.4, 0.3],
            "rank": [1, 2, 3, 1, 2],
        }
    )
    tables = {
        "hourly": hourly,
        "events": events,
        "languages": languages,
        "threshold_curve": threshold_sensitivity(scores),
        "coordinated_groups": groups,
        "reused_bots": reused,
        "amplified_accounts": amplified,
        "promoter_hashtags": hashtags,
    }
    return summary, tables


EVALUATION = pd.DataFrame(
    {
        "evaluation": "leave one labelled dataset out",
        "test": ["cresci-2017"],
        "auc": [0.968],
        "accuracy": [0.921],
        "recall": [0.9],
        "false_positive_rate": [0.04],
    }
)


def test_headline_numbers_are_in_both_renderings():
    summary, tables = report_inputs()
    markdown, html = render_report(CAMPAIGN, summary, tables, RUN_DATE)
    share = f"{summary['bot_share']:.1%}"
    interval = f"95% interval {summary['bot_share_low']:.1%} – {summary['bot_share_high']:.1%}"
    for text in (markdown, html):
        assert "2,400" in text and "2,000" in text
        assert share in text and interval in text
        assert "21.0% (95% interval 17.0% – 26.0%)" in text  # the estimated share
        assert "English 1,300, French 1,000" in text
        assert "Reused bots (from US election 2016, silent ≥ 150 days)" in text and "57" in text
        assert "2 (41 distinct accounts)" in text
        assert "2017-05-05 19:00 (1,800 tweets)" in text  # the peak hour of the summary
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
    assert group_row.count("|") == 8  # seven columns: the pipe in the data was escaped


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
        "Window 2017-04-27 00:00 – 2017-05-07 23:59 UTC"
        in render_report(seed_row, {}, {}, RUN_DATE)[0]
    )
    markdown, _ = render_report({"campaign_id": "empty"}, {}, {}, RUN_DATE)
    assert "Window" not in markdown
    assert "| Campaign tweets | n/a |" in markdown
    assert "<svg" not in markdown


def test_warehouse_types_render_like_python_ones():
    """Frames from DuckDB bring numpy scalars, pd.NA and arrays for list columns."""
    summary, tables = report_inputs()
    summary |= {
        "tweets": np.int64(2_400),
        "reused_bots": [("US election 2016", pd.NA)],
        "threshold": np.float64(0.5),
    }
    tables["coordinated_groups"]["top_content"] = [np.array([]), np.array(["rt:1", "#a"])]
    markdown, _ = render_report(CAMPAIGN, summary, tables, RUN_DATE)
    assert "| Campaign tweets | 2,400 |" in markdown
    assert "| Reused bots (from US election 2016, silent ≥ 150 days) | n/a |" in markdown
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


def table_after(markdown: str, heading: str) -> list[list[str]]:
    """The rows (header first) of the first Markdown table after a heading."""
    lines = markdown.split(f"## {heading}", 1)[1].splitlines()
    rows = [line for line in lines if line.startswith("|")]
    block = []
    for line in lines:
        if line.startswith("|"):
            block.append(line)
        elif block:
            break
    del rows
    return [
        [cell.strip() for cell in line.strip("|").split("|")] for line in block if "---" not in line
    ]


def test_tables_are_sorted_by_meaning_with_plain_headers_and_at_most_seven_columns():
    summary, tables = report_inputs()
    markdown, _ = render_report(CAMPAIGN, summary, tables, RUN_DATE)
    reused = table_after(markdown, "Reused bots")
    assert reused[0] == [
        "Account",
        "Earlier campaign",
        "Silent from (UTC)",
        "Silent until (UTC)",
        "Days silent",
        "Tweets counted while silent",
        "Bot score",
    ]
    # reused bots only (not the human), the longest silent first
    assert [row[0] for row in reused[1:]] == ["long_silence", "short_silence"]
    amplified = table_after(markdown, "Accounts whose content bots amplified most")
    assert [row[0] for row in amplified[1:]] == ["1", "11", "26", "39"]
    groups = table_after(markdown, "Coordinated groups")
    assert [row[0] for row in groups[1:]] == ["Co-retweet group 1", "Synchronised group 1"]
    events = table_after(markdown, "Volume over time")
    assert [row[1] for row in events[1:]] == ["leak", "media blackout"]
    hashtags = table_after(markdown, "What promoters talked about outside the campaign")
    assert hashtags[0] == [
        "Rank",
        "Promoters' hashtag",
        "Share of promoters",
        "Others' hashtag",
        "Share of others",
    ]
    assert hashtags[1] == ["1", "frexit", "40.0%", "football", "20.0%"]
    assert hashtags[3] == ["3", "", "", "music", "5.0%"]
    for line in markdown.splitlines():
        if line.startswith("|"):
            assert line.count("|") <= 8, line
            assert "_id" not in line and "is_reused_bot" not in line, line


def test_the_methods_box_says_how_the_numbers_were_made():
    summary, tables = report_inputs()
    markdown, html = render_report(CAMPAIGN, summary, tables, RUN_DATE, evaluation=EVALUATION)
    assert '<section class="methods">' in html
    for text in (markdown, html):
        assert "How these numbers were made" in text
        assert "at least **0.50**" in markdown or "<strong>0.50</strong>" in text
        assert "Adjusted classify-and-count" in text
        assert "cresci-2017: ROC AUC 0.968, accuracy 0.921" in text
        assert "Limits" in text and "57 matching tweets" in text
    before_methods = html.split('<section class="methods">')[0]
    assert "Headline" in before_methods and "<svg" not in before_methods


def test_the_html_is_made_for_phones_and_offline():
    summary, tables = report_inputs()
    _, html = render_report(CAMPAIGN, summary, tables, RUN_DATE)
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "@media (max-width:600px)" in html
    assert html.count('<div class="table"><table>') == html.count("<table>")
    assert "max-width:100%" in html  # charts shrink to the screen


def test_each_headline_number_links_to_the_accounts_behind_it():
    summary, tables = report_inputs()
    tables["bot_promoters"] = pd.DataFrame(
        {
            "user_id": ["7", "8"],
            "screen_name": ["quiet_bot", None],
            "tweets": [3, 9],
            "active_days": [1, 2],
            "bot_score": [0.91, 0.8],
            "first_tweet_at": pd.to_datetime(["2017-05-05 19:00", "2017-05-05 20:00"]),
            "last_tweet_at": pd.to_datetime(["2017-05-06 19:00", "2017-05-06 20:00"]),
        }
    )
    markdown, html = render_report(CAMPAIGN, summary, tables, RUN_DATE)
    headline = {row[0]: row[2] for row in table_after(markdown, "Headline")[1:]}
    to_bots = "[The bot promoters](#the-bot-promoters)"
    assert headline["Bot share among promoters, estimated"] == to_bots
    assert headline["Bot share among promoters, counted"] == to_bots
    assert headline["Coordinated groups"] == "[The groups](#coordinated-groups)"
    for anchor in ("the-bot-promoters", "reused-bots", "coordinated-groups"):
        assert f'<h2 id="{anchor}">' in html, anchor
    promoters = table_after(markdown, "The bot promoters")
    assert promoters[0][0] == "Account"
    # the most active first; an account without a screen name is shown by its id
    assert promoters[1][0] == "[8](https://x.com/i/user/8)"
    assert promoters[2][0] == "[@quiet_bot](https://x.com/i/user/7)"

"""The amplification oracle (tests/helpers/analytics_oracles.py) that the dbt marts are checked
against: amplification by bots of accounts' content and of URL domains."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.helpers.analytics_oracles import amplification_by_account, amplification_by_domain


def test_share_of_received_retweets_from_bots():
    retweets = pd.DataFrame(
        {
            "author_id": ["b1", "b2", "h1", "h2", "b1", "x", "h1"],
            "retweeted_user_id": ["star", "star", "star", "star", "quiet", "quiet", None],
            "account_class": ["bot", "bot", "human", "human", "bot", None, "human"],
        }
    )
    table = amplification_by_account(retweets).set_index("user_id")
    assert table.loc["star", "retweets_received"] == 4
    assert table.loc["star", "retweets_from_bots"] == 2
    assert table.loc["star", "bot_share"] == pytest.approx(0.5)
    # The retweeter of unknown class counts in the total but not in the share.
    assert table.loc["quiet", "retweets_received"] == 2
    assert table.loc["quiet", "bot_share"] == pytest.approx(1.0)
    assert list(table.index) == ["star", "quiet"]  # most bot retweets first
    assert amplification_by_account(retweets, min_received=3)["user_id"].tolist() == ["star"]


def test_share_of_domain_spread_due_to_bots():
    tweets = pd.DataFrame(
        {
            "url_domains": [
                ["pastebin.com", "archive.org"],
                ["pastebin.com", "pastebin.com"],
                ["www.lemonde.fr"],
                ["lemonde.fr"],
                [],
                None,
                ["Pastebin.com"],
            ],
            "account_class": ["bot", "bot", "human", "human", "bot", "bot", "human"],
        }
    )
    table = amplification_by_domain(tweets, top_n=2).set_index("domain")
    assert list(table.index) == ["pastebin.com", "lemonde.fr"]
    assert table.loc["pastebin.com", "tweets"] == 3  # twice in one tweet counts once
    assert table.loc["pastebin.com", "bot_share"] == pytest.approx(2 / 3)
    assert table.loc["lemonde.fr", "bot_share"] == pytest.approx(0.0)
    unknown = pd.DataFrame({"url_domains": [["a.com"]], "account_class": [np.nan]})
    assert np.isnan(amplification_by_domain(unknown)["bot_share"].iloc[0])

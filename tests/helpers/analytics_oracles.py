"""Independent Python computations of tables that the dbt marts build, for the tests to compare
the marts against (``tests/test_dbt_analytics.py``): who and what bots amplified
(``fct_amplified_accounts``, ``fct_amplified_domains``) and the bot share at each threshold
(``fct_promoter_threshold_sensitivity``). Nothing in the product uses them.

Amplification shares are over the rows whose poster has a known ``account_class``; rows with an
unknown class count in the totals (``retweets_received``, ``tweets``) but not in either side of
the share.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.bootstrap import promoter_score_values
from analytics.frames import require_columns

DEFAULT_THRESHOLDS = np.linspace(0.05, 0.95, 19)
BOT_CLASS = "bot"


def _bot_flags(account_class: pd.Series) -> tuple[pd.Series, pd.Series]:
    known = account_class.notna()
    return (account_class == BOT_CLASS) & known, known


def amplification_by_account(retweets: pd.DataFrame, min_received: int = 1) -> pd.DataFrame:
    """Per retweeted account: ``user_id, retweets_received, retweets_from_bots, bot_share``,
    most bot-amplified first.

    ``retweets``: one row per retweet with ``author_id`` (the retweeter), ``retweeted_user_id``
    (whose tweet was retweeted) and ``account_class`` (the retweeter's class: 'bot', 'human',
    or missing). Accounts with fewer than ``min_received`` retweets are left out.
    """
    require_columns(retweets, ["author_id", "retweeted_user_id", "account_class"], "retweets")
    frame = retweets.dropna(subset=["retweeted_user_id"])
    is_bot, known = _bot_flags(frame["account_class"])
    per_account = (
        pd.DataFrame(
            {
                "user_id": frame["retweeted_user_id"].astype(str),
                "from_bot": is_bot.astype("int64"),
                "known": known.astype("int64"),
            }
        )
        .groupby("user_id")
        .agg(
            retweets_received=("from_bot", "size"),
            retweets_from_bots=("from_bot", "sum"),
            classified=("known", "sum"),
        )
    )
    per_account = per_account[per_account["retweets_received"] >= min_received]
    per_account["bot_share"] = per_account["retweets_from_bots"] / per_account[
        "classified"
    ].replace(0, np.nan)
    return (
        per_account.drop(columns="classified")
        .reset_index()
        .sort_values(["retweets_from_bots", "bot_share", "user_id"], ascending=[False, False, True])
        .reset_index(drop=True)
    )


def amplification_by_domain(tweets: pd.DataFrame, top_n: int = 20) -> pd.DataFrame:
    """For the ``top_n`` URL domains by number of tweets: ``domain, tweets, tweets_from_bots,
    bot_share``, most shared first.

    ``tweets``: one row per tweet with ``url_domains`` (a list of domains, or one domain, or
    missing) and ``account_class`` (the poster's). A tweet counts once per distinct domain.
    """
    require_columns(tweets, ["url_domains", "account_class"], "tweets")
    frame = tweets[["url_domains", "account_class"]].reset_index(drop=True)
    frame["tweet_row"] = np.arange(len(frame))
    frame = frame.explode("url_domains").dropna(subset=["url_domains"])
    frame["domain"] = frame["url_domains"].astype(str).str.lower().str.removeprefix("www.")
    frame = frame.drop_duplicates(["tweet_row", "domain"])
    is_bot, known = _bot_flags(frame["account_class"])
    per_domain = (
        frame.assign(from_bot=is_bot.astype("int64"), known=known.astype("int64"))
        .groupby("domain")
        .agg(
            tweets=("tweet_row", "size"),
            tweets_from_bots=("from_bot", "sum"),
            classified=("known", "sum"),
        )
        .sort_values("tweets", ascending=False, kind="stable")
        .head(top_n)
    )
    per_domain["bot_share"] = per_domain["tweets_from_bots"] / per_domain["classified"].replace(
        0, np.nan
    )
    return per_domain.drop(columns="classified").reset_index()


def threshold_sensitivity(
    promoter_scores: pd.DataFrame, thresholds: np.ndarray | None = None
) -> pd.DataFrame:
    """Bot share among promoters at each threshold: ``threshold, bot_share, bots, promoters``.

    ``thresholds`` defaults to 0.05, 0.10, ..., 0.95. The share can only fall as the threshold
    rises (a promoter is a bot when ``bot_score >= threshold``).
    """
    levels = DEFAULT_THRESHOLDS if thresholds is None else np.asarray(thresholds, dtype=float)
    scores = np.sort(promoter_score_values(promoter_scores))
    promoters = len(scores)
    bots = promoters - np.searchsorted(scores, levels, side="left")
    share = bots / promoters if promoters else np.full(len(levels), np.nan)
    return pd.DataFrame(
        {
            "threshold": levels,
            "bot_share": share,
            "bots": bots.astype("int64"),
            "promoters": np.full(len(levels), promoters, dtype="int64"),
        }
    )

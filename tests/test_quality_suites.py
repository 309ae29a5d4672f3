"""The Great Expectations suites pass on good data and name what fails on bad data."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from quality import suites

NOW = datetime(2026, 1, 1)


def tweets(**overrides) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "tweet_id": ["1", "2", "3"],
            "author_id": ["10", "11", "10"],
            "created_at": pd.to_datetime(
                ["2017-05-05 18:00", "2017-05-05 19:00", "2017-05-06 01:00"]
            ),
            "lang": ["en", "fr", "und"],
            "source_file": ["a.jsonl"] * 3,
            "source_line": [1, 2, 3],
            "is_embedded": [False, False, False],
        }
    )
    return frame.assign(**overrides)


def test_raw_tweets_suite_passes_on_good_rows() -> None:
    result = suites.validate(tweets(), "raw_tweets", suites.raw_tweets_expectations(NOW))
    assert result.passed, result.failed
    assert result.evaluated == 6


def test_raw_tweets_suite_catches_duplicates_1970_and_unknown_language() -> None:
    bad = tweets(
        source_line=[1, 1, 3],
        tweet_id=["1", "1", "3"],
        created_at=pd.to_datetime(["1970-01-01", "1970-01-01", "2017-05-06"]),
        lang=["en", "en", "xx"],
    )
    result = suites.validate(bad, "raw_tweets", suites.raw_tweets_expectations(NOW))
    assert not result.passed
    failed = {f["expectation"] for f in result.failed}
    assert {
        "expect_compound_columns_to_be_unique",
        "expect_column_values_to_be_between",
        "expect_column_values_to_be_in_set",
    } <= failed
    assert result.to_metadata()["expectations_failed"] == 3


def test_scores_suite_requires_probabilities_and_both_classes() -> None:
    good = pd.DataFrame(
        {
            "user_id": ["1", "2"],
            "bot_score": [0.1, 0.9],
            "is_bot": [False, True],
            "model_version": ["v", "v"],
        }
    )
    assert suites.validate(good, "scores", suites.scores_expectations()).passed
    bad = good.assign(bot_score=[0.1, 1.5], is_bot=[True, True])
    failed = {
        f["expectation"]
        for f in suites.validate(bad, "scores", suites.scores_expectations()).failed
    }
    assert failed == {
        "expect_column_values_to_be_between",
        "expect_column_unique_value_count_to_be_between",
    }


def test_accounts_suite_rejects_an_account_tweeting_before_it_existed() -> None:
    accounts = pd.DataFrame(
        {
            "user_id": ["1", "2"],
            "followers_count": [1, 2],
            "friends_count": [1, 2],
            "statuses_count": [1, 2],
            "favourites_count": [0, 0],
            "listed_count": [0, 0],
            "account_created_at": pd.to_datetime(["2016-01-01", "2017-06-01"]),
            "first_tweet_at": pd.to_datetime(["2017-05-05", "2017-05-05"]),
            "quarantine_reason": [None, None],
        }
    )
    result = suites.validate(accounts, "accounts", suites.accounts_expectations(), "user_id")
    assert [f["expectation"] for f in result.failed] == [
        "expect_column_pair_values_a_to_be_greater_than_b"
    ]
    assert result.failed[0]["what"].startswith(
        "expected first_tweet_at at or after account_created_at: 1 of 2 rows (50.00%) do not; "
        "e.g. 2 ("
    )
    quarantined = accounts.assign(
        quarantine_reason=[None, suites.QUARANTINE_CREATED_AFTER_FIRST_TWEET]
    )
    assert suites.validate(quarantined, "accounts", suites.accounts_expectations()).passed

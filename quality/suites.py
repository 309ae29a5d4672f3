"""Great Expectations suites: which expectations each table must meet (pure; GX imported lazily).

``validate`` runs a suite on a pandas frame with an ephemeral GX context (GX's SQL datasource over
duckdb-engine is broken here, see shared/STACK.md) and returns a summary for check metadata.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd

from botwatch.schema import TWITTER_BIRTH

MIN_PROMOTERS_FOR_SHARE_CHECK = 30

ISO_639_1 = frozenset(
    [
        "aa",
        "ab",
        "ae",
        "af",
        "ak",
        "am",
        "an",
        "ar",
        "as",
        "av",
        "ay",
        "az",
        "ba",
        "be",
        "bg",
        "bh",
        "bi",
        "bm",
        "bn",
        "bo",
        "br",
        "bs",
        "ca",
        "ce",
        "ch",
        "co",
        "cr",
        "cs",
        "cu",
        "cv",
        "cy",
        "da",
        "de",
        "dv",
        "dz",
        "ee",
        "el",
        "en",
        "eo",
        "es",
        "et",
        "eu",
        "fa",
        "ff",
        "fi",
        "fj",
        "fo",
        "fr",
        "fy",
        "ga",
        "gd",
        "gl",
        "gn",
        "gu",
        "gv",
        "ha",
        "he",
        "hi",
        "ho",
        "hr",
        "ht",
        "hu",
        "hy",
        "hz",
        "ia",
        "id",
        "ie",
        "ig",
        "ii",
        "ik",
        "io",
        "is",
        "it",
        "iu",
        "ja",
        "jv",
        "ka",
        "kg",
        "ki",
        "kj",
        "kk",
        "kl",
        "km",
        "kn",
        "ko",
        "kr",
        "ks",
        "ku",
        "kv",
        "kw",
        "ky",
        "la",
        "lb",
        "lg",
        "li",
        "ln",
        "lo",
        "lt",
        "lu",
        "lv",
        "mg",
        "mh",
        "mi",
        "mk",
        "ml",
        "mn",
        "mr",
        "ms",
        "mt",
        "my",
        "na",
        "nb",
        "nd",
        "ne",
        "ng",
        "nl",
        "nn",
        "no",
        "nr",
        "nv",
        "ny",
        "oc",
        "oj",
        "om",
        "or",
        "os",
        "pa",
        "pi",
        "pl",
        "ps",
        "pt",
        "qu",
        "rm",
        "rn",
        "ro",
        "ru",
        "rw",
        "sa",
        "sc",
        "sd",
        "se",
        "sg",
        "si",
        "sk",
        "sl",
        "sm",
        "sn",
        "so",
        "sq",
        "sr",
        "ss",
        "st",
        "su",
        "sv",
        "sw",
        "ta",
        "te",
        "tg",
        "th",
        "ti",
        "tk",
        "tl",
        "tn",
        "to",
        "tr",
        "ts",
        "tt",
        "tw",
        "ty",
        "ug",
        "uk",
        "ur",
        "uz",
        "ve",
        "vi",
        "vo",
        "wa",
        "wo",
        "xh",
        "yi",
        "yo",
        "za",
        "zh",
        "zu",
    ]
)
# Codes Twitter sends besides ISO 639-1: undetermined, and its documented special values
# (legacy Hebrew/Indonesian codes, hashtags-only, media-only, ...).
TWITTER_LANGUAGE_CODES = ISO_639_1 | {
    "und",
    "in",
    "iw",
    "ckb",
    "qam",
    "qct",
    "qht",
    "qme",
    "qst",
    "zxx",
    "art",
}


@dataclass
class SuiteResult:
    suite: str
    passed: bool
    evaluated: int
    failed: list[dict[str, Any]] = field(default_factory=list)
    rows: int = 0

    def to_metadata(self) -> dict[str, Any]:
        return {
            "suite": self.suite,
            "rows_validated": self.rows,
            "expectations_run": self.evaluated,
            "expectations_failed": len(self.failed),
            "failures": self.failed,
        }


def validate(frame: pd.DataFrame, suite_name: str, expectations: list) -> SuiteResult:
    import great_expectations as gx

    context = gx.get_context(mode="ephemeral")
    batch = (
        context.data_sources.add_pandas(suite_name)
        .add_dataframe_asset(suite_name)
        .add_batch_definition_whole_dataframe(suite_name)
    )
    suite = context.suites.add(gx.ExpectationSuite(name=suite_name, expectations=expectations))
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name=suite_name, data=batch, suite=suite)
    )
    outcome = definition.run(batch_parameters={"dataframe": frame})
    failed = [
        {
            "expectation": r.expectation_config.type,
            "column": r.expectation_config.kwargs.get("column")
            or r.expectation_config.kwargs.get("column_list"),
            "observed": _observed(r.result),
        }
        for r in outcome.results
        if not r.success
    ]
    return SuiteResult(suite_name, outcome.success, len(outcome.results), failed, len(frame))


def _observed(result: dict[str, Any]) -> str:
    for key in ("observed_value", "unexpected_percent", "partial_unexpected_list"):
        if key in result:
            return str(result[key])[:300]
    return ""


def raw_tweets_expectations(now: datetime) -> list:
    """Raw tweets: one row per observation, an author, a plausible time, a known language."""
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToNotBeNull(column="tweet_id"),
        gxe.ExpectColumnValuesToNotBeNull(column="author_id"),
        gxe.ExpectColumnValuesToNotBeNull(column="created_at"),
        gxe.ExpectCompoundColumnsToBeUnique(
            column_list=["tweet_id", "source_file", "source_line", "is_embedded"]
        ),
        gxe.ExpectColumnValuesToBeBetween(
            column="created_at", min_value=pd.Timestamp(TWITTER_BIRTH), max_value=pd.Timestamp(now)
        ),
        gxe.ExpectColumnValuesToBeInSet(column="lang", value_set=sorted(TWITTER_LANGUAGE_CODES)),
    ]


def accounts_expectations() -> list:
    """Accounts: counts are never negative, an account exists before it tweets."""
    import great_expectations.expectations as gxe

    counts = [
        "followers_count",
        "friends_count",
        "statuses_count",
        "favourites_count",
        "listed_count",
    ]
    return [
        gxe.ExpectColumnValuesToNotBeNull(column="user_id"),
        gxe.ExpectColumnValuesToBeUnique(column="user_id"),
        *[gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0) for c in counts],
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="first_tweet_at",
            column_B="account_created_at",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
        ),
    ]


def scores_expectations() -> list:
    """Scores: probabilities in [0, 1], a label for every account, both classes present."""
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToNotBeNull(column="bot_score"),
        gxe.ExpectColumnValuesToBeBetween(column="bot_score", min_value=0.0, max_value=1.0),
        gxe.ExpectColumnValuesToBeUnique(column="user_id"),
        gxe.ExpectColumnValuesToNotBeNull(column="model_version"),
        gxe.ExpectColumnUniqueValueCountToBeBetween(column="is_bot", min_value=2, max_value=2),
    ]


def campaign_summary_expectations() -> list:
    """Campaigns: the bot share among promoters is plausible (1%-90%) where there are enough."""
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToBeBetween(
            column="bot_share_among_promoters", min_value=0.01, max_value=0.90
        ),
    ]

"""Great Expectations suites: which expectations each table must meet (pure; GX imported lazily).

``validate`` runs a suite on a pandas frame with an ephemeral GX context (GX's SQL datasource over
duckdb-engine is broken here, see shared/STACK.md) and returns a summary for check metadata; a
failed expectation is said in words, with how many rows and example ids.

Tweet-sized tables are not copied into pandas: their keys, nulls, ranges and codes are counted on
every row in DuckDB (``quality.exhaustive``, the ``*_rules`` below) and the GX suite validates a
reservoir sample of ``SAMPLE_ROWS`` rows (``sample_sql``, seeded, so a re-run draws the same rows).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd

from botwatch.schema import TWITTER_BIRTH
from quality.exhaustive import RowRule, UniqueKey

MIN_PROMOTERS_FOR_SHARE_CHECK = 30
SAMPLE_ROWS = 100_000
SAMPLE_SEED = 16
EXAMPLES = 5
# Accounts created after their first collected tweet are quarantined by dbt (dim_accounts's
# quarantine_reason, shown and published, flagged rather than dropped); more than this share of
# them means a systematic fault (a clock, a parser, a merged collection) and blocks publication.
QUARANTINE_TOLERANCE = 0.05
QUARANTINE_CREATED_AFTER_FIRST_TWEET = "account created after its first collected tweet"

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
            "failed": "; ".join(f["what"] for f in self.failed) or "nothing",
        }


def sample_sql(relation: str, columns: list[str], rows: int = SAMPLE_ROWS) -> str:
    """A seeded reservoir sample of ``rows`` rows (all of them when the table is smaller)."""
    return (
        f"SELECT {', '.join(columns)} FROM {relation} "
        f"USING SAMPLE reservoir({rows} ROWS) REPEATABLE ({SAMPLE_SEED})"
    )


def combine(suite: str, gx_result: SuiteResult, outcomes: list) -> SuiteResult:
    """A GX result and exhaustive rule outcomes as one suite result."""
    failed = [
        {"expectation": o.name, "column": None, "what": o.sentence(), "rows_failed": o.failing_rows}
        for o in outcomes
        if not o.passed
    ] + gx_result.failed
    return SuiteResult(
        suite,
        passed=gx_result.passed and not any(not o.passed for o in outcomes),
        evaluated=gx_result.evaluated + len(outcomes),
        failed=failed,
        rows=max([gx_result.rows, *(o.rows for o in outcomes)]),
    )


def validate(
    frame: pd.DataFrame, suite_name: str, expectations: list, id_column: str | None = None
) -> SuiteResult:
    """Run ``expectations`` on ``frame``; failures name up to EXAMPLES ids of ``id_column``."""
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
    result_format: dict[str, Any] = {"result_format": "SUMMARY"}
    if id_column is not None:
        result_format["unexpected_index_column_names"] = [id_column]
    outcome = definition.run(batch_parameters={"dataframe": frame}, result_format=result_format)
    failed = [
        {
            "expectation": r.expectation_config.type,
            "column": r.expectation_config.kwargs.get("column")
            or r.expectation_config.kwargs.get("column_list"),
            "what": failure_sentence(
                r.expectation_config.type,
                r.expectation_config.kwargs,
                r.result,
                id_column,
                len(frame),
            ),
            "rows_failed": r.result.get("unexpected_count"),
            "observed": _observed(r.result),
        }
        for r in outcome.results
        if not r.success
    ]
    return SuiteResult(suite_name, outcome.success, len(outcome.results), failed, len(frame))


def _observed(result: dict[str, Any]) -> str:
    for key in ("observed_value", "partial_unexpected_list", "unexpected_percent"):
        if key in result:
            return str(result[key])[:300]
    return ""


_WORDS = {
    "expect_column_values_to_not_be_null": "{column} is never missing",
    "expect_column_values_to_be_unique": "{column} is unique",
    "expect_compound_columns_to_be_unique": "one row per {column_list}",
    "expect_column_values_to_be_between": "{column} between {min_value} and {max_value}",
    "expect_column_values_to_be_in_set": "{column} among the accepted values",
    "expect_column_unique_value_count_to_be_between": (
        "{column} takes between {min_value} and {max_value} distinct values"
    ),
    "expect_column_pair_values_a_to_be_greater_than_b": "{column_A} at or after {column_B}",
}


def failure_sentence(
    expectation: str,
    kwargs: dict[str, Any],
    result: dict[str, Any],
    id_column: str | None,
    rows: int,
) -> str:
    """A failed expectation in plain words: what was expected, how many rows broke it, examples."""
    words = {k: ("any" if v is None else v) for k, v in kwargs.items()}
    if isinstance(words.get("column_list"), list):
        words["column_list"] = ", ".join(words["column_list"])
    try:
        expected = _WORDS[expectation].format(**words)
    except KeyError:
        expected = expectation.removeprefix("expect_").replace("_", " ")
    if "unexpected_count" not in result:
        return f"expected {expected}; observed {_observed(result)}"
    count = result["unexpected_count"]
    share = count / rows if rows else 0.0
    examples = [
        f"{row.get(id_column)} ({', '.join(str(v) for k, v in row.items() if k != id_column)})"
        for row in (result.get("partial_unexpected_index_list") or [])[:EXAMPLES]
        if id_column is not None and isinstance(row, dict)
    ] or [str(v) for v in (result.get("partial_unexpected_list") or [])[:EXAMPLES]]
    return (
        f"expected {expected}: {count:,} of {rows:,} rows ({share:.2%}) do not; "
        f"e.g. {', '.join(examples)}"
    )


def raw_tweets_sample_expectations(now: datetime) -> list:
    """The row-wise raw tweet expectations GX runs on a sample (``raw_tweets_rules`` checks
    these and the observation key on every row in DuckDB)."""
    return [
        e
        for e in raw_tweets_expectations(now)
        if e.expectation_type != "expect_compound_columns_to_be_unique"
    ]


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


RAW_TWEET_KEY = ("tweet_id", "source_file", "source_line", "is_embedded")
RAW_TWEET_SAMPLE_COLUMNS = ["tweet_id", "author_id", "created_at", "lang"]


def raw_tweets_rules(now: datetime) -> tuple[list[RowRule], list[UniqueKey]]:
    """Raw tweets, every row: ids, author and time present, a plausible time, a known language,
    one row per observation (file, line, level)."""
    codes = ", ".join(f"'{code}'" for code in sorted(TWITTER_LANGUAGE_CODES))
    rules = [
        RowRule("tweet_id_present", "a tweet id", "tweet_id IS NULL"),
        RowRule("author_id_present", "an author id", "author_id IS NULL"),
        RowRule("created_at_present", "a created_at time", "created_at IS NULL"),
        RowRule(
            "created_at_plausible",
            f"created_at between Twitter's launch ({TWITTER_BIRTH:%Y-%m-%d}) and now",
            f"created_at < TIMESTAMP '{TWITTER_BIRTH:%Y-%m-%d}' "
            f"OR created_at > TIMESTAMP '{now:%Y-%m-%d %H:%M:%S}'",
        ),
        RowRule(
            "lang_known",
            "lang an ISO 639-1 code, 'und' or one of Twitter's special codes",
            f"lang IS NOT NULL AND lang NOT IN ({codes})",
        ),
    ]
    return rules, [UniqueKey(RAW_TWEET_KEY)]


def accounts_rules() -> list[RowRule]:
    """Accounts, every row: the quarantined share (created after their first tweet) within
    QUARANTINE_TOLERANCE."""
    return [
        RowRule(
            "created_after_first_tweet_within_tolerance",
            f"at most {QUARANTINE_TOLERANCE:.0%} of accounts quarantined as "
            f"'{QUARANTINE_CREATED_AFTER_FIRST_TWEET}' (a larger share is a systematic fault)",
            f"quarantine_reason = '{QUARANTINE_CREATED_AFTER_FIRST_TWEET}'",
            tolerance=QUARANTINE_TOLERANCE,
        )
    ]


def accounts_expectations() -> list:
    """Accounts: counts are never negative; an account created after its first tweet is
    quarantined (``accounts_rules``), every other one exists before it tweets."""
    import great_expectations.expectations as gxe
    from great_expectations.expectations.row_conditions import Column

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
            row_condition=Column("quarantine_reason").is_null(),
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

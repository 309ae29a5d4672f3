"""The quality checks at scale, on a copy of a real run's warehouse: every row counted in DuckDB,
failures said in words with how many rows and example ids, quarantine within its tolerance."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from quality import exhaustive, suites
from tests.conftest import PipelineRun

NOW = datetime.now(UTC).replace(tzinfo=None)


@pytest.fixture
def warehouse(pipeline_snapshot: PipelineRun, tmp_path: Path):
    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(pipeline_snapshot.warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        yield con


def raw_outcomes(con) -> dict[str, exhaustive.RuleOutcome]:
    rules, keys = suites.raw_tweets_rules(NOW)
    return {o.name: o for o in exhaustive.check(con, "raw.tweets", "tweet_id", rules, keys)}


def test_a_real_runs_raw_tweets_pass_every_rule_on_every_row(warehouse) -> None:
    outcomes = raw_outcomes(warehouse)
    (rows,) = warehouse.execute("SELECT count(*) FROM raw.tweets").fetchall()[0]
    assert all(o.passed and o.rows == rows for o in outcomes.values()), outcomes


def test_injected_defects_are_counted_exactly_and_named_by_id(warehouse) -> None:
    warehouse.execute(
        "CREATE TEMP TABLE victims AS SELECT * FROM raw.tweets ORDER BY tweet_id LIMIT 7"
    )
    warehouse.execute("INSERT INTO raw.tweets SELECT * FROM victims")  # the same lines twice
    warehouse.execute(
        "INSERT INTO raw.tweets SELECT * REPLACE ('injected' AS source_file, "
        "TIMESTAMP '1970-01-01' AS created_at, 'xx' AS lang) FROM victims LIMIT 3"
    )
    victims = [row[0] for row in warehouse.execute("SELECT tweet_id FROM victims").fetchall()]
    outcomes = raw_outcomes(warehouse)

    duplicated = outcomes["unique_tweet_id_source_file_source_line_is_embedded"]
    assert duplicated.failing_rows == 7 and set(duplicated.examples) <= set(victims)
    assert outcomes["created_at_plausible"].failing_rows == 3
    assert outcomes["lang_known"].failing_rows == 3
    sentence = outcomes["lang_known"].sentence()
    assert "3 of" in sentence and victims[0] in sentence
    assert {n for n, o in outcomes.items() if not o.passed} == {
        "unique_tweet_id_source_file_source_line_is_embedded",
        "created_at_plausible",
        "lang_known",
    }


def test_gx_on_the_sample_names_the_bad_rows(warehouse) -> None:
    warehouse.execute("UPDATE raw.tweets SET lang = 'xx' WHERE tweet_id IN "
                      "(SELECT tweet_id FROM raw.tweets ORDER BY tweet_id LIMIT 2)")  # fmt: skip
    (rows,) = warehouse.execute("SELECT count(*) FROM raw.tweets").fetchall()[0]
    sample = warehouse.sql(  # the whole table: the sample must hold the two bad rows
        suites.sample_sql("raw.tweets", suites.RAW_TWEET_SAMPLE_COLUMNS, rows=rows)
    ).df()
    assert len(sample) == rows
    result = suites.validate(
        sample, "raw_tweets", suites.raw_tweets_sample_expectations(NOW), "tweet_id"
    )
    assert not result.passed
    (failure,) = result.failed
    assert failure["rows_failed"] >= 2
    assert failure["what"].startswith("expected lang among the accepted values: ")


def test_quarantine_within_tolerance_passes_beyond_it_blocks(warehouse) -> None:
    (accounts,) = warehouse.execute("SELECT count(*) FROM marts.dim_accounts").fetchall()[0]
    rule = suites.accounts_rules()

    def quarantine(share: float) -> exhaustive.RuleOutcome:
        warehouse.execute("UPDATE marts.dim_accounts SET quarantine_reason = NULL")
        warehouse.execute(
            "UPDATE marts.dim_accounts SET quarantine_reason = ? WHERE user_id IN "
            "(SELECT user_id FROM marts.dim_accounts ORDER BY user_id LIMIT ?)",
            [suites.QUARANTINE_CREATED_AFTER_FIRST_TWEET, int(accounts * share)],
        )
        (outcome,) = exhaustive.check(warehouse, "marts.dim_accounts", "user_id", rule)
        return outcome

    assert quarantine(0.0).passed
    assert quarantine(0.03).passed  # the 3.4 % of the run published, flagged
    beyond = quarantine(0.08)
    assert not beyond.passed
    assert beyond.failing_rows == int(accounts * 0.08)
    assert "(tolerance 5.0%)" in beyond.sentence()

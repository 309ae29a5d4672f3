"""How long `dbt build` takes on a collection of N tweets.

The canonical raw tables are generated directly in DuckDB SQL (as ingest would leave them: 30% of
tweets are retweets whose originals are also stored embedded, 10% written twice, a user
observation per tweet, 1% deleted, scores for every account), then the whole dbt project is built
(models, unit tests, data tests). The baseline is the same build at the smallest size, to show
how the cost per tweet grows.

    python -m bench.dbt_build                     # 100k and 1M tweets
    BENCH_TWEETS=200000 python -m bench.dbt_build  # one size
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from botwatch.paths import DBT_PROJECT_DIR, PROJECT_ROOT
from botwatch.schema import (
    ACCOUNT_BOT_SCORE_COLUMNS,
    SCORE_SCHEMA,
    create_raw_tables_sql,
    create_table_sql,
)

RESULTS = PROJECT_ROOT / "bench" / "results" / "dbt_build.json"
DBT = Path(sys.executable).with_name("dbt")
TEXTS = [
    "Voici les #MacronLeaks",
    "encore des #macronléaks",
    "#MACRONGATE partout",
    "les Macron LEAKS sont réels",
    "Vote #MAGA",
    "#ImWithHer today",
    "the Clinton Emails again",
    "#Election2016 night",
    "bonjour tout le monde",
    "#France #Paris",
]


def generate_raw(con: duckdb.DuckDBPyConnection, tweets: int) -> None:
    """Fill the canonical raw tables (and ml scores) with ``tweets`` synthetic tweets."""
    for statement in create_raw_tables_sql():
        con.execute(statement)
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {SCORE_SCHEMA}")
    con.execute(create_table_sql(SCORE_SCHEMA, "account_bot_scores", ACCOUNT_BOT_SCORE_COLUMNS))
    accounts = max(tweets // 20, 10)
    texts = "[" + ", ".join("'" + t.replace("'", "''") + "'" for t in TEXTS) + "]"
    con.execute(f"""
        CREATE TEMP TABLE generated AS
        WITH hashed AS (
            SELECT i, CAST(hash(i) % 1000000007 AS BIGINT) AS h
            FROM range({tweets}) AS t(i)
        ),
        base AS (
            SELECT
                i,
                'u' || ((h * 2) % {accounts}) AS author_id,
                CASE WHEN i % 2 = 0
                    THEN TIMESTAMP '2016-10-10' + to_seconds((h * 3) % (36 * 86400))
                    ELSE TIMESTAMP '2017-04-22' + to_seconds((h * 3) % (18 * 86400))
                END AS created_at,
                {texts}[1 + (h * 7) % 10] AS base_text,
                ['en', 'en', 'fr', 'fr', 'de', 'und'][1 + (h * 5) % 6] AS lang,
                CASE WHEN i > 100 AND (h * 11) % 10 < 3 THEN (h * 13) % i END AS original
            FROM hashed
        )
        SELECT
            *,
            CAST(100000000000000000 + i AS VARCHAR) AS tweet_id,
            regexp_extract_all(base_text, '#(\\w+)', 1) AS hashtags
        FROM base
    """)
    columns = """
        tweet_id, created_at, author_id, text, lang, retweeted_tweet_id, hashtags,
        mentioned_user_ids, urls, is_embedded, source_file, source_line, api_version
    """
    con.execute(f"""
        INSERT INTO raw.tweets ({columns})
        SELECT
            g.tweet_id, g.created_at, g.author_id,
            CASE WHEN o.i IS NULL THEN g.base_text
                 ELSE 'RT @' || o.author_id || ': ' || o.base_text END,
            g.lang,
            o.tweet_id,
            coalesce(o.hashtags, g.hashtags),
            CASE WHEN o.i IS NOT NULL THEN [o.author_id]
                 WHEN g.i % 5 = 0 THEN ['u' || (hash(g.i * 17) % {accounts})] ELSE [] END,
            CASE WHEN g.i % 4 = 0 THEN ['https://www.example.org/' || (g.i % 100)] ELSE [] END,
            false,
            'bench/' || (g.i // 10000) || '.jsonl', g.i % 10000 + 1, 'v1.1'
        FROM generated AS g
        LEFT JOIN generated AS o ON g.original = o.i
    """)
    # Embedded originals of retweets, and 10% of the tweets written again in another file.
    con.execute(f"""
        INSERT INTO raw.tweets ({columns})
        SELECT o.tweet_id, o.created_at, o.author_id, o.base_text, o.lang, NULL, o.hashtags,
               [], [], true, 'bench/' || (g.i // 10000) || '.jsonl', g.i % 10000 + 1, 'v1.1'
        FROM generated AS g JOIN generated AS o ON g.original = o.i
    """)
    con.execute(f"""
        INSERT INTO raw.tweets ({columns})
        SELECT {columns.replace("source_file", "'bench/again.jsonl'")}
        FROM raw.tweets WHERE NOT is_embedded AND hash(tweet_id) % 10 = 0
    """)
    con.execute("""
        INSERT INTO raw.user_observations
            (user_id, observed_at, screen_name, created_at, followers_count, friends_count,
             statuses_count, verified, default_profile, source_file, source_line, api_version)
        SELECT author_id, created_at, 'name_' || author_id,
               TIMESTAMP '2009-01-01' + to_days(CAST(hash(author_id) % 3000 AS INTEGER)),
               hash(author_id) % 5000 + i % 7, hash(author_id) % 700, 100 + i,
               false, hash(author_id) % 3 = 0,
               'bench/' || (i // 10000) || '.jsonl', i % 10000 + 1, 'v1.1'
        FROM generated
    """)
    con.execute("""
        INSERT INTO raw.stream_notices (notice_type, tweet_id, user_id, source_file, source_line)
        SELECT 'delete', tweet_id, author_id, 'bench/deletes.jsonl', i
        FROM generated WHERE hash(i * 19) % 100 = 0
    """)
    con.execute("""
        INSERT INTO raw.stream_notices
            (notice_type, missed_tweets, notice_at, source_file, source_line)
        SELECT 'limit', 10 + i, TIMESTAMP '2017-05-05 18:00:00' + to_minutes(i * 7),
               'bench/limits.jsonl', i
        FROM range(50) AS t(i)
    """)
    con.execute("""
        INSERT INTO raw.ingested_files (source_file, file_format, compression, ingested_at)
        SELECT DISTINCT source_file, 'v1.1-lines', 'none', TIMESTAMP '2026-01-01'
        FROM raw.tweets
    """)
    con.execute("""
        INSERT INTO ml.account_bot_scores
        SELECT user_id, score, score >= 0.7, 0.7, 'bench', 'v1.1', [], '[]', TIMESTAMP '2026-01-02'
        FROM (SELECT DISTINCT author_id AS user_id, (hash(author_id) % 1000) / 1000.0 AS score
              FROM generated)
    """)


def build(warehouse: Path, work: Path, exclude: list[str]) -> dict:
    env = {
        **os.environ,
        "BOTWATCH_WAREHOUSE": str(warehouse),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "0",
    }
    command = [
        str(DBT), "build", *exclude,
        "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
        "--target-path", str(work / "target"), "--log-path", str(work / "logs"),
    ]  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    results = json.loads((work / "target" / "run_results.json").read_text())["results"]
    by_kind: dict[str, float] = {}
    for result in results:
        kind = result["unique_id"].split(".")[0]
        by_kind[kind] = by_kind.get(kind, 0.0) + result["execution_time"]
    slowest = sorted(results, key=lambda r: -r["execution_time"])[:5]
    return {
        "dbt_build_s": round(wall, 2),
        "passed": done.returncode == 0,
        "failed_nodes": [r["unique_id"] for r in results if r["status"] in ("error", "fail")],
        "seconds_by_kind": {k: round(v, 2) for k, v in by_kind.items()},
        "slowest_nodes": {r["unique_id"]: round(r["execution_time"], 2) for r in slowest},
    }


def measure(tweets: int, exclude: list[str]) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench_dbt_") as folder:
        work = Path(folder)
        warehouse = work / "warehouse.duckdb"
        started = time.perf_counter()
        with duckdb.connect(str(warehouse)) as con:
            generate_raw(con, tweets)
            raw_rows = con.execute("SELECT count(*) FROM raw.tweets").fetchone()[0]
        generated_s = time.perf_counter() - started
        figures = build(warehouse, work, exclude)
        with duckdb.connect(str(warehouse), read_only=True) as con:
            kept = con.execute("SELECT count(*) FROM marts.fct_tweets").fetchone()[0]
    return {
        "tweets": tweets,
        "raw_tweet_rows": raw_rows,
        "fct_tweets_rows": kept,
        "generate_s": round(generated_s, 2),
        **figures,
        "us_per_tweet": round(figures["dbt_build_s"] / tweets * 1e6, 2),
    }


def main() -> None:
    sizes = (
        [int(os.environ["BENCH_TWEETS"])] if "BENCH_TWEETS" in os.environ else [100_000, 1_000_000]
    )
    # BENCH_DBT_CORE=1 builds without the campaign analytics models (marts/analytics).
    exclude = (
        ["--exclude", "path:models/marts/analytics"] if os.environ.get("BENCH_DBT_CORE") else []
    )
    runs = []
    for size in sizes:
        runs.append(measure(size, exclude))
        print(json.dumps(runs[-1]), flush=True)
    baseline = runs[0]
    for run in runs:
        run["cost_per_tweet_vs_smallest"] = round(run["us_per_tweet"] / baseline["us_per_tweet"], 2)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {"benchmark": "dbt_build", "scope": "core" if exclude else "all", "runs": runs},
            indent=2,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()

"""Ingest throughput and memory, beside DuckDB's own ``read_json`` and a ``json.loads`` loop.

    python -m bench.ingest                      # 100k and 1M tweets, plain and gzip
    BENCH_TWEETS=200000 python -m bench.ingest  # just that size (a comma list for several)
    python -m bench.ingest --sizes 100000,5000000

For each size the simulator writes hourly v1.1 files (plain; the gzip set is the same files
compressed), then each contender runs in a fresh child process on the same files:
- ``ingest``: ``ingest_files`` into a fresh DuckDB file (the ingest asset's work);
- ``duckdb_read_json``: ``read_json`` with explicit column types (no inference) into a table with
  the canonical tweet columns plus the author's profile, top-level tweets only (less work than the
  ingest: no embedded originals, no validation, no line numbers; the practical limit);
- ``duckdb_read_json_same_rows``: the same explicit ``read_json``, doing the ingest's work: every
  tweet object of a line (retweeted and quoted originals too) as a tweet row and every author as a
  profile row, into two tables (still no validation, quarantine or line numbers): what the first
  baseline would cost if it wrote what the ingest writes;
- ``python_loop``: ``json.loads`` per line building the same tweet and user rows as tuples.
Figures go to ``bench/results/ingest.json`` and a Markdown table to ``bench/results/ingest.md``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
DEFAULT_SIZES = (100_000, 1_000_000)
MEMORY_LIMIT = "1GB"
GOALS = {"ratio_vs_duckdb": 0.7, "ratio_vs_python_loop": {"none": 6.0, "gzip": 3.0}}
SCALING_GOAL = 1.2
RSS_GOAL_MIB = 2048


# --- the contenders, each run in a child: python -m bench.ingest --run NAME DIR -------------


class _Clock:
    """Wall seconds, and CPU seconds of all the process's threads: a figure that other
    processes competing for the machine's cores disturb much less."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def read(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall, time.process_time() - self.cpu


def _files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.name.startswith("tweets-"))


def run_ingest(directory: Path, scratch: Path) -> dict:
    import duckdb

    from ingest import ingest_files

    # DuckDB's Arrow scan imports pandas on first use (a second or two, once per process): a
    # long-lived asset process has paid it already, so it is paid here before the clock starts.
    duckdb.connect().register("warm_up", __import__("pyarrow").table({"x": [1]}))
    con = duckdb.connect(str(scratch / "ingest.duckdb"))
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    clock = _Clock()
    reports = ingest_files(con, _files(directory))
    seconds, cpu_seconds = clock.read()
    top = con.execute("SELECT count(*) FROM raw.tweets WHERE NOT is_embedded").fetchone()[0]
    con.close()
    return {
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "tweets": top,
        "rows": sum(r.tweets + r.user_observations for r in reports),
        "rejected": sum(r.rejected for r in reports),
    }


_READ_JSON_COLUMNS = {
    "id_str": "VARCHAR",
    "created_at": "VARCHAR",
    "text": "VARCHAR",
    "extended_tweet": "STRUCT(full_text VARCHAR, entities STRUCT(hashtags STRUCT(text VARCHAR)[], "
    "user_mentions STRUCT(id_str VARCHAR, screen_name VARCHAR)[], "
    "urls STRUCT(expanded_url VARCHAR)[]))",
    "entities": "STRUCT(hashtags STRUCT(text VARCHAR)[], "
    "user_mentions STRUCT(id_str VARCHAR, screen_name VARCHAR)[], "
    "urls STRUCT(expanded_url VARCHAR)[])",
    "lang": "VARCHAR",
    "source": "VARCHAR",
    "in_reply_to_status_id_str": "VARCHAR",
    "in_reply_to_user_id_str": "VARCHAR",
    "quoted_status_id_str": "VARCHAR",
    "retweet_count": "BIGINT",
    "favorite_count": "BIGINT",
    "retweeted_status": "STRUCT(id_str VARCHAR)",
    "user": "STRUCT(id_str VARCHAR, screen_name VARCHAR, name VARCHAR, description VARCHAR, "
    "location VARCHAR, url VARCHAR, created_at VARCHAR, lang VARCHAR, followers_count BIGINT, "
    "friends_count BIGINT, statuses_count BIGINT, favourites_count BIGINT, listed_count BIGINT, "
    "verified BOOLEAN, protected BOOLEAN, geo_enabled BOOLEAN, default_profile BOOLEAN, "
    "default_profile_image BOOLEAN, profile_use_background_image BOOLEAN, "
    "profile_image_url_https VARCHAR)",
}
_TIME = "'%a %b %d %H:%M:%S %z %Y'"


def run_read_json(directory: Path, scratch: Path) -> dict:
    import duckdb

    files = [str(p) for p in _files(directory)]
    columns = "{" + ", ".join(f"'{k}': '{v}'" for k, v in _READ_JSON_COLUMNS.items()) + "}"
    entities = "coalesce(extended_tweet.entities, entities)"
    con = duckdb.connect(str(scratch / "read_json.duckdb"))
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    clock = _Clock()
    con.execute(f"""
        CREATE TABLE tweets AS
        SELECT id_str AS tweet_id, timezone('UTC', strptime(created_at, {_TIME})) AS created_at,
            "user".id_str AS author_id, coalesce(extended_tweet.full_text, text) AS text, lang,
            source, retweeted_status.id_str AS retweeted_tweet_id,
            quoted_status_id_str AS quoted_tweet_id,
            in_reply_to_status_id_str AS in_reply_to_tweet_id, in_reply_to_user_id_str,
            list_transform({entities}.hashtags, lambda h: h.text) AS hashtags,
            list_transform({entities}.user_mentions, lambda m: m.id_str) AS mentioned_user_ids,
            list_transform({entities}.user_mentions, lambda m: m.screen_name) AS mentioned_names,
            list_transform({entities}.urls, lambda u: u.expanded_url) AS urls,
            retweet_count, favorite_count, false AS is_embedded, filename AS source_file,
            "user".screen_name, "user".name, "user".description, "user".location, "user".url,
            timezone('UTC', strptime("user".created_at, {_TIME})) AS user_created_at,
            "user".lang AS user_lang, "user".followers_count, "user".friends_count,
            "user".statuses_count, "user".favourites_count, "user".listed_count,
            "user".verified, "user".protected, "user".geo_enabled, "user".default_profile,
            "user".default_profile_image, "user".profile_use_background_image,
            "user".profile_image_url_https
        FROM read_json({files}, format = 'newline_delimited', columns = {columns},
                       filename = true)
        WHERE id_str IS NOT NULL
    """)
    seconds, cpu_seconds = clock.read()
    tweets = con.execute("SELECT count(*) FROM tweets").fetchone()[0]
    con.close()
    return {"seconds": seconds, "cpu_seconds": cpu_seconds, "tweets": tweets}


def _struct(fields: dict[str, str]) -> str:
    return "STRUCT(" + ", ".join(f'"{k}" {v}' for k, v in fields.items()) + ")"


_LEVEL_FIELDS = {k: v for k, v in _READ_JSON_COLUMNS.items() if k != "retweeted_status"}
_LEVEL = _struct(_LEVEL_FIELDS)
_RETWEETED = _struct({**_LEVEL_FIELDS, "quoted_status": _LEVEL})
_SAME_ROWS_COLUMNS = {**_LEVEL_FIELDS, "retweeted_status": _RETWEETED, "quoted_status": _LEVEL}
# Where each tweet object of a line is: the line itself, its retweeted and quoted originals, and
# the quote inside a retweeted original (as the ingest reads them).
_LEVELS = ("", "retweeted_status.", "quoted_status.", "retweeted_status.quoted_status.")


def _level_selects(level: str) -> tuple[str, str]:
    """The tweet row and the author's profile row of one tweet object of a line."""
    entities = f"coalesce({level}extended_tweet.entities, {level}entities)"
    user = f'{level}"user"'
    tweet = f"""
        SELECT {level}id_str AS tweet_id,
            timezone('UTC', strptime({level}created_at, {_TIME})) AS created_at,
            {user}.id_str AS author_id,
            coalesce({level}extended_tweet.full_text, {level}text) AS text,
            {level}lang AS lang, {level}source AS source,
            {"retweeted_status.id_str" if not level else "NULL"} AS retweeted_tweet_id,
            {level}quoted_status_id_str AS quoted_tweet_id,
            {level}in_reply_to_status_id_str AS in_reply_to_tweet_id,
            {level}in_reply_to_user_id_str AS in_reply_to_user_id,
            list_transform({entities}.hashtags, lambda h: h.text) AS hashtags,
            list_transform({entities}.user_mentions, lambda m: m.id_str) AS mentioned_user_ids,
            list_transform({entities}.user_mentions, lambda m: m.screen_name) AS mentioned_names,
            list_transform({entities}.urls, lambda u: u.expanded_url) AS urls,
            {level}retweet_count AS retweet_count, {level}favorite_count AS favorite_count,
            {bool(level)} AS is_embedded, filename AS source_file
        FROM parsed WHERE {level}id_str IS NOT NULL"""
    profile = f"""
        SELECT {user}.id_str AS user_id,
            timezone('UTC', strptime(created_at, {_TIME})) AS observed_at,
            {user}.screen_name, {user}.name, {user}.description, {user}.location, {user}.url,
            timezone('UTC', strptime({user}.created_at, {_TIME})) AS created_at,
            {user}.lang, {user}.followers_count, {user}.friends_count, {user}.statuses_count,
            {user}.favourites_count, {user}.listed_count, {user}.verified, {user}.protected,
            {user}.geo_enabled, {user}.default_profile, {user}.default_profile_image,
            {user}.profile_use_background_image, {user}.profile_image_url_https,
            filename AS source_file
        FROM parsed WHERE {user}.screen_name IS NOT NULL"""
    return tweet, profile


def run_read_json_same_rows(directory: Path, scratch: Path) -> dict:
    """``read_json`` doing the ingest's work: every tweet object of a line (retweeted and quoted
    originals too) as a tweet row and its author as a profile row, into two tables."""
    import duckdb

    files = [str(p) for p in _files(directory)]
    columns = "{" + ", ".join(f"'{k}': '{v}'" for k, v in _SAME_ROWS_COLUMNS.items()) + "}"
    selects = [_level_selects(level) for level in _LEVELS]
    con = duckdb.connect(str(scratch / "read_json_same_rows.duckdb"))
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    con.execute("SET preserve_insertion_order = false")
    clock = _Clock()
    con.execute(f"""
        CREATE TEMP TABLE parsed AS
        SELECT * FROM read_json({files}, format = 'newline_delimited', columns = {columns},
                                filename = true)
        WHERE id_str IS NOT NULL
    """)
    con.execute("CREATE TABLE tweets AS " + " UNION ALL ".join(t for t, _ in selects))
    con.execute("CREATE TABLE profiles AS " + " UNION ALL ".join(u for _, u in selects))
    seconds, cpu_seconds = clock.read()
    tweets = con.execute("SELECT count(*) FROM tweets WHERE NOT is_embedded").fetchone()[0]
    rows = con.execute("SELECT (SELECT count(*) FROM tweets) + (SELECT count(*) FROM profiles)")
    rows = rows.fetchone()[0]
    con.close()
    return {"seconds": seconds, "cpu_seconds": cpu_seconds, "tweets": tweets, "rows": rows}


def _row(t: dict, embedded: bool) -> tuple:
    entities = (t.get("extended_tweet") or {}).get("entities") or t.get("entities") or {}
    user = t.get("user") or {}
    return (
        t.get("id_str"), t.get("created_at"), user.get("id_str"),
        (t.get("extended_tweet") or {}).get("full_text") or t.get("text"), t.get("lang"),
        t.get("source"), (t.get("retweeted_status") or {}).get("id_str"),
        t.get("quoted_status_id_str"), t.get("in_reply_to_status_id_str"),
        t.get("in_reply_to_user_id_str"),
        [h.get("text") for h in entities.get("hashtags") or []],
        [m.get("id_str") for m in entities.get("user_mentions") or []],
        [m.get("screen_name") for m in entities.get("user_mentions") or []],
        [u.get("expanded_url") for u in entities.get("urls") or []],
        t.get("retweet_count"), t.get("favorite_count"), embedded,
    )  # fmt: skip


def _user_row(user: dict, observed_at: str) -> tuple:
    fields = (
        "id_str",
        "screen_name",
        "name",
        "description",
        "location",
        "url",
        "created_at",
        "lang",
        "followers_count",
        "friends_count",
        "statuses_count",
        "favourites_count",
        "listed_count",
        "verified",
        "protected",
        "geo_enabled",
        "default_profile",
        "default_profile_image",
        "profile_use_background_image",
        "profile_image_url_https",
    )
    return (observed_at, *(user.get(f) for f in fields))


def run_python_loop(directory: Path, scratch: Path) -> dict:
    clock = _Clock()
    tweets: list[tuple] = []
    users: list[tuple] = []
    top = 0
    for path in _files(directory):
        opener = gzip.open if path.read_bytes()[:2] == b"\x1f\x8b" else open
        with opener(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                if "id_str" not in record:
                    continue
                top += 1
                levels = [record]
                levels += [record[k] for k in ("retweeted_status", "quoted_status") if k in record]
                for level in levels:
                    tweets.append(_row(level, level is not record))
                    if "screen_name" in level.get("user", {}):
                        users.append(_user_row(level["user"], record["created_at"]))
    seconds, cpu_seconds = clock.read()
    return {
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "tweets": top,
        "rows": len(tweets) + len(users),
    }


CONTENDERS = {
    "ingest": run_ingest,
    "read_json": run_read_json,
    "read_json_same_rows": run_read_json_same_rows,
    "python_loop": run_python_loop,
}


def _child_main(name: str, directory: str, scratch: str) -> None:
    figures = CONTENDERS[name](Path(directory), Path(scratch))
    figures["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(figures))


def _run_child(name: str, directory: Path, scratch: Path) -> dict:
    scratch.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "bench.ingest", "--run", name, str(directory), str(scratch)]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parent.parent,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{name} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- files ----------------------------------------------------------------------------------


def generate(tweets: int, workdir: Path) -> dict[str, Path]:
    """Plain hourly files from the simulator (or the synthetic writer if it is missing), and the
    same files gzip-compressed."""
    plain = workdir / "plain"
    try:
        import simulate  # noqa: F401

        subprocess.run(
            [sys.executable, "-m", "simulate", "--tweets", str(tweets), "--landing", str(plain),
             "--truth", str(workdir / "truth"), "--no-gzip", "--no-progress"],
            check=True, capture_output=True, cwd=Path(__file__).resolve().parent.parent,
        )  # fmt: skip
    except ImportError:
        from bench.common import write_v1_files

        write_v1_files(plain, tweets, files=40, compress=False)
    compressed = workdir / "gzip"
    compressed.mkdir()

    def compress(path: Path) -> None:
        with (
            open(path, "rb") as source,
            gzip.open(compressed / (path.name + ".gz"), "wb", compresslevel=6) as target,
        ):
            shutil.copyfileobj(source, target, 8 * 1024 * 1024)

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        list(pool.map(compress, _files(plain)))
    return {"none": plain, "gzip": compressed}


# --- the run --------------------------------------------------------------------------------


def _sizes(argument: str | None) -> list[int]:
    value = argument or os.environ.get("BENCH_TWEETS")
    if not value:
        return list(DEFAULT_SIZES)
    return [int(float(part)) for part in value.split(",") if part.strip()]


# Each child contender → the name its figures carry in the results.
_FIGURE_NAMES = {
    "ingest": "ingest",
    "read_json": "duckdb_read_json",
    "read_json_same_rows": "duckdb_read_json_same_rows",
    "python_loop": "python_loop",
}
# Each ratio → the contender the ingest is divided by.
_RATIOS = {
    "ratio_vs_duckdb": "duckdb_read_json",
    "ratio_vs_python_loop": "python_loop",
    "ratio_vs_duckdb_same_rows": "duckdb_read_json_same_rows",
}


def measure(tweets: int, keep: bool = False) -> list[dict]:
    workdir = Path(tempfile.mkdtemp(prefix=f"bench-ingest-{tweets}-"))
    try:
        started = time.perf_counter()
        sets = generate(tweets, workdir)
        print(
            f"{tweets} tweets: files written in {time.perf_counter() - started:.0f} s", flush=True
        )
        entries = []
        for compression, directory in sets.items():
            scratch = workdir / f"scratch-{compression}"
            results = {
                figure: _run_child(child, directory, scratch)
                for child, figure in _FIGURE_NAMES.items()
            }
            ingest = results["ingest"]
            files = _files(directory)
            entry = {
                "tweets": tweets,
                "compression": compression,
                "files": len(files),
                "bytes": sum(p.stat().st_size for p in files),
                "top_level_tweets": ingest["tweets"],
                **{
                    f"{figure}_tweets_per_s": round(r["tweets"] / r["seconds"])
                    for figure, r in results.items()
                },
                "peak_rss_mib": round(ingest["peak_rss_mib"]),
                **{
                    f"{figure}_tweets_per_cpu_s": round(r["tweets"] / r["cpu_seconds"])
                    for figure, r in results.items()
                },
                "load_average_1min": round(os.getloadavg()[0], 1),
                "ingest_seconds": round(ingest["seconds"], 2),
                "ingest_rows_written": ingest["rows"],
                "ingest_rejected": ingest["rejected"],
            }
            for ratio, figure in _RATIOS.items():
                entry[ratio] = round(
                    entry["ingest_tweets_per_s"] / entry[f"{figure}_tweets_per_s"], 2
                )
            print(json.dumps(entry), flush=True)
            entries.append(entry)
        return entries
    finally:
        if keep:
            print(f"files kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def judge(entries: list[dict]) -> None:
    """Add ``goal_met`` to every entry (scaling compares each size with the smallest one)."""
    smallest = {}
    for entry in sorted(entries, key=lambda e: e["tweets"]):
        smallest.setdefault(entry["compression"], entry)
    for entry in entries:
        base = smallest[entry["compression"]]
        scaling = base["ingest_tweets_per_s"] / entry["ingest_tweets_per_s"]
        entry["cost_per_tweet_vs_smallest"] = round(scaling, 2)
        entry["goal_met"] = {
            "vs_duckdb": entry["ratio_vs_duckdb"] >= GOALS["ratio_vs_duckdb"],
            "vs_python_loop": entry["ratio_vs_python_loop"]
            >= GOALS["ratio_vs_python_loop"][entry["compression"]],
            "scaling": scaling <= SCALING_GOAL,
            "peak_rss": entry["peak_rss_mib"] < RSS_GOAL_MIB,
        }


def markdown(entries: list[dict]) -> str:
    """The figures as a Markdown table (wall-clock rates, then per CPU-second in brackets)."""

    def rate(entry: dict, name: str) -> str:
        cpu = entry.get(f"{name}_tweets_per_cpu_s")
        wall = f"{entry[f'{name}_tweets_per_s']:,}"
        return f"{wall} ({cpu:,})" if cpu else wall

    head = (
        "| tweets | compression | ingest tweets/s (per CPU-s) | read_json | json.loads loop "
        "| vs read_json (goal ≥0.7) | vs loop (goal ≥6 / ≥3) | read_json, same rows "
        "| vs it | cost/tweet vs smallest (≤1.2) | peak RSS MiB (<2048) | load avg |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|\n"
    )
    rows = "".join(
        f"| {e['tweets']:,} | {e['compression']} | {rate(e, 'ingest')} "
        f"| {rate(e, 'duckdb_read_json')} | {rate(e, 'python_loop')} "
        f"| {e['ratio_vs_duckdb']} | {e['ratio_vs_python_loop']} "
        f"| {rate(e, 'duckdb_read_json_same_rows')} | {e['ratio_vs_duckdb_same_rows']} "
        f"| {e['cost_per_tweet_vs_smallest']} | {e['peak_rss_mib']} "
        f"| {e.get('load_average_1min', '')} |\n"
        for e in entries
    )
    return head + rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", help="comma-separated tweet counts (default 100000,1000000)")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument(
        "--run", nargs=3, metavar=("CONTENDER", "DIR", "SCRATCH"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.run:
        _child_main(*args.run)
        return
    entries = [entry for size in _sizes(args.sizes) for entry in measure(size, args.keep)]
    judge(entries)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "ingest.json").write_text(json.dumps(entries, indent=2) + "\n")
    (RESULTS / "ingest.md").write_text(markdown(entries))
    print(markdown(entries))


if __name__ == "__main__":
    main()

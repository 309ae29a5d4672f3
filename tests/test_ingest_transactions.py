"""Re-runs replace exactly one file's rows; a failure halfway leaves the previous state."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import duckdb
import pytest

from botwatch.schema import RAW_TABLES, create_table_sql
from ingest import (
    NotTweetsError,
    discover_landing_files,
    file_signature,
    ingest_file,
    ingest_files,
    loaders,
    plan_ingest,
    reading,
    recorded_files,
    source_name,
)
from tests.ingest_samples import retweet, tweet, write_lines

TABLES = ("tweets", "user_observations", "rejected_records", "stream_notices", "ingested_files")


def _state(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    """Every row of every raw table but the ingestion time, in a stable order."""
    state = {}
    for table in TABLES:
        columns = "* EXCLUDE (ingested_at)" if table == "ingested_files" else "*"
        state[table] = sorted(
            con.execute(f"SELECT {columns} FROM raw.{table}").fetchall(), key=repr
        )
    return state


def _collection(directory: Path, first_id: int, count: int) -> Path:
    records = []
    for i in range(first_id, first_id + count):
        records.append(retweet(i, 1, tweet(10**6 + i, 2)) if i % 3 == 0 else tweet(i))
        if i % 10 == 0:
            records.append({"limit": {"track": 5}})
    records.append("{broken")
    return write_lines(directory / f"hour-{first_id}.jsonl", records)


@pytest.fixture
def con(tmp_path: Path):
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    yield connection
    connection.close()


def test_reingesting_a_file_gives_the_same_rows(con, tmp_path):
    a = _collection(tmp_path, 1, 50)
    b = _collection(tmp_path, 100, 30)
    ingest_files(con, [a, b])
    first = _state(con)
    report = ingest_file(con, a)
    assert _state(con) == first
    assert report.tweets == 50 + 16  # 16 retweets carry an original
    assert report.rejected == 1 and report.missed_tweets == 25


def test_reingesting_a_changed_file_replaces_only_its_rows(con, tmp_path):
    a = _collection(tmp_path, 1, 50)
    b = _collection(tmp_path, 100, 30)
    ingest_files(con, [a, b])
    rows_of_b = {t: rows for t, rows in _state(con).items()}
    write_lines(a, [tweet(1)])
    ingest_file(con, a)
    by_file = dict(
        con.execute("SELECT source_file, count(*) FROM raw.tweets GROUP BY ALL").fetchall()
    )
    assert by_file == {str(a.resolve()): 1, str(b.resolve()): 30 + 10}
    for table, rows in _state(con).items():
        expected_b = [r for r in rows_of_b[table] if str(b.resolve()) in r]
        assert [r for r in rows if str(b.resolve()) in r] == expected_b, table


def test_a_failure_halfway_leaves_the_previous_state(con, tmp_path, monkeypatch):
    a = _collection(tmp_path, 1, 400)
    ingest_file(con, a)
    before = _state(con)
    # The file changes, and its next ingest dies after its first chunk of lines was inserted.
    _collection(tmp_path, 1, 300)
    monkeypatch.setattr(reading, "CHUNK_BYTES", 16 * 1024)
    monkeypatch.setattr(
        loaders, "iter_line_chunks", lambda path: reading.iter_line_chunks(path, 16 * 1024)
    )
    real_load = loaders.load_v1_lines
    calls = []

    def load_then_crash(*args, **kwargs):
        real_load(*args, **kwargs)
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the machine went down")

    monkeypatch.setattr(loaders, "load_v1_lines", load_then_crash)
    with pytest.raises(RuntimeError, match="went down"):
        ingest_file(con, a)
    assert len(calls) == 2
    assert _state(con) == before
    # The connection is usable again and the file ingests once the cause is gone.
    monkeypatch.setattr(loaders, "load_v1_lines", real_load)
    assert ingest_file(con, a).tweets == 300 + 100


def test_a_failure_survives_a_reopened_database(tmp_path, monkeypatch):
    path = tmp_path / "warehouse.duckdb"
    a = _collection(tmp_path, 1, 40)
    with duckdb.connect(str(path)) as con:
        ingest_file(con, a)
        before = _state(con)

    def crash(*args, **kwargs):
        raise RuntimeError("poisoned")

    monkeypatch.setattr(loaders, "load_v1_lines", crash)
    with duckdb.connect(str(path)) as con, pytest.raises(RuntimeError):
        ingest_file(con, a)
    with duckdb.connect(str(path)) as con:
        assert _state(con) == before


def test_source_file_is_relative_to_the_landing_dir(con, tmp_path, monkeypatch):
    landing = tmp_path / "landing"
    monkeypatch.setenv("BOTWATCH_LANDING_DIR", str(landing))
    inside = write_lines(landing / "2017" / "05" / "hour.jsonl", [tweet(1)])
    outside = write_lines(tmp_path / "elsewhere.jsonl", [tweet(2)])
    assert ingest_file(con, inside).source_file == "2017/05/hour.jsonl"
    assert ingest_file(con, outside).source_file == str(outside.resolve())
    assert ingest_file(con, outside, source_file="named").source_file == "named"
    assert source_name(inside) == "2017/05/hour.jsonl"


def test_discover_landing_files_lists_tweet_files_only(tmp_path):
    names = [
        "a.jsonl",
        "b.json",
        "c.jsonl.gz",
        "d.gz",
        "sub/e.jsonl",
        ".hidden.jsonl",
        "f.jsonl.tmp",
        "g.jsonl.part",
        ".partial/h.jsonl",
        "notes.txt",
        "i.csv",
    ]
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    assert discover_landing_files(tmp_path) == [
        "a.jsonl",
        "b.json",
        "c.jsonl.gz",
        "d.gz",
        "sub/e.jsonl",
    ]
    assert discover_landing_files(tmp_path / "missing") == []


def test_report_metadata_is_flat_and_json_friendly(con, tmp_path):
    report = ingest_file(con, _collection(tmp_path, 1, 20))
    metadata = report.to_metadata()
    assert json.loads(json.dumps(metadata)) == metadata
    assert all(not isinstance(v, dict | list) for v in metadata.values())
    assert metadata["rejected_malformed_json"] == 1
    assert metadata["notices_limit"] == 2 and metadata["missed_tweets"] == 10


def test_backfill_batches_small_files_like_single_ingests(tmp_path):
    files = [_collection(tmp_path, start, 15) for start in (1, 100, 200, 300)]
    array = tmp_path / "dump.json"
    array.write_text(json.dumps([tweet(900), tweet(901)]))
    files.insert(2, array)
    with duckdb.connect() as batched, duckdb.connect() as single:
        reports = ingest_files(batched, files)
        singles = [ingest_file(single, path) for path in files]
        assert [r.to_metadata() for r in reports] == [r.to_metadata() for r in singles]
        assert _state(batched) == _state(single)


def test_backfill_lands_the_good_files_and_raises_for_the_bad_one(con, tmp_path):
    good = [_collection(tmp_path, 1, 10), _collection(tmp_path, 100, 10)]
    bad = tmp_path / "labels.jsonl"
    bad.write_text('{"id": "1", "label": "bot"}\n{"id": "2", "label": "human"}\n')
    later = _collection(tmp_path, 200, 10)
    with pytest.raises(NotTweetsError, match=r"labels\.jsonl"):
        ingest_files(con, [*good, bad, later])
    landed = {r[0] for r in con.execute("SELECT source_file FROM raw.ingested_files").fetchall()}
    assert landed == {str(p.resolve()) for p in good}


def test_backfill_takes_partition_names_as_source_files(con, tmp_path):
    files = [_collection(tmp_path, 1, 5), _collection(tmp_path, 100, 5)]
    reports = ingest_files(con, files, source_files=["2017/a.jsonl", "2017/b.jsonl"])
    assert [r.source_file for r in reports] == ["2017/a.jsonl", "2017/b.jsonl"]
    names = con.execute("SELECT DISTINCT source_file FROM raw.tweets ORDER BY 1").fetchall()
    assert names == [("2017/a.jsonl",), ("2017/b.jsonl",)]
    with pytest.raises(ValueError, match="as many"):
        ingest_files(con, files, source_files=["only-one"])


def _load_recording_threads(monkeypatch) -> set[str]:
    """Observe which threads run the v1.1 SQL (the real one runs)."""
    threads: set[str] = set()
    real_load = loaders.load_v1_lines

    def load(*args, **kwargs):
        threads.add(threading.current_thread().name)
        real_load(*args, **kwargs)

    monkeypatch.setattr(loaders, "load_v1_lines", load)
    return threads


def test_batches_in_flight_land_like_single_ingests(tmp_path, monkeypatch):
    files = [_collection(tmp_path, start, 20) for start in range(1, 1000, 100)]
    monkeypatch.setattr(reading, "CHUNK_BYTES", 4 * 1024)  # a batch per file
    threads = _load_recording_threads(monkeypatch)
    with (
        duckdb.connect(str(tmp_path / "a.duckdb")) as in_flight,
        duckdb.connect(str(tmp_path / "b.duckdb")) as single,
    ):
        reports = ingest_files(in_flight, files)
        assert len(threads) > 1  # batches did run side by side
        singles = [ingest_file(single, path) for path in files]
        assert [r.to_metadata() for r in reports] == [r.to_metadata() for r in singles]
        assert _state(in_flight) == _state(single)
        ingest_files(in_flight, files)  # re-ingested side by side: each batch deletes its rows
        assert _state(in_flight) == _state(single)


def test_a_failing_batch_in_flight_keeps_earlier_files_and_no_part_of_its_own(
    con, tmp_path, monkeypatch
):
    files = [_collection(tmp_path, start, 20) for start in range(1, 1000, 100)]
    monkeypatch.setattr(reading, "CHUNK_BYTES", 4 * 1024)
    real_load = loaders.load_v1_lines
    doomed = str(files[4].resolve())

    def load(con, lines, latest, reports):
        real_load(con, lines, latest, reports)
        if doomed in reports:
            raise RuntimeError("the machine went down")

    monkeypatch.setattr(loaders, "load_v1_lines", load)
    with pytest.raises(RuntimeError, match="went down"):
        ingest_files(con, files)
    landed = {r[0] for r in con.execute("SELECT source_file FROM raw.ingested_files").fetchall()}
    assert {str(p.resolve()) for p in files[:4]} <= landed
    assert doomed not in landed
    tweets_of = "SELECT count(*) FROM raw.tweets WHERE source_file = $f"
    assert con.execute(tweets_of, {"f": doomed}).fetchone() == (0,)
    for start, path in zip(range(1, 1000, 100), files, strict=True):
        if str(path.resolve()) in landed:  # whatever landed landed whole
            retweets = sum(1 for i in range(start, start + 20) if i % 3 == 0)
            assert con.execute(tweets_of, {"f": str(path.resolve())}).fetchone() == (20 + retweets,)


def test_bulk_load_settings_are_restored(con, tmp_path, monkeypatch):
    settings = ("preserve_insertion_order", "checkpoint_threshold")
    read = "SELECT " + ", ".join(f"current_setting('{name}')" for name in settings)
    before = con.execute(read).fetchone()
    files = [_collection(tmp_path, start, 20) for start in range(1, 400, 100)]
    monkeypatch.setattr(reading, "CHUNK_BYTES", 4 * 1024)
    ingest_files(con, files)
    assert con.execute(read).fetchone() == before
    with pytest.raises(NotTweetsError):
        ingest_files(con, [*files, write_lines(tmp_path / "x.jsonl", [{"label": "bot"}])])
    assert con.execute(read).fetchone() == before


def test_each_file_is_recorded_with_the_signature_it_had_when_read(con, tmp_path):
    a = _collection(tmp_path, 1, 5)
    ingest_files(con, [a], source_files=["a.jsonl"])
    assert recorded_files(con) == {"a.jsonl": file_signature(a)}
    write_lines(a, [tweet(1), tweet(2)])
    assert recorded_files(con) != {"a.jsonl": file_signature(a)}, "a rewrite changes it"


def test_a_warehouse_from_before_signatures_gains_the_column_and_reads_its_files_again(tmp_path):
    warehouse = tmp_path / "old.duckdb"
    columns = {k: v for k, v in RAW_TABLES["ingested_files"].items() if k != "file_signature"}
    with duckdb.connect(str(warehouse)) as old:
        old.execute("CREATE SCHEMA raw")
        old.execute(create_table_sql("raw", "ingested_files", columns))
        old.execute("INSERT INTO raw.ingested_files (source_file) VALUES ('a.jsonl')")
    with duckdb.connect(str(warehouse)) as con:
        recorded = recorded_files(con)
        assert recorded == {"a.jsonl": None}
        assert plan_ingest(["a.jsonl"], recorded, {"a.jsonl": "1:1"}).ingest == ["a.jsonl"]

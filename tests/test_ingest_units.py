"""The pure pieces of the ingest: reading lines, walking arrays, times, format detection."""

from __future__ import annotations

import gzip
import json
from datetime import datetime

import duckdb
import pytest

from ingest import NotTweetsError, ingest_file, loaders, reading
from ingest.bounds import TWITTER_BIRTH, latest_possible, timestamp_problem
from ingest.detect import V1_ARRAY, V1_LINES, V1_OBJECT, V2_PAGES, detect_format
from ingest.documents import array_elements
from ingest.reading import Damage, LineChunk, iter_line_chunks, line_offsets
from ingest.v2 import parse_time
from tests.ingest_samples import tweet, write_lines


def test_line_offsets_cover_every_line_with_or_without_a_final_newline():
    assert line_offsets(b"ab\ncd\n").tolist() == [0, 3, 6]
    assert line_offsets(b"ab\ncd").tolist() == [0, 3, 5]
    assert line_offsets(b"\n\n").tolist() == [0, 1, 2]


def test_chunks_number_lines_continuously(tmp_path):
    lines = [f'{{"n": {i}, "pad": "{"x" * (i % 50)}"}}' for i in range(1, 2001)]
    path = tmp_path / "lines.jsonl.gz"
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    seen = []
    for chunk in iter_line_chunks(path, chunk_bytes=4096):
        assert isinstance(chunk, LineChunk)
        text = chunk.data.decode().splitlines()
        seen += [(chunk.first_line + i, json.loads(t)["n"]) for i, t in enumerate(text)]
    assert seen == [(i, i) for i in range(1, 2001)]


@pytest.mark.parametrize("final_newline", [True, False])
def test_plain_chunks_hold_whole_lines_in_order(tmp_path, final_newline):
    """Plain files are read a chunk at a time: every chunk ends at a line's end (but the last),
    a line longer than a chunk stays whole, numbering runs on, nothing is lost or doubled."""
    lines = [f'{{"n": {i}, "pad": "{"x" * (i % 97)}"}}' for i in range(1, 1501)]
    lines[700] = '{"n": 701, "pad": "' + "y" * 10_000 + '"}'  # longer than a chunk
    content = "\n".join(lines) + ("\n" if final_newline else "")
    path = tmp_path / "lines.jsonl"
    path.write_text(content)
    for chunk_bytes in (4096, len(content), len(content) + 1, 1 << 20):
        chunks = list(iter_line_chunks(path, chunk_bytes=chunk_bytes))
        assert all(isinstance(c, LineChunk) for c in chunks)
        assert b"".join(c.data for c in chunks) == content.encode()
        assert all(c.data.endswith(b"\n") for c in chunks[:-1])
        seen = []
        for chunk in chunks:
            text = chunk.data.decode().splitlines()
            seen += [(chunk.first_line + i, json.loads(t)["n"]) for i, t in enumerate(text)]
        assert seen == [(i, i) for i in range(1, 1501)]


def test_invalid_utf8_lines_are_blanked_and_reported():
    chunk = LineChunk(10, b'{"a": 1}\n{"b": "\xff"}\n{"c": 3}\n')
    table, bad = reading.lines_table(chunk)
    assert table.column("line").to_pylist() == ['{"a": 1}\n', "", '{"c": 3}\n']
    assert table.column("source_line").to_pylist() == [10, 11, 12]
    assert [(d.source_line, d.reason) for d in bad] == [(11, "invalid_utf8")]


def test_corrupt_gzip_is_damage_not_a_crash(tmp_path):
    data = bytearray(gzip.compress(b"".join(b'{"n": %d}\n' % i for i in range(5000))))
    data[len(data) // 2 : len(data) // 2 + 64] = b"\x00" * 64
    path = tmp_path / "corrupt.gz"
    path.write_bytes(bytes(data))
    items = list(iter_line_chunks(path))
    assert isinstance(items[-1], Damage)
    assert items[-1].reason == "corrupt_gzip"


def test_array_walk_stops_at_damage_and_keeps_elements():
    assert array_elements('[{"a": 1}, {"b": 2}]') == (['{"a": 1}', '{"b": 2}'], None)
    assert array_elements(" [ ] ") == ([], None)
    elements, damage = array_elements('[{"a": 1}, {"b": ')
    assert elements == ['{"a": 1}']
    assert (damage.source_line, damage.reason) == (2, "malformed_json")


def test_times_parse_and_impossible_ones_are_named():
    assert parse_time("2021-09-22T16:37:29.000Z") == datetime(2021, 9, 22, 16, 37, 29)
    assert parse_time("2021-09-22T18:37:29+02:00") == datetime(2021, 9, 22, 16, 37, 29)
    assert parse_time("not a time") is None and parse_time(None) is None
    latest = latest_possible(datetime(2026, 1, 1))
    assert timestamp_problem(datetime(2017, 5, 5), latest) is None
    assert timestamp_problem(None, latest)[0] == "unparseable_timestamp"
    assert timestamp_problem(datetime(2006, 3, 20), latest)[0] == "timestamp_before_twitter"
    assert timestamp_problem(TWITTER_BIRTH, latest) is None
    assert timestamp_problem(datetime(2026, 1, 3), latest)[0] == "timestamp_in_future"


def test_formats_are_detected_from_content(tmp_path):
    lines = write_lines(tmp_path / "x.json", [tweet(1)], compress=True)
    array = tmp_path / "y.jsonl"
    array.write_text(json.dumps([tweet(1)]))
    obj = tmp_path / "z.jsonl"
    obj.write_text(json.dumps({"id": 1, "screen_name": "a"}, indent=2))
    page = write_lines(tmp_path / "p.json", [{"data": [], "meta": {}}])
    assert detect_format(lines, "x") == V1_LINES
    assert detect_format(array, "y") == V1_ARRAY
    assert detect_format(obj, "z") == V1_OBJECT
    assert detect_format(page, "p") == V2_PAGES
    csv = tmp_path / "c.jsonl"
    csv.write_text("a,b\n1,2\n")
    with pytest.raises(NotTweetsError, match=r"c\.jsonl"):
        detect_format(csv, "c.jsonl")


def test_chunked_ingest_equals_whole_file_ingest(tmp_path, monkeypatch):
    records = [tweet(i, text=f"{i} " + "x" * (i % 300)) for i in range(1, 600)]
    records[100] = "{broken"
    records[200] = {"delete": {"status": {"id_str": "5", "user_id_str": "1"}}}
    path = write_lines(tmp_path / "hour.jsonl", records)

    def rows(con):
        return {
            t: sorted(con.execute(f"SELECT * FROM raw.{t}").fetchall(), key=repr)
            for t in ("tweets", "user_observations", "rejected_records", "stream_notices")
        }

    with duckdb.connect() as whole:
        ingest_file(whole, path)
        expected = rows(whole)
    monkeypatch.setattr(
        loaders, "iter_line_chunks", lambda p: reading.iter_line_chunks(p, 8 * 1024)
    )
    with duckdb.connect() as chunked:
        ingest_file(chunked, path)
        assert rows(chunked) == expected
    assert len(expected["tweets"]) == 597

"""Damaged and unusual files, made here: bad records are quarantined, every good record lands."""

from __future__ import annotations

import gzip
import json
import zlib
from pathlib import Path

import duckdb
import pytest

from botwatch.schema import REJECTED_TEXT_LIMIT
from ingest import NotTweetsError, ingest_file
from tests.ingest_samples import retweet, tweet, user, write_lines


@pytest.fixture
def con(tmp_path: Path):
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    yield connection
    connection.close()


def _rejects(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute(
        "SELECT source_line, reason, detail, raw_text FROM raw.rejected_records "
        "ORDER BY source_line"
    ).fetchall()


def _tweet_ids(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute("SELECT tweet_id FROM raw.tweets WHERE NOT is_embedded ORDER BY source_line")
    return [r[0] for r in rows.fetchall()]


def test_each_bad_line_is_quarantined_with_its_reason_and_the_rest_lands(con, tmp_path):
    no_id = tweet(3)
    del no_id["id"], no_id["id_str"]
    no_author = tweet(4)
    no_author["user"] = {"screen_name": "ghost"}
    records = [
        tweet(1),
        '{"id": 2, "text": "cut off',  # line 2
        no_id,  # line 3
        no_author,  # line 4
        tweet(5, created_at="Thu Jan 01 00:00:00 +0000 1970"),
        tweet(6, created_at="Sat Jan 01 00:00:00 +0000 2099"),
        tweet(7, created_at="yesterday at noon"),
        {"kind": "something else", "value": 1},  # line 8
        b'{"id": 9, "text": "caf\xe9 latin-1", "user": {"id": 1}}',  # line 9: not UTF-8
        "",  # a blank line is no record
        tweet(11),
    ]
    path = write_lines(tmp_path / "damaged.jsonl", records)
    report = ingest_file(con, path)

    assert _tweet_ids(con) == ["1", "11"]
    reasons = [(line, reason) for line, reason, _, _ in _rejects(con)]
    assert reasons == [
        (2, "malformed_json"),
        (3, "missing_id"),
        (4, "missing_author"),
        (5, "timestamp_before_twitter"),
        (6, "timestamp_in_future"),
        (7, "unparseable_timestamp"),
        (8, "not_a_tweet"),
        (9, "invalid_utf8"),
    ]
    assert report.rejected == 8 and report.tweets == 2
    assert report.rejected_by_reason["missing_id"] == 1
    raw_texts = {line: raw for line, _, _, raw in _rejects(con)}
    assert raw_texts[2] == '{"id": 2, "text": "cut off'
    assert "caf\ufffd latin-1" in raw_texts[9]
    stored = con.execute("SELECT rejected, tweets FROM raw.ingested_files").fetchone()
    assert stored == (8, 2)


def test_rejected_text_is_cut_to_the_limit(con, tmp_path):
    long_line = '{"broken": "' + "x" * (REJECTED_TEXT_LIMIT * 2)
    path = write_lines(tmp_path / "long.jsonl", [tweet(1), long_line])
    ingest_file(con, path)
    (raw_text,) = con.execute("SELECT raw_text FROM raw.rejected_records").fetchone()
    assert len(raw_text) == REJECTED_TEXT_LIMIT and long_line.startswith(raw_text)


def test_truncated_gzip_keeps_every_complete_line_before_the_damage(con, tmp_path):
    records = [tweet(i, text=f"tweet number {i} " + "padding " * 40) for i in range(1, 401)]
    whole = gzip.compress(b"".join(json.dumps(r).encode() + b"\n" for r in records))
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(whole[: len(whole) * 3 // 5])
    # What survives, computed independently: decompress what zlib can, count complete lines.
    readable = zlib.decompressobj(wbits=31).decompress(path.read_bytes())
    complete = readable.count(b"\n")
    assert 0 < complete < 400

    report = ingest_file(con, path)
    assert report.compression == "gzip"
    assert report.tweets == complete
    assert _tweet_ids(con) == [str(i) for i in range(1, complete + 1)]
    ((line, reason, _, raw_text),) = _rejects(con)
    assert (line, reason) == (complete + 1, "truncated_gzip")
    assert raw_text == readable[readable.rfind(b"\n") + 1 :].decode()[:REJECTED_TEXT_LIMIT]


def test_gzip_and_formats_are_detected_from_content_not_name(con, tmp_path):
    lines = write_lines(tmp_path / "really-gzip.jsonl", [tweet(1), tweet(2)], compress=True)
    plain = write_lines(tmp_path / "not-really.gz", [tweet(3)])
    array = tmp_path / "array.jsonl"
    array.write_text(json.dumps([tweet(4), tweet(5), tweet(6)], indent=2))
    assert ingest_file(con, lines).compression == "gzip"
    assert ingest_file(con, plain).compression == "none"
    report = ingest_file(con, array)
    assert (report.file_format, report.tweets) == ("v1.1-array", 3)
    lines_per_element = con.execute(
        "SELECT list(source_line ORDER BY source_line) FROM raw.tweets WHERE source_file = ?",
        [report.source_file],
    ).fetchone()[0]
    assert lines_per_element == [1, 2, 3]


def test_multi_member_gzip_is_read_whole(con, tmp_path):
    path = tmp_path / "members.jsonl.gz"
    first = gzip.compress(json.dumps(tweet(1)).encode() + b"\n")
    second = gzip.compress(json.dumps(tweet(2)).encode() + b"\n")
    path.write_bytes(first + second)
    assert ingest_file(con, path).tweets == 2
    assert _rejects(con) == []


def test_array_cut_in_the_middle_keeps_the_elements_before(con, tmp_path):
    text = json.dumps([tweet(1), tweet(2), tweet(3)])
    path = tmp_path / "cut-array.json"
    path.write_text(text[: text.index('"id": 3') + 3])
    report = ingest_file(con, path)
    assert _tweet_ids(con) == ["1", "2"]
    assert [(line, reason) for line, reason, _, _ in _rejects(con)] == [(3, "malformed_json")]
    assert report.file_format == "v1.1-array"


@pytest.mark.parametrize(
    ("name", "content", "why"),
    [
        ("accounts.csv", b"user_id,label\n1,bot\n2,human\n", "not JSON"),
        ("image.jsonl", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "not JSON"),
        ("other.jsonl", b'{"name": "a", "value": 1}\n{"name": "b", "value": 2}\n', "no tweet"),
        ("garbage.json.gz", gzip.compress(b"{{{ not json at all\n}}}\n", mtime=0), "no tweet"),
    ],
    # Ids from the names: an id made of the content would differ between xdist workers when
    # gzip stamped its header with the time (collection then fails).
    ids=["accounts.csv", "image.jsonl", "other.jsonl", "garbage.json.gz"],
)
def test_a_file_that_is_not_tweets_fails_naming_the_file_and_writes_nothing(
    con, tmp_path, name, content, why
):
    good = write_lines(tmp_path / "good.jsonl", [tweet(1)])
    ingest_file(con, good)
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(NotTweetsError, match=name) as raised:
        ingest_file(con, path)
    assert why in str(raised.value)
    for table in ("tweets", "rejected_records", "ingested_files", "user_observations"):
        (count,) = con.execute(
            f"SELECT count(*) FROM raw.{table} WHERE source_file <> ?", [str(good.resolve())]
        ).fetchone()
        assert count == 0, table


def test_control_messages_are_notices_not_rejections(con, tmp_path):
    records = [
        tweet(1),
        {
            "delete": {
                "status": {"id": 77, "id_str": "77", "user_id": 5, "user_id_str": "5"},
                "timestamp_ms": "1493980000000",
            }
        },
        {"limit": {"track": 12, "timestamp_ms": "1493980001000"}},
        {"limit": {"track": 30, "timestamp_ms": "1493980002000"}},
        {"scrub_geo": {"user_id": 8, "user_id_str": "8", "up_to_status_id": 9}},
        {"warning": {"code": "FALLING_BEHIND", "message": "slow", "percent_full": 60}},
        {"disconnect": {"code": 7, "stream_name": "x", "reason": "admin"}},
    ]
    report = ingest_file(con, write_lines(tmp_path / "stream.jsonl", records))
    assert report.rejected == 0 and report.tweets == 1
    assert report.notices_by_type == {
        "delete": 1,
        "disconnect": 1,
        "limit": 2,
        "scrub_geo": 1,
        "warning": 1,
    }
    assert report.missed_tweets == 42
    notices = con.execute(
        "SELECT notice_type, tweet_id, user_id, missed_tweets, notice_at, source_line "
        "FROM raw.stream_notices ORDER BY source_line"
    ).fetchall()
    delete = notices[0]
    assert delete[:4] == ("delete", "77", "5", None)
    assert delete[4].isoformat() == "2017-05-05T10:26:40"
    assert [n[3] for n in notices if n[0] == "limit"] == [12, 30]
    assert notices[3][:3] == ("scrub_geo", None, "8")


def test_retweet_yields_the_original_and_its_author_observed_at_the_retweet_time(con, tmp_path):
    original = tweet(
        10,
        user_id=2,
        created_at="Thu May 04 08:00:00 +0000 2017",
        text="the original",
        extended_tweet={
            "full_text": "the original, in full",
            "entities": {
                "hashtags": [{"text": "Full"}],
                "urls": [{"url": "https://t.co/x", "expanded_url": "https://example.org/a"}],
                "user_mentions": [{"id_str": "3", "screen_name": "c"}],
            },
        },
    )
    record = retweet(11, 1, original)
    trimmed = tweet(12)
    trimmed["user"] = {"id": 1, "id_str": "1"}
    ingest_file(con, write_lines(tmp_path / "rt.jsonl", [record, trimmed]))
    rows = con.execute(
        "SELECT tweet_id, author_id, retweeted_tweet_id, is_embedded, text, hashtags, urls, "
        "mentioned_user_ids FROM raw.tweets ORDER BY tweet_id"
    ).fetchall()
    assert rows[0] == (
        "10",
        "2",
        None,
        True,
        "the original, in full",
        ["Full"],
        ["https://example.org/a"],
        ["3"],
    )
    assert rows[1][:4] == ("11", "1", "10", False)
    assert rows[2][:4] == ("12", "1", None, False)
    users = con.execute(
        "SELECT user_id, observed_at FROM raw.user_observations ORDER BY user_id"
    ).fetchall()
    # Two profiles from line 1 (retweeter and original author), none from the trimmed user.
    assert [(u, t.isoformat()) for u, t in users] == [
        ("1", "2017-05-05T18:00:00"),
        ("2", "2017-05-05T18:00:00"),
    ]


def test_bare_user_object_lines_are_user_observations(con, tmp_path):
    profile = user(42, "someone", status={"created_at": "Sun Apr 30 12:00:00 +0000 2017"})
    report = ingest_file(con, write_lines(tmp_path / "profiles.jsonl", [profile]))
    assert (report.tweets, report.user_observations, report.rejected) == (0, 1, 0)
    row = con.execute(
        "SELECT user_id, screen_name, observed_at, created_at FROM raw.user_observations"
    ).fetchone()
    assert row[:2] == ("42", "someone")
    assert row[2].isoformat() == "2017-04-30T12:00:00"
    assert row[3].isoformat() == "2012-01-02T10:00:00"


def test_v2_page_without_collection_time_observes_users_at_their_tweet_time(con, tmp_path):
    page = {
        "data": [
            {
                "id": "100",
                "author_id": "7",
                "text": "hi @b",
                "created_at": "2022-09-25T10:00:00.000Z",
                "entities": {"mentions": [{"username": "B", "start": 3, "end": 5}]},
                "referenced_tweets": [{"type": "quoted", "id": "99"}],
            },
            {"id": "101", "text": "no author", "created_at": "2022-09-25T10:00:00.000Z"},
        ],
        "includes": {
            "users": [{"id": "7", "username": "a", "name": "A"}, {"id": "8", "username": "b"}],
            "tweets": [
                {
                    "id": "99",
                    "author_id": "8",
                    "text": "quoted",
                    "created_at": "2022-09-24T09:00:00.000Z",
                }
            ],
        },
    }
    report = ingest_file(con, write_lines(tmp_path / "page.jsonl", [page, "{not json"]))
    assert report.file_format == "v2-pages"
    assert (report.tweets, report.user_observations) == (2, 2)
    assert report.rejected_by_reason == {"malformed_json": 1, "missing_author": 1}
    tweets = con.execute(
        "SELECT tweet_id, quoted_tweet_id, is_embedded, mentioned_user_ids FROM raw.tweets "
        "ORDER BY tweet_id"
    ).fetchall()
    assert tweets == [("100", "99", False, ["8"]), ("99", None, True, [])]
    observed = dict(
        con.execute("SELECT user_id, observed_at FROM raw.user_observations").fetchall()
    )
    assert observed["7"].isoformat() == "2022-09-25T10:00:00"
    assert observed["8"].isoformat() == "2022-09-24T09:00:00"


def test_empty_file_is_zero_rows_not_an_error(con, tmp_path):
    path = tmp_path / "quiet-hour.jsonl"
    path.write_bytes(b"")
    report = ingest_file(con, path)
    assert (report.file_format, report.tweets, report.rejected) == ("empty", 0, 0)
    assert con.execute("SELECT count(*) FROM raw.ingested_files").fetchone() == (1,)


def test_flattened_v2_tweets_are_read_as_one_tweet_pages(con, tmp_path):
    flat = {
        "id": "5", "author_id": "9", "text": "flat", "created_at": "2021-04-08T19:34:16.000Z",
        "author": {"id": "9", "username": "nine", "public_metrics": {"followers_count": 3}},
        "__twarc": {"retrieved_at": "2021-04-08T19:40:00+00:00"},
    }  # fmt: skip
    report = ingest_file(con, write_lines(tmp_path / "flat.jsonl", [flat]))
    assert (report.file_format, report.tweets, report.user_observations) == ("v2-pages", 1, 1)
    row = con.execute(
        "SELECT user_id, screen_name, followers_count, observed_at FROM raw.user_observations"
    ).fetchone()
    assert row[:3] == ("9", "nine", 3)
    assert row[3].isoformat() == "2021-04-08T19:40:00"

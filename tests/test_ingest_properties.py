"""Hostile input, generated (hypothesis): every reader of the ingest (v1.1 lines, v1.1 arrays,
v2 pages, gzip streams) given good tweets mixed with damaged records (wrong types, deep nesting,
huge fields, NUL bytes, invalid UTF-8, duplicated keys, cut-off lines) and files cut at a random
byte. Each input lands or is quarantined: nothing raises past the reader but ``NotTweetsError``
(the file holds no tweet at all, which fails its partition by design), and every good record
beside the bad ones lands.

``BOTWATCH_FUZZ_EXAMPLES`` sets the examples per reader (default 60 for `make test`; `make fuzz`
runs 10,000 and prints the number run).
"""

from __future__ import annotations

import gzip
import json
import tempfile
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest import NotTweetsError, ingest_file
from tests.helpers.fuzz import FUZZ, ExampleCounter
from tests.ingest_samples import tweet

GOOD_IDS_FROM = 1_000_000  # good tweets' ids; damaged records use smaller ones, never these

pytestmark = pytest.mark.fuzz

_connection: duckdb.DuckDBPyConnection | None = None
examples = ExampleCounter("reader")


def warehouse() -> duckdb.DuckDBPyConnection:
    """One in-memory warehouse for every example (each example is its own source file)."""
    global _connection
    if _connection is None:
        _connection = duckdb.connect(":memory:")
    return _connection


json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
    st.text(alphabet=st.sampled_from(["\x00", "\ud7ff", "é", "𝄞", '"', "\\"]), max_size=20),
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
TWEET_FIELDS = ["id", "id_str", "created_at", "text", "user", "entities", "lang", "source"]


def deeply_nested(depth: int) -> Any:
    value: Any = "bottom"
    for _ in range(depth):
        value = {"a": [value]}
    return value


@st.composite
def damaged_v1_record(draw: st.DrawFn, tweet_id: int) -> bytes:
    """One line that is not a good tweet, or a tweet damaged in one way."""
    record = tweet(tweet_id, user_id=draw(st.integers(1, 50)))
    kind = draw(
        st.sampled_from(
            [
                "wrong_type",
                "missing",
                "nested",
                "huge",
                "nul",
                "duplicate_key",
                "invalid_utf8",
                "cut",
                "random_json",
                "random_bytes",
            ]
        )
    )
    field = draw(st.sampled_from(TWEET_FIELDS))
    if kind == "wrong_type":
        record[field] = draw(json_values)
    elif kind == "missing":
        record.pop(field, None)
    elif kind == "nested":
        record[field] = deeply_nested(draw(st.integers(50, 400)))
    elif kind == "huge":
        record[field] = "x" * draw(st.integers(10_000, 300_000))
    elif kind == "nul":
        record["text"] = f"nul\x00byte {draw(st.text(max_size=10))}"
    line = json.dumps(record, ensure_ascii=draw(st.booleans())).encode()
    if kind == "duplicate_key":
        line = line[:-1] + b', "id": ' + json.dumps(draw(json_values)).encode() + b"}"
    elif kind == "invalid_utf8":
        line = line.replace(b"hello", b"hel\xff\xfelo")
    elif kind == "cut":
        line = line[: draw(st.integers(1, max(1, len(line) - 1)))]
    elif kind == "random_json":
        line = json.dumps(draw(json_values)).encode()
    elif kind == "random_bytes":
        line = draw(st.binary(max_size=200)).replace(b"\n", b" ")
    return line


@st.composite
def v1_lines(draw: st.DrawFn) -> tuple[list[bytes], set[str]]:
    """Lines of good tweets and damaged records, shuffled after the first; the good tweets' ids.
    A file's first record decides its format (a first line ``[...]`` is an array), so when there
    are good tweets one of them comes first."""
    good = draw(st.integers(0, 5))
    lines = [json.dumps(tweet(GOOD_IDS_FROM + i, user_id=i + 1)).encode() for i in range(good)]
    bad = draw(st.integers(0, 6))
    lines += [draw(damaged_v1_record(tweet_id=10 + i)) for i in range(bad)]
    lines = lines[:1] + list(draw(st.permutations(lines[1:])))
    return lines, {str(GOOD_IDS_FROM + i) for i in range(good)}


def ingest(content: bytes, name: str) -> tuple[set[str] | None, duckdb.DuckDBPyConnection]:
    """Ingest ``content`` as a landing file. Returns the top-level tweet ids that landed, or None
    when the ingest refused the file as not tweets; any other exception escapes (a failure)."""
    con = warehouse()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        try:
            ingest_file(con, path, source_file=name)
        except NotTweetsError:
            landed = con.execute(
                "SELECT count(*) FROM raw.tweets WHERE source_file = ?", [name]
            ).fetchone()[0]
            assert landed == 0, "a refused file writes nothing"
            return None, con
    rows = con.execute(
        "SELECT tweet_id FROM raw.tweets WHERE source_file = ? AND NOT is_embedded", [name]
    ).fetchall()
    return {r[0] for r in rows}, con


@FUZZ
@given(v1_lines())
def test_v1_lines_land_or_are_quarantined(case: tuple[list[bytes], set[str]]) -> None:
    lines, good = case
    examples.count("v1.1 lines")
    landed, _ = ingest(b"\n".join(lines) + b"\n", f"lines-{examples.counts['v1.1 lines']}.jsonl")
    if landed is None:
        assert not good, "a file with good tweets is never refused"
        return
    assert good <= landed


@FUZZ
@given(v1_lines(), st.data())
def test_gzip_streams_whole_or_cut_land_or_are_quarantined(
    case: tuple[list[bytes], set[str]], data: st.DataObject
) -> None:
    lines, good = case
    examples.count("gzip")
    content = gzip.compress(b"\n".join(lines) + b"\n")
    cut = data.draw(st.booleans())
    if cut:
        content = content[: data.draw(st.integers(0, max(0, len(content) - 1)))]
    landed, _ = ingest(content, f"stream-{examples.counts['gzip']}.jsonl.gz")
    if not cut:
        assert landed is not None or not good
        assert landed is None or good <= landed
    # A cut stream: whatever was readable before the cut lands or is quarantined, no escape.


@FUZZ
@given(v1_lines(), st.booleans(), st.data())
def test_v1_arrays_land_or_are_quarantined(
    case: tuple[list[bytes], set[str]], cut: bool, data: st.DataObject
) -> None:
    lines, good = case
    examples.count("v1.1 arrays")
    content = b"[" + b",\n".join(lines) + b"]"
    if cut:
        content = content[: data.draw(st.integers(1, max(1, len(content) - 1)))]
    landed, _ = ingest(content, f"array-{examples.counts['v1.1 arrays']}.json")
    if not cut and all(_is_json(line) for line in lines):
        assert landed is not None or not good
        assert landed is None or good <= landed


def _is_json(line: bytes) -> bool:
    try:
        json.loads(line)
    except ValueError:
        return False
    return True


def v2_tweet(tweet_id: int, author: int) -> dict[str, Any]:
    return {
        "id": str(tweet_id),
        "text": "hello #MacronLeaks",
        "author_id": str(author),
        "created_at": "2017-05-05T18:00:00.000Z",
        "lang": "fr",
    }


def v2_user(author: int) -> dict[str, Any]:
    return {
        "id": str(author),
        "username": f"user{author}",
        "name": f"User {author}",
        "created_at": "2012-01-02T10:00:00.000Z",
        "public_metrics": {"followers_count": 1, "following_count": 2, "tweet_count": 3},
    }


@st.composite
def v2_pages(draw: st.DrawFn) -> tuple[list[bytes], set[str]]:
    pages: list[bytes] = []
    good: set[str] = set()
    for page in range(draw(st.integers(1, 3))):
        data: list[Any] = []
        for i in range(draw(st.integers(0, 4))):
            tweet_id = GOOD_IDS_FROM + page * 10 + i
            data.append(v2_tweet(tweet_id, i + 1))
            good.add(str(tweet_id))
        for _ in range(draw(st.integers(0, 3))):
            damaged = v2_tweet(draw(st.integers(10, 999)), 1)
            field = draw(st.sampled_from(["id", "text", "author_id", "created_at", "entities"]))
            damaged[field] = draw(st.one_of(json_values, st.just(deeply_nested(200))))
            data.append(damaged)
        data = list(draw(st.permutations(data)))
        users = [v2_user(i + 1) for i in range(5)]
        body = {"data": data, "includes": {"users": users}, "meta": {"result_count": len(data)}}
        if draw(st.booleans()):
            # Damaged includes: the page's tweets carry their author_id, they still land.
            body["includes"] = draw(json_values)
        pages.append(json.dumps(body).encode())
    if draw(st.booleans()):
        pages.append(draw(damaged_v1_record(tweet_id=5)))  # a line that is no page
    return pages, good


@FUZZ
@given(v2_pages())
def test_v2_pages_land_or_are_quarantined(case: tuple[list[bytes], set[str]]) -> None:
    pages, good = case
    examples.count("v2 pages")
    landed, _ = ingest(b"\n".join(pages) + b"\n", f"pages-{examples.counts['v2 pages']}.jsonl")
    if landed is None:
        assert not good
        return
    assert good <= landed


def test_zz_report_examples_run() -> None:
    """Prints how many generated inputs each reader took (run last in this module)."""
    examples.report()

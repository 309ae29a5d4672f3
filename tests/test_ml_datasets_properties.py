"""Hostile input, generated (hypothesis), for the labelled-dataset loaders (``ml.datasets``): the
TwiBot layout (``node.json`` + ``label.csv``), the account_type CSV, cresci-2017 ``users.csv`` and
the Bot Repository layout (``<name>.tsv`` + ``<name>_tweets.json``), each given good accounts mixed
with damaged rows (wrong types, deep nesting, huge fields, NUL bytes, invalid UTF-8, duplicated
keys, rows cut short) and files cut at a random byte.

Each input loads or is refused: the only error that may leave a loader is ``DatasetLayoutError``
(the folder as a whole is not a dataset of its layout); every other problem is a rejected row
with a reason. Every good account beside the bad ones loads (with a cut file: every good account
written wholly before the cut), and what loads is storable in DuckDB as ``raw.labelled_accounts``
is (ids of ASCII digits, valid Unicode text).

``BOTWATCH_FUZZ_EXAMPLES`` sets the examples per loader (default 60 for `make test`; `make fuzz`
runs 10,000 and prints the number run).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from botwatch.schema import LABELLED_ACCOUNT_COLUMNS
from ml.datasets import DatasetLayoutError, LabelledDataset, load_dataset
from tests.helpers.fuzz import FUZZ, ExampleCounter

GOOD_IDS_FROM = 9_000_000  # good accounts' ids; damaged rows use smaller ones, never these

pytestmark = pytest.mark.fuzz

examples = ExampleCounter("loader")


def _invalid_utf8(error: UnicodeError) -> tuple[bytes, int]:
    """Lone surrogates as bytes that are not UTF-8: U+DC80..U+DCFF as the byte they escape
    (``surrogateescape``), any other as its 3-byte encoding (``surrogatepass``)."""
    assert isinstance(error, UnicodeEncodeError)
    out = b""
    for char in error.object[error.start : error.end]:
        code = ord(char)
        out += (
            bytes([code - 0xDC00])
            if 0xDC80 <= code <= 0xDCFF
            else char.encode("utf-8", "surrogatepass")
        )
    return out, error.end


codecs.register_error("botwatch_fuzz", _invalid_utf8)


def to_bytes(text: str) -> bytes:
    """``text`` as UTF-8, its lone surrogates written as invalid UTF-8."""
    return text.encode("utf-8", errors="botwatch_fuzz")


json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
    st.text(
        alphabet=st.sampled_from(["\x00", "\ud800", "é", "𝄞", '"', "\\", "²", ","]), max_size=20
    ),
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
# Text a CSV field may hold: separators, quotes, newlines, NUL, digits of other scripts.
csv_text = st.one_of(
    st.text(max_size=30),
    st.text(
        alphabet=st.sampled_from(["\x00", ",", '"', "\n", "\r", "\t", "²", "١", "é", "a", "1"]),
        max_size=30,
    ),
)
DAMAGE = ["wrong_type", "missing", "nested", "huge", "nul", "duplicate_key", "invalid_utf8"]


DEEP = "__deeply_nested__"


def deeply_nested(text: str, depth: int) -> str:
    """``text`` (JSON) with the value ``DEEP`` replaced by objects nested ``depth`` deep (written
    directly: json.dumps itself cannot go deeper than Python's recursion limit)."""
    return text.replace(json.dumps(DEEP), '{"a": [' * depth + '"bottom"' + "]}" * depth, 1)


_connection: list[duckdb.DuckDBPyConnection] = []


def _warehouse() -> duckdb.DuckDBPyConnection:
    """One in-memory DuckDB for every example (each takes its own cursor)."""
    if not _connection:
        _connection.append(duckdb.connect(":memory:"))
    return _connection[0]


def store(dataset: LabelledDataset) -> None:
    """What loaded is storable as raw.labelled_accounts (the pipeline's next step)."""
    frame = dataset.frame
    assert list(frame.columns) == list(LABELLED_ACCOUNT_COLUMNS)
    assert all(u.isascii() and u.isdigit() for u in frame["user_id"])
    with _warehouse().cursor() as con:
        con.register("loaded", frame)
        con.execute("CREATE OR REPLACE TABLE labelled_accounts AS SELECT * FROM loaded")
        ((stored,),) = con.execute("SELECT count(*) FROM labelled_accounts").fetchall()
        con.unregister("loaded")
    assert stored == len(frame)
    assert all(isinstance(r, str) and r for r in dataset.rejected["reason"])


def load(folder: Path, loader: str) -> LabelledDataset | None:
    """Load ``folder``; None when it is refused as a whole (``DatasetLayoutError``). Any other
    exception escapes (a failure)."""
    examples.count(loader)
    try:
        dataset = load_dataset(folder)
    except DatasetLayoutError as refused:
        assert str(refused), "a refusal says why"
        return None
    store(dataset)
    return dataset


def loaded_ids(dataset: LabelledDataset | None) -> set[str]:
    return set() if dataset is None else set(dataset.frame["user_id"])


def cut(content: bytes, data: st.DataObject) -> tuple[bytes, int]:
    """``content`` cut at a random byte (or whole); returns it and the cut's position."""
    if not data.draw(st.booleans(), label="cut"):
        return content, len(content)
    at = data.draw(st.integers(0, len(content)), label="cut at")
    return content[:at], at


def csv_bytes(header: list[str], rows: list[list[str]]) -> tuple[bytes, list[int]]:
    """A CSV file and the byte offset at which each row ends (its newline included)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    ends = []
    for row in rows:
        writer.writerow(row)
        ends.append(len(to_bytes(out.getvalue())))
    return to_bytes(out.getvalue()), ends


@st.composite
def damaged_csv_row(draw: st.DrawFn, header: list[str], good: Callable[[int], list[str]]) -> Any:
    """A row of ``header`` damaged in one way, or raw bytes that stand for a line. Its id is
    below GOOD_IDS_FROM."""
    row = good(draw(st.integers(1, 999)))
    kind = draw(st.sampled_from([*DAMAGE, "fields", "random"]))
    column = draw(st.integers(0, len(header) - 1))
    if kind in ("wrong_type", "random"):
        row[column] = draw(csv_text)
    elif kind == "missing":
        row[column] = ""
    elif kind == "nested":
        row[column] = "(" * draw(st.integers(50, 3000)) + "'x'" + ")" * draw(st.integers(0, 3000))
    elif kind == "huge":
        row[column] = "9" * draw(st.integers(20, 200_000))
    elif kind == "nul":
        row[column] = f"nul\x00{row[column]}"
    elif kind == "duplicate_key":
        row.append(draw(csv_text))  # a field more than the header names
    elif kind == "invalid_utf8":
        row[column] = row[column] + "\udcff\udcfe"  # written as the bytes ff fe
    elif kind == "fields":
        row = row[: draw(st.integers(0, len(row) - 1))]
    return row


def csv_rows(
    draw: st.DrawFn, header: list[str], good_row: Callable[[int], list[str]]
) -> tuple[list[list[str]], list[str | None]]:
    """Good rows (ids from GOOD_IDS_FROM) and damaged ones, shuffled; per row its good id."""
    good = draw(st.integers(0, 5))
    rows: list[tuple[list[str], str | None]] = [
        (good_row(GOOD_IDS_FROM + i), str(GOOD_IDS_FROM + i)) for i in range(good)
    ]
    rows += [
        (draw(damaged_csv_row(header, good_row)), None) for _ in range(draw(st.integers(0, 6)))
    ]
    rows = draw(st.permutations(rows))
    return [r for r, _ in rows], [g for _, g in rows]


def good_before(ends: list[int], good: list[str | None], at: int) -> set[str]:
    """The good ids whose whole row (newline included) lies before byte ``at``."""
    return {g for g, end in zip(good, ends, strict=True) if g is not None and end <= at}


# --- cresci-2017 ------------------------------------------------------------------------------

CRESCI_HEADER = [
    "id",
    "name",
    "screen_name",
    "statuses_count",
    "followers_count",
    "friends_count",
    "created_at",
    "verified",
    "description",
    "crawled_at",
]


def cresci_row(user_id: int) -> list[str]:
    return [
        str(user_id),
        "Name, with a comma",
        f"user{user_id}",
        "12",
        "3",
        "4",
        "Tue Nov 22 09:54:02 +0000 2011",
        "",
        'says "hi"',
        "2015-05-02 11:40:19",
    ]


@st.composite
def _cresci_case(draw: st.DrawFn) -> tuple[list[list[str]], list[str | None]]:
    return csv_rows(draw, CRESCI_HEADER, cresci_row)


def header_bytes(header: list[str]) -> int:
    return len(",".join(header)) + 1


@FUZZ
@given(_cresci_case(), st.data())
def test_cresci_users_csv_loads_or_is_rejected_with_reasons(
    case: tuple[list[list[str]], list[str | None]], data: st.DataObject
) -> None:
    rows, good = case
    content, ends = csv_bytes(CRESCI_HEADER, rows)
    content, at = cut(content, data)
    with tempfile.TemporaryDirectory() as root:
        folder = Path(root) / "social_spambots_1"
        folder.mkdir()
        (folder / "users.csv").write_bytes(content)
        dataset = load(folder, "cresci users.csv")
    if dataset is None:
        assert at < header_bytes(CRESCI_HEADER), "only a file cut inside its header is refused"
        return
    assert good_before(ends, good, at) <= loaded_ids(dataset)
    assert dataset.frame["is_bot"].all()


# --- account_type CSV (twitter-human-bots-2021) -----------------------------------------------

ACCOUNT_TYPE_HEADER = [
    "id",
    "account_type",
    "screen_name",
    "created_at",
    "follower_count",
    "statuses_count",
    "verified",
    "description",
]


def account_type_row(user_id: int) -> list[str]:
    return [
        str(user_id),
        "bot" if user_id % 2 else "human",
        f"user{user_id}",
        "2016-10-15 21:32:11",
        "1589",
        "11041",
        "False",
        "('Blame @xaiax, Inspired by @MakingInvisible',)",
    ]


@st.composite
def _account_type_case(draw: st.DrawFn) -> tuple[list[list[str]], list[str | None]]:
    return csv_rows(draw, ACCOUNT_TYPE_HEADER, account_type_row)


@FUZZ
@given(_account_type_case(), st.data())
def test_account_type_csv_loads_or_is_rejected_with_reasons(
    case: tuple[list[list[str]], list[str | None]], data: st.DataObject
) -> None:
    rows, good = case
    content, ends = csv_bytes(ACCOUNT_TYPE_HEADER, rows)
    content, at = cut(content, data)
    with tempfile.TemporaryDirectory() as root:
        folder = Path(root) / "twitter-human-bots"
        folder.mkdir()
        (folder / "accounts.csv").write_bytes(content)
        dataset = load(folder, "account_type CSV")
    if dataset is None:
        # Refused only when the cut took the header's account_type or id column.
        assert at < header_bytes(ACCOUNT_TYPE_HEADER)
        return
    loaded = loaded_ids(dataset)
    assert good_before(ends, good, at) <= loaded
    bots = set(dataset.frame.loc[dataset.frame["is_bot"].astype(bool), "user_id"])
    assert {g for g in good_before(ends, good, at) if int(g) % 2} <= bots


# --- TwiBot: node.json + label.csv ------------------------------------------------------------


def twibot_node(user_id: int) -> dict[str, Any]:
    return {
        "created_at": "Wed Feb 01 17:49:30 +0000 2012 ",
        "description": "Direttore ",
        "id": f"u{user_id}",
        "location": " ",
        "name": "Matteo ",
        "profile_image_url": "http://pbs.twimg.com/x_normal.jpg ",
        "protected": "False ",
        "public_metrics": {"followers_count": 648, "following_count": 513, "tweet_count": 542},
        "url": "None ",
        "username": f"user{user_id} ",
        "verified": "True ",
    }


NODE_FIELDS = ["id", "created_at", "username", "public_metrics", "verified", "description"]


@st.composite
def damaged_node(draw: st.DrawFn) -> str:
    """One element of node.json that is not a good user node, as JSON text (id below
    GOOD_IDS_FROM), or a TwiBot-22 tweet node."""
    node = twibot_node(draw(st.integers(1, 999)))
    kind = draw(st.sampled_from([*DAMAGE, "random", "tweet_node", "cut"]))
    name = draw(st.sampled_from(NODE_FIELDS))
    if kind == "wrong_type":
        node[name] = draw(json_values)
    elif kind == "missing":
        node.pop(name)
    elif kind == "nested":
        node[name] = DEEP
    elif kind == "huge":
        node[name] = "x" * draw(st.integers(10_000, 300_000))
    elif kind == "nul":
        node["description"] = "nul\x00byte"
    elif kind == "tweet_node":
        node = {"id": f"t{draw(st.integers(1, 10**6))}", "text": draw(st.text(max_size=20))}
    elif kind == "random":
        return json.dumps(draw(json_values))
    text = json.dumps(node, ensure_ascii=draw(st.booleans()))
    if kind == "nested":
        text = deeply_nested(text, draw(st.integers(50, 3000)))
    elif kind == "duplicate_key":
        text = text[:-1] + ', "id": ' + json.dumps(draw(json_values)) + "}"
    elif kind == "invalid_utf8":
        text = text.replace("Direttore", "Dire\udcff\udcfettore")
    elif kind == "cut":
        text = text[: draw(st.integers(1, len(text) - 1))]
    return text


@st.composite
def twibot_case(draw: st.DrawFn) -> tuple[bytes, list[int], list[str | None], bytes]:
    """node.json's bytes, the offset at which each element ends, each element's good id, and
    label.csv's bytes (good labels first, then damaged label rows)."""
    good = draw(st.integers(0, 5))
    elements: list[tuple[str, str | None]] = [
        (json.dumps(twibot_node(GOOD_IDS_FROM + i)), str(GOOD_IDS_FROM + i)) for i in range(good)
    ]
    elements += [(draw(damaged_node()), None) for _ in range(draw(st.integers(0, 6)))]
    elements = draw(st.permutations(elements))
    content, ends = "[", []
    for index, (text, _) in enumerate(elements):
        content += ("" if index == 0 else ",\n") + text
        ends.append(len(to_bytes(content)))
    content += "]"
    label_rows = [[f"u{GOOD_IDS_FROM + i}", "bot" if i % 2 else "human"] for i in range(good)]
    for _ in range(draw(st.integers(0, 4))):
        row = [f"u{draw(st.integers(1, 999))}", draw(st.sampled_from(["bot", "human", "0", "1"]))]
        row[draw(st.integers(0, 1))] = draw(csv_text)
        label_rows.append(row)
    labels, _ = csv_bytes(["id", "label"], label_rows)
    return (
        to_bytes(content),
        ends,
        [g for _, g in elements],
        labels,
    )


@FUZZ
@given(twibot_case(), st.data())
def test_twibot_node_json_and_labels_load_or_are_rejected_with_reasons(
    case: tuple[bytes, list[int], list[str | None], bytes], data: st.DataObject
) -> None:
    nodes, ends, good, labels = case
    nodes, at = cut(nodes, data)
    with tempfile.TemporaryDirectory() as root:
        folder = Path(root) / "twibot"
        folder.mkdir()
        (folder / "node.json").write_bytes(nodes)
        (folder / "label.csv").write_bytes(labels)
        dataset = load(folder, "TwiBot node.json + label.csv")
    if dataset is None:
        assert at == 0 or not nodes.strip(), "only a file that is no JSON array is refused"
        return
    # An element is whole once its last byte is in: a cut just after it keeps it.
    assert {g for g, end in zip(good, ends, strict=True) if g and end <= at} <= loaded_ids(dataset)


@FUZZ
@given(twibot_case(), st.data())
def test_twibot_label_csv_cut_or_damaged_keeps_the_good_labels(
    case: tuple[bytes, list[int], list[str | None], bytes], data: st.DataObject
) -> None:
    nodes, _, good, labels = case
    labels, at = cut(labels, data)
    with tempfile.TemporaryDirectory() as root:
        folder = Path(root) / "twibot"
        folder.mkdir()
        (folder / "node.json").write_bytes(nodes)
        (folder / "label.csv").write_bytes(labels)
        dataset = load(folder, "TwiBot label.csv")
    if dataset is None:
        assert at < len(b"id,label\n"), "only a label file without its header is refused"
        return
    label_ends = [labels.find(f"u{g},".encode()) for g in good if g]
    whole = {
        g
        for g, start in zip([g for g in good if g], label_ends, strict=True)
        if start >= 0 and labels.find(b"\n", start) >= 0
    }
    assert whole <= loaded_ids(dataset)


# --- Bot Repository: <name>.tsv + <name>_tweets.json ----------------------------------------


def probe(user_id: int) -> dict[str, Any]:
    return {
        "created_at": "Sun Apr 07 09:17:15 +0000 2019",
        "user": {
            "id": user_id,
            "id_str": str(user_id),
            "screen_name": f"user{user_id}",
            "followers_count": 3,
            "created_at": "Tue Nov 22 09:54:02 +0000 2011",
            "verified": False,
            "description": "hello",
        },
    }


@FUZZ
@given(st.data())
def test_bot_repository_loads_or_is_rejected_with_reasons(data: st.DataObject) -> None:
    good = data.draw(st.integers(0, 5), label="good")
    probes = [json.dumps(probe(GOOD_IDS_FROM + i)) for i in range(good)]
    for _ in range(data.draw(st.integers(0, 5), label="bad")):
        damaged = probe(data.draw(st.integers(1, 999)))
        field = data.draw(st.sampled_from(["id", "id_str", "created_at", "followers_count"]))
        damaged["user"][field] = data.draw(st.one_of(json_values, st.just(DEEP)), label="value")
        probes.append(deeply_nested(json.dumps(damaged), 2000))
    probes = data.draw(st.permutations(probes), label="order")
    labels = [f"{GOOD_IDS_FROM + i}\tbot" for i in range(good)]
    labels += [data.draw(csv_text, label="label line") for _ in range(data.draw(st.integers(0, 3)))]
    whole = to_bytes("[" + ",".join(probes) + "]")
    tweets, at = cut(whole, data)
    with tempfile.TemporaryDirectory() as root:
        folder = Path(root) / "botwiki"
        folder.mkdir()
        (folder / "botwiki.tsv").write_bytes(to_bytes("\n".join(labels) + "\n"))
        (folder / "botwiki_tweets.json").write_bytes(tweets)
        dataset = load(folder, "Bot Repository")
    if dataset is None:
        assert at == 0
        return
    if at == len(whole):
        assert {str(GOOD_IDS_FROM + i) for i in range(good)} <= loaded_ids(dataset)


def test_damage_is_rejected_row_by_row_not_file_by_file(tmp_path: Path) -> None:
    """The fixed escapes, one of each, beside a good row: the good row loads, each bad one is
    rejected with its reason (deep nesting, a 5,000-digit integer, a huge field, invalid UTF-8,
    a row with one field too many, a NUL byte kept as text, digits of another script)."""
    folder = tmp_path / "twibot"
    folder.mkdir()
    good = json.dumps(twibot_node(GOOD_IDS_FROM))
    elements = [
        deeply_nested(json.dumps({**twibot_node(1), "entities": DEEP}), 5000),
        '{"id": "u2", "public_metrics": {"followers_count": ' + "7" * 5000 + "}}",
        json.dumps({**twibot_node(3), "description": "Dire\udcffttore"}).replace(
            "\\udcff", "\udcff"
        ),
        good,
        json.dumps({**twibot_node(4), "description": "nul\x00byte"}),
        json.dumps({**twibot_node(5), "id": "u²³"}),
        '{"id": "u6", "name": ',  # cut off: the rest of the file
    ]
    (folder / "node.json").write_bytes(to_bytes("[" + ",".join(elements)))
    (folder / "label.csv").write_bytes(
        b"id,label\n"
        + "".join(f"u{i},bot\n" for i in (1, 2, 3, 4, 6)).encode()
        + f"u{GOOD_IDS_FROM},human\n".encode()
        + b"u7,bot,extra\n"
        + b"u8,"
        + b"b" * 200_000
        + b"\n"
        + b"u9,\xff\xfe\n"
    )
    dataset = load_dataset(folder)
    store(dataset)
    assert set(dataset.frame["user_id"]) == {str(GOOD_IDS_FROM), "4"}
    assert dataset.frame.set_index("user_id").loc["4", "description"] == "nul\x00byte"
    reasons = dict(zip(dataset.rejected["reference"], dataset.rejected["reason"], strict=True))
    assert reasons["node.json[0]"].startswith("unreadable_json:RecursionError")
    assert reasons["node.json[1]"].startswith("unreadable_json:")
    assert reasons["node.json[2] user 3"] == "invalid_utf8:description"
    assert reasons["node.json[5]"] == "user_without_id"
    assert reasons["node.json[6] onwards"] == "cut_off_json_array"
    assert reasons["label.csv:8"] == "row_has_3_fields_header_has_2"
    assert reasons["label.csv:9"].startswith("unreadable_csv_row:field larger than field limit")
    assert reasons["label.csv:10"] == "invalid_utf8"
    assert reasons["label.csv user 6"] == "label_without_profile"


@pytest.mark.parametrize(
    ("elements", "cut_at_end"),
    [
        # An element cut inside a string, then a good one: the open quote must not swallow it.
        (['{"', "GOOD", '{"id": null}'], False),
        # An element cut after its opening brace: its brackets never close around the good one.
        (["{", "GOOD", '{"', '{"id": null}'], False),
        # A file cut just after a whole element: that element is in, so it loads.
        (["GOOD"], True),
    ],
)
def test_the_good_element_after_damage_found_by_the_fuzzer_loads(
    tmp_path: Path, elements: list[str], cut_at_end: bool
) -> None:
    """Inputs `make fuzz` (10,000 per loader) found losing a good account, written out."""
    folder = tmp_path / "twibot"
    folder.mkdir()
    good = json.dumps(twibot_node(GOOD_IDS_FROM))
    content = "[" + ",\n".join(good if e == "GOOD" else e for e in elements)
    (folder / "node.json").write_bytes(to_bytes(content if cut_at_end else content + "]"))
    (folder / "label.csv").write_bytes(f"id,label\nu{GOOD_IDS_FROM},human\n".encode())
    dataset = load_dataset(folder)
    assert loaded_ids(dataset) == {str(GOOD_IDS_FROM)}
    assert len(dataset.rejected) == len(elements) - 1 + cut_at_end, dataset.rejected


def test_zz_report_examples_run() -> None:
    """Prints how many generated inputs each loader took (run last in this module)."""
    examples.report()


def test_loaded_frame_is_what_the_pipeline_stores(tmp_path: Path) -> None:
    """``store`` above is the check each example passes: it fails on a frame DuckDB refuses."""
    frame = pd.DataFrame({"user_id": ["1"]})
    with pytest.raises(AssertionError):
        store(LabelledDataset(name="x", frame=frame))

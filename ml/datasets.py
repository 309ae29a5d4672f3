"""Loaders of labelled account datasets, one per layout, into ``LABELLED_ACCOUNT_COLUMNS`` frames.

Layouts (detected from a folder's content):

- Bot Repository: ``<name>.tsv`` (``<user_id>\\t<bot|human>``, no header) beside
  ``<name>_tweets.json`` (a JSON array of ``{"created_at": <probe time>, "user": <v1.1 user>}``).
  The simulator's labelled set uses the same layout.
- cresci-2017: a folder of ``<group>/users.csv``, or one group folder. Booleans are ``"1"`` or
  empty, ``NULL`` is a missing value, the label comes from the group's name. ``created_at`` is in
  Twitter's format or (``traditional_spambots_1``) epoch milliseconds with a trailing ``L``.
- TwiBot (TwiBot-20/-22): ``node.json`` (a JSON array of v2-shaped users, ``id`` = ``u<user id>``;
  TwiBot-22 also lists tweets, ``t<id>``, which are skipped) beside ``label.csv`` (``id,label``,
  ``human``/``bot`` or 0/1). Values carry trailing spaces, booleans are ``"True "``/``"False "``,
  and a null is written ``"None "``. Other files of the folder are ignored.
- account_type CSV (twitter-human-bots-2021): one CSV with an ``account_type`` (bot/human)
  column, ``follower_count``, ``created_at`` as ``YYYY-MM-DD HH:MM:SS`` (UTC) and ``description``
  as a Python tuple string (``"('text',)"``).

Observation time: account age must be measured against when a profile was observed. The TwiBot
and account_type CSV layouts give no probe or crawl time, so every account of such a dataset gets
as ``observed_at`` the dataset's newest account ``created_at``: the crawl came after every account
in it was created, so this is a lower bound derived from the data (ages come out too young, by
the same unknown offset for the whole dataset), not a guess.

Fields a layout does not have stay null, never invented. Bad rows are not dropped silently: each
one is listed in ``LabelledDataset.rejected`` with a reason; what a layout leaves out on purpose
(tweet nodes, unlabelled support accounts) is counted in ``LabelledDataset.skipped``.

Damaged input (a cut-off file, invalid UTF-8, wrong types, deep nesting, huge fields, NUL bytes,
duplicated keys) never raises past a loader: a row that cannot be read is rejected with a reason
and the rows beside it still load (a JSON array cut off keeps the elements before the cut). The
one error a loader raises is ``DatasetLayoutError``, when a folder or file as a whole is not a
dataset of its layout (no header with the needed columns, no JSON array at all).
"""

from __future__ import annotations

import ast
import csv
import io
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from botwatch.schema import LABELLED_ACCOUNT_COLUMNS, PROFILE_COLUMNS

REJECTED_COLUMNS = ["reference", "reason"]
BOT_REPOSITORY = "bot_repository"
CRESCI_ROOT = "cresci_root"
CRESCI_GROUP = "cresci_group"
TWIBOT = "twibot"
ACCOUNT_TYPE_CSV = "account_type_csv"
LAYOUTS = (BOT_REPOSITORY, CRESCI_ROOT, CRESCI_GROUP, TWIBOT, ACCOUNT_TYPE_CSV)

_COUNT_FIELDS = [c for c, t in PROFILE_COLUMNS.items() if t == "BIGINT"]
_BOOL_FIELDS = [c for c, t in PROFILE_COLUMNS.items() if t == "BOOLEAN"]
_TEXT_FIELDS = [c for c, t in PROFILE_COLUMNS.items() if t == "VARCHAR" and c != "user_id"]
_TWITTER_TIME = "%a %b %d %H:%M:%S %z %Y"
_CRESCI_TIME = "%Y-%m-%d %H:%M:%S"
_EPOCH_MS = re.compile(r"\d{1,15}L?")
_USER_ID = re.compile(r"[0-9]{1,20}")  # ASCII digits only (str.isdigit also takes "²", "١")
# A CSV field longer than this is a damaged row, rejected (the csv module's own limit).
MAX_FIELD_CHARS = csv.field_size_limit()
_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?")
# cresci-2017 groups whose name does not say "bot" but whose accounts are fake (Cresci et al. 2017)
_CRESCI_BOT_GROUPS_WITHOUT_BOT_IN_NAME = {"fake_followers"}


class DatasetLayoutError(ValueError):
    """A folder is not a labelled dataset in a supported layout."""


@dataclass
class LabelledDataset:
    """One labelled dataset: its accounts (``LABELLED_ACCOUNT_COLUMNS``) and what was rejected."""

    name: str
    frame: pd.DataFrame
    rejected: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=REJECTED_COLUMNS, dtype="string")
    )
    skipped: dict[str, int] = field(default_factory=dict)  # left out on purpose, not errors

    @property
    def bots(self) -> int:
        return int(self.frame["is_bot"].sum())


@dataclass
class _Rows:
    """Accumulates accepted profile rows and rejections while a loader walks a file."""

    accepted: list[dict] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    seen: set[str] = field(default_factory=set)

    def reject(self, reference: str, reason: str) -> None:
        self.rejected.append((reference, reason))

    def accept(
        self, reference: str, user_id: str, is_bot: bool, profile: Callable[[], dict]
    ) -> bool:
        """Add the profile ``profile()`` builds for ``user_id``, or reject it with the reason: a
        second profile of the account, a value the builder refuses (its ``ValueError``), text
        that is not valid Unicode (a lone surrogate, from invalid UTF-8 or a JSON escape)."""
        where = f"{reference} user {user_id}"
        if user_id in self.seen:
            self.reject(where, "duplicate_profile")
            return False
        try:
            built = profile()
        except ValueError as error:
            self.reject(where, str(error))
            return False
        for name, value in built.items():
            if isinstance(value, str) and not _is_unicode(value):
                self.reject(where, f"invalid_utf8:{name}")
                return False
        self.seen.add(user_id)
        self.accepted.append({**built, "is_bot": is_bot})
        return True


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _is_user_id(text: str) -> bool:
    return _USER_ID.fullmatch(text) is not None


def _read_text(path: Path) -> str:
    """A file's text; bytes that are not UTF-8 become lone surrogates, so the rows holding them
    are rejected one by one instead of the whole file (a leading BOM is dropped)."""
    return path.read_bytes().decode("utf-8", errors="surrogateescape").removeprefix("\ufeff")


def _csv_records(
    path: Path, rows: _Rows, reference: str, separator: str = " row "
) -> Iterator[tuple[str, dict[str, str]]]:
    """The rows of a CSV with a header as ``(reference, {column: value})``; a row that cannot be
    read (wrong number of fields, a field over ``MAX_FIELD_CHARS``, invalid UTF-8) is rejected.
    References are ``<reference><separator><n>``, n counting records, the header being 1."""
    text = _read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, [])
    except csv.Error as error:
        raise DatasetLayoutError(f"{path}: the header cannot be read ({error})") from error
    header = [name.strip() for name in header]
    number = 1
    while True:
        number += 1
        where = f"{reference}{separator}{number}"
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            rows.reject(where, f"unreadable_csv_row:{str(error)[:80]}")
            continue
        if not values or values == [""]:
            number -= 1  # a blank line is no record
            continue
        if len(values) != len(header):
            rows.reject(where, f"row_has_{len(values)}_fields_header_has_{len(header)}")
            continue
        if not all(_is_unicode(v) for v in values):
            rows.reject(where, "invalid_utf8")
            continue
        yield where, dict(zip(header, values, strict=True))


def _json_array(path: Path, rows: _Rows) -> Iterator[tuple[str, object]]:
    """The elements of a file holding one JSON array, as ``(reference, element)``, read one by
    one: an element that cannot be parsed (malformed, nested deeper than Python can follow, an
    integer too long to convert) is rejected and reading resumes at the next element that reads;
    a file cut off keeps the elements before the cut (one whose last byte is in included). A
    file that is not a JSON array raises ``DatasetLayoutError``."""
    text = _read_text(path)
    position = _skip_space(text, 0)
    if not text.startswith("[", position):
        raise DatasetLayoutError(f"{path}: expected a JSON array")
    position = _skip_space(text, position + 1)
    if _closes_array(text, position):
        return
    decoder = json.JSONDecoder()
    index = 0
    while position < len(text):
        where = f"{path.name}[{index}]"
        end = None
        try:
            element, end = decoder.raw_decode(text, position)
        except (ValueError, RecursionError) as error:  # JSONDecodeError is a ValueError
            reason = f"unreadable_json:{type(error).__name__}"
        else:
            after = _skip_space(text, end)
            if after == len(text):  # cut just after a whole element
                yield where, element
                rows.reject(f"{path.name}[{index + 1}] onwards", "cut_off_json_array")
                return
            if text[after] == "," or _closes_array(text, after):
                yield where, element
                if text[after] == "]":
                    return
                position, index = _skip_space(text, after + 1), index + 1
                continue
            reason = "unreadable_json:no_separator"
        # Where reading resumes: the end of this element by its brackets, unless an object
        # that reads starts sooner (a bracket or quote left open by damage misleads the count).
        following = _element_end(text, position if end is None else end)
        sooner = _next_readable(text, decoder, position)
        if following is None or (sooner is not None and sooner < following):
            following = sooner
        if following is None:
            rows.reject(f"{where} onwards", "cut_off_json_array")
            return
        rows.reject(where, reason)
        if text[following] == "]":
            return
        position, index = _skip_space(text, following + 1), index + 1
    rows.reject(f"{path.name}[{index}] onwards", "cut_off_json_array")


def _closes_array(text: str, position: int) -> bool:
    """Whether ``position`` holds the ``]`` that closes the file's array (nothing but space
    after it): a ``]`` with more after it belongs to something damaged."""
    return text.startswith("]", position) and _skip_space(text, position + 1) == len(text)


def _next_readable(text: str, decoder: json.JSONDecoder, position: int) -> int | None:
    """The first ``,`` after ``position`` that is followed by a JSON object that parses and ends
    at a ``,`` or at the array's closing ``]`` (where reading resumes after a damaged element);
    None if there is none. Objects only: a value inside a damaged element (a number in a list)
    is not taken for an element."""
    comma = text.find(",", position)
    while comma >= 0:
        start = _skip_space(text, comma + 1)
        if text.startswith("{", start):
            try:
                value, end = decoder.raw_decode(text, start)
            except (ValueError, RecursionError):
                pass
            else:
                after = _skip_space(text, end)
                if isinstance(value, dict) and (
                    text.startswith(",", after) or _closes_array(text, after)
                ):
                    return comma
        comma = text.find(",", comma + 1)
    return None


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def _element_end(text: str, position: int) -> int | None:
    """The index of the ``,`` or the array's closing ``]`` that ends the array element at
    ``position`` (brackets counted, strings skipped, no recursion); None when the text ends
    first. A line break inside a string (which JSON forbids) means the element was cut there:
    the line break ends it, so that a quote left open cannot swallow the lines that follow."""
    depth = 0
    in_string = False
    index = position
    while index < len(text):
        char = text[index]
        if in_string:
            if char == "\\":
                index += 1
            elif char in "\n\r":
                return index
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
        elif char in "]}":
            if depth == 0 and _closes_array(text, index):
                return index
            depth = max(0, depth - 1)
        elif char == "," and depth == 0:
            return index
        index += 1
    return None


def detect_layout(folder: Path) -> str:
    """Which layout of ``LAYOUTS`` ``folder`` holds."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DatasetLayoutError(f"{folder} is not a folder")
    if (folder / f"{folder.name}.tsv").is_file() and (
        folder / f"{folder.name}_tweets.json"
    ).is_file():
        return BOT_REPOSITORY
    if (folder / "node.json").is_file() and (folder / "label.csv").is_file():
        return TWIBOT
    if (folder / "users.csv").is_file():
        return CRESCI_GROUP
    if any((child / "users.csv").is_file() for child in folder.iterdir() if child.is_dir()):
        return CRESCI_ROOT
    if _account_type_csvs(folder):
        return ACCOUNT_TYPE_CSV
    raise DatasetLayoutError(
        f"{folder}: no labelled dataset found; expected {folder.name}.tsv + "
        f"{folder.name}_tweets.json (Bot Repository), <group>/users.csv or users.csv "
        "(cresci-2017), node.json + label.csv (TwiBot) or one CSV with an account_type column "
        "(twitter-human-bots-2021)"
    )


def _account_type_csvs(folder: Path) -> list[Path]:
    """The CSV files directly in ``folder`` whose header has an ``account_type`` column."""
    found = []
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8", errors="replace", newline="") as handle:
            try:
                header = next(csv.reader(handle), [])
            except csv.Error:
                header = []  # not a CSV whose header can be read: not this layout
        if "account_type" in (name.strip() for name in header):
            found.append(path)
    return found


def load_dataset(path: Path | str) -> LabelledDataset:
    """Load one labelled dataset folder (or a comma-joined spec of folders, loaded as one set)."""
    if isinstance(path, str) and "," in path:
        return load_dataset_spec(path)
    folder = Path(path)
    layout = detect_layout(folder)
    if layout == BOT_REPOSITORY:
        rows = _read_bot_repository(folder)
    elif layout == TWIBOT:
        rows = _read_twibot(folder)
    elif layout == ACCOUNT_TYPE_CSV:
        rows = _read_account_type_csv(folder)
    elif layout == CRESCI_GROUP:
        rows = _read_cresci_group(folder, folder.name)
    else:
        rows = _Rows()
        for group in sorted(c for c in folder.iterdir() if (c / "users.csv").is_file()):
            part = _read_cresci_group(group, f"{folder.name}/{group.name}")
            rows.accepted += part.accepted
            rows.rejected += part.rejected
    return _finish(folder.name, rows)


def load_dataset_spec(spec: str) -> LabelledDataset:
    """A comma-joined list of folders loaded as one dataset named by the folders' names."""
    folders = [Path(p.strip()) for p in spec.split(",") if p.strip()]
    if not folders:
        raise DatasetLayoutError(f"empty dataset spec {spec!r}")
    parts = [load_dataset(f) for f in folders]
    return combine(parts, ",".join(f.name for f in folders))


def combine(parts: Sequence[LabelledDataset], name: str) -> LabelledDataset:
    """Several datasets as one named ``name`` (their ``dataset`` column is set to ``name``)."""
    frame = pd.concat([p.frame for p in parts], ignore_index=True).assign(dataset=name)
    rejected = pd.concat([p.rejected for p in parts], ignore_index=True)
    skipped = dict(sum((Counter(p.skipped) for p in parts), Counter()))
    return LabelledDataset(name=name, frame=frame, rejected=rejected, skipped=skipped)


def load_datasets(paths: Iterable[Path | str]) -> list[LabelledDataset]:
    """Load each path (a folder or a comma-joined spec) as one dataset."""
    return [load_dataset(p) for p in paths]


def frames_by_dataset(frame: pd.DataFrame) -> list[LabelledDataset]:
    """A labelled frame (e.g. ``raw.labelled_accounts``) split back into one dataset per value of
    its ``dataset`` column, sorted by name."""
    return [
        LabelledDataset(name=str(name), frame=part.reset_index(drop=True))
        for name, part in frame.groupby("dataset", sort=True)
    ]


def concat_frames(datasets: Sequence[LabelledDataset]) -> pd.DataFrame:
    """All accounts of ``datasets`` in one frame (the ``dataset`` column tells them apart)."""
    return pd.concat([d.frame for d in datasets], ignore_index=True)


# --- Bot Repository -------------------------------------------------------------------------


def _read_bot_repository(folder: Path) -> _Rows:
    rows = _Rows()
    labels_file = folder / f"{folder.name}.tsv"
    labels: dict[str, bool] = {}
    for number, line in enumerate(_read_text(labels_file).splitlines(), start=1):
        reference = f"{labels_file.name}:{number}"
        if not line.strip():
            continue
        parts = line.strip().split("\t")
        if len(parts) != 2:
            rows.reject(reference, "label_line_not_two_fields")
        elif not _is_user_id(parts[0]):
            rows.reject(reference, "label_user_id_not_numeric")
        elif parts[1].lower() not in ("bot", "human"):
            rows.reject(reference, f"unknown_label:{_shown(parts[1])}")
        elif parts[0] in labels:
            rows.reject(reference, f"duplicate_label:{parts[0]}")
        else:
            labels[parts[0]] = parts[1].lower() == "bot"

    profiles_file = folder / f"{folder.name}_tweets.json"
    for reference, wrapper in _json_array(profiles_file, rows):
        user = wrapper.get("user") if isinstance(wrapper, dict) else None
        if not isinstance(user, dict):
            rows.reject(reference, "probe_without_user_object")
            continue
        user_id = _user_id(user)
        if user_id is None:
            rows.reject(reference, "user_without_id")
        elif user_id not in labels:
            rows.reject(f"{reference} user {user_id}", "profile_without_label")
        else:
            rows.accept(
                reference,
                user_id,
                labels[user_id],
                lambda user=user, user_id=user_id, wrapper=wrapper: _profile_from_user_object(
                    user, user_id, wrapper.get("created_at")
                ),
            )
    for user_id in sorted(labels.keys() - rows.seen):
        rows.reject(f"{labels_file.name} user {user_id}", "label_without_profile")
    return rows


def _shown(text: str) -> str:
    """A value quoted in a reason: at most 40 characters, invalid UTF-8 shown escaped."""
    return text[:40].encode("utf-8", errors="backslashreplace").decode("utf-8")


def _user_id(user: dict) -> str | None:
    value = user.get("id_str") or user.get("id")
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return str(value) if value < 10**20 else None
    return value if isinstance(value, str) and _is_user_id(value) else None


def _profile_from_user_object(user: dict, user_id: str, probe_time: object) -> dict:
    profile: dict = {"user_id": user_id}
    profile["observed_at"] = _twitter_time(probe_time, "probe_created_at")
    profile["created_at"] = _twitter_time(user.get("created_at"), "created_at")
    for name in _TEXT_FIELDS:
        value = user.get(name)
        if value is not None and not isinstance(value, str):
            raise ValueError(f"bad_text:{name}")
        profile[name] = value
    for name in _COUNT_FIELDS:
        profile[name] = _count(user.get(name), name)
    for name in _BOOL_FIELDS:
        value = user.get(name)
        if value is not None and not isinstance(value, bool):
            raise ValueError(f"bad_boolean:{name}")
        profile[name] = value
    if profile["profile_image_url"] is None:
        https = user.get("profile_image_url_https")
        profile["profile_image_url"] = https if isinstance(https, str) else None
    return profile


def _twitter_time(value: object, name: str) -> pd.Timestamp | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > 64:
        raise ValueError(f"bad_timestamp:{name}")
    try:
        stamp = pd.to_datetime(value, format=_TWITTER_TIME, utc=True)
    except (ValueError, TypeError, OverflowError) as error:
        raise ValueError(f"bad_timestamp:{name}") from error
    return stamp.tz_localize(None)


def _count(value: object, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"bad_count:{name}")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,19}", value.strip()):
        number = int(value)
    else:
        raise ValueError(f"bad_count:{name}")
    if number < 0:
        raise ValueError(f"negative_count:{name}")
    if number >= 2**63:
        raise ValueError(f"bad_count:{name}")  # beyond BIGINT
    return number


# --- cresci-2017 ----------------------------------------------------------------------------


def cresci_group_label(group: str) -> bool:
    """The label a cresci-2017 group's name gives: genuine accounts are human, bot groups bots."""
    lowered = group.lower()
    if lowered.startswith("genuine"):
        return False
    if "bot" in lowered or lowered in _CRESCI_BOT_GROUPS_WITHOUT_BOT_IN_NAME:
        return True
    raise DatasetLayoutError(
        f"cannot tell the label of cresci-2017 group {group!r}: expected 'genuine_accounts' or a "
        "name containing 'bot'"
    )


def _read_cresci_group(folder: Path, reference_prefix: str) -> _Rows:
    is_bot = cresci_group_label(folder.name)
    path = folder / "users.csv"
    rows = _Rows()
    records = _csv_records(path, rows, f"{reference_prefix}/users.csv")
    for reference, record in _with_column(records, "id", path):
        user_id = record["id"].strip()
        if not _is_user_id(user_id):
            rows.reject(reference, "user_without_id")
            continue
        rows.accept(
            reference,
            user_id,
            is_bot,
            lambda record=record, user_id=user_id: _profile_from_cresci_record(record, user_id),
        )
    return rows


def _with_column(
    records: Iterator[tuple[str, dict[str, str]]], column: str, path: Path
) -> Iterator[tuple[str, dict[str, str]]]:
    """``records``, after checking that the header has ``column`` (else the file is not of the
    layout: ``DatasetLayoutError``, also for a file with a header and no rows)."""
    first = next(records, None)
    if first is not None and column not in first[1]:
        raise DatasetLayoutError(f"{path}: no {column!r} column")
    if first is None:
        header = next(csv.reader(io.StringIO(_read_text(path), newline="")), [])
        if column not in (name.strip() for name in header):
            raise DatasetLayoutError(f"{path}: no {column!r} column")
        return
    yield first
    yield from records


def _cresci_value(record: dict, name: str) -> str | None:
    value = record.get(name)
    if value is None or value == "NULL":
        return None
    return value


def _profile_from_cresci_record(record: dict, user_id: str) -> dict:
    profile: dict = {"user_id": user_id}
    crawled = _cresci_value(record, "crawled_at")
    profile["observed_at"] = _cresci_time(crawled) if crawled else None
    created = _cresci_value(record, "created_at")
    profile["created_at"] = _cresci_created_time(created) if created else None
    for name in _TEXT_FIELDS:
        value = _cresci_value(record, name)
        profile[name] = value if value else None
    for name in _COUNT_FIELDS:
        value = _cresci_value(record, name)
        profile[name] = _count(value, name) if value not in (None, "") else None
    for name in _BOOL_FIELDS:
        if name not in record:
            profile[name] = None
            continue
        value = _cresci_value(record, name)
        if value is None:
            profile[name] = None
        elif value in ("1", "true", "True"):
            profile[name] = True
        elif value in ("", "0", "false", "False"):
            profile[name] = False  # cresci-2017 writes false as an empty field
        else:
            raise ValueError(f"bad_boolean:{name}")
    return profile


def _cresci_created_time(value: str) -> pd.Timestamp:
    """Twitter's format, or epoch milliseconds with a trailing ``L`` (traditional_spambots_1)."""
    if _EPOCH_MS.fullmatch(value):
        try:
            stamp = pd.to_datetime(int(value.rstrip("L")), unit="ms", utc=True)
        except (ValueError, OverflowError) as error:  # beyond what a timestamp holds
            raise ValueError("bad_timestamp:created_at") from error
        return stamp.tz_localize(None)
    return _twitter_time(value, "created_at")


def _cresci_time(value: str) -> pd.Timestamp:
    try:
        return pd.to_datetime(value[:64], format=_CRESCI_TIME)
    except (ValueError, TypeError, OverflowError) as error:
        raise ValueError("bad_timestamp:crawled_at") from error


# --- layouts without an observation time ---------------------------------------------------


def observed_at_newest_creation(profiles: list[dict]) -> list[dict]:
    """``profiles`` with ``observed_at`` set to their newest ``created_at`` (see the module
    docstring: a lower bound of the crawl time for layouts that give none)."""
    created = [p["created_at"] for p in profiles if p.get("created_at") is not None]
    newest = max(created) if created else None
    return [{**p, "observed_at": newest} for p in profiles]


def _label(value: str) -> bool | None:
    """``bot``/``human`` (or 1/0) as ``is_bot``; None when it is neither."""
    return {"bot": True, "1": True, "human": False, "0": False}.get(value.strip().lower())


# --- TwiBot ---------------------------------------------------------------------------------

_TWIBOT_METRICS = {
    "followers_count": "followers_count",
    "following_count": "friends_count",
    "tweet_count": "statuses_count",
    "listed_count": "listed_count",
}
_TWIBOT_TEXT = {
    "username": "screen_name",
    "name": "name",
    "description": "description",
    "location": "location",
    "url": "url",
    "profile_image_url": "profile_image_url",
}


def _read_twibot(folder: Path) -> _Rows:
    rows = _Rows()
    labels = _read_twibot_labels(folder / "label.csv", rows)
    for reference, node in _json_array(folder / "node.json", rows):
        if not isinstance(node, dict):
            rows.reject(reference, "node_not_an_object")
            continue
        raw_id = node.get("id")
        node_id = (_twibot_text(raw_id) if isinstance(raw_id, str) else None) or ""
        if not node_id.startswith("u"):
            if node_id:
                rows.skipped["non_user_node"] += 1  # TwiBot-22 tweets ("t<id>") and the like
            else:
                rows.reject(reference, "user_without_id")
            continue
        user_id = node_id[1:]
        if not _is_user_id(user_id):
            rows.reject(reference, "user_without_id")
        elif user_id not in labels:
            rows.skipped["profile_without_label"] += 1  # TwiBot's unlabelled support nodes
        else:
            rows.accept(
                reference,
                user_id,
                labels[user_id],
                lambda node=node, user_id=user_id: _profile_from_twibot_node(node, user_id),
            )
    rows.accepted = observed_at_newest_creation(rows.accepted)
    for user_id in sorted(labels.keys() - rows.seen):
        rows.reject(f"label.csv user {user_id}", "label_without_profile")
    return rows


def _read_twibot_labels(labels_file: Path, rows: _Rows) -> dict[str, bool]:
    header = next(csv.reader(io.StringIO(_read_text(labels_file), newline="")), [])
    if not {"id", "label"} <= {name.strip() for name in header}:
        raise DatasetLayoutError(f"{labels_file}: expected an 'id,label' header")
    labels: dict[str, bool] = {}
    for reference, record in _csv_records(labels_file, rows, labels_file.name, ":"):
        user_id = record["id"].strip().removeprefix("u")
        label = _label(record["label"])
        if not _is_user_id(user_id):
            rows.reject(reference, "label_user_id_not_numeric")
        elif label is None:
            rows.reject(reference, f"unknown_label:{_shown(record['label'].strip())}")
        elif user_id in labels:
            rows.reject(reference, f"duplicate_label:{user_id}")
        else:
            labels[user_id] = label
    return labels


def _twibot_text(value: object) -> str | None:
    """A TwiBot string value stripped; empty or ``"None"`` (a null written as text) is None.
    Another JSON type where TwiBot writes text is a damaged value."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError("bad_text")
    text = value.strip()
    return None if text in ("", "None") else text


def _twibot_boolean(value: object, name: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    try:
        text = _twibot_text(value)
    except ValueError as error:
        raise ValueError(f"bad_boolean:{name}") from error
    if text is None:
        return None
    if text in ("True", "true"):
        return True
    if text in ("False", "false"):
        return False
    raise ValueError(f"bad_boolean:{name}")


def _twibot_time(value: object) -> pd.Timestamp | None:
    """Twitter's format (TwiBot-20) or ISO with an offset (TwiBot-22), as naive UTC."""
    try:
        text = _twibot_text(value)
    except ValueError as error:
        raise ValueError("bad_timestamp:created_at") from error
    if text is None:
        return None
    if _ISO_TIME.fullmatch(text):
        try:
            return pd.to_datetime(text, format="ISO8601", utc=True).tz_localize(None)
        except (ValueError, TypeError, OverflowError) as error:
            raise ValueError("bad_timestamp:created_at") from error
    return _twitter_time(text, "created_at")


def _twibot_metrics(value: object) -> dict:
    """``public_metrics`` as a dict: a JSON object, a Python dict's text, or null (empty)."""
    if isinstance(value, dict):
        return value
    text = _twibot_text(value) if isinstance(value, str) else None
    if text is None:
        if value is None or isinstance(value, str):
            return {}
        raise ValueError("bad_public_metrics")
    if len(text) > 10_000:  # a metrics dict is a few dozen characters
        raise ValueError("bad_public_metrics")
    try:
        metrics = ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        metrics = None
    if not isinstance(metrics, dict):
        raise ValueError("bad_public_metrics")
    return metrics


def _profile_from_twibot_node(node: dict, user_id: str) -> dict:
    profile: dict = {"user_id": user_id, "created_at": _twibot_time(node.get("created_at"))}
    for source, name in _TWIBOT_TEXT.items():
        try:
            profile[name] = _twibot_text(node.get(source))
        except ValueError as error:
            raise ValueError(f"bad_text:{name}") from error
    for name in ("verified", "protected"):
        profile[name] = _twibot_boolean(node.get(name), name)
    metrics = _twibot_metrics(node.get("public_metrics"))
    for source, name in _TWIBOT_METRICS.items():
        value = metrics.get(source)
        profile[name] = _count(value.strip() if isinstance(value, str) else value, name)
    return profile


# --- account_type CSV (twitter-human-bots-2021) ---------------------------------------------

_ACCOUNT_TYPE_COUNTS = {
    "follower_count": "followers_count",
    "friends_count": "friends_count",
    "listed_count": "listed_count",
    "statuses_count": "statuses_count",
}
_ACCOUNT_TYPE_BOOLEANS = ["geo_enabled", "verified", "default_profile", "default_profile_image"]


def _read_account_type_csv(folder: Path) -> _Rows:
    files = _account_type_csvs(folder)
    if len(files) != 1:
        names = ", ".join(f.name for f in files)
        raise DatasetLayoutError(f"{folder}: expected one CSV with account_type, found {names}")
    path = files[0]
    rows = _Rows()
    for reference, record in _with_column(_csv_records(path, rows, path.name), "id", path):
        user_id = record["id"].strip()
        label = _label(record["account_type"])
        if not _is_user_id(user_id):
            rows.reject(reference, "user_without_id")
        elif label is None:
            reason = f"unknown_label:{_shown(record['account_type'])}"
            rows.reject(f"{reference} user {user_id}", reason)
        else:
            rows.accept(
                reference,
                user_id,
                label,
                lambda record=record, user_id=user_id: _profile_from_account_type_record(
                    record, user_id
                ),
            )
    rows.accepted = observed_at_newest_creation(rows.accepted)
    return rows


def _profile_from_account_type_record(record: dict, user_id: str) -> dict:
    screen_name = record.get("screen_name", "").strip()
    profile: dict = {"user_id": user_id, "screen_name": screen_name or None}
    created = record.get("created_at", "").strip()
    try:
        profile["created_at"] = (
            pd.to_datetime(created[:64], format=_CRESCI_TIME) if created else None
        )
    except (ValueError, TypeError, OverflowError) as error:
        raise ValueError("bad_timestamp:created_at") from error
    for source, name in _ACCOUNT_TYPE_COUNTS.items():
        value = record.get(source, "").strip()
        profile[name] = _count(value, name) if value else None
    for name in _ACCOUNT_TYPE_BOOLEANS:
        value = record.get(name, "").strip()
        if value in ("True", "true"):
            profile[name] = True
        elif value in ("False", "false"):
            profile[name] = False
        elif not value:
            profile[name] = None
        else:
            raise ValueError(f"bad_boolean:{name}")
    profile["description"] = tuple_string_text(record.get("description", ""))
    return profile


def tuple_string_text(raw: str) -> str | None:
    """The text of a description written as a Python tuple string (``"('text',)"``): its first
    element; a plain string literal's value; otherwise the stripped raw text. Empty is None."""
    text = raw.strip()
    try:
        # A description is at most a few hundred characters: longer text is not parsed.
        value = ast.literal_eval(text) if text and len(text) <= 10_000 else text or None
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        value = text
    if isinstance(value, tuple):
        value = value[0] if value else None
        if value is not None and not isinstance(value, str):
            value = text
    elif not isinstance(value, str):
        value = text
    value = value.strip() if value is not None else None
    return value or None


# --- typing ---------------------------------------------------------------------------------

_PANDAS_TYPES = {
    "VARCHAR": "string",
    "TIMESTAMP": "datetime64[us]",
    "BIGINT": "Int64",
    "BOOLEAN": "boolean",
}


def typed_frame(records: list[dict], columns: dict[str, str]) -> pd.DataFrame:
    """``records`` as a frame with exactly ``columns`` (missing ones all-null), nullable types."""
    frame = pd.DataFrame.from_records(records, columns=list(columns))
    for name, duck_type in columns.items():
        frame[name] = frame[name].astype(_PANDAS_TYPES[duck_type])
    return frame


def _finish(name: str, rows: _Rows) -> LabelledDataset:
    frame = typed_frame(rows.accepted, LABELLED_ACCOUNT_COLUMNS)
    frame["dataset"] = pd.array([name] * len(frame), dtype="string")
    rejected = pd.DataFrame(rows.rejected, columns=REJECTED_COLUMNS, dtype="string")
    return LabelledDataset(name=name, frame=frame, rejected=rejected, skipped=dict(rows.skipped))


# --- writing --------------------------------------------------------------------------------

_TWITTER_TIME_OUT = "%a %b %d %H:%M:%S +0000 %Y"


def write_bot_repository(frame: pd.DataFrame, folder: Path) -> Path:
    """Write labelled profiles (``LABELLED_ACCOUNT_COLUMNS``) in the Bot Repository layout:
    ``<folder name>.tsv`` and ``<folder name>_tweets.json``. Returns ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    labels = [f"{row.user_id}\t{'bot' if row.is_bot else 'human'}" for row in frame.itertuples()]
    (folder / f"{folder.name}.tsv").write_text("\n".join(labels) + "\n", encoding="utf-8")
    probes = []
    for record in frame.to_dict("records"):
        user = {"id": int(record["user_id"]), "id_str": str(record["user_id"])}
        for name in PROFILE_COLUMNS:
            if name in ("user_id", "observed_at"):
                continue
            value = record.get(name)
            if value is None or value is pd.NA or (isinstance(value, float) and value != value):
                user[name] = None
            elif name == "created_at":
                user[name] = pd.Timestamp(value).strftime(_TWITTER_TIME_OUT)
            elif isinstance(value, (bool, int, str)):
                user[name] = value
            else:
                user[name] = value.item() if hasattr(value, "item") else str(value)
        probe_time = pd.Timestamp(record["observed_at"]).strftime(_TWITTER_TIME_OUT)
        probes.append({"created_at": probe_time, "user": user})
    (folder / f"{folder.name}_tweets.json").write_text(json.dumps(probes), encoding="utf-8")
    return folder


# --- sources --------------------------------------------------------------------------------

# Folders that are halves of one release (same crawl or probe, bots and humans collected
# together): leave-one-dataset-out must hold them out together, or it measures the release's
# quirks instead of the classifier (../shared/data/README.md).
RELEASES: dict[str, str] = {
    "cresci-2017-spambots": "cresci-2017",
    "botwiki-2019": "bot-repository-2019",
    "verified-2019": "bot-repository-2019",
}


def source_of(dataset: str) -> str:
    """The release a dataset belongs to (itself unless ``RELEASES`` joins it to another); a
    comma-joined dataset belongs to the release of its first part."""
    first = str(dataset).split(",")[0].strip()
    return RELEASES.get(first, first)

"""Which kind of tweet file this is, from its content (never from its name)."""

from __future__ import annotations

import json
import zlib
from pathlib import Path

from ingest.errors import NotTweetsError
from ingest.reading import GZIP_MAGIC

V1_LINES = "v1.1-lines"
V1_ARRAY = "v1.1-array"
V1_OBJECT = "v1.1-object"  # one (pretty-printed) object: a profile or a single tweet
V2_PAGES = "v2-pages"
EMPTY = "empty"
HEAD_BYTES = 1024 * 1024
_SHORT_HEAD_BYTES = 64 * 1024
_WHITESPACE = b" \t\r\n\xef\xbb\xbf"  # and the UTF-8 byte order mark


def read_head(path: Path, size: int = HEAD_BYTES) -> bytes:
    """The first ``size`` bytes of the file's content, decompressed if it is gzip (a damaged
    gzip file yields what can be decompressed)."""
    with open(path, "rb") as handle:
        raw = handle.read(size)
        if not raw.startswith(GZIP_MAGIC):
            return raw
        decompressor = zlib.decompressobj(wbits=31)
        out = b""
        try:
            while len(out) < size and raw:
                out += decompressor.decompress(raw, size - len(out))
                raw = decompressor.unconsumed_tail or handle.read(size)
                if decompressor.eof:
                    break
        except zlib.error:
            pass
        return out


def _first_object(head: bytes) -> dict | None:
    """The first line that parses as a JSON object, among the first lines of the head."""
    for line in head.split(b"\n", 50)[:50]:
        try:
            value = json.loads(line)
        except ValueError:
            continue
        if isinstance(value, dict):
            return value
    return None


def is_v2(value: dict) -> bool:
    """A twarc2 page (``data``, ``includes``) or a flattened v2 tweet (``author_id``, no user)."""
    if "data" in value or "includes" in value:
        return True
    return "author_id" in value and "user" not in value and "text" in value


def detect_format(path: Path, source_file: str) -> str:
    """The file's format. Raises ``NotTweetsError`` when the content is not JSON at all; JSON
    lines that turn out to hold no tweet are caught later, by the classification of every line."""
    # A short head decides for lines of tweets (a few KB each); a v2 page is one long line.
    head = read_head(path, _SHORT_HEAD_BYTES)
    value = _first_object(head)
    if value is None and len(head) >= _SHORT_HEAD_BYTES:
        head = read_head(path)
        value = _first_object(head)
    stripped = head.lstrip(_WHITESPACE)
    if not stripped:
        return EMPTY
    first = stripped[:1]
    if first == b"[":
        return V1_ARRAY
    if first != b"{":
        start = stripped[:24].decode("utf-8", errors="replace")
        raise NotTweetsError(source_file, f"its content is not JSON (it starts with {start!r})")
    if value is None and not stripped.split(b"\n", 1)[0].strip(b" \r{"):
        return V1_OBJECT  # the first line is a lone '{': one pretty-printed object
    if value is not None and is_v2(value):
        return V2_PAGES
    return V1_LINES

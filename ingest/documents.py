"""Whole-file JSON documents (timeline dumps as arrays, one pretty-printed object) → records.

Arrays are walked element by element, so a dump cut off in the middle keeps every element
before the damage; each element keeps its own JSON text for the same SQL as v1.1 lines.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa

from ingest.reading import Damage, iter_line_chunks, numbered_lines

_DECODER = json.JSONDecoder()
_SPACE = " \t\r\n\ufeff"


def read_text(path: Path) -> tuple[str, list[Damage]]:
    """The whole decoded content (gzip or not); damage of the container or encoding is returned."""
    parts: list[bytes] = []
    damage: list[Damage] = []
    for item in iter_line_chunks(path):
        if isinstance(item, Damage):
            damage.append(item)
            parts.append(item.raw)
        else:
            parts.append(item.data)
    data = b"".join(parts)
    try:
        return data.decode("utf-8"), damage
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        detail = f"byte {error.start} is not UTF-8 ({error.reason}); such bytes were replaced"
        damage.append(Damage(line, "invalid_utf8", detail, data[error.start : error.start + 200]))
        return data.decode("utf-8", errors="replace"), damage


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _SPACE:
        pos += 1
    return pos


def array_elements(text: str) -> tuple[list[str], Damage | None]:
    """The JSON text of each element of a top-level array, and the damage that stopped the walk
    (its ``source_line`` is the element number, 1-based)."""
    pos = _skip(text, 0)
    if not text.startswith("[", pos):
        return [], Damage(1, "malformed_json", "the document is not a JSON array", b"")
    elements: list[str] = []
    pos = _skip(text, pos + 1)
    if text.startswith("]", pos):
        return elements, None
    while True:
        try:
            _, end = _DECODER.raw_decode(text, pos)
        except json.JSONDecodeError as error:
            return elements, _element_damage(text, pos, len(elements) + 1, error.msg)
        elements.append(text[pos:end])
        pos = _skip(text, end)
        if text.startswith(",", pos):
            pos = _skip(text, pos + 1)
        elif text.startswith("]", pos):
            return elements, None
        else:
            return elements, _element_damage(text, pos, len(elements) + 1, "expected ',' or ']'")


def _element_damage(text: str, pos: int, element: int, message: str) -> Damage:
    detail = (
        f"array element {element} is not valid JSON ({message}); the elements before it were kept"
    )
    return Damage(element, "malformed_json", detail, text[pos : pos + 4000].encode())


def records_table(records: list[str]) -> pa.Table:
    """Records numbered from 1, as the ``(source_line, line)`` table the v1.1 SQL reads."""
    return numbered_lines(1, pa.array(records, type=pa.large_string()))

"""Hourly landing files, written the way a collector rotates them.

Each hour goes to ``tweets-YYYYMMDDTHH.jsonl.gz`` (or ``.jsonl``), first under a hidden ``.part``
name, then renamed into place, so a sensor never sees half a file. Compression runs in a
background thread (zlib releases the GIL) behind a small bounded queue: memory stays constant.
Gzip output carries no name and no timestamp, so the same input gives byte-identical files.
"""

from __future__ import annotations

import os
import queue
import threading
import time
import zlib
from pathlib import Path

_CLOSE = object()
QUEUE_CHUNKS = 4  # chunks of lines waiting for the compressor at most


def hour_file_name(hour_start: float, gzip: bool) -> str:
    stamp = time.strftime("%Y%m%dT%H", time.gmtime(hour_start))
    return f"tweets-{stamp}.jsonl" + (".gz" if gzip else "")


class LandingWriter:
    """Writes lines into hourly files in `landing_dir`; use as a context manager."""

    def __init__(self, landing_dir: Path, gzip: bool, compresslevel: int = 3):
        self.landing_dir = landing_dir
        self.gzip = gzip
        self.compresslevel = compresslevel
        self.files: list[Path] = []
        self.bytes_written = 0
        self.uncompressed_bytes = 0
        self._queue: queue.Queue = queue.Queue(maxsize=QUEUE_CHUNKS)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        self._current: Path | None = None

    def __enter__(self) -> LandingWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start_hour(self, hour_start: float) -> None:
        self.end_hour()
        final = self.landing_dir / hour_file_name(hour_start, self.gzip)
        self._current = final
        self._put(("open", final))

    def write(self, lines: list[str]) -> None:
        if not lines:
            return
        data = ("\n".join(lines) + "\n").encode("utf-8")
        self.uncompressed_bytes += len(data)
        self._put(("data", data))

    def end_hour(self) -> None:
        if self._current is not None:
            self._put(("close", self._current))
            self.files.append(self._current)
            self._current = None

    def close(self) -> None:
        self.end_hour()
        self._put(_CLOSE)
        self._thread.join()
        if self._error is not None:
            raise self._error

    def _put(self, item: object) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put(item)

    def _run(self) -> None:
        handle = None
        compressor = None
        part: Path | None = None
        while True:
            item = self._queue.get()
            if item is _CLOSE:
                return
            if self._error is not None:
                continue
            try:
                action, payload = item
                if action == "open":
                    part = payload.with_name("." + payload.name + ".part")
                    handle = open(part, "wb")  # noqa: SIM115 (closed on "close")
                    compressor = (
                        zlib.compressobj(self.compresslevel, zlib.DEFLATED, 31)
                        if self.gzip
                        else None
                    )
                elif action == "data":
                    handle.write(compressor.compress(payload) if compressor else payload)
                else:
                    if compressor:
                        handle.write(compressor.flush())
                    self.bytes_written += handle.tell()
                    handle.close()
                    os.replace(part, payload)
            except BaseException as error:  # surfaced to the producer on its next call
                self._error = error

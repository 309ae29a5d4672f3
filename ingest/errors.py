"""Errors of the ingest."""

from __future__ import annotations


class NotTweetsError(ValueError):
    """The file holds no tweets at all (a CSV, an image, other JSON): its partition fails."""

    def __init__(self, source_file: str, reason: str) -> None:
        super().__init__(f"{source_file} is not a tweet file: {reason}")
        self.source_file = source_file
        self.reason = reason

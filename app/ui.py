"""Pieces every page shares: the snapshot of this render, the campaign picker, freshness, lists."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from app import format as fmt
from app import queries
from app.data import Snapshot, SnapshotUnavailable, resolve
from botwatch.published import FAILED

SNAPSHOT_KEY = "_snapshot_of_this_run"
CAMPAIGN_KEY = "campaign"
# The longest text a reader can type or put in the URL: a screen name has at most 15 characters,
# an id 20 digits, a campaign id a few words. The search box stops there (max_chars) and a longer
# URL parameter is cut to it.
MAX_INPUT_CHARS = 100
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def clean_input(text: object, limit: int = MAX_INPUT_CHARS) -> str:
    """What the app reads from a reader's text: cut to ``limit`` characters, control characters
    (NUL, newlines, escapes) removed, surrounding space stripped. Never raises."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    return _CONTROL.sub("", text[: limit * 4]).strip()[:limit]


def query_param(name: str) -> str | None:
    """The URL parameter ``name`` through ``clean_input`` (None when it is absent)."""
    value = st.query_params.get(name)
    return None if value is None else clean_input(value)


def start_run() -> Snapshot:
    """Resolve the snapshot once for this render (the entry script calls it first); stop with a
    message when nothing can be shown."""
    try:
        snap = resolve()
    except SnapshotUnavailable as problem:
        st.session_state.pop(SNAPSHOT_KEY, None)
        st.title("botwatch")
        st.warning(str(problem))
        st.stop()
    st.session_state[SNAPSHOT_KEY] = snap
    return snap


def snapshot() -> Snapshot:
    """The snapshot resolved at the start of this render (a page run alone resolves its own)."""
    snap = st.session_state.get(SNAPSHOT_KEY)
    return snap if snap is not None else start_run()


def campaign_picker(snap: Snapshot) -> str | None:
    """The campaign selectbox (sidebar), kept in the URL as ``?campaign=``."""
    campaigns = queries.campaigns(snap)
    if campaigns.empty:
        st.session_state.pop(CAMPAIGN_KEY, None)
        st.sidebar.info("This snapshot has no campaigns.")
        return None
    options = list(campaigns["campaign_id"])
    names = dict(zip(campaigns["campaign_id"], campaigns["name"], strict=True))
    wanted = query_param(CAMPAIGN_KEY)
    if wanted is not None and wanted not in options:
        st.sidebar.warning(f"Campaign “{wanted}” is not in this snapshot.")
    if st.session_state.get(CAMPAIGN_KEY) not in options:
        st.session_state[CAMPAIGN_KEY] = wanted if wanted in options else options[0]
    chosen = st.sidebar.selectbox(
        "Campaign", options, key=CAMPAIGN_KEY, format_func=lambda c: f"{names.get(c) or c}"
    )
    st.query_params[CAMPAIGN_KEY] = chosen
    return chosen


def selected_campaign() -> str | None:
    value = st.session_state.get(CAMPAIGN_KEY)
    if value is None:
        st.info("Pick a campaign in the sidebar.")
    return value


def collection_label(manifest: dict) -> str:
    """Which collection a snapshot shows (older snapshots did not record it)."""
    name = manifest.get("collection")
    landing = manifest.get("landing_dir")
    if not name:
        return "Collection: not recorded (published before collections)"
    return f"Collection **{name}**" + (f"  \nfrom `{landing}`" if landing else "")


def freshness(snap: Snapshot) -> None:
    manifest = snap.manifest
    published = manifest.get("published_at")
    st.sidebar.caption(
        f"{collection_label(manifest)}  \n"
        f"Snapshot **{snap.snapshot_id}**  \n"
        f"published {fmt.timestamp(published)} ({fmt.age(published)})"
    )
    record = snap.last_run()
    if record and record["outcome"] == FAILED and not superseded(record, snap):
        st.sidebar.warning(
            f"The last pipeline run failed ({fmt.timestamp(record['finished_at'])}): this is the "
            "last good snapshot. See Data quality."
        )


def superseded(record: dict, snap: Snapshot) -> bool:
    """Whether the snapshot shown was published after the recorded run ended (by a run started
    from the Dagster UI or the sensor, which leave no record)."""
    published_at = snap.manifest.get("published_at")
    return bool(published_at) and pd.Timestamp(published_at) > pd.Timestamp(record["finished_at"])


def last_run(snap: Snapshot) -> None:
    """When the last pipeline run was, whether it succeeded, where it failed and why, in words
    (from the record it wrote beside the snapshots, ``botwatch.published.RUN_RECORD``)."""
    record = snap.last_run()
    if record is None:
        st.info("No pipeline run has recorded its outcome here yet.")
        return
    if superseded(record, snap):
        st.info(
            f"This snapshot was published {fmt.timestamp(snap.manifest.get('published_at'))} by "
            "a run started from the Dagster UI or its sensor; the last `make run`, which ended "
            f"{fmt.timestamp(record['finished_at'])}, {record['outcome']}."
        )
        return
    started, finished = record["started_at"], record["finished_at"]
    minutes = (pd.Timestamp(finished) - pd.Timestamp(started)).total_seconds() / 60
    took = f"{minutes:.0f} minutes" if minutes >= 2 else f"{minutes * 60:.0f} seconds"
    tiles = st.columns(3)
    tiles[0].metric(
        "Last run ended",
        fmt.age(finished),
        help=f"{fmt.timestamp(finished)}; started {fmt.timestamp(started)}",
    )
    tiles[1].metric("Outcome", record["outcome"].capitalize())
    tiles[2].metric("Took", took)
    if record["outcome"] == FAILED:
        step = record["failed_step"] or "an unknown step"
        st.error(f"**The last run failed while {step}.** {record['message'] or ''}")
        st.caption(
            f"This app keeps showing the last good snapshot, published "
            f"{fmt.timestamp(snap.manifest.get('published_at'))}. Whoever runs the pipeline "
            "finds the details in the run's full log and in the Dagster UI."
        )
        return
    shown = (
        " and published the snapshot shown here"
        if record["published_snapshot"] == snap.snapshot_id
        else f"; this app shows snapshot {snap.snapshot_id}"
    )
    st.success(f"The last run, which ended {fmt.timestamp(finished)}, succeeded{shown}.")


def no_rows(what: str) -> None:
    """Say that a section has nothing to show for this campaign (its table has no rows for it)."""
    st.info(f"{what}: nothing to show for this campaign in this snapshot.")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "table"


def downloadable_table(
    frame: pd.DataFrame,
    title: str,
    *,
    column_config: dict[str, Any] | None = None,
    percent_columns: tuple[str, ...] = (),
    height: int | None = None,
) -> None:
    """A sortable table (click a header) with a CSV download of the same rows. Shares in
    ``percent_columns`` are shown as percentages; the CSV keeps them as fractions."""
    shown = frame.copy()
    config = dict(column_config or {})
    for column in percent_columns:
        if column in shown.columns:
            shown[column] = pd.to_numeric(shown[column], errors="coerce") * 100
            config.setdefault(column, SHARE)
    for column in shown.columns:
        config[column] = readable_column(column, shown[column], config.get(column))
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        column_config=config,
        height=height if height is not None else "auto",
    )
    st.download_button(
        f"Download “{title}” as CSV",
        frame.to_csv(index=False).encode("utf-8"),
        file_name=f"{slug(title)}.csv",
        mime="text/csv",
        key=f"download-{slug(title)}",
        on_click="ignore",
    )


def heading(column: str) -> str:
    """'first_tweet_at' -> 'First tweet at'."""
    words = column.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def readable_column(column: str, values: pd.Series, given: Any) -> Any:
    """A column's display: a heading for people, counts with thousands separators, times to the
    minute. A configuration given by the page wins, except that it gets the heading too."""
    label = heading(column)
    if given is not None:
        if isinstance(given, dict) and not given.get("label"):
            return {**given, "label": label}
        return given
    if pd.api.types.is_bool_dtype(values):
        return st.column_config.CheckboxColumn(label)
    if pd.api.types.is_integer_dtype(values):
        return st.column_config.NumberColumn(label, format="localized")
    if pd.api.types.is_float_dtype(values):
        return st.column_config.NumberColumn(label, format="%.2f")
    if pd.api.types.is_datetime64_any_dtype(values):
        return st.column_config.DatetimeColumn(label, format="YYYY-MM-DD HH:mm")
    return st.column_config.Column(label)


def file_downloads(files: list[Path], key: str) -> None:
    """A download button per file, read only when clicked."""
    for column, path in zip(st.columns(max(1, len(files))), files, strict=False):
        column.download_button(
            path.name,
            data=lambda path=path: path.read_bytes(),
            file_name=path.name,
            key=f"{key}-{path.name}",
            on_click="ignore",
            icon=":material/download:",
        )


def account_link(frame: pd.DataFrame, campaign_id: str | None) -> pd.DataFrame:
    """Add a ``profile`` column linking each row's user_id to its Accounts page (a deep link)."""
    suffix = f"&campaign={campaign_id}" if campaign_id else ""
    return frame.assign(profile=[f"./accounts?account={u}{suffix}" for u in frame["user_id"]])


SHORTCUTS = 8
SHORTCUTS_PER_ROW = 4


def account_shortcuts(frame: pd.DataFrame, campaign_id: str | None, what: str) -> None:
    """The first rows' accounts as links to their profile page (a click away, unlike the
    table's link cells): the second click from a headline number to an account."""
    if frame.empty:
        return
    st.caption(f"Open one of the {what}:")
    rows = frame.head(SHORTCUTS).to_dict("records")
    cells = st.columns(SHORTCUTS_PER_ROW)
    for index, row in enumerate(rows):
        name = row.get("screen_name")
        label = f"@{name}" if isinstance(name, str) and name else f"account {row['user_id']}"
        params = {"account": str(row["user_id"])}
        if campaign_id:
            params["campaign"] = campaign_id
        with cells[index % SHORTCUTS_PER_ROW]:
            st.page_link("views/accounts.py", label=label, query_params=params)


PROFILE_LINK = st.column_config.LinkColumn("Profile", display_text="open")
SCORE = st.column_config.NumberColumn(format="%.2f")
SHARE = st.column_config.NumberColumn(format="%.1f%%")
COUNT = st.column_config.NumberColumn(format="localized")
WHEN = st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm")

"""The snapshot's contract: every table the pipeline publishes, its columns, their types and what
each means, declared once. The publish step refuses a snapshot that breaks it
(``orchestration.snapshot_writer``), and the app opens only snapshots that keep it (``app.data``),
so a page never meets a table or a column it does not know.

Where a table comes from decides where it is declared:

- **dbt models** (``marts.*``) are declared by their dbt YAML (``dbt_project/models/marts``), whose
  contracts dbt enforces on every build: this module reads each column's ``data_type`` and
  ``description`` from there, so there is no second list to keep in step.
- **dbt seeds** (``campaigns``, ``campaign_events``) by ``dbt_project/seeds/_seeds.yml``
  (``column_types`` and column descriptions).
- **Python tables** (the ``analytics`` and ``ml`` schemas the Dagster assets write, and the frames
  the publish step adds) are declared here, in ``PYTHON_TABLES``.

``TABLES`` holds them all, by published name. Types are DuckDB's, as
``information_schema.columns.data_type`` spells them (``VARCHAR``, ``BIGINT``, ``DOUBLE``,
``TIMESTAMP``, ``BOOLEAN``, ``VARCHAR[]``).
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import MappingProxyType

import duckdb
import jinja2
import yaml

from botwatch.paths import PROJECT_ROOT

DBT_PROJECT = PROJECT_ROOT / "dbt_project"
MARTS_YAML = DBT_PROJECT / "models" / "marts"
SEEDS_YAML = DBT_PROJECT / "seeds" / "_seeds.yml"

DBT_MODEL, DBT_SEED, PYTHON = "dbt model", "dbt seed", "python"


class ContractBroken(ValueError):
    """A snapshot (or the warehouse it is built from) does not match the declared tables."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            "the snapshot breaks its contract (botwatch/published.py):\n- " + "\n- ".join(problems)
        )


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    meaning: str


@dataclass(frozen=True)
class Table:
    """One published table. ``source`` is the warehouse relation it is copied from
    (``schema.table``; for a seed, ``seeds.<name>``; ``None`` for a frame the publish step
    adds itself)."""

    name: str
    kind: str
    source: str | None
    meaning: str
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"{self.name} has no column {name!r} in the contract")

    def meaning_of(self, name: str) -> str:
        return self.column(name).meaning


# The project's type vocabulary (types every engine accepts), as DuckDB reports them.
DUCKDB_NAMES = {"string": "VARCHAR"}


def duckdb_type(dbt_type: str) -> str:
    """A dbt ``data_type`` (``string``, ``bigint``, or a per-engine expression such as the string
    array's) as DuckDB reports it: rendered for the duckdb target, in DuckDB's spelling."""
    rendered = jinja2.Template(dbt_type).render(target={"type": "duckdb"})
    name = " ".join(rendered.split()).lower()
    return DUCKDB_NAMES.get(name, name.upper())


def _columns(rows: Iterable[tuple[str, str, str]]) -> tuple[Column, ...]:
    return tuple(Column(name, type_, meaning) for name, type_, meaning in rows)


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())


def dbt_model_tables(folder: Path = MARTS_YAML, schema: str = "marts") -> list[Table]:
    """The tables that the dbt YAML under ``folder`` declares (every model of a contract)."""
    tables = []
    for path in sorted(folder.rglob("*.yml")):
        for model in (yaml.safe_load(path.read_text()) or {}).get("models", []):
            columns = model.get("columns") or []
            undeclared = [c["name"] for c in columns if not c.get("data_type")]
            if undeclared:
                raise ContractBroken([f"{path}: {model['name']}: no data_type for {undeclared}"])
            tables.append(
                Table(
                    name=model["name"],
                    kind=DBT_MODEL,
                    source=f"{schema}.{model['name']}",
                    meaning=_one_line(model.get("description")),
                    columns=_columns(
                        (c["name"], duckdb_type(c["data_type"]), _one_line(c.get("description")))
                        for c in columns
                    ),
                )
            )
    return tables


def dbt_seed_tables(path: Path = SEEDS_YAML) -> list[Table]:
    tables = []
    for seed in (yaml.safe_load(path.read_text()) or {}).get("seeds", []):
        types = (seed.get("config") or {}).get("column_types") or {}
        meanings = {c["name"]: _one_line(c.get("description")) for c in seed.get("columns", [])}
        tables.append(
            Table(
                name=seed["name"],
                kind=DBT_SEED,
                source=f"seeds.{seed['name']}",
                meaning=_one_line(seed.get("description")),
                columns=_columns(
                    (name, duckdb_type(type_), meanings.get(name, ""))
                    for name, type_ in types.items()
                ),
            )
        )
    return tables


V, B, D, T, BOOL = "VARCHAR", "BIGINT", "DOUBLE", "TIMESTAMP", "BOOLEAN"

# The tables Python writes. Each column: (name, DuckDB type, meaning).
PYTHON_TABLES = (
    Table(
        "bot_share_intervals",
        PYTHON,
        "analytics.bot_share_intervals",
        "The bot share among a campaign's scored promoters, two ways: counted at the classifier's "
        "threshold (with a bootstrap interval over promoters), and estimated as a quantity "
        "(adjusted classify-and-count, correcting for the classifier's held-out error rates).",
        _columns(
            [
                ("campaign_id", V, "The campaign."),
                ("estimate", D, "Counted share: scored promoters at or above the threshold."),
                ("ci_low", D, "Lower bound of the counted share's bootstrap interval."),
                ("ci_high", D, "Upper bound of the counted share's bootstrap interval."),
                ("adjusted_estimate", D, "Estimated share, corrected for the error rates."),
                ("adjusted_low", D, "Lower bound of the estimated share's interval."),
                ("adjusted_high", D, "Upper bound of the estimated share's interval."),
                ("adjusted_method", V, "How the estimated share was computed."),
                ("adjusted_note", V, "Why there is no estimated share, when there is none."),
                ("confidence", D, "Confidence level of both intervals (0.95 is 95%)."),
                ("threshold", D, "Bot score from which an account is classified as a bot."),
                ("scored_promoters", B, "Promoters with a bot score (the shares' denominator)."),
                ("bootstrap_samples", B, "Bootstrap resamples behind the intervals."),
            ]
        ),
    ),
    Table(
        "coordination_groups",
        PYTHON,
        "analytics.coordination_groups",
        "Groups of accounts that acted together in a campaign (Pacheco et al. 2021), found from "
        "behaviour alone: co-retweeting the same tweets, or posting the same content within the "
        "same minutes. One row per group and method.",
        _columns(
            [
                ("campaign_id", V, "The campaign."),
                ("method", V, "How the group was found (co-retweet or synchronised posting)."),
                ("group_id", B, "Group number within the campaign and method, largest first."),
                ("group_label", V, "A readable unique name, e.g. 'Co-retweet group 1'."),
                ("size", B, "Accounts in the group."),
                ("bot_share", D, "Share of the members with a known class that are bots."),
                ("mean_bot_score", D, "Mean bot score of the members."),
                ("top_content", V, "What the members posted most (retweets, hashtags, domains)."),
                ("first_at", T, "The members' first campaign tweet (UTC)."),
                ("last_at", T, "The members' last campaign tweet (UTC)."),
            ]
        ),
    ),
    Table(
        "coordination_members",
        PYTHON,
        "analytics.coordination_members",
        "Which account is in which coordinated group (an account is in at most one group per "
        "method and campaign).",
        _columns(
            [
                ("campaign_id", V, "The campaign."),
                ("method", V, "How the group was found."),
                ("group_id", B, "The group (with campaign_id and method)."),
                ("user_id", V, "A member account."),
            ]
        ),
    ),
    Table(
        "coordination_edges",
        PYTHON,
        "analytics.coordination_edges",
        "The strongest similarities between accounts' behaviour, the links coordinated groups are "
        "made of.",
        _columns(
            [
                ("campaign_id", V, "The campaign."),
                ("method", V, "Which behaviour was compared."),
                ("user_a", V, "One account."),
                ("user_b", V, "The other account."),
                (
                    "similarity",
                    D,
                    "Cosine similarity of their weighted behaviour, in [0, 1].",
                ),
            ]
        ),
    ),
    Table(
        "coordination_summary",
        PYTHON,
        "analytics.coordination_summary",
        "Per campaign, the coordinated groups counted once: the one definition the app and the "
        "report show.",
        _columns(
            [
                ("campaign_id", V, "The campaign."),
                ("groups", B, "Coordinated groups, all methods."),
                ("co_retweet_groups", B, "Groups found by co-retweeting."),
                ("synchronised_groups", B, "Groups found by synchronised posting."),
                ("accounts_in_groups", B, "Distinct accounts in any group (counted once)."),
                ("largest_group", B, "Accounts in the largest group (0 when none)."),
            ]
        ),
    ),
    Table(
        "classifier_evaluation",
        PYTHON,
        None,  # from ml.classifier_evaluation, in one shape (snapshot_writer.evaluation_table)
        "How well the bot classifier did on accounts it was not trained on: one row per held-out "
        "test (a labelled dataset left out, or cross-validation folds of a field set's model).",
        _columns(
            [
                ("evaluation", V, "How the test accounts were held out."),
                ("test", V, "The held-out accounts."),
                ("accounts", B, "Labelled accounts tested (null when not recorded)."),
                ("bots", B, "Of which bots (null when not recorded)."),
                ("auc", D, "ROC AUC: chance that a bot scores above a human (0.5 is a coin)."),
                ("accuracy", D, "Share classified right at the threshold."),
                ("f1", D, "F1 of the bot class at the threshold."),
                ("recall", D, "Share of the bots classified as bots (true-positive rate)."),
                ("false_positive_rate", D, "Share of the humans classified as bots."),
                (
                    "brier",
                    D,
                    "Mean squared error of the scores as probabilities (lower: better).",
                ),
                ("model_version", V, "The classifier evaluated (content hash)."),
            ]
        ),
    ),
    Table(
        "calibration_curve",
        PYTHON,
        "ml.calibration_curve",
        "Whether the bot score reads as a probability: per score bin, the mean score and the "
        "share of the labelled accounts in it that are bots.",
        _columns(
            [
                ("bin_low", D, "Lower edge of the score bin."),
                ("bin_high", D, "Upper edge of the score bin."),
                ("n", B, "Labelled accounts in the bin."),
                ("mean_predicted", D, "Mean bot score in the bin (null when empty)."),
                ("observed_rate", D, "Share of bots in the bin (null when empty)."),
                ("model_version", V, "The classifier (content hash)."),
            ]
        ),
    ),
    Table(
        "quality_checks",
        PYTHON,
        None,
        "The last result of every data-quality check (dbt tests, Great Expectations suites) when "
        "the snapshot was published.",
        _columns(
            [
                ("asset", V, "The table checked."),
                ("check_name", V, "The check."),
                ("status", V, "SUCCEEDED, FAILED, ... or NEVER_RUN."),
                ("passed", BOOL, "Whether it passed (null when not evaluated)."),
                ("severity", V, "ERROR (blocks publishing) or WARN."),
                ("run_id", V, "The Dagster run that evaluated it."),
                ("evaluated_at", T, "When (UTC)."),
                ("description", V, "What the check verifies."),
                ("metadata", V, "What it observed."),
            ]
        ),
    ),
    Table(
        "rejected_records_by_reason",
        PYTHON,
        None,
        "Input records quarantined at ingestion, summed by reason.",
        _columns(
            [
                ("reason", V, "Why the records were rejected."),
                ("files", B, "Files they came from."),
                ("records", B, "Records rejected."),
            ]
        ),
    ),
)


@functools.cache
def _tables() -> Mapping[str, Table]:
    every = [*dbt_model_tables(), *dbt_seed_tables(), *PYTHON_TABLES]
    by_name: dict[str, Table] = {}
    for table in every:
        if table.name in by_name:
            raise ContractBroken([f"table {table.name} is declared twice"])
        by_name[table.name] = table
    return MappingProxyType(by_name)


def tables() -> Mapping[str, Table]:
    """Every published table, by name."""
    return _tables()


def table(name: str) -> Table:
    try:
        return _tables()[name]
    except KeyError:
        raise KeyError(f"{name!r} is not a published table (botwatch/published.py)") from None


def violations(actual: Mapping[str, Mapping[str, str]]) -> list[str]:
    """What breaks the contract in ``actual`` (table -> column -> DuckDB type, in order):
    declared tables or columns that are missing, ones that are not declared, a column of another
    type or in another place. Empty when it keeps the contract."""
    problems = []
    declared = tables()
    for name in sorted(set(declared) - set(actual)):
        problems.append(f"table {name} is missing")
    for name in sorted(set(actual) - set(declared)):
        problems.append(f"table {name} is not declared")
    for name in sorted(set(declared) & set(actual)):
        want = {c.name: c.type for c in declared[name].columns}
        have = dict(actual[name])
        before = len(problems)
        for column in want.keys() - have.keys():
            problems.append(f"{name}.{column} is missing (declared {want[column]})")
        for column in have.keys() - want.keys():
            problems.append(f"{name}.{column} ({have[column]}) is not declared")
        for column in want.keys() & have.keys():
            if have[column] != want[column]:
                problems.append(
                    f"{name}.{column} is {have[column]}, the contract says {want[column]}"
                )
        if len(problems) == before and list(have) != list(want):
            problems.append(f"{name}'s columns are not in the declared order {list(want)}")
    return sorted(problems)


def database_columns(
    con: duckdb.DuckDBPyConnection, schema: str = "main", catalog: str | None = None
) -> dict[str, dict[str, str]]:
    """table -> column -> type of every table in ``schema`` of a DuckDB database (``catalog``, by
    default the connection's own)."""
    rows = con.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_catalog = coalesce(?, current_database()) AND table_schema = ? "
        "ORDER BY table_name, ordinal_position",
        [catalog, schema],
    ).fetchall()
    found: dict[str, dict[str, str]] = {}
    for table_name, column, type_ in rows:
        found.setdefault(table_name, {})[column] = type_
    return found


def check(actual: Mapping[str, Mapping[str, str]]) -> None:
    """Raise ``ContractBroken`` naming every table and column that breaks the contract."""
    problems = violations(actual)
    if problems:
        raise ContractBroken(problems)


# What differs between two runs on the same landing files: the tables about the run itself (check
# results carry run ids and times) and the columns that record when or by which run a row was
# computed. Comparing two snapshots' data leaves them out.
RUN_TABLES = frozenset({"quality_checks"})
RUN_COLUMNS = frozenset(
    {"run_id", "evaluated_at", "scored_at", "ingested_at", "published_at", "built_at"}
)


def fingerprint() -> str:
    """A short hash of the declared tables, columns and types (not their meanings): a snapshot's
    manifest records it, so a reader can tell at once whether a snapshot keeps this contract."""
    shape = {name: [[c.name, c.type] for c in t.columns] for name, t in sorted(tables().items())}
    return hashlib.sha256(json.dumps(shape).encode()).hexdigest()[:16]


# The record of the last pipeline run, written beside the snapshot (``BOTWATCH_PUBLISH_DIR``)
# by every run, also one that failed and published nothing, so the app can say what happened.
RUN_RECORD = "last_run.json"
SUCCEEDED, FAILED = "succeeded", "failed"
RUN_RECORD_FIELDS = _columns(
    [
        ("started_at", "TIMESTAMP WITH TIME ZONE", "When the run started (ISO 8601)."),
        ("finished_at", "TIMESTAMP WITH TIME ZONE", "When it ended (ISO 8601)."),
        ("outcome", V, f"'{SUCCEEDED}' or '{FAILED}'."),
        ("failed_step", V, "The step that failed, in words (null when the run succeeded)."),
        ("message", V, "What happened, in plain words (null when the run succeeded)."),
        ("published_snapshot", V, "The snapshot the run published (null when it published none)."),
        ("collection", V, "The collection the run was for."),
    ]
)


def run_record_violations(record: Mapping[str, object]) -> list[str]:
    """How a run record differs from ``RUN_RECORD_FIELDS`` (empty: it keeps the contract)."""
    declared = [f.name for f in RUN_RECORD_FIELDS]
    problems = [f"{RUN_RECORD}: {name} is missing" for name in declared if name not in record]
    problems += [f"{RUN_RECORD}: {name} is not declared" for name in record if name not in declared]
    if record.get("outcome") not in (SUCCEEDED, FAILED):
        problems.append(f"{RUN_RECORD}: outcome is {record.get('outcome')!r}")
    for name in ("started_at", "finished_at"):
        try:
            datetime.fromisoformat(str(record.get(name)))
        except ValueError:
            problems.append(f"{RUN_RECORD}: {name} is not an ISO 8601 time")
    return problems

"""Networks for Gephi and friends: the interaction network and the coordination groups, as
GraphML and GEXF, with each account's bot score and first/last activity as node attributes.

Both formats hold only simple attribute types, so timestamps become ISO-8601 strings and missing
values are left out of a node (not written as empty strings or NaN). The interaction network is
bounded: only the ``max_edges`` heaviest edges (by number of interactions) are written, enough to
see the structure of a campaign without a file Gephi cannot open. The graphs are built with
networkx and written by ``analytics.graph_files``, which streams what networkx's writers would.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from analytics.frames import require_columns
from analytics.graph_files import write_gexf, write_graphml
from analytics.similarity import EDGE_COLUMNS

INTERACTION_COLUMNS = ["source_user_id", "target_user_id", "interaction_type", "interactions"]
ACCOUNT_COLUMNS = [
    "user_id",
    "screen_name",
    "account_class",
    "bot_score",
    "first_tweet_at",
    "last_tweet_at",
]
DEFAULT_MAX_EDGES = 50_000


def simple_value(value: Any) -> str | int | float | bool | None:
    """A value GraphML/GEXF can hold, or None for missing (which the caller leaves out)."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, datetime | date | pd.Timestamp):
        return value.isoformat()
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _node_attributes(
    accounts: pd.DataFrame, groups: pd.DataFrame, nodes: set[str]
) -> dict[str, dict[str, Any]]:
    """Attributes of the accounts in ``nodes``, missing values left out."""
    table = accounts[ACCOUNT_COLUMNS].assign(user_id=accounts["user_id"].astype(str))
    table = table[table["user_id"].isin(nodes)].drop_duplicates("user_id")
    group_of = dict(zip(groups["user_id"].astype(str), groups["group_id"], strict=True))
    attributes: dict[str, dict[str, Any]] = {}
    for record in table.to_dict("records"):
        user_id = record.pop("user_id")
        values = {column: simple_value(value) for column, value in record.items()}
        if user_id in group_of:
            values["group_id"] = int(group_of[user_id])
        if values.get("screen_name"):
            values["label"] = values["screen_name"]  # what Gephi shows on a node
        attributes[user_id] = {k: v for k, v in values.items() if v is not None}
    return attributes


def interaction_graph(interactions: pd.DataFrame, max_edges: int = DEFAULT_MAX_EDGES) -> nx.DiGraph:
    """Directed graph source → target, one edge per pair with ``weight`` (all interactions) and
    one count per interaction type; the ``max_edges`` heaviest edges only."""
    require_columns(interactions, INTERACTION_COLUMNS, "interactions")
    frame = interactions.assign(
        source_user_id=interactions["source_user_id"].astype(str),
        target_user_id=interactions["target_user_id"].astype(str),
        interactions=pd.to_numeric(interactions["interactions"]).fillna(0).astype("int64"),
    )
    by_type = frame.pivot_table(
        index=["source_user_id", "target_user_id"],
        columns="interaction_type",
        values="interactions",
        aggfunc="sum",
        fill_value=0,
    )
    by_type.columns = [str(column) for column in by_type.columns]
    by_type["weight"] = by_type.sum(axis=1)
    by_type = by_type.reset_index().sort_values(
        ["weight", "source_user_id", "target_user_id"], ascending=[False, True, True]
    )
    graph = nx.DiGraph(name="interactions")
    for row in by_type.head(max_edges).itertuples(index=False):
        values = row._asdict()
        source, target = values.pop("source_user_id"), values.pop("target_user_id")
        graph.add_edge(source, target, **{k: int(v) for k, v in values.items()})
    return graph


def coordination_graph(
    groups: pd.DataFrame, coordination_edges: pd.DataFrame | None = None
) -> nx.Graph:
    """Undirected graph of the coordinated groups' members (``group_id`` on each node) and, when
    given, the similarity edges between them (``user_a, user_b, similarity``)."""
    graph = nx.Graph(name="coordination")
    for row in groups.itertuples(index=False):
        user_id = str(row.user_id)
        graph.add_node(user_id, group_id=int(row.group_id))
    if coordination_edges is not None:
        require_columns(coordination_edges, EDGE_COLUMNS, "coordination_edges")
        for row in coordination_edges.itertuples(index=False):
            a, b = str(row.user_a), str(row.user_b)
            if a in graph and b in graph:
                graph.add_edge(a, b, weight=float(row.similarity))
    return graph


def write_networks(
    interactions: pd.DataFrame,
    accounts: pd.DataFrame,
    groups: pd.DataFrame,
    out_dir: Path,
    coordination_edges: pd.DataFrame | None = None,
    max_edges: int = DEFAULT_MAX_EDGES,
    name_prefix: str = "",
) -> list[Path]:
    """Write ``<prefix>interactions.graphml/.gexf`` and ``<prefix>coordination.graphml/.gexf``
    into ``out_dir`` and return their paths.

    ``interactions``: ``source_user_id, target_user_id, interaction_type, interactions``.
    ``accounts``: ``user_id, screen_name, account_class, bot_score, first_tweet_at,
    last_tweet_at``. ``groups``: ``group_id, user_id`` (from ``coordinated_groups``).
    """
    require_columns(accounts, ACCOUNT_COLUMNS, "accounts")
    require_columns(groups, ["group_id", "user_id"], "groups")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    graphs = {
        "interactions": interaction_graph(interactions, max_edges),
        "coordination": coordination_graph(groups, coordination_edges),
    }
    nodes = {str(node) for graph in graphs.values() for node in graph.nodes}
    attributes = _node_attributes(accounts, groups, nodes)
    for graph in graphs.values():
        for node, data in graph.nodes(data=True):
            data.update(attributes.get(node, {}))
    written = []
    for name, graph in graphs.items():
        graphml = out_dir / f"{name_prefix}{name}.graphml"
        gexf = out_dir / f"{name_prefix}{name}.gexf"
        written += [write_graphml(graph, graphml), write_gexf(graph, gexf)]
    return written

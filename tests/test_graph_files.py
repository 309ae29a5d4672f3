"""The streamed GraphML/GEXF writers against networkx's own: read back with networkx, the same
graph, node and edge attributes and types; strings XML cannot hold are made safe."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from analytics.graph_files import UnwritableAttribute, write_gexf, write_graphml
from analytics.networks import coordination_graph, interaction_graph

READERS = {"graphml": (write_graphml, nx.write_graphml, nx.read_graphml),
           "gexf": (write_gexf, nx.write_gexf, nx.read_gexf)}  # fmt: skip


def graphs() -> dict[str, nx.Graph]:
    interactions = pd.DataFrame(
        {
            "source_user_id": ["1", "1", "2", "3"],
            "target_user_id": ["2", "2", "3", "1"],
            "interaction_type": ["retweet", "mention", "retweet", "reply"],
            "interactions": [5, 2, 1, 3],
        }
    )
    directed = interaction_graph(interactions)
    for node, data in directed.nodes(data=True):
        data.update(screen_name=f"user {node}", label=f"user {node}", bot_score=int(node) / 10)
    directed.nodes["1"].update(verified=True, group_id=3, first_tweet_at="2017-05-05T18:30:00")
    directed.graph["campaign"] = "macronleaks"
    groups = pd.DataFrame({"group_id": [1, 1, 2], "user_id": ["2", "5", "7"]})
    edges = pd.DataFrame({"user_a": ["2"], "user_b": ["5"], "similarity": [0.87]})
    return {"interactions": directed, "coordination": coordination_graph(groups, edges)}


def typed(data: dict) -> dict:
    return {name: (type(value), value) for name, value in data.items() if name != "id"}


def contents(graph: nx.Graph) -> tuple:
    """What a reader gets: direction, graph, node and edge attributes with their types (an edge's
    ``id`` is a counter in both writers)."""
    return (
        graph.is_directed(),
        typed(graph.graph),
        {node: typed(data) for node, data in graph.nodes(data=True)},
        {(a, b): typed(data) for a, b, data in graph.edges(data=True)},
    )


@pytest.mark.parametrize("suffix", READERS)
@pytest.mark.parametrize("name", ["interactions", "coordination"])
def test_a_file_reads_back_as_networkx_own_file_does(tmp_path: Path, suffix: str, name: str):
    ours, theirs, read = READERS[suffix]
    graph = graphs()[name]
    ours(graph, tmp_path / f"ours.{suffix}")
    theirs(graph, tmp_path / f"theirs.{suffix}")
    mine, reference = read(tmp_path / f"ours.{suffix}"), read(tmp_path / f"theirs.{suffix}")
    assert contents(mine) == contents(reference)
    assert mine.number_of_edges() == graph.number_of_edges() > 0


@pytest.mark.parametrize("suffix", READERS)
def test_markup_and_control_characters_in_a_name_are_written_safely(tmp_path: Path, suffix):
    ours, _, read = READERS[suffix]
    graph = nx.DiGraph()
    graph.add_node("a\"<&>'b", screen_name="x\x00y\x1b<z>&\"q'\nnext", label="tab\there")
    graph.add_edge("a\"<&>'b", "2", weight=0.5)
    ours(graph, tmp_path / f"g.{suffix}")
    back = read(tmp_path / f"g.{suffix}")
    assert back.nodes["a\"<&>'b"]["screen_name"] == "xy<z>&\"q'\nnext"
    assert back.nodes["a\"<&>'b"]["label"] == "tab\there"
    assert float(back.edges["a\"<&>'b", "2"]["weight"]) == 0.5


@pytest.mark.parametrize("suffix", READERS)
def test_empty_graph_and_bare_nodes(tmp_path: Path, suffix: str):
    ours, _, read = READERS[suffix]
    ours(nx.Graph(), tmp_path / f"empty.{suffix}")
    assert read(tmp_path / f"empty.{suffix}").number_of_nodes() == 0
    bare = nx.Graph()
    bare.add_edge("1", "2")
    ours(bare, tmp_path / f"bare.{suffix}")
    assert set(read(tmp_path / f"bare.{suffix}").edges) == {("1", "2")}


def test_a_value_of_no_xml_type_or_of_two_types_is_refused(tmp_path: Path):
    listed = nx.Graph()
    listed.add_node("1", hashtags=["a", "b"])
    with pytest.raises(UnwritableAttribute, match="'hashtags' is a list"):
        write_graphml(listed, tmp_path / "listed.graphml")
    mixed = nx.Graph()
    mixed.add_node("1", score=1)
    mixed.add_node("2", score=0.5)
    with pytest.raises(UnwritableAttribute, match="'score' is both long and double"):
        write_gexf(mixed, tmp_path / "mixed.gexf")

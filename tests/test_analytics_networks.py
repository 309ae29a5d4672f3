"""GraphML/GEXF export, read back with networkx."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from analytics.networks import write_networks


def inputs():
    interactions = pd.DataFrame(
        {
            "source_user_id": ["1", "1", "2", "3", "4"],
            "target_user_id": ["2", "2", "3", "1", "5"],
            "interaction_type": ["retweet", "mention", "retweet", "reply", "retweet"],
            "interactions": [5, 2, 1, 3, 1],
        }
    )
    accounts = pd.DataFrame(
        {
            "user_id": [1, 2, 3, 4, 5, 99],
            "screen_name": ["ana", "bot_123", "carl", "dee", "eve", "unused"],
            "account_class": ["human", "bot", "human", None, "bot", "human"],
            "bot_score": [0.1, 0.93, np.nan, 0.4, 0.8, 0.2],
            "first_tweet_at": pd.to_datetime(
                [
                    "2016-10-20 10:00",
                    "2017-05-05 18:30",
                    None,
                    "2017-05-01 00:00",
                    "2017-05-02 00:00",
                    None,
                ]
            ),
            "last_tweet_at": pd.to_datetime(
                [
                    "2017-05-06 08:00",
                    "2017-05-07 23:00",
                    None,
                    "2017-05-03 00:00",
                    "2017-05-02 00:00",
                    None,
                ]
            ),
        }
    )
    groups = pd.DataFrame({"group_id": [1, 1], "user_id": ["2", "5"]})
    edges = pd.DataFrame({"user_a": ["2"], "user_b": ["5"], "similarity": [0.87]})
    return interactions, accounts, groups, edges


def test_files_are_written_and_read_back_with_attributes(tmp_path):
    interactions, accounts, groups, edges = inputs()
    paths = write_networks(
        interactions, accounts, groups, tmp_path, coordination_edges=edges, name_prefix="c-"
    )
    assert sorted(p.name for p in paths) == [
        "c-coordination.gexf",
        "c-coordination.graphml",
        "c-interactions.gexf",
        "c-interactions.graphml",
    ]
    for reader, suffix in ((nx.read_graphml, "graphml"), (nx.read_gexf, "gexf")):
        graph = reader(tmp_path / f"c-interactions.{suffix}")
        assert graph.is_directed()
        assert set(graph.nodes) == {"1", "2", "3", "4", "5"}
        bot = graph.nodes["2"]
        assert float(bot["bot_score"]) == 0.93
        assert bot["screen_name"] == "bot_123" and bot["account_class"] == "bot"
        assert bot["label"] == "bot_123"
        assert bot["first_tweet_at"].startswith("2017-05-05T18:30")
        assert int(bot["group_id"]) == 1
        assert "bot_score" not in graph.nodes["3"]  # missing values are left out
        assert "first_tweet_at" not in graph.nodes["3"]
        edge = graph.edges["1", "2"]
        assert int(edge["weight"]) == 7
        assert (int(edge["retweet"]), int(edge["mention"])) == (5, 2)

        coordination = reader(tmp_path / f"c-coordination.{suffix}")
        assert set(coordination.nodes) == {"2", "5"}
        assert float(coordination.edges["2", "5"]["weight"]) == 0.87
        assert float(coordination.nodes["5"]["bot_score"]) == 0.8


def test_big_interaction_network_keeps_the_heaviest_edges(tmp_path):
    interactions, accounts, groups, _ = inputs()
    write_networks(interactions, accounts, groups, tmp_path, max_edges=2)
    graph = nx.read_graphml(tmp_path / "interactions.graphml")
    assert set(graph.edges) == {("1", "2"), ("3", "1")}
    # Without similarity edges the coordination file still holds the members.
    assert set(nx.read_gexf(tmp_path / "coordination.gexf").nodes) == {"2", "5"}


def test_a_campaign_without_interactions_still_gets_readable_files(tmp_path):
    _, accounts, _, _ = inputs()
    nothing = pd.DataFrame(
        {"source_user_id": [], "target_user_id": [], "interaction_type": [], "interactions": []}
    )
    no_groups = pd.DataFrame({"group_id": [], "user_id": []})
    paths = write_networks(nothing, accounts, no_groups, tmp_path)
    for path in paths:
        reader = nx.read_graphml if path.suffix == ".graphml" else nx.read_gexf
        assert reader(path).number_of_nodes() == 0

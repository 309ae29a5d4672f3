"""TwiBot and account_type CSV layouts, observation time without a probe time, cresci epoch ms."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from botwatch.schema import LABELLED_ACCOUNT_COLUMNS
from ml.datasets import (
    ACCOUNT_TYPE_CSV,
    LAYOUTS,
    TWIBOT,
    DatasetLayoutError,
    combine,
    detect_layout,
    load_dataset,
    observed_at_newest_creation,
    tuple_string_text,
)

METRICS = {"followers_count": 648, "following_count": 513, "tweet_count": 542, "listed_count": 7}
NODE = {
    "created_at": "Wed Feb 01 17:49:30 +0000 2012 ",
    "description": "Direttore Gruppo editoriale ",
    "entities": "{'description': {'urls': []}} ",
    "id": "u480604244",
    "location": " ",
    "name": "Matteo Scolari ",
    "pinned_tweet_id": None,
    "profile_image_url": "http://pbs.twimg.com/x_normal.jpg ",
    "protected": "False ",
    "public_metrics": METRICS,
    "url": "None ",
    "username": "ScolariMatteo ",
    "verified": "True ",
    "withheld": None,
}


def _twibot(folder: Path, nodes: list, labels: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "node.json").write_text(json.dumps(nodes))
    (folder / "label.csv").write_text(labels)
    (folder / "annotation.csv").write_text("id,label,annotator\nu1,0,1\n")  # ignored
    (folder / "split.csv").write_text("id,split\nu480604244,train\n")  # ignored
    return folder


def test_twibot_layout_strips_parses_and_counts(tmp_path):
    nodes = [
        NODE,
        {  # TwiBot-22 shape: ISO time, real booleans, metrics as a Python dict's text
            **NODE,
            "id": "u2",
            "created_at": "2008-05-03 18:48:12+00:00 ",
            "protected": True,
            "verified": False,
            "public_metrics": "{'followers_count': 1, 'following_count': 2, 'tweet_count': 3, "
            "'listed_count': 0} ",
            "description": "",
            "url": "https://t.co/x ",
        },
        {**NODE, "id": "u3", "public_metrics": None},
        {"id": "t123456", "text": "a tweet node"},  # skipped, counted
        {**NODE, "id": "u4"},  # no label: a support node, counted, not rejected
        {**NODE, "id": "u5", "public_metrics": {**METRICS, "followers_count": "many"}},
        {**NODE, "id": "u6", "verified": "maybe "},
        {**NODE, "id": "u7", "created_at": "yesterday "},
        {**NODE, "id": "u8", "public_metrics": "not a dict"},
        {**NODE, "id": "uabc"},
        {**NODE, "id": "u480604244"},  # duplicate
        "not an object",
    ]
    labels = "id,label\nu480604244,human\nu2,bot\nu3,1\nu5,bot\nu6,bot\nu7,0\nu8,bot\nu9,bot\n"
    labels += "u10,unsure\nx11,bot\nu2,human\n"
    folder = _twibot(tmp_path / "twibot-mini", nodes, labels)
    assert detect_layout(folder) == TWIBOT
    dataset = load_dataset(folder)
    assert dataset.name == "twibot-mini"
    assert list(dataset.frame.columns) == list(LABELLED_ACCOUNT_COLUMNS)
    frame = dataset.frame.set_index("user_id")
    assert list(frame.index) == ["480604244", "2", "3"]
    assert list(frame["is_bot"]) == [False, True, True]
    first = frame.loc["480604244"]
    assert (first["screen_name"], first["name"]) == ("ScolariMatteo", "Matteo Scolari")
    assert first["description"] == "Direttore Gruppo editoriale"
    assert first["profile_image_url"] == "http://pbs.twimg.com/x_normal.jpg"
    assert pd.isna(first["location"]) and pd.isna(first["url"])  # " " and "None " are null
    assert first["verified"] and not first["protected"]
    assert first["created_at"] == pd.Timestamp("2012-02-01 17:49:30")
    assert (first["followers_count"], first["friends_count"]) == (648, 513)
    assert (first["statuses_count"], first["listed_count"]) == (542, 7)
    second = frame.loc["2"]
    assert second["created_at"] == pd.Timestamp("2008-05-03 18:48:12")
    assert second["protected"] and not second["verified"]
    assert (second["followers_count"], second["friends_count"], second["statuses_count"]) == (
        1,
        2,
        3,
    )
    assert pd.isna(second["description"]) and second["url"] == "https://t.co/x"
    assert frame.loc[["3"], ["followers_count", "statuses_count"]].isna().all().all()
    # fields the layout does not have stay null
    absent = ["favourites_count", "geo_enabled", "default_profile", "default_profile_image"]
    assert frame[[*absent, "profile_use_background_image", "lang"]].isna().all().all()
    # no probe time: the newest account creation of the dataset, for every account
    assert (frame["observed_at"] == pd.Timestamp("2012-02-01 17:49:30")).all()
    assert dataset.skipped == {"non_user_node": 1, "profile_without_label": 1}
    assert sorted(dataset.rejected["reason"]) == sorted(
        [
            "bad_count:followers_count",
            "bad_boolean:verified",
            "bad_timestamp:created_at",
            "bad_public_metrics",
            "user_without_id",
            "duplicate_profile",
            "node_not_an_object",
            "unknown_label:unsure",
            "label_user_id_not_numeric",
            "duplicate_label:2",
            # 5, 6, 7, 8: their profiles were rejected; 9: never in node.json
            *["label_without_profile"] * 5,
        ]
    )
    without_profile = dataset.rejected.loc[
        dataset.rejected["reason"] == "label_without_profile", "reference"
    ]
    assert set(without_profile.str.split().str[-1]) == {"5", "6", "7", "8", "9"}


def test_twibot_label_file_needs_id_and_label(tmp_path):
    folder = _twibot(tmp_path / "nolabel", [NODE], "user,class\nu480604244,bot\n")
    with pytest.raises(DatasetLayoutError, match="id,label"):
        load_dataset(folder)
    (folder / "node.json").write_text('{"id": "u1"}')
    (folder / "label.csv").write_text("id,label\n")
    with pytest.raises(DatasetLayoutError, match="JSON array"):
        load_dataset(folder)


HUMAN_BOTS_HEADER = (
    "id,account_type,screen_name,follower_count,friends_count,listed_count,statuses_count,"
    "geo_enabled,verified,created_at,has_extended_profile,default_profile,default_profile_image,"
    "retweets,with_url,with_mention,description,tweet_text\n"
)


def _human_bots_row(user_id: str, account_type: str = "bot", **values: str) -> str:
    row = {
        "id": user_id,
        "account_type": account_type,
        "screen_name": f"name{user_id}",
        "follower_count": "1701",
        "friends_count": "4",
        "listed_count": "53",
        "statuses_count": "13122",
        "geo_enabled": "False",
        "verified": "True",
        "created_at": "2016-10-15 21:32:11",
        "has_extended_profile": "False",
        "default_profile": "True",
        "default_profile_image": "False",
        "retweets": "0.0",
        "with_url": "0.0",
        "with_mention": "0.0",
        "description": "\"('Blame it, on the data',)\"",
        "tweet_text": '"some ""quoted"" tweets"',
        **values,
    }
    return ",".join(row.values()) + "\n"


def test_account_type_csv_layout(tmp_path):
    folder = tmp_path / "humans-bots"
    folder.mkdir()
    (folder / "notes.csv").write_text("a,b\n1,2\n")  # a CSV without account_type: not the data
    (folder / "accounts.csv").write_text(
        HUMAN_BOTS_HEADER
        + _human_bots_row("11")
        + _human_bots_row("12", "human", created_at="2019-04-18 18:55:31", description='"()"')
        + _human_bots_row("13", "human", description="\"('',)\"")
        + _human_bots_row("14", description='"plain text, not a tuple"')
        + _human_bots_row("15", follower_count="-1")
        + _human_bots_row("16", verified="yes")
        + _human_bots_row("17", created_at="15/10/2016")
        + _human_bots_row("18", "cyborg")
        + _human_bots_row("x19")
        + _human_bots_row("11")
    )
    assert detect_layout(folder) == ACCOUNT_TYPE_CSV
    dataset = load_dataset(folder)
    assert dataset.name == "humans-bots"
    assert list(dataset.frame.columns) == list(LABELLED_ACCOUNT_COLUMNS)
    frame = dataset.frame.set_index("user_id")
    assert list(frame.index) == ["11", "12", "13", "14"]
    assert list(frame["is_bot"]) == [True, False, False, True]
    first = frame.loc["11"]
    assert first["screen_name"] == "name11"
    assert (first["followers_count"], first["friends_count"]) == (1701, 4)
    assert (first["listed_count"], first["statuses_count"]) == (53, 13122)
    assert first["verified"] and first["default_profile"]
    assert not first["geo_enabled"] and not first["default_profile_image"]
    assert first["created_at"] == pd.Timestamp("2016-10-15 21:32:11")
    assert first["description"] == "Blame it, on the data"
    assert frame["description"].isna().loc["12"] and frame["description"].isna().loc["13"]
    assert frame.loc["14", "description"] == "plain text, not a tuple"
    absent = ["favourites_count", "lang", "name", "location", "url", "protected"]
    assert frame[[*absent, "profile_use_background_image", "profile_image_url"]].isna().all().all()
    assert (frame["observed_at"] == pd.Timestamp("2019-04-18 18:55:31")).all()
    assert sorted(dataset.rejected["reason"]) == sorted(
        [
            "negative_count:followers_count",
            "bad_boolean:verified",
            "bad_timestamp:created_at",
            "unknown_label:cyborg",
            "user_without_id",
            "duplicate_profile",
        ]
    )


def test_account_type_csv_must_be_one_file(tmp_path):
    folder = tmp_path / "two"
    folder.mkdir()
    for name in ("a.csv", "b.csv"):
        (folder / name).write_text(HUMAN_BOTS_HEADER + _human_bots_row("11"))
    assert detect_layout(folder) == ACCOUNT_TYPE_CSV
    with pytest.raises(DatasetLayoutError, match=r"one CSV with account_type, found a.csv, b.csv"):
        load_dataset(folder)


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("('text',)", "text"),
        ('("it\'s",)', "it's"),
        ("('a', 'b')", "a"),
        ("'just a string'", "just a string"),
        ("()", None),
        ("('',)", None),
        ("", None),
        ("  ", None),
        ("(1,)", "(1,)"),
        ("not python at all (", "not python at all ("),
        ("__import__('os')", "__import__('os')"),  # never evaluated
    ],
)
def test_tuple_string_text(raw, text):
    assert tuple_string_text(raw) == text


def test_observed_at_is_the_newest_creation():
    profiles = [
        {"user_id": "1", "created_at": pd.Timestamp("2010-01-01")},
        {"user_id": "2", "created_at": None},
        {"user_id": "3", "created_at": pd.Timestamp("2012-05-06")},
    ]
    stamped = observed_at_newest_creation(profiles)
    assert [p["observed_at"] for p in stamped] == [pd.Timestamp("2012-05-06")] * 3
    assert "observed_at" not in profiles[0]  # the input is left alone
    assert (
        observed_at_newest_creation([{"user_id": "1", "created_at": None}])[0]["observed_at"]
        is None
    )


def test_cresci_created_at_as_epoch_milliseconds(tmp_path):
    group = tmp_path / "cresci-y" / "traditional_spambots_1"
    group.mkdir(parents=True)
    (group / "users.csv").write_text(
        '"id","screen_name","created_at","timestamp","crawled_at"\n'
        '"7248952","a","1183552203000L","2007-07-04 14:30:03","2010-11-07 11:10:52"\n'
        '"2","b","Tue Jun 11 11:20:35 +0000 2013",NULL,"2015-05-02 06:41:46"\n'
        '"3","c","1183552203000X",NULL,"2015-05-02 06:41:46"\n'
    )
    dataset = load_dataset(tmp_path / "cresci-y")
    frame = dataset.frame.set_index("user_id")
    # epoch ms are UTC (the group's "timestamp" column is the same instant in Italian time)
    assert frame.loc["7248952", "created_at"] == pd.Timestamp("2007-07-04 12:30:03")
    assert frame.loc["2", "created_at"] == pd.Timestamp("2013-06-11 11:20:35")
    assert list(dataset.rejected["reason"]) == ["bad_timestamp:created_at"]


def test_layout_error_lists_every_layout(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(DatasetLayoutError) as error:
        detect_layout(tmp_path / "empty")
    message = str(error.value)
    for hint in ("Bot Repository", "users.csv", "node.json + label.csv", "account_type"):
        assert hint in message
    assert len(LAYOUTS) == 5


def test_combine_adds_skipped_counts(tmp_path):
    one = load_dataset(_twibot(tmp_path / "a", [NODE, {"id": "t1"}], "id,label\nu480604244,0\n"))
    two = load_dataset(_twibot(tmp_path / "b", [NODE, {"id": "t1"}], "id,label\n"))
    both = combine([one, two], "a,b")
    assert both.skipped == {"non_user_node": 2, "profile_without_label": 1}
    assert len(both.frame) == 1


@pytest.mark.realdata
def test_real_new_layouts_load_with_the_readme_counts(shared_data):
    labelled = shared_data / "labelled"
    twibot = load_dataset(labelled / "twibot20-anno")
    assert (len(twibot.frame), twibot.bots) == (437, 54)
    assert len(twibot.rejected) == 0
    assert twibot.skipped == {"profile_without_label": 499 - 437}
    human_bots = load_dataset(labelled / "twitter-human-bots-2021")
    assert (len(human_bots.frame), human_bots.bots) == (456, 92)
    assert len(human_bots.rejected) == 0
    spambots = load_dataset(labelled / "cresci-2017-spambots")
    assert (len(spambots.frame), spambots.bots) == (6551, 6551)
    assert len(spambots.rejected) == 0
    early = spambots.frame.loc[spambots.frame["user_id"] == "7248952", "created_at"]
    assert list(early) == [pd.Timestamp("2007-07-04 12:30:03")]  # "1183552203000L"


@pytest.mark.realdata
def test_every_real_dataset_has_the_columns_and_an_observation_time(shared_data):
    folders = sorted(p for p in (shared_data / "labelled").iterdir() if p.is_dir())
    assert {f.name for f in folders} >= {"twibot20-anno", "twitter-human-bots-2021"}
    for folder in folders:
        dataset = load_dataset(folder)
        frame = dataset.frame
        assert dataset.name == folder.name
        assert list(frame.columns) == list(LABELLED_ACCOUNT_COLUMNS), folder.name
        assert frame["user_id"].is_unique, folder.name
        assert frame["observed_at"].notna().all(), folder.name
        assert frame["created_at"].notna().all(), folder.name
        assert (frame["observed_at"] >= frame["created_at"]).all(), folder.name

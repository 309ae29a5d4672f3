"""Loaders of labelled datasets: real layouts, hand-made broken rows, layout detection."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from botwatch.paths import SHARED_DATA_DIR
from botwatch.schema import LABELLED_ACCOUNT_COLUMNS
from ml.datasets import (
    DatasetLayoutError,
    cresci_group_label,
    detect_layout,
    frames_by_dataset,
    load_dataset,
    load_datasets,
    write_bot_repository,
)

LABELLED = SHARED_DATA_DIR / "labelled"
USER = {
    "id": 11,
    "id_str": "11",
    "name": "Jeanne",
    "screen_name": "jeanne_d",
    "description": "",
    "location": "Paris",
    "url": None,
    "created_at": "Fri Mar 02 02:27:13 +0000 2018",
    "followers_count": 10,
    "friends_count": 20,
    "statuses_count": 30,
    "favourites_count": 40,
    "listed_count": 0,
    "verified": False,
    "geo_enabled": True,
    "default_profile": True,
    "profile_use_background_image": True,
}
PROBE = "Wed Jun 05 21:43:20 +0000 2019"


def _bot_repository(folder: Path, labels: str, probes: list) -> Path:
    folder.mkdir(parents=True)
    (folder / f"{folder.name}.tsv").write_text(labels)
    (folder / f"{folder.name}_tweets.json").write_text(json.dumps(probes))
    return folder


@pytest.mark.realdata
def test_real_datasets_load_with_the_readme_counts():
    cresci, botwiki, verified = load_datasets(
        [LABELLED / "cresci-2017", LABELLED / "botwiki-2019", LABELLED / "verified-2019"]
    )
    assert (len(cresci.frame), cresci.bots) == (3474 + 991, 991)
    assert (len(botwiki.frame), botwiki.bots) == (698, 698)
    assert (len(verified.frame), verified.bots) == (1987, 0)
    # ids labelled in the tsv but without a profile are reported, not dropped silently
    assert len(botwiki.rejected) == 704 - 698
    assert len(verified.rejected) == 2000 - 1987
    assert set(verified.rejected["reason"]) == {"label_without_profile"}
    for dataset in (cresci, botwiki, verified):
        assert list(dataset.frame.columns) == list(LABELLED_ACCOUNT_COLUMNS)
        assert dataset.frame["user_id"].is_unique
        assert dataset.frame["observed_at"].notna().all()  # probe time / crawled_at
        assert (dataset.frame["observed_at"] > dataset.frame["created_at"]).mean() > 0.99
    assert (cresci.frame["dataset"] == "cresci-2017").all()


@pytest.mark.realdata
def test_single_cresci_group_and_comma_spec():
    genuine = load_dataset(LABELLED / "cresci-2017" / "genuine_accounts")
    assert (len(genuine.frame), genuine.bots) == (3474, 0)
    assert genuine.frame["lang"].notna().all()
    both = load_dataset(f"{LABELLED / 'botwiki-2019'},{LABELLED / 'verified-2019'}")
    assert both.name == "botwiki-2019,verified-2019"
    assert (len(both.frame), both.bots) == (698 + 1987, 698)
    assert set(both.frame["dataset"]) == {"botwiki-2019,verified-2019"}


def test_bot_repository_broken_rows_are_rejected_with_reasons(tmp_path):
    labels = "11\tbot\n12\thuman\n13\tmaybe\nnot-an-id\tbot\n11\thuman\n14\tbot\n15\tbot\n16\n"
    probes = [
        {"created_at": PROBE, "user": USER},
        {"created_at": PROBE, "user": {**USER, "id": 12, "id_str": "12", "verified": None}},
        {"created_at": PROBE, "user": {**USER, "id": 99, "id_str": "99"}},  # no label
        {"created_at": PROBE, "user": {**USER, "id": 14, "id_str": "14", "followers_count": "x"}},
        {"created_at": "yesterday", "user": {**USER, "id": 15, "id_str": "15"}},
        {"created_at": PROBE},
        "not an object",
        {"created_at": PROBE, "user": {**USER, "id": 11, "id_str": "11"}},  # duplicate
    ]
    dataset = load_dataset(_bot_repository(tmp_path / "broken", labels, probes))
    assert sorted(dataset.frame["user_id"]) == ["11", "12"]
    assert dataset.frame.set_index("user_id").loc["11", "is_bot"]
    assert dataset.frame.set_index("user_id")["verified"].isna().loc["12"]  # null stays null
    reasons = sorted(dataset.rejected["reason"])
    assert reasons == sorted(
        [
            "unknown_label:maybe",
            "label_user_id_not_numeric",
            "duplicate_label:11",
            "label_line_not_two_fields",
            "profile_without_label",
            "bad_count:followers_count",
            "bad_timestamp:probe_created_at",
            "probe_without_user_object",
            "probe_without_user_object",
            "duplicate_profile",
            "label_without_profile",  # 14 and 15: their profiles were rejected
            "label_without_profile",
        ]
    )
    assert set(
        dataset.rejected.loc[dataset.rejected["reason"] == "label_without_profile", "reference"]
        .str.split()
        .str[-1]
    ) == {"14", "15"}


def test_cresci_group_nulls_booleans_and_bad_values(tmp_path):
    group = tmp_path / "cresci-x" / "social_spambots_9"
    group.mkdir(parents=True)
    (group / "users.csv").write_text(
        '"id","screen_name","name","description","followers_count","favourites_count",'
        '"verified","geo_enabled","created_at","crawled_at"\n'
        '"1","a","A","NULL","5","NULL","1",,"Tue Jun 11 11:20:35 +0000 2013",'
        '"2015-05-02 06:41:46"\n'
        '"2","b","B","hi","-3","0",,,"Tue Jun 11 11:20:35 +0000 2013","2015-05-02 06:41:46"\n'
        '"","c","C","hi","1","0",,,"Tue Jun 11 11:20:35 +0000 2013","2015-05-02 06:41:46"\n'
        '"4","d","D","hi","1","0","yes",,"Tue Jun 11 11:20:35 +0000 2013",NULL\n'
        '"5","e","E","multi\nline","1","0",,"1","Tue Jun 11 11:20:35 +0000 2013",NULL\n'
    )
    dataset = load_dataset(tmp_path / "cresci-x")
    frame = dataset.frame.set_index("user_id")
    assert list(frame.index) == ["1", "5"]
    assert frame["is_bot"].all()
    assert frame.loc["1", "verified"] and not frame.loc["1", "geo_enabled"]  # "1" / empty
    assert frame["favourites_count"].isna().loc["1"]  # NULL is missing, not 0
    assert frame["description"].isna().loc["1"]
    assert frame["observed_at"].isna().loc["5"]  # no crawled_at
    assert frame.loc["5", "description"] == "multi\nline"
    assert frame["statuses_count"].isna().all()  # column absent: missing
    assert sorted(dataset.rejected["reason"]) == [
        "bad_boolean:verified",
        "negative_count:followers_count",
        "user_without_id",
    ]


def test_cresci_labels_from_group_names():
    assert cresci_group_label("genuine_accounts") is False
    assert cresci_group_label("social_spambots_3") is True
    assert cresci_group_label("traditional_spambots_1") is True
    with pytest.raises(DatasetLayoutError, match="cannot tell the label"):
        cresci_group_label("accounts_of_2015")


def test_layout_detection_errors(tmp_path):
    with pytest.raises(DatasetLayoutError, match="not a folder"):
        detect_layout(tmp_path / "absent")
    (tmp_path / "empty").mkdir()
    with pytest.raises(DatasetLayoutError, match="no labelled dataset"):
        load_dataset(tmp_path / "empty")
    folder = _bot_repository(tmp_path / "notarray", "11\tbot\n", [])
    (folder / "notarray_tweets.json").write_text('{"user": {}}')
    with pytest.raises(DatasetLayoutError, match="JSON array"):
        load_dataset(folder)


def test_written_bot_repository_reads_back(tmp_path):
    from bench.scoring import synthetic_profiles

    frame = synthetic_profiles(40, seed=3)
    dataset = load_dataset(write_bot_repository(frame, tmp_path / "synthetic"))
    assert len(dataset.frame) == 40 and dataset.bots == int(frame["is_bot"].sum())
    assert detect_layout(tmp_path / "synthetic") == "bot_repository"
    back = dataset.frame.set_index("user_id")
    original = frame.set_index("user_id")
    assert (back["favourites_count"] == original["favourites_count"]).all()
    assert (back["created_at"] == original["created_at"].dt.floor("s")).all()
    parts = frames_by_dataset(dataset.frame)
    assert [p.name for p in parts] == ["synthetic"]

"""Cross-dataset evaluation: LODO on the real labelled sets (regression floors), the CLI."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from bench.scoring import synthetic_profiles
from botwatch.paths import PROJECT_ROOT, SHARED_DATA_DIR
from ml.datasets import LabelledDataset, load_dataset, write_bot_repository
from ml.evaluate import (
    METRICS,
    calibration_curve_points,
    calibration_table,
    expected_calibration_error,
    lodo_report,
    lodo_table,
    main,
    metrics,
    report_table,
)
from ml.train import train_classifier

LABELLED = SHARED_DATA_DIR / "labelled"
CRESCI = str(LABELLED / "cresci-2017")
BOTWIKI_VERIFIED = f"{LABELLED / 'botwiki-2019'},{LABELLED / 'verified-2019'}"
ALL_FOLDERS = [
    str(LABELLED / name)
    for name in (
        "cresci-2017",
        "cresci-2017-spambots",
        "botwiki-2019",
        "verified-2019",
        "twibot20-anno",
        "twitter-human-bots-2021",
    )
]

# Nested leave-one-source-out, measured 2026-12-01 (random_state 0): held-out AUC cresci-2017
# 0.979 (RF baseline 0.933), bot-repository-2019 0.997 (0.972), twibot20-anno 0.647 (0.622),
# twitter-human-bots-2021 0.736 (0.727). Regression floors a little below; they are not the
# issue's goals (see the model card and the README).
AUC_FLOORS = {
    "cresci-2017": 0.95,
    "bot-repository-2019": 0.97,
    "twibot20-anno": 0.60,
    "twitter-human-bots-2021": 0.70,
}


def test_ece_and_calibration_points_on_known_values():
    y = np.array([0, 0, 1, 1])
    p = np.array([0.05, 0.05, 0.95, 0.95])
    assert expected_calibration_error(y, p) == pytest.approx(0.05)
    table = calibration_table(y, p)
    assert table["n"].sum() == 4 and len(table) == 10
    assert table.loc[9, "observed_rate"] == 1.0
    result = metrics(y.astype(bool), p, 0.5)
    assert (result["auc"], result["accuracy"], result["f1"]) == (1.0, 1.0, 1.0)
    assert metrics(np.array([True, True]), np.array([0.9, 0.2]), 0.5)["auc"] is None


@pytest.mark.realdata
@pytest.mark.slow
def test_nested_lodo_on_the_real_sources():
    report = lodo_report([load_dataset(f) for f in ALL_FOLDERS], random_state=0)
    assert report["nested"] and set(report["tests"]) == set(AUC_FLOORS)
    for name, result in report["tests"].items():
        assert result["auc"] >= AUC_FLOORS[name], name
        # the held-out source never trained or chose anything
        assert name not in result["train"]
        assert sum(p["n"] for p in report["calibration"][name]) == result["n"]
        prevalence = result["prevalence"]
        assert prevalence["true"] == pytest.approx(result["bots"] / result["n"])
        assert 0 <= prevalence["thresholded"] <= 1
        if prevalence["estimate"] is not None:
            assert prevalence["low"] <= prevalence["estimate"] <= prevalence["high"]
        assert sum(result["model_used"].values()) == result["n"]
    # v2-style sets have no likes count: the v2 model scores them, never the v1.1 one
    assert report["tests"]["twibot20-anno"]["model_used"] == {"v2": 437}
    assert report["tests"]["twitter-human-bots-2021"]["model_used"] == {"v2": 456}
    assert report["tests"]["cresci-2017"]["model_used"] == {"v1.1": 11016}
    table = report_table(report)
    assert list(table["test"]) == list(report["tests"])
    assert {"estimated_share", "true_share", "baseline_auc"} <= set(table.columns)


@pytest.mark.realdata
def test_cli_trains_tests_and_writes_json(tmp_path):
    out = tmp_path / "report.json"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "ml.evaluate",
            "--train",
            CRESCI,
            "--test",
            BOTWIKI_VERIFIED,
            "--json",
            str(out),
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "botwiki-2019,verified-2019" in done.stdout and "baseline_auc" in done.stdout
    report = json.loads(out.read_text())
    result = report["tests"]["botwiki-2019,verified-2019"]
    assert set(METRICS) <= set(result) and set(METRICS) <= set(result["baseline"])
    assert (result["n"], result["bots"]) == (2685, 698)
    assert result["auc"] >= 0.9
    assert set(result["prevalence"]) >= {"true", "estimate", "low", "high", "thresholded"}
    assert result["model_used"] == {"v1.1": 2685}


@pytest.mark.realdata
@pytest.mark.parametrize("features", ["population", "botometer-lite", "transfer"])
def test_every_feature_set_runs_on_real_sets_with_missing_fields(features, tmp_path):
    """twibot20-anno has v2 fields only, twitter-human-bots-2021 no likes count: no feature set
    may crash on them (it once stopped with "Input X contains NaN")."""
    out = tmp_path / "report.json"
    code = main(
        [
            "--train",
            str(LABELLED / "twibot20-anno"),
            BOTWIKI_VERIFIED,
            "--test",
            str(LABELLED / "twitter-human-bots-2021"),
            "--features",
            features,
            "--json",
            str(out),
        ]
    )
    assert code == 0
    result = json.loads(out.read_text())["tests"]["twitter-human-bots-2021"]
    assert result["model_used"] == {"v2": 456} and result["auc"] is not None


@pytest.mark.slow
def test_cli_on_synthetic_sets_and_its_errors(tmp_path, capsys):
    first = write_bot_repository(synthetic_profiles(400, seed=10), tmp_path / "first")
    second = write_bot_repository(synthetic_profiles(300, seed=11), tmp_path / "second")
    out = tmp_path / "lodo.json"
    assert main(["--lodo", str(first), str(second), "--json", str(out)]) == 0
    report = json.loads(out.read_text())
    assert set(report["tests"]) == {"first", "second"}
    assert report["tests"]["second"]["n"] == 300
    assert main(["--train", str(first), "--test", str(second), "--features", "population"]) == 0
    assert "second" in capsys.readouterr().out
    assert main(["--lodo", str(first)]) == 2  # one dataset cannot be left out
    assert "at least two" in capsys.readouterr().err
    assert main(["--train", str(first), "--test", str(tmp_path / "nowhere")]) == 2
    with pytest.raises(SystemExit):
        main(["--train", str(first)])


@pytest.mark.slow
def test_calibration_points_and_lodo_on_frames_split_by_dataset():
    frame = pd.concat(
        [
            synthetic_profiles(300, seed=12).assign(dataset="a"),
            synthetic_profiles(300, seed=13).assign(dataset="b"),
        ],
        ignore_index=True,
    )
    model = train_classifier(frame)
    points = calibration_curve_points(model, frame)
    assert len(points) == 10 and sum(p["n"] for p in points) == 600
    json.dumps(points)  # JSON-ready: no NaN
    table = lodo_table(
        [LabelledDataset(n, part.reset_index(drop=True)) for n, part in frame.groupby("dataset")]
    )
    assert list(table["test"]) == ["a", "b"] and table["auc"].gt(0.8).all()

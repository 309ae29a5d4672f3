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

# Measured 2026-11-28 (random_state 0), held out cresci-2017 / botwiki+verified-2019: AUC
# 0.968 / 0.973, accuracy 0.921 / 0.939, ECE 0.065 / 0.061; baseline AUC 0.833 / 0.883.
# Floors sit a little below.
AUC_FLOOR = 0.95
ACCURACY_FLOOR = 0.90
ECE_CEILING = 0.08


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
def test_lodo_on_the_real_sets_holds_up_and_beats_the_baseline():
    datasets = [load_dataset(CRESCI), load_dataset(BOTWIKI_VERIFIED)]
    report = lodo_report(datasets, random_state=0)
    assert set(report["tests"]) == {"cresci-2017", "botwiki-2019,verified-2019"}
    for name, result in report["tests"].items():
        assert result["auc"] >= AUC_FLOOR, name
        assert result["auc"] > result["baseline"]["auc"], name
        assert result["accuracy"] >= ACCURACY_FLOOR, name
        assert result["ece"] <= ECE_CEILING, name
        assert sum(p["n"] for p in report["calibration"][name]) == result["n"]
    table = report_table(report)
    assert list(table["test"]) == ["cresci-2017", "botwiki-2019,verified-2019"]
    assert table.loc[0, "baseline_auc"] == report["tests"]["cresci-2017"]["baseline"]["auc"]


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
    assert result["auc"] >= AUC_FLOOR > result["baseline"]["auc"]


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

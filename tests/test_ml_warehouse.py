"""The classifier on warehouse rows: labelled accounts and scores through a real DuckDB file."""

from __future__ import annotations

import json

import duckdb
import numpy as np
import pandas as pd

from bench.scoring import synthetic_profiles
from botwatch.schema import (
    ACCOUNT_BOT_SCORE_COLUMNS,
    LABELLED_ACCOUNT_COLUMNS,
    PROFILE_COLUMNS,
    create_table_sql,
)
from ml.score import score_accounts
from ml.train import train_classifier


def _insert(con: duckdb.DuckDBPyConnection, schema: str, table: str, columns, frame) -> None:
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    con.execute(create_table_sql(schema, table, columns))
    con.register("incoming", frame[list(columns)])
    select = ", ".join(f'CAST("{c}" AS {t})' for c, t in columns.items())
    con.execute(f"INSERT INTO {schema}.{table} SELECT {select} FROM incoming")
    con.unregister("incoming")


def test_train_on_duckdb_labelled_rows_and_store_scores(tmp_path):
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    labelled = synthetic_profiles(600, seed=20)
    _insert(con, "raw", "labelled_accounts", LABELLED_ACCOUNT_COLUMNS, labelled)
    frame = con.sql("SELECT * FROM raw.labelled_accounts").df()
    model = train_classifier(frame)

    profiles = synthetic_profiles(50, seed=21).drop(columns=["is_bot", "dataset"])
    profiles["favourites_count"] = profiles["favourites_count"].astype("Int64")
    profiles.loc[3, "favourites_count"] = pd.NA
    profiles["geo_enabled"] = profiles["geo_enabled"].astype("boolean")
    profiles.loc[4, "geo_enabled"] = pd.NA
    _insert(con, "raw", "profiles", PROFILE_COLUMNS, profiles)
    rows = con.sql("SELECT * FROM raw.profiles ORDER BY user_id::INT").df()
    scores = score_accounts(model, rows, pd.Timestamp("2026-11-28 12:00"))
    _insert(con, "ml", "account_bot_scores", ACCOUNT_BOT_SCORE_COLUMNS, scores)

    stored = con.sql("SELECT * FROM ml.account_bot_scores ORDER BY user_id::INT").df()
    assert len(stored) == 50 and stored["bot_score"].between(0, 1).all()
    # no likes count: a v2 profile, scored by the v2 model, which needs none
    assert stored.loc[3, "field_set"] == "v2" and len(stored.loc[3, "missing_fields"]) == 0
    assert stored.loc[4, "field_set"] == "v1.1"
    if "geo_enabled" in model.models["v1.1"].feature_names:
        assert list(stored.loc[4, "missing_fields"]) == ["geo_enabled"]
    assert len(stored.loc[0, "missing_fields"]) == 0
    assert np.allclose(stored["bot_score"], scores["bot_score"])
    for text, field_set in zip(stored["top_reasons"], stored["field_set"], strict=True):
        assert len(json.loads(text)) == min(3, len(model.models[field_set].feature_names))
    con.close()

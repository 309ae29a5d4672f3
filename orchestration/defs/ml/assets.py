"""Labelled accounts → bot classifier → scores for every account in the warehouse."""

from datetime import UTC, datetime

import dagster as dg
import pandas as pd
from dagster_duckdb import DuckDBResource

from botwatch.schema import (
    ACCOUNT_BOT_SCORE_COLUMNS,
    LABELLED_ACCOUNT_COLUMNS,
    RAW_SCHEMA,
    SCORE_SCHEMA,
)
from ml import artefact, datasets, evaluate, score, train
from orchestration.defs.dbt.assets import dbt_model_key
from orchestration.defs.ml.handoff import BOT_CLASSIFIER, artefact_metadata, load_trained_classifier
from orchestration.defs.resources import BotwatchSettings
from orchestration.metering import metered
from orchestration.warehouse import replace_table, replace_table_from_frame


@dg.asset(
    key=["raw", "labelled_accounts"],
    group_name="ingest",
    kinds={"duckdb", "python"},
    description="Accounts labelled bot or human, loaded from the datasets in BOTWATCH_LABELLED "
    "(the simulator's labelled set when unset).",
)
@metered
def labelled_accounts(
    context: dg.AssetExecutionContext, duckdb: DuckDBResource, settings: BotwatchSettings
) -> dg.MaterializeResult:
    folders = settings.labelled_paths
    missing = [str(f) for f in folders if not f.exists()]
    if missing:
        raise FileNotFoundError(
            f"labelled dataset folder(s) not found: {missing}. Run `python -m simulate` (make run "
            "does) or point BOTWATCH_LABELLED at Bot Repository / cresci-2017 folders."
        )
    loaded = datasets.load_datasets(folders)
    frame = pd.concat([d.frame for d in loaded], ignore_index=True)
    with duckdb.get_connection() as con:
        replace_table(con, RAW_SCHEMA, "labelled_accounts", LABELLED_ACCOUNT_COLUMNS, frame)
    per_dataset = {
        d.name: {
            "accounts": len(d.frame),
            "bots": int(d.frame["is_bot"].sum()),
            "rejected": len(d.rejected),
        }
        for d in loaded
    }
    for d in loaded:
        if len(d.rejected):
            examples = d.rejected.head(3).to_dict("records")
            context.log.warning(f"{d.name}: {len(d.rejected)} rows rejected, e.g. {examples}")
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": len(frame),
            "datasets": per_dataset,
            "folders": [str(f) for f in folders],
        }
    )


@dg.asset(
    key=BOT_CLASSIFIER,
    deps=[dbt_model_key("stg_labels__accounts")],
    group_name="ml",
    kinds={"scikitlearn"},
    description="The bot classifier: a calibrated scikit-learn Pipeline trained on the labelled "
    "accounts, saved with skops under a content-hash name with its model card; its evaluation "
    "(leave-one-dataset-out when there are several datasets) goes to ml.classifier_evaluation.",
)
@metered
def bot_classifier(
    context: dg.AssetExecutionContext, duckdb: DuckDBResource, settings: BotwatchSettings
) -> dg.MaterializeResult:
    with duckdb.get_connection() as con:
        frame = con.sql("SELECT * FROM staging.stg_labels__accounts").df()
    features = settings.training_features()
    model = train.train_classifier(frame, random_state=0, features=features)
    by_dataset = datasets.frames_by_dataset(frame)
    lodo = (
        evaluate.lodo_table(by_dataset, random_state=0, features=features)
        if len(evaluate.by_source(by_dataset)) > 1
        else None
    )
    saved = artefact.save(model, settings.models_path, evaluation=lodo)
    curve = pd.DataFrame(evaluate.calibration_curve_points(model, frame))
    evaluation = lodo if lodo is not None else _held_out_summary(model)
    with duckdb.get_connection() as con:
        replace_table_from_frame(
            con,
            SCORE_SCHEMA,
            "classifier_evaluation",
            evaluation.assign(model_version=saved.version).astype({"test": str}),
        )
        replace_table_from_frame(
            con, SCORE_SCHEMA, "calibration_curve", curve.assign(model_version=saved.version)
        )

    metadata: dict[str, object] = {
        **artefact_metadata(saved),
        "feature_set": settings.feature_set,
        **{f"threshold_{name}": float(m.threshold) for name, m in model.models.items()},
        "training_accounts": len(frame),
        "rows_in": len(frame),
        "field_sets": model.summary["field_sets"],
        **{
            f"held_out_auc_{name}": float(m.cv_metrics["oof_auc"])
            for name, m in model.models.items()
        },
        "calibration_curve": dg.MetadataValue.md(curve.to_markdown(index=False)),
        "model_card": dg.MetadataValue.md(saved.card_path.read_text()),
    }
    if lodo is not None:
        metadata["lodo"] = dg.MetadataValue.md(lodo.to_markdown(index=False))
    return dg.MaterializeResult(metadata=metadata, data_version=dg.DataVersion(saved.version))


def _held_out_summary(model: train.TrainedClassifier) -> pd.DataFrame:
    """One row per field set's model: its held-out (cross-validated) figures, when there is no
    second dataset to evaluate on."""
    rows = []
    for name, part in model.models.items():
        cv = part.cv_metrics
        rows.append(
            {
                "test": f"cross-validation ({cv['cv']}), field set {name}",
                **{k: v for k, v in cv.items() if isinstance(v, int | float | str)},
            }
        )
    return pd.DataFrame(rows)


# The warehouse names an account's creation and its profile's observation after what they are;
# the features read the PROFILE_COLUMNS names (created_at, observed_at).
LATEST_PROFILES_SQL = (
    "SELECT * RENAME (account_created_at AS created_at, profile_observed_at AS observed_at) "
    "FROM intermediate.int_accounts_profiled"
)


@dg.asset(
    key=["ml", "account_bot_scores"],
    deps=[
        bot_classifier,
        dbt_model_key("int_accounts_profiled"),
    ],
    group_name="ml",
    kinds={"scikitlearn", "duckdb"},
    description="Bot score, label, model version and top reasons for every account seen.",
)
@metered
def account_bot_scores(
    context: dg.AssetExecutionContext, duckdb: DuckDBResource
) -> dg.MaterializeResult:
    model, saved = load_trained_classifier(context.instance)
    version = saved.version
    with duckdb.get_connection() as con:
        profiles = con.sql(LATEST_PROFILES_SQL).df()
        scores = score.score_accounts(
            model, profiles, scored_at=datetime.now(UTC).replace(tzinfo=None)
        )
        replace_table(con, SCORE_SCHEMA, "account_bot_scores", ACCOUNT_BOT_SCORE_COLUMNS, scores)
    bins = pd.cut(scores["bot_score"], bins=[i / 10 for i in range(11)], include_lowest=True)
    distribution = bins.value_counts(sort=False)
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": len(scores),
            "rows_in": len(profiles),
            "model_version": version,
            "bots": int(scores["is_bot"].sum()),
            "bot_share": float(scores["is_bot"].mean()) if len(scores) else 0.0,
            "accounts_with_missing_fields": int(scores["missing_fields"].map(len).gt(0).sum()),
            "accounts_by_field_set": scores["field_set"].value_counts().to_dict(),
            "score_distribution": dg.MetadataValue.md(
                distribution.rename("accounts").to_frame().to_markdown()
            ),
        },
        data_version=dg.DataVersion(f"{version}-{len(scores)}"),
    )

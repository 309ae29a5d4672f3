"""Shared fixtures. `pipeline_snapshot` runs the real pipeline (simulator → Dagster → DuckDB → dbt →
scikit-learn → published snapshot) once per test session, in a temporary folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from botwatch.paths import SHARED_DATA_DIR
from tests.helpers.pipeline_runs import PipelineRun, pipeline_env, prepare_dbt_manifest, run_module

PIPELINE_TWEETS = int(os.environ.get("BOTWATCH_TEST_TWEETS", "12000"))
# For iterating on the app or the report: the folder of a run this fixture made earlier (it keeps
# its output in RUN_OUTPUT), reused instead of running the pipeline again. Unset, a run is made.
REUSE_PIPELINE_ROOT = "BOTWATCH_TEST_PIPELINE_ROOT"
RUN_OUTPUT = "run-output.txt"
PIPELINE_GROUP = "pipeline"
# Fixtures that run the pipeline or `dbt build` for real (test_dbt_project, test_dbt_analytics).
REAL_BUILD_FIXTURES = {"pipeline_snapshot", "built", "build", "real_build", "simulated_build"}


@pytest.fixture(scope="session")
def pipeline_snapshot(tmp_path_factory: pytest.TempPathFactory) -> PipelineRun:
    """The real pipeline, materialised once on a small simulated campaign."""
    reused = os.environ.get(REUSE_PIPELINE_ROOT)
    if reused:
        root = Path(reused)
        return PipelineRun(
            root=root, env=pipeline_env(root), output=(root / RUN_OUTPUT).read_text()
        )
    root = tmp_path_factory.mktemp("pipeline")
    env = pipeline_env(root)
    prepare_dbt_manifest()
    run_module(
        "simulate",
        "--tweets",
        str(PIPELINE_TWEETS),
        "--landing",
        env["BOTWATCH_LANDING_DIR"],
        "--truth",
        env["BOTWATCH_SIMULATION_DIR"],
        "--no-progress",
        env=env,
    )
    completed = run_module("orchestration.materialize_all", env=env)
    output = completed.stdout + completed.stderr
    (root / RUN_OUTPUT).write_text(output)
    return PipelineRun(root=root, env=env, output=output)


# CI sets this: there a missing ../shared/data is an error, never a quiet skip.
REQUIRE_SHARED_DATA = "BOTWATCH_REQUIRE_SHARED_DATA"


def _skip_real_data() -> bool:
    return not SHARED_DATA_DIR.exists() and not os.environ.get(REQUIRE_SHARED_DATA)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if _skip_real_data():
        pytest.skip(f"real third-party data not found at {SHARED_DATA_DIR}")
    return SHARED_DATA_DIR


# tryfirst: xdist names each item's group from its xdist_group marker in its own
# pytest_collection_modifyitems; run after it, the marker came too late and every worker ran the
# pipeline fixture for itself.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if _skip_real_data():
        skip = pytest.mark.skip(reason=f"real third-party data not found at {SHARED_DATA_DIR}")
        for item in items:
            if "realdata" in item.keywords:
                item.add_marker(skip)
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        # Tests on the pipeline's snapshot share one run: keep them on one xdist worker.
        if "pipeline_snapshot" in fixtures:
            item.add_marker(pytest.mark.xdist_group(PIPELINE_GROUP))
        # A real pipeline run or dbt build takes minutes: `make test-fast` leaves these out.
        if fixtures & REAL_BUILD_FIXTURES:
            item.add_marker(pytest.mark.integration)

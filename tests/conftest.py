"""Shared fixtures. `pipeline_snapshot` runs the real pipeline (simulator → Dagster → DuckDB → dbt →
scikit-learn → published snapshot) once per test session, in a temporary folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from filelock import FileLock

from botwatch.paths import SHARED_DATA_DIR
from tests.helpers.pipeline_runs import PipelineRun, pipeline_env, prepare_dbt_manifest, run_module

PIPELINE_TWEETS = int(os.environ.get("BOTWATCH_TEST_TWEETS", "12000"))
# For iterating on the app or the report: the folder of a run this fixture made earlier (it keeps
# its output in RUN_OUTPUT), reused instead of running the pipeline again. Unset, a run is made.
REUSE_PIPELINE_ROOT = "BOTWATCH_TEST_PIPELINE_ROOT"
RUN_OUTPUT = "run-output.txt"
RUN_FAILURE = "run-failed.txt"
PIPELINE_GROUP = "pipeline"
PIPELINE_FIXTURE = "pipeline_snapshot"
# Fixtures that run the pipeline or `dbt build` for real (test_dbt_project, test_dbt_analytics).
REAL_BUILD_FIXTURES = {PIPELINE_FIXTURE, "built", "build", "real_build", "simulated_build"}
# Module-scoped fixtures that build something for minutes or seconds (a dbt build, an ingest of
# the shared data, the Spark build).
MODULE_BUILD_FIXTURES = {
    "built",
    "build",
    "real_build",
    "simulated_build",
    "ingested",
    "spark_build",
}


def pipeline_run_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test session's folder for the pipeline run, the same for every xdist worker (their
    own temporary folders are ``popen-gw<N>`` inside the session's)."""
    base = tmp_path_factory.getbasetemp()
    return (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "pipeline"


def shared_pipeline_run(root: Path) -> PipelineRun:
    """The pipeline's run in ``root``, made by whichever process asks first; the others wait
    for it on a file lock, and a run that failed fails them with its message, not a second run."""
    output, failure = root / RUN_OUTPUT, root / RUN_FAILURE
    with FileLock(f"{root}.lock"):
        if failure.exists():
            raise AssertionError(failure.read_text())
        if not output.exists():
            try:
                text = make_pipeline_run(root)
            except Exception as error:
                root.mkdir(parents=True, exist_ok=True)
                failure.write_text(f"the test pipeline run failed: {error}")
                raise
            output.write_text(text)  # last: its presence says the run is complete
    return finished_run(root)


def finished_run(root: Path) -> PipelineRun:
    """The run a fixture made earlier in ``root`` (its output is in RUN_OUTPUT)."""
    return PipelineRun(root=root, env=pipeline_env(root), output=(root / RUN_OUTPUT).read_text())


def make_pipeline_run(root: Path) -> str:
    """Simulate the test campaign into ``root`` and run the pipeline on it; its output."""
    root.mkdir(parents=True, exist_ok=True)
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
    return completed.stdout + completed.stderr


@pytest.fixture(scope="session")
def pipeline_snapshot(tmp_path_factory: pytest.TempPathFactory) -> PipelineRun:
    """The real pipeline, materialised once per test session on a small simulated campaign."""
    reused = os.environ.get(REUSE_PIPELINE_ROOT)
    if reused:
        return finished_run(Path(reused))
    return shared_pipeline_run(pipeline_run_root(tmp_path_factory))


# CI sets this: there a missing ../shared/data is an error, never a quiet skip.
REQUIRE_SHARED_DATA = "BOTWATCH_REQUIRE_SHARED_DATA"


def _skip_real_data() -> bool:
    return not SHARED_DATA_DIR.exists() and not os.environ.get(REQUIRE_SHARED_DATA)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if _skip_real_data():
        pytest.skip(f"real third-party data not found at {SHARED_DATA_DIR}")
    return SHARED_DATA_DIR


def _fixtures(item: pytest.Item) -> set[str]:
    return set(getattr(item, "fixturenames", ()))


def _needs_time(item: pytest.Item) -> bool:
    return bool({"slow", "spark"} & set(item.keywords) or _fixtures(item) & MODULE_BUILD_FIXTURES)


def _turn(item: pytest.Item) -> int:
    """When xdist hands the test out: the pipeline's group first (one worker runs the pipeline
    and its tests), then the long tests of the others, the rest, and last the tests that build on
    the pipeline's run apart from its group (the Spark build), by when the run is made."""
    fixtures = _fixtures(item)
    if PIPELINE_FIXTURE in fixtures:
        return 3 if fixtures & MODULE_BUILD_FIXTURES else 0
    return 1 if _needs_time(item) else 2


# tryfirst: xdist names each item's group from its xdist_group marker in its own
# pytest_collection_modifyitems; run after it, the marker came too late.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if _skip_real_data():
        skip = pytest.mark.skip(reason=f"real third-party data not found at {SHARED_DATA_DIR}")
        for item in items:
            if "realdata" in item.keywords:
                item.add_marker(skip)
    for item in items:
        fixtures = _fixtures(item)
        # A module's own build is made once: its tests stay on one xdist worker.
        builds = sorted(fixtures & MODULE_BUILD_FIXTURES)
        for fixture in builds:
            module = Path(item.nodeid.split("::")[0]).stem
            item.add_marker(pytest.mark.xdist_group(f"{module}.{fixture}"))
        # The other tests on the pipeline's run share a worker: the run is made there, once.
        if PIPELINE_FIXTURE in fixtures and not builds:
            item.add_marker(pytest.mark.xdist_group(PIPELINE_GROUP))
        # A real pipeline run or dbt build takes minutes: `make test-fast` leaves these out.
        if fixtures & REAL_BUILD_FIXTURES:
            item.add_marker(pytest.mark.integration)
    # The same order on every worker (xdist requires it): sort is stable.
    items.sort(key=_turn)

"""Watch BOTWATCH_LANDING_DIR: each new file becomes a partition; new files are ingested and the
graph below them rebuilt in one run (however many arrived); a re-landed file is re-ingested; a
file that left the folder has its partition retired and a run removes its rows.

Off by default (`make ui` must not start runs by surprise): turn it on in the UI (Automation).
"""

import json
from dataclasses import dataclass

import dagster as dg

from ingest import discover_landing_files, file_signature
from orchestration.defs.jobs import all_assets_job
from orchestration.defs.resources import BotwatchSettings
from orchestration.partitions import landing_files, partition_range_tags


@dataclass(frozen=True)
class LandingPlan:
    new: list[str]  # in arrival order: they become one contiguous partition range
    changed: list[str]  # known files whose content changed since they were last requested
    vanished: list[str]  # known files no longer in the landing folder, sorted
    cursor: dict[str, str]


def plan_landing_runs(
    signatures: dict[str, str], known_partitions: set[str], cursor: dict[str, str]
) -> LandingPlan:
    """Decide what to run for the files now in the landing folder (pure, for tests)."""
    new = [name for name in signatures if name not in known_partitions]
    changed = [
        name
        for name, sig in signatures.items()
        if name in known_partitions and name in cursor and cursor[name] != sig
    ]
    vanished = sorted(known_partitions - set(signatures))
    kept = {name: sig for name, sig in cursor.items() if name not in vanished}
    return LandingPlan(new=new, changed=changed, vanished=vanished, cursor={**kept, **signatures})


@dg.sensor(
    job=all_assets_job,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="Adds a partition per new landing file and requests one run for all new files.",
)
def landing_files_sensor(
    context: dg.SensorEvaluationContext, settings: BotwatchSettings
) -> dg.SensorResult | dg.SkipReason:
    landing = settings.landing_path
    if not landing.exists():
        return dg.SkipReason(f"{landing} does not exist yet")
    signatures = {name: file_signature(landing / name) for name in discover_landing_files(landing)}
    known = set(context.instance.get_dynamic_partitions(landing_files.name))
    plan = plan_landing_runs(signatures, known, json.loads(context.cursor or "{}"))
    if signatures == {} and known:
        # An unmounted or emptied folder must not retire every partition.
        return dg.SkipReason(f"{landing} holds no landing file: nothing retired")
    if not plan.new and not plan.changed and not plan.vanished:
        context.update_cursor(json.dumps(plan.cursor))
        return dg.SkipReason("no new, changed or vanished landing files")
    run_requests = []
    if plan.new:
        run_requests.append(
            dg.RunRequest(
                run_key=f"new:{plan.new[0]}..{plan.new[-1]}:{signatures[plan.new[-1]]}",
                tags=partition_range_tags(plan.new[0], plan.new[-1]),
            )
        )
    run_requests += [
        dg.RunRequest(run_key=f"changed:{name}:{signatures[name]}", partition_key=name)
        for name in plan.changed
    ]
    if plan.vanished and not run_requests:
        # Any ingest run removes the rows of files that are gone: re-ingest one remaining file.
        remaining = sorted(signatures)[-1]
        run_requests.append(
            dg.RunRequest(
                run_key=f"vanished:{','.join(plan.vanished)}:{signatures[remaining]}",
                partition_key=remaining,
            )
        )
    partition_requests: list[
        dg.AddDynamicPartitionsRequest | dg.DeleteDynamicPartitionsRequest
    ] = []
    if plan.new:
        partition_requests.append(landing_files.build_add_request(plan.new))
    if plan.vanished:
        partition_requests.append(landing_files.build_delete_request(plan.vanished))
    return dg.SensorResult(
        run_requests=run_requests,
        dynamic_partitions_requests=partition_requests,
        cursor=json.dumps(plan.cursor),
    )

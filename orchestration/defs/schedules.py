"""A daily run of the whole graph over every landing file (ingest is idempotent per file).

Off by default (`make ui` must not start runs by surprise): turn it on in the UI (Automation)."""

import dagster as dg

from orchestration.defs.jobs import all_assets_job
from orchestration.partitions import landing_files, partition_range_tags


@dg.schedule(
    job=all_assets_job,
    cron_schedule="0 3 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Every day at 03:00 UTC: re-ingest all landing files and rebuild everything.",
)
def daily_full_refresh(context: dg.ScheduleEvaluationContext) -> dg.RunRequest | dg.SkipReason:
    partitions = context.instance.get_dynamic_partitions(landing_files.name)
    if not partitions:
        return dg.SkipReason("no landing files registered yet")
    return dg.RunRequest(tags=partition_range_tags(partitions[0], partitions[-1]))

"""One partition per landing file, added by the landing sensor as files arrive."""

import dagster as dg

landing_files = dg.DynamicPartitionsDefinition(name="landing_files")

PARTITION_RANGE_START = "dagster/asset_partition_range_start"
PARTITION_RANGE_END = "dagster/asset_partition_range_end"


def partition_range_tags(first: str, last: str) -> dict[str, str]:
    """Run tags that make one run cover every partition from ``first`` to ``last``."""
    return {PARTITION_RANGE_START: first, PARTITION_RANGE_END: last}

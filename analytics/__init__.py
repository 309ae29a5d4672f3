"""Campaign analytics that need Python: coordination, bootstrap intervals, network export
and the findings report. Pure functions on pandas frames; no Dagster here (the
orchestration wraps them as assets)."""

"""Data-quality suites (Great Expectations), pure: no Dagster in this package."""

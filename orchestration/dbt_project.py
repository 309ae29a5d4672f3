"""The dbt project, alone in its module so `dagster-dbt project prepare-and-package` can load it."""

import os

from dagster_dbt import DbtProject

from botwatch.paths import DBT_PROJECT_DIR, export_defaults

export_defaults()  # profiles.yml reads BOTWATCH_WAREHOUSE
# When Dagster runs part of the project, also run the tests of the selected models whose other
# parents are built already (e.g. relationships to the seeds), but not those of unbuilt models.
os.environ.setdefault("DBT_INDIRECT_SELECTION", "buildable")

botwatch_dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
botwatch_dbt_project.prepare_if_dev()

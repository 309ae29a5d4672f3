"""The dbt project, alone in its module so `dagster-dbt project prepare-and-package` can load it."""

from dagster_dbt import DbtProject

from botwatch.paths import DBT_PROJECT_DIR, export_defaults

export_defaults()  # profiles.yml reads BOTWATCH_WAREHOUSE

botwatch_dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
botwatch_dbt_project.prepare_if_dev()

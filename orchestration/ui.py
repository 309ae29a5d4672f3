"""`make ui`: the Dagster UI on the collection's Dagster home (``python -m orchestration.ui``).

DAGSTER_HOME must be in the environment before ``dagster dev`` starts, so the paths of the
collection are exported here and ``dagster dev`` replaces this process."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from botwatch import paths
from orchestration.dagster_home import prepare_dagster_home


def main(argv: list[str] | None = None) -> None:
    paths.export_defaults()
    home = prepare_dagster_home()
    print(f"Collection {paths.collection()}: Dagster home {home}", flush=True)
    dg = str(Path(sys.executable).with_name("dg"))
    arguments = argv if argv is not None else sys.argv[1:]
    os.execv(dg, [dg, "dev", *arguments])


if __name__ == "__main__":
    main()

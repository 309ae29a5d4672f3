"""``python -m simulate [--tweets N] [--seed S] [--landing DIR] [--truth DIR] [--no-gzip]``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from botwatch import paths
from simulate.config import SimulationConfig
from simulate.run import simulate


def main(argv: list[str] | None = None) -> int:
    defaults = SimulationConfig()
    parser = argparse.ArgumentParser(
        prog="python -m simulate",
        description="Simulate a MacronLeaks-like collection: hourly Twitter v1.1 landing files, "
        "the ground truth beside them and a labelled account set; prints a JSON summary.",
    )
    parser.add_argument("--tweets", type=int, default=defaults.tweets, help="tweets to write")
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument(
        "--landing", type=Path, default=None, help="landing folder (default: BOTWATCH_LANDING_DIR)"
    )
    parser.add_argument(
        "--truth",
        type=Path,
        default=None,
        help="simulation folder for truth/ and labelled/ (default: BOTWATCH_SIMULATION_DIR)",
    )
    parser.add_argument("--accounts", type=int, default=None, help="default: tweets // 8")
    parser.add_argument(
        "--overlap",
        type=float,
        default=defaults.overlap,
        help="bot/human overlap: 0 separable .. 1 indistinguishable",
    )
    parser.add_argument(
        "--bot-share",
        type=float,
        default=defaults.bot_share,
        help="bot share among MacronLeaks promoters",
    )
    parser.add_argument("--labelled-accounts", type=int, default=defaults.labelled_accounts)
    parser.add_argument("--no-gzip", action="store_true", help="plain .jsonl files")
    parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="remove tweets-*.jsonl* files already in the landing folder",
    )
    args = parser.parse_args(argv)
    config = SimulationConfig(
        tweets=args.tweets,
        seed=args.seed,
        accounts=args.accounts,
        overlap=args.overlap,
        bot_share=args.bot_share,
        labelled_accounts=args.labelled_accounts,
        gzip=not args.no_gzip,
    )
    summary = simulate(
        config,
        landing_dir=args.landing or paths.landing_dir(),
        simulation_dir=args.truth or paths.simulation_dir(),
        progress=args.progress,
        overwrite=args.overwrite,
    )
    print(json.dumps(summary.to_dict(), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

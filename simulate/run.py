"""`simulate()`: population, stream, truth and labelled set, in one seeded run."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from tqdm import tqdm

from simulate.config import PERIODS, SimulationConfig
from simulate.labelled import write_labelled_set
from simulate.population import build_population, check_feasible
from simulate.schedule import plan_hours
from simulate.stream import Stream, hourly_rhythm
from simulate.truth import TruthRecorder
from simulate.writer import LandingWriter

LANDING_PATTERN = "tweets-*.jsonl*"


@dataclass
class SimulationSummary:
    """What a run wrote, where, and how fast."""

    tweets: int
    accounts: int
    landing_dir: str
    landing_files: int
    landing_bytes: int
    uncompressed_bytes: int
    truth_dir: str
    labelled_dir: str
    elapsed_s: float
    tweets_per_s: float
    bot_share_among_promoters: dict[str, float | None] = field(default_factory=dict)
    promoters: dict[str, int] = field(default_factory=dict)
    reused_bots: int = 0
    trolls: int = 0
    deleted_tweets: int = 0
    limit_notices: int = 0

    def to_dict(self) -> dict:
        return asdict(self)


def write_default_labelled_set(config: SimulationConfig, simulation_dir: Path) -> dict:
    """Only the labelled accounts (the default training set) into
    `simulation_dir/labelled/simulated/`, for a collection of the user's own tweets trained on the
    simulator's labels (no BOTWATCH_LABELLED). The same draw as `simulate` with the same seed,
    except that no campaign population's ids are taken first."""
    config.validate()
    labelled_seed = np.random.SeedSequence(config.seed).spawn(3)[2]
    return write_labelled_set(
        np.random.default_rng(labelled_seed),
        config.labelled_accounts,
        config.labelled_bot_share,
        config.overlap,
        Path(simulation_dir) / "labelled" / "simulated",
        set(),
        set(),
    )


def simulate(
    config: SimulationConfig,
    landing_dir: Path,
    simulation_dir: Path,
    progress: bool = False,
    overwrite: bool = False,
) -> SimulationSummary:
    """Write the simulated collection into `landing_dir`, its ground truth into
    `simulation_dir/truth/` and the labelled accounts into `simulation_dir/labelled/simulated/`.
    Refuses a landing dir that already holds tweet files unless `overwrite` (which removes only
    ``tweets-*.jsonl*`` files)."""
    config.validate()
    rough_plans = plan_hours(config.tweets)
    check_feasible(config, {p.period.campaign_id: int(p.campaign.sum()) for p in rough_plans})
    landing_dir, simulation_dir = Path(landing_dir), Path(simulation_dir)
    landing_dir.mkdir(parents=True, exist_ok=True)
    existing = sorted(landing_dir.glob(LANDING_PATTERN))
    if existing and not overwrite:
        raise FileExistsError(
            f"{landing_dir} already holds {len(existing)} tweet files (e.g. {existing[0].name}); "
            "simulate into an empty folder or pass overwrite=True / --overwrite"
        )
    for path in existing:
        path.unlink()

    began = time.perf_counter()
    population_seed, stream_seed, labelled_seed = np.random.SeedSequence(config.seed).spawn(3)
    taken_ids: set[int] = set()
    taken_names: set[str] = set()
    population = build_population(
        config, np.random.default_rng(population_seed), taken_ids, taken_names
    )
    plans = plan_hours(
        config.tweets,
        {p.campaign_id: hourly_rhythm(population, p.campaign_id) for p in PERIODS},
    )
    truth = TruthRecorder(population, simulation_dir / "truth")
    with (
        LandingWriter(landing_dir, config.gzip, config.compresslevel) as writer,
        tqdm(
            total=config.tweets,
            disable=not progress,
            unit="tweet",
            unit_scale=True,
            desc="simulating",
        ) as bar,
    ):
        stream = Stream(
            config,
            population,
            np.random.default_rng(stream_seed),
            writer,
            truth,
            on_hour=bar.update,
        )
        for plan in plans:
            stream.run_period(plan)
    generated = time.perf_counter() - began
    labelled_dir = simulation_dir / "labelled" / "simulated"
    labelled = write_labelled_set(
        np.random.default_rng(labelled_seed),
        config.labelled_accounts,
        config.labelled_bot_share,
        config.overlap,
        labelled_dir,
        taken_ids,
        taken_names,
    )
    elapsed = time.perf_counter() - began
    files = {
        "landing_files": len(writer.files),
        "landing_bytes": writer.bytes_written,
        "uncompressed_bytes": writer.uncompressed_bytes,
        "generation_s": round(generated, 3),
        "tweets_per_s_generation": round(config.tweets / generated, 1),
        **labelled,
    }
    result = truth.finish(config.to_dict(), files)
    campaigns = result["campaigns"]
    return SimulationSummary(
        tweets=result["tweets_written"],
        accounts=result["accounts_appearing"],
        landing_dir=str(landing_dir),
        landing_files=len(writer.files),
        landing_bytes=writer.bytes_written,
        uncompressed_bytes=writer.uncompressed_bytes,
        truth_dir=str(simulation_dir / "truth"),
        labelled_dir=str(labelled_dir),
        elapsed_s=round(elapsed, 3),
        tweets_per_s=round(config.tweets / generated, 1),
        bot_share_among_promoters={c: v["bot_share_among_promoters"] for c, v in campaigns.items()},
        promoters={c: v["promoters"] for c, v in campaigns.items()},
        reused_bots=result["reused_bots"],
        trolls=result["trolls"],
        deleted_tweets=result["deleted_tweets"],
        limit_notices=result["limit_notices"],
    )

"""What to simulate: the configuration, the campaign definitions and the collection's periods."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime

# The campaigns seed that dbt holds (dbt_project/seeds/campaigns.csv): same ids, terms and windows,
# so that the truth the simulator records and what the pipeline matches agree.
CAMPAIGNS: list[dict[str, str]] = [
    {
        "campaign_id": "macronleaks",
        "name": "#MacronLeaks",
        "hashtags": "MacronLeaks|MacronGate",
        "keywords": "macron leaks",
        "languages": "",
        "start_at": "2017-04-27 00:00:00",
        "end_at": "2017-05-07 23:59:59",
        "description": "Leak of e-mails of Emmanuel Macron's campaign two days before the second "
        "round of the 2017 French presidential election (Ferrara 2017).",
    },
    {
        "campaign_id": "us2016",
        "name": "2016 US presidential election",
        "hashtags": "Election2016|MAGA|Trump2016|ImWithHer|DrainTheSwamp",
        "keywords": "clinton emails",
        "languages": "",
        "start_at": "2016-10-15 00:00:00",
        "end_at": "2016-11-09 23:59:59",
        "description": "The last weeks of the 2016 US presidential election, where many of the "
        "MacronLeaks bots were first active.",
    },
]


def campaign_window(campaign_id: str) -> tuple[datetime, datetime]:
    """The campaign's window as aware UTC datetimes (end inclusive, to the second)."""
    row = next(c for c in CAMPAIGNS if c["campaign_id"] == campaign_id)
    return (
        datetime.fromisoformat(row["start_at"]).replace(tzinfo=UTC),
        datetime.fromisoformat(row["end_at"]).replace(tzinfo=UTC),
    )


@dataclass(frozen=True)
class Period:
    """A stretch of the collection, written hour by hour, built around one campaign."""

    campaign_id: str
    start: datetime
    end: datetime  # exclusive, on an hour boundary
    share_of_tweets: float

    @property
    def hours(self) -> int:
        return int((self.end - self.start).total_seconds() // 3600)


PERIODS: tuple[Period, ...] = (
    Period("us2016", datetime(2016, 10, 15, tzinfo=UTC), datetime(2016, 11, 10, tzinfo=UTC), 0.2),
    Period("macronleaks", datetime(2017, 4, 27, tzinfo=UTC), datetime(2017, 5, 8, tzinfo=UTC), 0.8),
)

# Events that shape the volume (the dbt campaign_events seed holds the same moments).
LEAK_AT = datetime(2017, 5, 5, 18, 49, tzinfo=UTC)
BLACKOUT_START = datetime(2017, 5, 5, 22, 0, tzinfo=UTC)
BLACKOUT_END = datetime(2017, 5, 7, 18, 0, tzinfo=UTC)
DEBATE_AT = datetime(2017, 5, 3, 19, 0, tzinfo=UTC)
FBI_LETTER_AT = datetime(2016, 10, 28, 16, 0, tzinfo=UTC)
ELECTION_DAY_AT = datetime(2016, 11, 8, 11, 0, tzinfo=UTC)


def dormancy_gap_days() -> float:
    """Days between the end of the first period and the start of the second."""
    return (PERIODS[1].start - PERIODS[0].end).total_seconds() / 86400


@dataclass
class SimulationConfig:
    """A simulated collection. Same config and seed, byte-identical files."""

    tweets: int = 40_000
    seed: int = 7
    bot_share: float = 0.18  # target bot share among MacronLeaks promoters
    us2016_bot_share: float = 0.20  # the same among us2016 promoters
    # How much bot and human profiles and behaviour overlap: 0 = trivially separable,
    # 1 = indistinguishable. It pulls each bot distribution towards the human one and makes a
    # share (0.4 x overlap) of each class borrow some traits of the other.
    overlap: float = 0.25
    accounts: int | None = None  # None: tweets // 8, between 400 and 60,000
    reused_bots: int | None = None  # None: about 15% of the MacronLeaks bot promoters
    troll_accounts: int = 30
    troll_events: int | None = None  # None: between 40 and 150, growing with tweets
    labelled_accounts: int = 4000
    labelled_bot_share: float = 0.35
    min_dormancy_days: int = 150
    delete_rate: float = 0.004  # share of tweets later deleted (a 'delete' notice follows)
    gzip: bool = True
    compresslevel: int = 3

    def validate(self) -> None:
        """Raise ValueError for a configuration the simulator cannot honour."""
        problems = []
        if self.tweets < 2000:
            problems.append("tweets must be at least 2000")
        for name in ("bot_share", "us2016_bot_share", "labelled_bot_share"):
            if not 0.0 < getattr(self, name) < 1.0:
                problems.append(f"{name} must be strictly between 0 and 1")
        if not 0.0 <= self.overlap <= 1.0:
            problems.append("overlap must be in [0, 1]")
        if self.accounts is not None and self.accounts < 200:
            problems.append("accounts must be at least 200")
        if self.troll_accounts < 0 or (0 < self.troll_accounts < 5):
            problems.append("troll_accounts must be 0 or at least 5")
        if self.labelled_accounts < 10:
            problems.append("labelled_accounts must be at least 10")
        if self.min_dormancy_days > dormancy_gap_days():
            problems.append(
                f"min_dormancy_days={self.min_dormancy_days} exceeds the "
                f"{dormancy_gap_days():.0f} days between the two periods"
            )
        if not 0.0 <= self.delete_rate < 0.5:
            problems.append("delete_rate must be in [0, 0.5)")
        if not 1 <= self.compresslevel <= 9:
            problems.append("compresslevel must be in 1..9")
        if problems:
            raise ValueError("invalid SimulationConfig: " + "; ".join(problems))

    def resolved_accounts(self) -> int:
        if self.accounts is not None:
            return self.accounts
        return max(400, min(60_000, self.tweets // 8))

    def resolved_troll_events(self) -> int:
        if self.troll_events is not None:
            return self.troll_events
        return max(40, min(150, self.tweets // 2000))

    def to_dict(self) -> dict:
        return asdict(self)

"""The stream, hour by hour: who posts what and when, rendered into landing-file lines.

Per hour: designated promoters post their guaranteed campaign tweet, the troll operation and the
botnet cells retweet in sync, the rest is drawn by posting weight and time of day. Lines are then
written in time order with the stream's delete and limit notices in between.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from simulate.accounts import SOURCES, render_user
from simulate.config import PERIODS, SimulationConfig
from simulate.pool import TweetPool
from simulate.population import Population
from simulate.profiles import DAY
from simulate.schedule import DIURNAL, HourPlan, Rhythm, allocate_with_capacity
from simulate.text import Text, compose
from simulate.timeutil import snowflake
from simulate.truth import TruthRecorder
from simulate.tweets import (
    Rendered,
    delete_notice,
    json_string,
    limit_notice,
    render_retweet,
    render_tweet,
    stream_line,
)
from simulate.vocab import TIME_ZONES
from simulate.writer import LandingWriter

ORIGINAL, RETWEET, QUOTE, REPLY = "original", "retweet", "quote", "reply"
# (kind, cumulative probability) for people and for bot-like accounts.
TYPE_THRESHOLDS = {
    False: ((ORIGINAL, 0.27), (RETWEET, 0.82), (QUOTE, 0.89), (REPLY, 1.0)),
    True: ((ORIGINAL, 0.14), (RETWEET, 0.90), (QUOTE, 0.95), (REPLY, 1.0)),
}
FLUSH_LINES = 256
POOL_CAPACITY = 1000  # retweetable tweets kept per pool (bounded memory)
BURST_VARIANTS = 24
TZ_HOURS = {key: offset / 3600 for key, (offset, _) in TIME_ZONES.items()}


@dataclass(slots=True)
class Planned:
    """A tweet to write this hour."""

    at: float
    author: int
    kind: str
    campaign: str | None
    target: int | None = None  # pool index (retweet, quote, reply)
    local: Planned | None = None  # a tweet planned earlier this hour (sync retweets)
    mandatory: bool = False
    deletable: bool = False
    rendered: Rendered | None = None  # kept only for the troll leaders' tweets
    keep_rendered: bool = False


def hourly_rhythm(population: Population, period: str) -> Rhythm:
    """Expected campaign and off-campaign activity of the period's accounts by UTC hour (mean 1):
    people by the time of day where they live, bot-like accounts round the clock. Hour volumes
    follow it, so bots stay flat while people sleep and wake."""
    acc = population.accounts
    tz = np.array([TZ_HOURS[g] for g in acc.tz_group.tolist()])
    flat = acc.looks_bot_activity
    out = []
    for members, weights in (
        (population.promoter[period], population.campaign_weight),
        (population.active[period], population.off_weight),
    ):
        rhythmic = members & ~flat
        level = (
            np.array(
                [
                    (weights[rhythmic] * DIURNAL[((h + tz[rhythmic]) % 24).astype(np.int64)]).sum()
                    for h in range(24)
                ]
            )
            + weights[members & flat].sum()
        )
        out.append(level / level.mean())
    return out[0], out[1]


class Stream:
    """Writes the collection, period by period."""

    def __init__(
        self,
        config: SimulationConfig,
        population: Population,
        rng: np.random.Generator,
        writer: LandingWriter,
        truth: TruthRecorder,
        on_hour: Callable[[int], None],
    ):
        self.config = config
        self.pop = population
        self.acc = population.accounts
        self.rng = rng
        self.r = random.Random(int(rng.integers(2**63)))
        self.writer = writer
        self.truth = truth
        self.on_hour = on_hour
        self.tz_hours = np.array([TZ_HOURS[g] for g in self.acc.tz_group.tolist()])
        self.flat = self.acc.looks_bot_activity
        self.popularity = (self.acc.followers0 + 10.0) ** 0.45
        gap = (PERIODS[1].start - PERIODS[0].end).total_seconds() / DAY
        # Reused bots did not post between the campaigns: their statuses_count stood still.
        self.dormant_days = np.where(population.role == "reused_bot", gap, 0.0).tolist()
        self.user_rows = self.acc.user_rows()
        self.sources = [json_string(s) for s, _ in SOURCES]
        self.source_of = self.acc.source.tolist()
        self.flat_of = self.flat.tolist()
        self.written = [0] * len(population)

    # ---- one period -------------------------------------------------------------------------

    def run_period(self, plan: HourPlan) -> None:
        period = plan.period.campaign_id
        self.period = period
        self.after_gap = plan.period is PERIODS[1]
        active, promoter = self.pop.active[period], self.pop.promoter[period]
        self.camp_idx = np.flatnonzero(promoter)
        self.camp_sampler = self._sampler(self.pop.campaign_weight, self.camp_idx)
        self.off_sampler = self._sampler(self.pop.off_weight, np.flatnonzero(active))
        self.influencers = [i for i in np.flatnonzero(active & (self.acc.kind == "influencer"))]
        self.campaign_pool = TweetPool(capacity=POOL_CAPACITY, decay=0.8)
        self.off_pool = TweetPool(capacity=POOL_CAPACITY, decay=0.85)
        self.cells = [c for c in self.pop.cells if promoter[c].all()]
        self.deletes: list[tuple[float, int, int, float]] = []
        self.period_end = plan.period.end.timestamp()

        promoters = self.rng.permutation(self.camp_idx)
        capacity = plan.campaign
        per_hour = allocate_with_capacity(self.rng, len(promoters), capacity)
        bounds = np.concatenate([[0], np.cumsum(per_hour)])
        troll_hours = np.zeros(len(plan.totals), dtype=np.int64)
        if period == "macronleaks" and len(self.pop.trolls):
            events = self.config.resolved_troll_events()
            weights = plan.campaign / plan.campaign.sum()
            troll_hours = np.bincount(
                self.rng.choice(len(weights), events, p=weights), minlength=len(weights)
            )
        median = float(np.median(plan.totals))
        self.connection_day, self.track = -1, 0
        for h, start in enumerate(plan.starts):
            mandatory = promoters[bounds[h] : bounds[h + 1]]
            self._hour(
                start,
                int(plan.totals[h]),
                int(plan.campaign[h]),
                mandatory,
                int(troll_hours[h]),
                median,
            )
            self.on_hour(int(plan.totals[h]))
        self._check_promoters(period)

    def _check_promoters(self, period: str) -> None:
        expected = set(self.camp_idx.tolist())
        if self.truth.promoters[period] != expected:
            raise RuntimeError(f"{period}: realised promoters differ from the designated ones")

    # ---- one hour ---------------------------------------------------------------------------

    def _hour(
        self,
        start: float,
        total: int,
        campaign: int,
        mandatory: np.ndarray,
        troll_events: int,
        median: float,
    ) -> None:
        r = self.r
        end = start + 3600
        plan: list[Planned] = []
        for author in mandatory.tolist():
            plan.append(self._individual(author, start, self.period, mandatory=True))
        for _ in range(troll_events):
            self._troll_event(plan, start, end, total)
        budget = campaign - len(plan)
        burst_expected = 0.2 * max(budget, 0) / 8
        for _ in range(int(self.rng.poisson(burst_expected)) if self.cells else 0):
            budget -= self._burst(plan, start, end, budget)
        off = total - len(plan) - max(budget, 0)
        if budget > 0:
            for author in self._draw_authors(self.camp_sampler, budget, start):
                plan.append(self._individual(author, start, self.period))
        if off > 0:
            for author in self._draw_authors(self.off_sampler, off, start):
                plan.append(self._individual(author, start, None))
        plan.sort(key=lambda p: p.at)

        limits = self._limit_notices(start, total, median)
        self.writer.start_hour(start)
        lines: list[str] = []
        last_ms, seq = -1, 0
        for item in plan:
            self._notices_until(item.at, limits, lines)
            ms = int(item.at * 1000)
            seq = seq + 1 if ms == last_ms else 0
            last_ms = ms
            tweet_id = snowflake(ms, (r.randrange(1024) << 12) | seq)
            lines.append(self._render(item, tweet_id))
            if len(lines) >= FLUSH_LINES:
                self.writer.write(lines)
                lines = []
        self._notices_until(end, limits, lines)
        self.writer.write(lines)
        self.writer.end_hour()
        self.campaign_pool.next_hour()
        self.off_pool.next_hour()

    def _sampler(self, weights: np.ndarray, members: np.ndarray) -> dict:
        """Cumulative weight tables for drawing authors: people by the hour of the day in their
        time zone; bot-like accounts round the clock, bursty (a few noise variants per period)."""
        flat = members[self.flat[members]]
        rhythmic = members[~self.flat[members]]
        tz = self.tz_hours[rhythmic]
        by_hour = [
            np.cumsum(weights[rhythmic] * DIURNAL[((hour + tz) % 24).astype(np.int64)])
            for hour in range(24)
        ]
        bursty = [
            np.cumsum(weights[flat] * self.rng.gamma(0.5, 2.0, len(flat)))
            for _ in range(BURST_VARIANTS)
        ]
        return {"rhythmic": rhythmic, "by_hour": by_hour, "flat": flat, "bursty": bursty}

    def _draw_authors(self, sampler: dict, k: int, start: float) -> list[int]:
        hour = int(start // 3600) % 24
        parts = [
            (sampler["rhythmic"], sampler["by_hour"][hour]),
            (sampler["flat"], sampler["bursty"][int(self.rng.integers(BURST_VARIANTS))]),
        ]
        totals = [c[-1] if len(c) else 0.0 for _, c in parts]
        k_flat = int(self.rng.binomial(k, totals[1] / (totals[0] + totals[1])))
        out: list[int] = []
        for (idx, cumulative), n in zip(parts, (k - k_flat, k_flat), strict=True):
            if n:
                picks = np.searchsorted(
                    cumulative, self.rng.random(n) * cumulative[-1], side="right"
                )
                out.extend(idx[np.minimum(picks, len(idx) - 1)].tolist())
        self.rng.shuffle(out)
        return out

    def _individual(
        self, author: int, start: float, campaign: str | None, mandatory: bool = False
    ) -> Planned:
        r = self.r
        u = r.random()
        kind = ORIGINAL
        for name, threshold in TYPE_THRESHOLDS[self.flat_of[author]]:
            if u < threshold:
                kind = name
                break
        pool = self.campaign_pool if campaign else self.off_pool
        target = pool.draw(r) if kind != ORIGINAL else None
        if target is None:
            kind = ORIGINAL
        deletable = (
            not mandatory and kind in (ORIGINAL, RETWEET) and r.random() < self.config.delete_rate
        )
        return Planned(
            start + r.random() * 3600,
            author,
            kind,
            campaign,
            target=target,
            mandatory=mandatory,
            deletable=deletable,
        )

    def _troll_event(self, plan: list[Planned], start: float, end: float, total: int) -> None:
        """A leader posts; most of the operation retweets it within minutes."""
        r = self.r
        if len(plan) >= total:
            return
        trolls = self.pop.trolls
        leader = int(trolls[r.randrange(self.pop.troll_leaders)])
        t0 = start + r.random() * 2400
        local = Planned(t0, leader, ORIGINAL, self.period, keep_rendered=True)
        plan.append(local)
        share = 0.6 + 0.3 * r.random()
        for member in trolls.tolist():
            if member != leader and r.random() < share and len(plan) < total:
                at = min(t0 + 5 + r.expovariate(1 / 240), end - 0.001)
                plan.append(Planned(at, member, RETWEET, self.period, local=local))

    def _burst(self, plan: list[Planned], start: float, end: float, budget: int) -> int:
        """A botnet cell retweets one campaign tweet within seconds to minutes."""
        r = self.r
        target = self.campaign_pool.draw(r)
        if target is None or budget <= 0:
            return 0
        cell = self.cells[r.randrange(len(self.cells))]
        share = 0.3 + 0.4 * r.random()
        t0 = start + r.random() * 3300
        added = 0
        for member in cell.tolist():
            if r.random() < share and added < budget:
                at = min(t0 + r.expovariate(1 / 30), end - 0.001)
                plan.append(Planned(at, member, RETWEET, self.period, target=target))
                added += 1
        return added

    def _notices_until(self, until: float, limits: list[float], lines: list[str]) -> None:
        """Write the delete and limit notices due before `until`, in time order."""
        while (self.deletes and self.deletes[0][0] < until) or (limits and limits[0] < until):
            if limits and (not self.deletes or limits[0] <= self.deletes[0][0]):
                at = limits.pop(0)
                missed = max(1, int(self._hour_total * (0.02 + 0.1 * self.r.random()) / 3))
                self.track += missed
                self.truth.limit(missed)
                lines.append(limit_notice(self.track, at))
            else:
                at, tweet_id, user_id, created = heapq.heappop(self.deletes)
                lines.append(delete_notice(tweet_id, user_id, at))
                self.truth.deletion(tweet_id, user_id, created, at)

    def _limit_notices(self, start: float, total: int, median: float) -> list[float]:
        """Times of this hour's limit notices: the surge outruns the stream's rate cap."""
        self._hour_total = total
        if total <= 2.5 * median:
            return []
        day = int(start // DAY)
        if day != self.connection_day:
            self.connection_day, self.track = day, 0
        return sorted(start + self.r.random() * 3600 for _ in range(min(6, 1 + total // 1500)))

    # ---- rendering --------------------------------------------------------------------------

    def _user_json(self, author: int, at: float) -> str:
        dormant = self.dormant_days[author] if self.after_gap else 0.0
        return render_user(self.user_rows[author], at, self.written[author], dormant)

    def _render(self, item: Planned, tweet_id: int) -> str:
        r, acc, author = self.r, self.acc, item.author
        self.written[author] += 1
        user_json = self._user_json(author, item.at)
        source = self.sources[self.source_of[author]]
        pool = self.campaign_pool if item.campaign else self.off_pool
        lang = self._lang(author)
        if item.kind == RETWEET:
            if item.local is not None:
                original = item.local.rendered
                counts = (1, 1)
            else:
                original = pool.tweets[item.target]
                counts = pool.engage(item.target, r)
            line = render_retweet(
                created=item.at,
                tweet_id=tweet_id,
                user_json=user_json,
                source=source,
                original=original,
                rt_count=counts[0],
                fav_count=counts[1],
            )
            lang = original.lang
        else:
            body = self._body(item, lang)
            reply_to = quoted = None
            if item.kind == REPLY:
                target = pool.tweets[item.target]
                reply_to = (target.tweet_id, target.user_id, target.screen_name)
                body = _prefixed(body, target)
            elif item.kind == QUOTE:
                target = pool.tweets[item.target]
                counts = pool.engage(item.target, r)
                quoted = (target, counts[0], counts[1])
                body.add_url(
                    f"https://twitter.com/{target.screen_name}/status/{target.tweet_id}", r
                )
            rendered = render_tweet(
                r,
                created=item.at,
                tweet_id=tweet_id,
                user_json=user_json,
                user_id=int(acc.user_id[author]),
                screen_name=acc.screen_name[author],
                name=acc.name[author],
                source=source,
                body=body,
                lang=lang,
                reply_to=reply_to,
                quoted=quoted,
            )
            if item.keep_rendered:
                item.rendered = rendered
            if not item.deletable:
                weight = self.popularity[author] * (0.5 + r.random())
                pool.add(rendered, weight)
            line = stream_line(rendered, item.at)
        if item.deletable:
            at = min(item.at + 60 + r.expovariate(1 / 3600), self.period_end - 0.001)
            heapq.heappush(self.deletes, (at, tweet_id, int(acc.user_id[author]), item.at))
        self.truth.tweet(author, item.at, item.kind, item.campaign, lang, item.deletable)
        return line

    def _lang(self, author: int) -> str:
        lang = self.acc.lang[author]
        u = self.r.random()
        if u < 0.9:
            return lang
        return "en" if u < 0.96 else "fr"

    def _body(self, item: Planned, lang: str) -> Text:
        r = self.r
        mentions = []
        if self.influencers and r.random() < 0.2:
            for _ in range(1 + (r.random() < 0.25)):
                i = self.influencers[r.randrange(len(self.influencers))]
                mentions.append(
                    (int(self.acc.user_id[i]), self.acc.screen_name[i], self.acc.name[i])
                )
        political = item.campaign is not None or bool(self.pop.promoter[self.period][item.author])
        return compose(
            r,
            campaign=item.campaign,
            period=self.period,
            lang=lang,
            political=political or r.random() < 0.3,
            mentions=mentions,
            with_url=r.random() < (0.55 if item.campaign else 0.3),
            long=r.random() < (0.2 if self.after_gap else 0.1),
        )


def _prefixed(body: Text, target: Rendered) -> Text:
    """The reply's text: ``@screen_name `` and the body, entity indices shifted."""
    out = Text()
    out.add_mention(target.user_id, target.screen_name, target.name)
    shift = len(out.text) + 1
    out.text += " " + body.text
    for name in ("hashtags", "urls", "mentions"):
        for item in getattr(body, name):
            start, stop = item["indices"]
            getattr(out, name).append({**item, "indices": [start + shift, stop + shift]})
    return out

"""Recent tweets that others can retweet, quote or reply to, weighted by popularity and recency."""

from __future__ import annotations

import bisect
import heapq
import random
from itertools import accumulate

import numpy as np

from simulate.tweets import Rendered


class TweetPool:
    """A bounded pool: each hour its weights decay and the weakest tweets drop out.

    Decay is applied by growing the weight of what comes in (by 1/decay an hour) rather than
    shrinking everything already there: same draws, no pass over the pool each hour. Tweets
    added during an hour wait in a bounded heap (only the `capacity` strongest are kept), so
    memory does not grow with the busiest hour's volume."""

    def __init__(self, capacity: int, decay: float):
        self.capacity = capacity
        self.growth = 1.0 / decay
        self.scale = 1.0
        self.tweets: list[Rendered] = []
        self.weights: list[float] = []
        self.retweets: list[int] = []
        self.favourites: list[int] = []
        self._incoming: list[tuple[float, int, Rendered]] = []
        self._added = 0
        self._cumulative: list[float] = []

    def __len__(self) -> int:
        return len(self.tweets)

    def add(self, tweet: Rendered, weight: float) -> None:
        """Offer a new tweet; it can be drawn from the next hour on."""
        self._added += 1
        heapq.heappush(self._incoming, (weight * self.scale, self._added, tweet))
        if len(self._incoming) > self.capacity:
            heapq.heappop(self._incoming)

    def next_hour(self) -> None:
        """Take in the hour's tweets, age the pool by an hour and refresh the sampling table."""
        for weight, _, tweet in sorted(self._incoming, key=lambda item: item[1]):
            self.tweets.append(tweet)
            self.weights.append(weight)
            self.retweets.append(0)
            self.favourites.append(0)
        self._incoming = []
        self.scale *= self.growth
        if self.scale > 1e200:
            self.weights = [w / self.scale for w in self.weights]
            self.scale = 1.0
        if len(self.tweets) > 1.5 * self.capacity:
            weights = np.array(self.weights)
            keep = np.sort(np.argpartition(weights, -self.capacity)[-self.capacity :]).tolist()
            for name in ("tweets", "weights", "retweets", "favourites"):
                values = getattr(self, name)
                setattr(self, name, [values[i] for i in keep])
        self._cumulative = list(accumulate(self.weights))

    def draw(self, r: random.Random) -> int | None:
        """Index of a tweet drawn by weight, or None when the pool was empty at the hour's start."""
        if not self._cumulative:
            return None
        i = bisect.bisect(self._cumulative, r.random() * self._cumulative[-1])
        return min(i, len(self._cumulative) - 1)

    def engage(self, i: int, r: random.Random) -> tuple[int, int]:
        """Count one more retweet of tweet i; its (retweet, favourite) counts now."""
        self.retweets[i] += 1
        self.favourites[i] += 1 + int(r.random() * 3)
        return self.retweets[i], self.favourites[i]

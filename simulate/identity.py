"""Names, screen names, languages and the other descriptive fields of an account."""

from __future__ import annotations

import numpy as np

from simulate import vocab

_ALNUM = np.array(list("abcdefghijklmnopqrstuvwxyz0123456789"))
_MEDIA_WORDS = [
    "Daily",
    "Info",
    "News",
    "Direct",
    "Patriot",
    "Libre",
    "Hebdo",
    "Report",
    "Watch",
    "Post",
    "Journal",
    "Voice",
    "Today",
    "Actu",
    "Radio",
    "Media",
]


def _ascii_handle(text: str) -> str:
    table = str.maketrans("éèêëàâäîïôöùûüçÉÈÀÇÎÔÛñáíóúÁ", "eeeeaaaiioouuucEEACIOUnaiouA")
    return "".join(ch for ch in text.translate(table) if ch.isalnum() or ch == "_")


class NameMaker:
    """Unique screen names and display names, by style (0 words, 1 name+digits, 2 random)."""

    def __init__(self, rng: np.random.Generator, taken: set[str]):
        self.rng = rng
        self.taken = taken

    def _unique(self, handle: str) -> str:
        handle = handle[:15] or "user"
        while handle.lower() in self.taken:
            suffix = str(int(self.rng.integers(0, 10_000)))
            handle = handle[: 15 - len(suffix)] + suffix
        self.taken.add(handle.lower())
        return handle

    def make(self, style: int, kind: str) -> tuple[str, str]:
        rng = self.rng
        first = vocab.FIRST_NAMES[int(rng.integers(len(vocab.FIRST_NAMES)))]
        last = vocab.LAST_NAMES[int(rng.integers(len(vocab.LAST_NAMES)))]
        word = vocab.HANDLE_WORDS[int(rng.integers(len(vocab.HANDLE_WORDS)))]
        if kind == "influencer":
            a, b = rng.choice(_MEDIA_WORDS, 2, replace=False)
            name = f"{a} {b}" if rng.random() < 0.6 else f"{first} {last}"
            return self._unique(_ascii_handle(name.replace(" ", ""))), name
        if style == 1:
            digits = "".join(str(d) for d in rng.integers(0, 10, int(rng.integers(6, 9))))
            handle = _ascii_handle(first)[: 15 - len(digits)] + digits
            name = first if rng.random() < 0.5 else f"{first} {last}"
            return self._unique(handle), name
        if style == 2:
            handle = "".join(rng.choice(_ALNUM, int(rng.integers(9, 16))))
            name = handle if rng.random() < 0.5 else first
            return self._unique(handle), name
        pattern = int(rng.integers(6))
        f, la = _ascii_handle(first), _ascii_handle(last)
        handle = [
            f"{f}{la}",
            f"{f}_{la}",
            f"{f[0]}{la}",
            f"{word}{f}",
            f"the{word}{la[:4]}",
            f"{f}{int(rng.integers(1, 99))}",
        ][pattern]
        name = (
            f"{first} {last}"
            if rng.random() < 0.8
            else f"{first} 🇫🇷"
            if rng.random() < 0.3
            else first
        )
        return self._unique(handle), name


def draw_languages(
    rng: np.random.Generator, is_bot: np.ndarray, home_period: np.ndarray, kinds: np.ndarray
) -> np.ndarray:
    """Primary tweet language per account. MacronLeaks-period people are French and English, its
    opinion leaders and bots mostly English (the push came largely from US accounts)."""
    others = ["de", "es", "it", "pt", "nl", "und"]
    tables = {
        ("macronleaks", "human"): (["fr", "en", *others], [0.42, 0.48] + [0.10 / 6] * 6),
        ("macronleaks", "influencer"): (["en", "fr", *others], [0.50, 0.46] + [0.04 / 6] * 6),
        ("macronleaks", "bot"): (["en", "fr", *others], [0.70, 0.24] + [0.06 / 6] * 6),
        ("us2016", "human"): (["en", "fr", *others], [0.86, 0.07] + [0.07 / 6] * 6),
        ("us2016", "influencer"): (["en", "fr", *others], [0.90, 0.06] + [0.04 / 6] * 6),
        ("us2016", "bot"): (["en", "fr", *others], [0.93, 0.04] + [0.03 / 6] * 6),
    }
    group = np.where(is_bot, "bot", np.where(kinds == "influencer", "influencer", "human"))
    out = np.empty(len(is_bot), dtype=object)
    for (period, name), (langs, probs) in tables.items():
        mask = (home_period == period) & (group == name)
        out[mask] = rng.choice(langs, size=int(mask.sum()), p=probs)
    return out


def time_zone_group(rng: np.random.Generator, langs: np.ndarray) -> np.ndarray:
    """A key of vocab.TIME_ZONES per account, from its language."""
    u = rng.random(len(langs))
    english = np.where(u < 0.45, "en_us", np.where(u < 0.7, "en_us_central", "en_uk"))
    return np.where(langs == "fr", "fr", np.where(langs == "en", english, "other"))


def description_for(rng: np.random.Generator, lang: str) -> str:
    pool = vocab.DESCRIPTIONS["fr" if lang == "fr" else "en" if lang == "en" else "other"]
    return pool[int(rng.integers(len(pool)))]


def location_for(rng: np.random.Generator, lang: str) -> str:
    pool = vocab.CITIES["fr" if lang == "fr" else "en" if lang == "en" else "other"]
    return pool[int(rng.integers(len(pool)))]

"""Tweet texts with their entities (hashtags, URLs, mentions) and character indices."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from simulate import vocab

_TCO = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_PATH = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass
class Text:
    """A tweet text as written, with entity lists in v1.1 shape (indices included)."""

    text: str = ""
    hashtags: list[dict] = field(default_factory=list)
    urls: list[dict] = field(default_factory=list)
    mentions: list[dict] = field(default_factory=list)

    def add(self, piece: str) -> None:
        if self.text and not self.text.endswith(" ") and piece:
            self.text += " "
        self.text += piece

    def add_hashtag(self, tag: str) -> None:
        if self.text and not self.text.endswith(" "):
            self.text += " "
        start = len(self.text)
        self.text += "#" + tag
        self.hashtags.append({"text": tag, "indices": [start, len(self.text)]})

    def add_url(self, expanded: str, r: random.Random) -> None:
        if self.text and not self.text.endswith(" "):
            self.text += " "
        tco = "https://t.co/" + "".join(r.choices(_TCO, k=10))
        start = len(self.text)
        self.text += tco
        display = expanded.split("//", 1)[-1]
        display = display if len(display) <= 26 else display[:25] + "…"
        self.urls.append(
            {
                "url": tco,
                "expanded_url": expanded,
                "display_url": display,
                "indices": [start, len(self.text)],
            }
        )

    def add_mention(self, user_id: int, screen_name: str, name: str) -> None:
        if self.text and not self.text.endswith(" "):
            self.text += " "
        start = len(self.text)
        self.text += "@" + screen_name
        self.mentions.append(
            {
                "screen_name": screen_name,
                "name": name,
                "id": user_id,
                "id_str": str(user_id),
                "indices": [start, len(self.text)],
            }
        )

    def entities(self, limit: int | None = None, shift: int = 0) -> dict:
        """v1.1 `entities`, keeping only those that end within `limit` after shifting."""

        def keep(items: list[dict]) -> list[dict]:
            out = []
            for item in items:
                start, end = item["indices"][0] + shift, item["indices"][1] + shift
                if limit is None or end <= limit:
                    out.append({**item, "indices": [start, end]})
            return out

        return {
            "hashtags": keep(self.hashtags),
            "urls": keep(self.urls),
            "user_mentions": keep(self.mentions),
            "symbols": [],
        }


def pick(r: random.Random, weighted: list[tuple[str, float]]) -> str:
    return r.choices([w for w, _ in weighted], weights=[p for _, p in weighted])[0]


def _sentence(r: random.Random, topic: str, lang: str, long: bool) -> str:
    table = vocab.PHRASES[topic]
    openings, middles, ends = table.get(lang) or vocab.PHRASES["off"].get(lang) or table["en"]
    parts = [r.choice(openings), r.choice(middles)]
    if long:
        parts += [r.choice(middles), r.choice(ends)]
    else:
        parts.append(r.choice(ends))
    return " ".join(p for p in parts if p)


def url_for(r: random.Random, campaign: str | None, lang: str) -> str:
    """An expanded URL: leak hosts, news, video or shorteners, in realistic proportions."""
    u = r.random()
    slug = "".join(r.choices(_PATH, k=8))
    if campaign == "macronleaks" and u < 0.35:
        domain = r.choice(vocab.LEAK_DOMAINS)
        return f"https://{domain}/{slug}"
    if u < 0.70:
        pool = vocab.NEWS_DOMAINS["fr" if lang == "fr" else "en" if lang == "en" else "other"]
        year = "2017" if campaign != "us2016" else "2016"
        return f"https://www.{r.choice(pool)}/{year}/{slug.lower()}.html"
    if u < 0.88:
        domain = r.choice(vocab.VIDEO_DOMAINS)
        return (
            f"https://{domain}/watch?v={slug}"
            if domain == "youtube.com"
            else f"https://{domain}/{slug}"
        )
    return f"https://{r.choice(vocab.SHORTENER_DOMAINS)}/{slug}"


def compose(
    r: random.Random,
    *,
    campaign: str | None,
    period: str,
    lang: str,
    political: bool,
    mentions: list[tuple[int, str, str]],
    with_url: bool,
    long: bool,
) -> Text:
    """A tweet body. Campaign tweets carry a campaign hashtag or keyword within their first
    ~80 characters, so it stays visible in a retweet's 140-character ``RT @user: ...`` text."""
    t = Text()
    for user_id, screen_name, name in mentions[:1]:
        if r.random() < 0.5:
            t.add_mention(user_id, screen_name, name)
    if campaign is not None:
        _campaign_body(r, t, campaign, lang, long)
    else:
        t.add(_sentence(r, "off", lang, long))
        pool = vocab.OFF_HASHTAGS[period]["political" if political else "general"]
        for _ in range(r.choices((0, 1, 2), weights=(0.45, 0.4, 0.15))[0]):
            t.add_hashtag(r.choice(pool))
    for user_id, screen_name, name in mentions[1:2]:
        t.add_mention(user_id, screen_name, name)
    if with_url:
        t.add_url(url_for(r, campaign, lang), r)
    return t


def _campaign_body(r: random.Random, t: Text, campaign: str, lang: str, long: bool) -> None:
    tag = pick(r, vocab.CAMPAIGN_HASHTAG_VARIANTS[campaign])
    style = r.random()
    topic_lang = lang if lang in vocab.PHRASES[campaign] else None
    if topic_lang is None:
        opening = vocab.CAMPAIGN_OTHER_LANG_OPENINGS.get(lang, "")
        t.add(opening)
        t.add_hashtag(tag)
        t.add(_sentence(r, "off", lang, False))
    elif style < 0.10:
        # Keyword only, no campaign hashtag.
        keyword = r.choice(vocab.CAMPAIGN_KEYWORD_VARIANTS[campaign])
        t.add(f"{keyword}:" if lang == "en" else f"{keyword} :")
        t.add(_sentence(r, campaign, topic_lang, long))
    elif style < 0.55:
        t.add_hashtag(tag)
        t.add(_sentence(r, campaign, topic_lang, long))
    else:
        table = vocab.PHRASES[campaign][topic_lang]
        t.add(r.choice(table[0]))
        t.add_hashtag(tag)
        t.add(" ".join(p for p in (r.choice(table[1]), r.choice(table[2])) if p))
    extra = vocab.OFF_HASHTAGS[campaign]["political"]
    for _ in range(r.choices((0, 1, 2), weights=(0.5, 0.35, 0.15))[0]):
        t.add_hashtag(r.choice(extra))

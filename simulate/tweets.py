"""v1.1 streaming JSON for tweets, retweets, quotes, replies and the stream's control messages.

A tweet is rendered once into a template with its retweet/favourite counts left open
(``%d``) and without the closing brace, so the same string serves as the line written to the
stream (plus ``filter_level`` and ``timestamp_ms``) and, later, as the object embedded in retweets
and quotes of it (with the counts of that moment).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from json.encoder import encode_basestring_ascii as _quote

from simulate.text import Text
from simulate.timeutil import twitter_time

_dumps = json.JSONEncoder(separators=(",", ":")).encode
VISIBLE = 140
_TCO = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


@dataclass
class Rendered:
    """A rendered tweet: the template and what retweets of it need."""

    template: str  # JSON without the closing brace, with %d for retweet_count, favorite_count
    tweet_id: int
    screen_name: str
    name: str
    user_id: int
    body: Text  # the full text and entities
    lang: str
    retweet_parts: tuple[str, str] | None = field(default=None, repr=False)

    def retweet_text_and_entities(self) -> tuple[str, str]:
        """JSON of ``RT @user: text`` (cut to 140) and its entities: the same for every retweet,
        so computed once."""
        if self.retweet_parts is None:
            prefix = f"RT @{self.screen_name}: "
            full = prefix + self.body.text
            text = full if len(full) <= VISIBLE else full[: VISIBLE - 1] + "…"
            limit = len(text) if len(full) <= VISIBLE else VISIBLE - 1
            entities = self.body.entities(limit=limit, shift=len(prefix))
            entities["user_mentions"].insert(
                0,
                {
                    "screen_name": self.screen_name,
                    "name": self.name,
                    "id": self.user_id,
                    "id_str": str(self.user_id),
                    "indices": [3, 4 + len(self.screen_name)],
                },
            )
            self.retweet_parts = (_quote(text), _dumps(entities))
        return self.retweet_parts


def _head(created: float, tweet_id: int, text_json: str, source_json: str, truncated: bool) -> str:
    """The opening fields; `text_json` and `source_json` are already JSON strings."""
    return (
        f'{{"created_at":"{twitter_time(created)}","id":{tweet_id},"id_str":"{tweet_id}",'
        f'"text":{text_json},"source":{source_json},'
        f'"truncated":{"true" if truncated else "false"}'
    )


def json_string(value: str) -> str:
    return _quote(value)


def _reply_fields(reply_to: tuple[int, int, str] | None) -> str:
    if reply_to is None:
        return (
            ',"in_reply_to_status_id":null,"in_reply_to_status_id_str":null,'
            '"in_reply_to_user_id":null,"in_reply_to_user_id_str":null,'
            '"in_reply_to_screen_name":null'
        )
    status_id, user_id, screen_name = reply_to
    return (
        f',"in_reply_to_status_id":{status_id},"in_reply_to_status_id_str":"{status_id}",'
        f'"in_reply_to_user_id":{user_id},"in_reply_to_user_id_str":"{user_id}",'
        f'"in_reply_to_screen_name":"{screen_name}"'
    )


_NO_REPLY = _reply_fields(None)
_NO_GEO = ',"geo":null,"coordinates":null,"place":null,"contributors":null'


def render_tweet(
    r: random.Random,
    *,
    created: float,
    tweet_id: int,
    user_json: str,
    user_id: int,
    screen_name: str,
    name: str,
    source: str,
    body: Text,
    lang: str,
    reply_to: tuple[int, int, str] | None = None,
    quoted: tuple[Rendered, int, int] | None = None,
) -> Rendered:
    """An original tweet, reply (`reply_to` = status id, user id, screen name) or quote
    (`quoted` = the quoted tweet and its counts now). Long texts are truncated the v1.1 way."""
    full = body.text
    if len(full) > VISIBLE:
        cut = full[: VISIBLE - 25].rstrip()
        link = "https://t.co/" + "".join(r.choices(_TCO, k=10))
        text = f"{cut}… {link}"
        entities = body.entities(limit=len(cut))
        entities["urls"].append(
            {
                "url": link,
                "expanded_url": f"https://twitter.com/i/web/status/{tweet_id}",
                "display_url": f"twitter.com/i/web/status/{str(tweet_id)[:1]}…",
                "indices": [len(cut) + 2, len(text)],
            }
        )
        truncated = True
    else:
        text, entities, truncated = full, body.entities(), False
    parts = [_head(created, tweet_id, _quote(text), source, truncated), _reply_fields(reply_to)]
    parts.append(',"user":' + user_json)
    parts.append(_NO_GEO)
    if quoted is not None:
        original, rt_count, fav_count = quoted
        parts.append(
            f',"quoted_status_id":{original.tweet_id},'
            f'"quoted_status_id_str":"{original.tweet_id}",'
            f'"quoted_status":{original.template % (rt_count, fav_count)}}}'
        )
    tail: dict = {"is_quote_status": quoted is not None}
    if truncated:
        tail["extended_tweet"] = {
            "full_text": full,
            "display_text_range": [0, len(full)],
            "entities": body.entities(),
        }
    if reply_to is not None:
        start = len(reply_to[2]) + 2
        tail["display_text_range"] = [start, len(text)]
    tail.update(
        {
            "quote_count": 0,
            "reply_count": 0,
            "retweet_count": -9_000_001,
            "favorite_count": -9_000_002,
            "entities": entities,
            "favorited": False,
            "retweeted": False,
            "lang": lang,
        }
    )
    if any(u["expanded_url"] for u in entities["urls"]):
        tail["possibly_sensitive"] = False
    tail_json = _dumps(tail)[1:-1]
    parts.append("," + tail_json)
    template = "".join(parts)
    template = (
        template.replace("%", "%%")
        .replace('"retweet_count":-9000001', '"retweet_count":%d', 1)
        .replace('"favorite_count":-9000002', '"favorite_count":%d', 1)
    )
    return Rendered(template, tweet_id, screen_name, name, user_id, body, lang)


def render_retweet(
    *,
    created: float,
    tweet_id: int,
    user_json: str,
    source: str,
    original: Rendered,
    rt_count: int,
    fav_count: int,
) -> str:
    """A retweet line: ``RT @user: text`` cut to 140 characters, the original embedded."""
    text_json, entities_json = original.retweet_text_and_entities()
    return (
        _head(created, tweet_id, text_json, source, False)
        + _NO_REPLY
        + ',"user":'
        + user_json
        + _NO_GEO
        + ',"retweeted_status":'
        + original.template % (rt_count, fav_count)
        + '},"is_quote_status":false,"quote_count":0,"reply_count":0,'
        + f'"retweet_count":{rt_count},"favorite_count":0,"entities":{entities_json},'
        + f'"favorited":false,"retweeted":false,"filter_level":"low","lang":"{original.lang}",'
        + f'"timestamp_ms":"{int(created * 1000)}"}}'
    )


def stream_line(rendered: Rendered, created: float) -> str:
    """The line the stream delivers for a new tweet (counts are zero at that moment)."""
    return (
        rendered.template % (0, 0)
        + f',"filter_level":"low","timestamp_ms":"{int(created * 1000)}"}}'
    )


def delete_notice(tweet_id: int, user_id: int, at: float) -> str:
    return (
        f'{{"delete":{{"status":{{"id":{tweet_id},"id_str":"{tweet_id}",'
        f'"user_id":{user_id},"user_id_str":"{user_id}"}},'
        f'"timestamp_ms":"{int(at * 1000)}"}}}}'
    )


def limit_notice(track: int, at: float) -> str:
    return f'{{"limit":{{"track":{track},"timestamp_ms":"{int(at * 1000)}"}}}}'

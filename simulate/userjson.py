"""The v1.1 user object of an account, pre-rendered once as a template with its counts left open.

Rendering a tweet then costs one ``template % counts`` instead of a ``json.dumps`` of ~40 fields.
"""

from __future__ import annotations

import json

from simulate.timeutil import twitter_time

# Placeholders for the counts that change over time, in template order.
_SLOTS = ("followers_count", "friends_count", "listed_count", "favourites_count", "statuses_count")
DEFAULT_IMAGE = "https://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png"


def user_object(
    *,
    user_id: int,
    name: str,
    screen_name: str,
    location: str | None,
    description: str | None,
    url: str | None,
    expanded_url: str | None,
    created_at: float,
    utc_offset: int | None,
    time_zone: str | None,
    geo_enabled: bool,
    verified: bool,
    lang: str,
    default_profile: bool,
    default_profile_image: bool,
    profile_use_background_image: bool,
    colour: str,
    image_key: int,
    counts: tuple[int, int, int, int, int] | None = None,
) -> dict:
    """A v1.1 user object; counts are sentinels to fill later unless given."""
    sentinels = counts if counts is not None else tuple(-999_000_001 - i for i in range(5))
    image = (
        DEFAULT_IMAGE
        if default_profile_image
        else f"https://pbs.twimg.com/profile_images/{image_key}/{image_key % 99991:x}_normal.jpg"
    )
    url_entities = (
        {
            "urls": [
                {
                    "url": url,
                    "expanded_url": expanded_url,
                    "display_url": (expanded_url or "").split("//", 1)[-1][:26],
                    "indices": [0, len(url or "")],
                }
            ]
        }
        if url
        else None
    )
    user: dict = {
        "id": user_id,
        "id_str": str(user_id),
        "name": name,
        "screen_name": screen_name,
        "location": location,
        "url": url,
        "description": description,
        "translator_type": "none",
        "protected": False,
        "verified": verified,
        **dict(zip(_SLOTS[:4], sentinels[:4], strict=True)),
        "statuses_count": sentinels[4],
        "created_at": twitter_time(created_at),
        "utc_offset": utc_offset,
        "time_zone": time_zone,
        "geo_enabled": geo_enabled,
        "lang": lang,
        "contributors_enabled": False,
        "is_translator": False,
        "entities": {
            **({"url": url_entities} if url_entities else {}),
            "description": {"urls": []},
        },
        "profile_background_color": "F5F8FA" if default_profile else colour,
        "profile_background_image_url": ""
        if default_profile
        else "http://abs.twimg.com/images/themes/theme1/bg.png",
        "profile_background_image_url_https": ""
        if default_profile
        else "https://abs.twimg.com/images/themes/theme1/bg.png",
        "profile_background_tile": False,
        "profile_link_color": "1DA1F2" if default_profile else colour,
        "profile_sidebar_border_color": "C0DEED" if default_profile else "000000",
        "profile_sidebar_fill_color": "DDEEF6" if default_profile else "000000",
        "profile_text_color": "333333",
        "profile_use_background_image": profile_use_background_image,
        "profile_image_url": image.replace("https://", "http://"),
        "profile_image_url_https": image,
        **(
            {}
            if default_profile
            else {
                "profile_banner_url": f"https://pbs.twimg.com/profile_banners/{user_id}/{image_key}"
            }
        ),
        "default_profile": default_profile,
        "default_profile_image": default_profile_image,
        "following": None,
        "follow_request_sent": None,
        "notifications": None,
    }
    return user


def user_template(**fields) -> str:
    """The compact JSON of `user_object(**fields)` with ``%d`` where the five counts go, in the
    order followers, friends, listed, favourites, statuses."""
    text = json.dumps(user_object(**fields), separators=(",", ":")).replace("%", "%%")
    for i in range(5):
        text = text.replace(str(-999_000_001 - i), "%d", 1)
    return text

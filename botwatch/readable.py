"""Words for readers that the app and the report share: language names and how long after an
event something came."""

from __future__ import annotations

import math

# Tweet languages as Twitter tags them (ISO 639-1, plus its own 'und' and 'in'/'iw').
LANGUAGE_NAMES = {
    "ar": "Arabic",
    "de": "German",
    "en": "English",
    "es": "Spanish",
    "fa": "Persian",
    "fr": "French",
    "hi": "Hindi",
    "in": "Indonesian",
    "it": "Italian",
    "iw": "Hebrew",
    "ja": "Japanese",
    "ko": "Korean",
    "nl": "Dutch",
    "pl": "Polish",
    "pt": "Portuguese",
    "ru": "Russian",
    "sv": "Swedish",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "zh": "Chinese",
    "und": "undetermined",
    "other": "other languages",
}


def language_name(code: object) -> str:
    """'fr' -> 'French'; an unknown code is shown as it is, a missing one as 'undetermined'."""
    if code is None or (isinstance(code, float) and math.isnan(code)):
        return LANGUAGE_NAMES["und"]
    return LANGUAGE_NAMES.get(str(code).lower(), str(code))


def after_event(hours_from_event_to_peak_hour: float, event: str) -> str:
    """How the busiest hour relates to the event before it, given the hours from the event to
    the start of that hour (negative when the event fell inside it):
    'in the same hour as “leak posted”', '40 minutes after “leak posted”', '5.5 hours after ...',
    '3 days after ...'."""
    hours = float(hours_from_event_to_peak_hour)
    if hours < 0:
        return f"in the same hour as “{event}”"
    if hours < 1:
        minutes = max(1, round(hours * 60))
        return f"{minutes} minute{'s' if minutes != 1 else ''} after “{event}”"
    if hours < 48:
        shown = f"{hours:.1f}".removesuffix(".0")
        return f"{shown} hour{'s' if shown != '1' else ''} after “{event}”"
    return f"{round(hours / 24)} days after “{event}”"


# Words for the classifier's features where their identifier does not say it plainly.
FEATURE_WORDS = {
    "default_profile": "Default profile theme",
    "default_profile_image": "Default profile image",
    "geo_enabled": "Location sharing on",
    "screen_name_likelihood": "How ordinary the screen name looks",
}


def feature_label(feature: object) -> str:
    """A classifier feature for readers: 'followers_per_friend' -> 'Followers per friend'."""
    name = str(feature)
    if name in FEATURE_WORDS:
        return FEATURE_WORDS[name]
    words = name.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def feature_value(value: object) -> str:
    """A feature's value, short: 0.123456 -> '0.123', 12345.0 -> '12,345', True -> 'yes'."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float) and not (isinstance(value, float) and math.isnan(value)):
        number = float(value)
        return f"{number:,.0f}" if abs(number) >= 100 else f"{number:.3g}"
    return str(value)


# A warehouse layer, for readers: where a table sits in the pipeline.
LAYER_WORDS = {"staging": "cleaned input", "intermediate": "working table", "raw": "as landed"}
TABLE_PREFIXES = ("fct_", "dim_", "stg_", "int_")


def table_label(asset: object) -> str:
    """A table (a Dagster asset key or a published name) for readers:
    'marts/fct_campaign_summary' -> 'Campaign summary', 'staging/stg_twitter__tweets' ->
    'Twitter tweets (cleaned input)', 'ml/account_bot_scores' -> 'Account bot scores'."""
    parts = str(asset).replace(".", "/").split("/")
    name, layer = parts[-1], parts[0] if len(parts) > 1 else ""
    for prefix in TABLE_PREFIXES:
        name = name.removeprefix(prefix)
    words = " ".join(name.replace("__", " ").replace("_", " ").split())
    label = words[:1].upper() + words[1:]
    return f"{label} ({LAYER_WORDS[layer]})" if layer in LAYER_WORDS else label

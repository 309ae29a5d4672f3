"""Account features from a profile: ONE definition for training, evaluation and scoring.

``build_features`` turns rows with ``PROFILE_COLUMNS`` (labelled frames or the warehouse's latest
profiles) into numbers, vectorised. A field the profile lacks gives NaN in every feature that needs
it (never a 0 that would mean "no followers"), and ``missing_fields`` says which fields were absent.

The screen-name likelihood needs a character-bigram table. It is fitted on the training set's
screen names (labels unused) by ``ScreenNameBigrams`` inside the model's pipeline, so no real data
ships with the code; without a table the feature is NaN.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
from sklearn.base import BaseEstimator, TransformerMixin

from botwatch.schema import PROFILE_COLUMNS

# The 20 features of BotometerLite (Yang et al., AAAI 2020), under the names used here.
BOTOMETER_LITE_FEATURES: list[str] = [
    "statuses_count",
    "followers_count",
    "friends_count",
    "favourites_count",
    "listed_count",
    "default_profile",
    "profile_use_background_image",
    "verified",
    "tweet_rate",
    "followers_growth_rate",
    "friends_growth_rate",
    "favourites_growth_rate",
    "listed_growth_rate",
    "followers_friends_ratio",
    "screen_name_length",
    "screen_name_digits",
    "name_length",
    "name_digits",
    "description_length",
    "screen_name_likelihood",
]

# Added because they describe behaviour rather than a collection: how much the account engages
# with others' tweets (likes per tweet written) and profile choices humans make.
EXTRA_FEATURES: list[str] = [
    "account_age_days",
    "favourites_per_tweet",
    "geo_enabled",
    "has_url",
    "has_location",
    "default_profile_image",
    "listed_per_follower",
    "followers_per_tweet",
]

ALL_FEATURES: list[str] = BOTOMETER_LITE_FEATURES + EXTRA_FEATURES

# What each feature measures, in words (the model card lists them; a test keeps it complete).
FEATURE_MEANINGS: dict[str, str] = {
    "statuses_count": "tweets the account has written, at observation",
    "followers_count": "accounts following it",
    "friends_count": "accounts it follows",
    "favourites_count": "tweets it has liked",
    "listed_count": "public lists it is on",
    "default_profile": "the profile keeps Twitter's default theme",
    "profile_use_background_image": "the profile shows a background image",
    "verified": "the account is verified",
    "tweet_rate": "tweets written per day of account age",
    "followers_growth_rate": "followers gained per day of account age",
    "friends_growth_rate": "accounts followed per day of account age",
    "favourites_growth_rate": "likes given per day of account age",
    "listed_growth_rate": "lists joined per day of account age",
    "followers_friends_ratio": "followers per account followed (+1)",
    "screen_name_length": "characters in the screen name",
    "screen_name_digits": "digits in the screen name",
    "name_length": "characters in the display name",
    "name_digits": "digits in the display name",
    "description_length": "characters in the profile description (0 when none)",
    "screen_name_likelihood": "how ordinary the screen name's letter pairs are (geometric mean "
    "of their probabilities under a table fitted on ordinary names)",
    "account_age_days": "days from the account's creation to its observation",
    "favourites_per_tweet": "likes given per tweet written (+1)",
    "geo_enabled": "the user switched on location tagging",
    "has_url": "the profile links a web site",
    "has_location": "the profile gives a location",
    "default_profile_image": "the profile keeps the default picture",
    "listed_per_follower": "lists the account is on per follower (+1)",
    "followers_per_tweet": "followers per tweet written (+1)",
}

# What the shipped classifier uses (chosen by leave-one-dataset-out evaluation on the real sets).
# Left out, because across those sets they identify the collection rather than the behaviour
# (see the model card): `verified` (verified-2019's humans are all verified, cresci-2017's almost
# none), raw counts including the likes count (its scale differs between celebrities in
# verified-2019 and ordinary users in cresci-2017: the rates carry the signal and calibrate
# better), follower/friend figures, tweet rate (cresci's spambots tweet little, botwiki's bots
# a lot), account age, name shapes and profile decoration.
FEATURE_NAMES: list[str] = [
    "favourites_growth_rate",
    "favourites_per_tweet",
    "geo_enabled",
    "description_length",
]

# For a model that scores the same population it was trained on (e.g. the simulator's labelled
# set and the simulated campaign): every feature, collection quirks included. Do not expect such
# a model to hold up on another population (see the LODO evaluation).
POPULATION_FEATURES: list[str] = list(ALL_FEATURES)

FEATURE_SETS: dict[str, list[str]] = {
    "transfer": FEATURE_NAMES,
    "botometer-lite": BOTOMETER_LITE_FEATURES,
    "population": POPULATION_FEATURES,
}
# The feature-set setting that imposes none: training chooses among CANDIDATE_FEATURE_SETS.
CHOSEN = "chosen"
# What training chooses among by leave-one-dataset-out when no feature set is imposed: fixed
# before any evaluation (the shipped four, BotometerLite's twenty, everything), so the choice
# itself is what the nested evaluation measures.
CANDIDATE_FEATURE_SETS: tuple[str, ...] = ("transfer", "botometer-lite", "population")


def imposed_features(feature_set: str) -> list[str] | None:
    """The features a feature-set setting imposes: ``None`` for ``chosen`` (training chooses),
    else that set of ``FEATURE_SETS``; any other name is an error that lists the valid ones."""
    if feature_set == CHOSEN:
        return None
    if feature_set not in FEATURE_SETS:
        raise ValueError(
            f"feature set {feature_set!r} (BOTWATCH_FEATURE_SET): expected {CHOSEN!r} or one of "
            f"{sorted(FEATURE_SETS)}"
        )
    return FEATURE_SETS[feature_set]


# Which profile fields a collection has depends on the API that wrote it. Twitter API v2 user
# objects (twarc2, TwiBot) carry no likes count, no geo_enabled, no default_profile and no
# profile_use_background_image; a model that needs them cannot score such an account, so each
# field set gets its own model, and an account is scored by the richest one it has the fields
# of. Richest first.
V1_ONLY_FIELDS: tuple[str, ...] = (
    "favourites_count",
    "geo_enabled",
    "default_profile",
    "profile_use_background_image",
    "default_profile_image",
    "lang",
)
FIELD_SETS: dict[str, frozenset[str]] = {
    "v1.1": frozenset(PROFILE_COLUMNS),
    "v2": frozenset(PROFILE_COLUMNS) - frozenset(V1_ONLY_FIELDS),
}
# The field that tells a field set from the next poorer one: every v1.1 profile has a likes
# count and no v2 profile has one. Other v1.1-only fields missing from a v1.1 profile are imputed
# and listed in ``missing_fields``.
FIELD_SET_MARKERS: dict[str, tuple[str, ...]] = {"v1.1": ("favourites_count",), "v2": ()}

# Profile fields each feature needs; a feature is NaN when any of them is missing.
FEATURE_INPUTS: dict[str, tuple[str, ...]] = {
    "statuses_count": ("statuses_count",),
    "followers_count": ("followers_count",),
    "friends_count": ("friends_count",),
    "favourites_count": ("favourites_count",),
    "listed_count": ("listed_count",),
    "default_profile": ("default_profile",),
    "profile_use_background_image": ("profile_use_background_image",),
    "verified": ("verified",),
    "tweet_rate": ("statuses_count", "created_at", "observed_at"),
    "followers_growth_rate": ("followers_count", "created_at", "observed_at"),
    "friends_growth_rate": ("friends_count", "created_at", "observed_at"),
    "favourites_growth_rate": ("favourites_count", "created_at", "observed_at"),
    "listed_growth_rate": ("listed_count", "created_at", "observed_at"),
    "followers_friends_ratio": ("followers_count", "friends_count"),
    "screen_name_length": ("screen_name",),
    "screen_name_digits": ("screen_name",),
    "name_length": ("name",),
    "name_digits": ("name",),
    "description_length": ("description",),
    "screen_name_likelihood": ("screen_name",),
    "account_age_days": ("created_at", "observed_at"),
    "favourites_per_tweet": ("favourites_count", "statuses_count"),
    "geo_enabled": ("geo_enabled",),
    "has_url": ("url",),
    "has_location": ("location",),
    "default_profile_image": ("default_profile_image",),
    "listed_per_follower": ("listed_count", "followers_count"),
    "followers_per_tweet": ("followers_count", "statuses_count"),
}

# Text fields where "absent" is a legitimate value (no description, no URL): an empty string or
# null there is information, not a missing field, when the profile otherwise came complete.
_OPTIONAL_TEXT = ("description", "url", "location")
_COUNTS = ("statuses_count", "followers_count", "friends_count", "favourites_count", "listed_count")
_FLAGS = (
    "default_profile",
    "profile_use_background_image",
    "verified",
    "geo_enabled",
    "default_profile_image",
)
_MIN_AGE_DAYS = 1.0  # an account observed on its first day has a rate over at least one day
_SCREEN_NAME_WIDTH = 16  # Twitter screen names are at most 15 characters


def missing_fields_array(profiles: pd.DataFrame, features: list[str] | None = None) -> pa.Array:
    """For each row, the profile fields that ``features`` (default ``FEATURE_NAMES``) need and
    that are absent (no column or a null value), so their features were imputed: a pyarrow
    list array, built per distinct pattern of absence (no Python loop over rows)."""
    features = FEATURE_NAMES if features is None else features
    needed = sorted({f for name in features for f in FEATURE_INPUTS[name]})
    absent = np.zeros((len(profiles), len(needed)), dtype=bool)
    for j, name in enumerate(needed):
        if name in _OPTIONAL_TEXT:  # a null there means "none written"; only no column is missing
            absent[:, j] = name not in profiles.columns
        else:
            absent[:, j] = _absent(profiles, name)
    if len(profiles) == 0:
        return pa.array([], pa.list_(pa.string()))
    # each row's pattern of absence as one integer (a bit per field): unique on a 1-D array
    codes = absent.astype(np.int64) @ (np.int64(1) << np.arange(len(needed), dtype=np.int64))
    patterns, which = np.unique(codes, return_inverse=True)
    named = pa.array(
        [[needed[j] for j in range(len(needed)) if code >> j & 1] for code in patterns.tolist()],
        pa.list_(pa.string()),
    )
    return named.take(pa.array(which.ravel()))


def missing_fields(profiles: pd.DataFrame, features: list[str] | None = None) -> list[list[str]]:
    """``missing_fields_array`` as Python lists."""
    return missing_fields_array(profiles, features).to_pylist()


def features_for_field_set(features: list[str], field_set: str) -> list[str]:
    """The ``features`` computable from the profile fields of ``field_set``."""
    fields = FIELD_SETS[field_set]
    return [f for f in features if set(FEATURE_INPUTS[f]) <= fields]


def fields_used(features: list[str]) -> set[str]:
    """The profile fields ``features`` read."""
    return {field for name in features for field in FEATURE_INPUTS[name]}


def field_set_of(profiles: pd.DataFrame, field_sets: list[str] | None = None) -> np.ndarray:
    """For each row, the richest of ``field_sets`` (default: all, richest first) whose marker
    fields (``FIELD_SET_MARKERS``) it has; the poorest one when it has none."""
    names = list(FIELD_SETS) if field_sets is None else list(field_sets)
    chosen = np.full(len(profiles), names[-1], dtype=object)
    undecided = np.ones(len(profiles), dtype=bool)
    for name in names[:-1]:
        has_all = np.ones(len(profiles), dtype=bool)
        for field in FIELD_SET_MARKERS[name]:
            has_all &= ~_absent(profiles, field)
        chosen[undecided & has_all] = name
        undecided &= ~has_all
    return chosen


def blank_fields(profiles: pd.DataFrame, field_set: str) -> pd.DataFrame:
    """``profiles`` with every field outside ``field_set`` removed, as a collection written with
    that API would have it (used to train a field set's model on richer labelled data)."""
    keep = [c for c in profiles.columns if c not in PROFILE_COLUMNS or c in FIELD_SETS[field_set]]
    return profiles[keep]


def _absent(profiles: pd.DataFrame, name: str) -> np.ndarray:
    if name not in profiles.columns:
        return np.ones(len(profiles), dtype=bool)
    return profiles[name].isna().to_numpy()


def _numbers(profiles: pd.DataFrame, name: str) -> np.ndarray:
    if name not in profiles.columns:
        return np.full(len(profiles), np.nan)
    return pd.to_numeric(profiles[name], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _flags(profiles: pd.DataFrame, name: str) -> np.ndarray:
    if name not in profiles.columns:
        return np.full(len(profiles), np.nan)
    return profiles[name].astype("boolean").to_numpy(dtype=float, na_value=np.nan)


def _text(profiles: pd.DataFrame, name: str) -> pd.Series:
    if name not in profiles.columns:
        return pd.Series(pd.NA, index=profiles.index, dtype="string")
    return profiles[name].astype("string")


def account_age_days(profiles: pd.DataFrame) -> np.ndarray:
    """Days between account creation and the observation of the profile (NaN when unknown)."""
    if "created_at" not in profiles.columns or "observed_at" not in profiles.columns:
        return np.full(len(profiles), np.nan)
    created = pd.to_datetime(profiles["created_at"]).to_numpy("datetime64[s]")
    observed = pd.to_datetime(profiles["observed_at"]).to_numpy("datetime64[s]")
    seconds = (observed - created).astype("timedelta64[s]").astype(float)
    seconds[np.isnat(created) | np.isnat(observed)] = np.nan
    return seconds / 86_400.0


class _Profiles:
    """Profile columns as arrays, each converted once and only when a feature asks for it."""

    def __init__(self, profiles: pd.DataFrame, bigrams: ScreenNameBigrams | None) -> None:
        self.profiles = profiles
        self.bigrams = bigrams
        self._cache: dict[str, object] = {}

    def _get(self, key: str, make):
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def count(self, name: str) -> np.ndarray:
        return self._get(name, lambda: _numbers(self.profiles, name))

    def flag(self, name: str) -> np.ndarray:
        return self._get(name, lambda: _flags(self.profiles, name))

    def text(self, name: str) -> pd.Series:
        return self._get(name, lambda: _text(self.profiles, name))

    def age(self) -> np.ndarray:
        return self._get("age", lambda: account_age_days(self.profiles))

    def rate(self, name: str) -> np.ndarray:
        """``name`` per day of account age (at least one day)."""
        age = self.age()
        return self.count(name) / np.where(np.isnan(age), np.nan, np.maximum(age, _MIN_AGE_DAYS))

    def description_length(self) -> np.ndarray:
        if "description" not in self.profiles.columns:
            return np.full(len(self.profiles), np.nan)
        # a null description in a complete profile means the user wrote none
        return self.text("description").fillna("").str.len().to_numpy(dtype=float)

    def screen_name_likelihood(self) -> np.ndarray:
        if self.bigrams is None:
            return np.full(len(self.profiles), np.nan)
        return self.bigrams.likelihood(self.text("screen_name"))


_FEATURES = {
    **{name: (lambda p, n=name: p.count(n)) for name in _COUNTS},
    **{name: (lambda p, n=name: p.flag(n)) for name in _FLAGS},
    "tweet_rate": lambda p: p.rate("statuses_count"),
    "followers_growth_rate": lambda p: p.rate("followers_count"),
    "friends_growth_rate": lambda p: p.rate("friends_count"),
    "favourites_growth_rate": lambda p: p.rate("favourites_count"),
    "listed_growth_rate": lambda p: p.rate("listed_count"),
    # +1 keeps accounts that follow no one finite, as BotometerLite does
    "followers_friends_ratio": lambda p: (
        p.count("followers_count") / (p.count("friends_count") + 1.0)
    ),
    "screen_name_length": lambda p: _length(p.text("screen_name")),
    "screen_name_digits": lambda p: _digits(p.text("screen_name")),
    "name_length": lambda p: _length(p.text("name")),
    "name_digits": lambda p: _digits(p.text("name")),
    "description_length": lambda p: p.description_length(),
    "screen_name_likelihood": lambda p: p.screen_name_likelihood(),
    "account_age_days": lambda p: p.age(),
    "favourites_per_tweet": lambda p: (
        p.count("favourites_count") / (p.count("statuses_count") + 1.0)
    ),
    "listed_per_follower": lambda p: p.count("listed_count") / (p.count("followers_count") + 1.0),
    "followers_per_tweet": lambda p: p.count("followers_count") / (p.count("statuses_count") + 1.0),
    "has_url": lambda p: _present(p.profiles, "url"),
    "has_location": lambda p: _present(p.profiles, "location"),
}


def build_features(
    profiles: pd.DataFrame,
    bigrams: ScreenNameBigrams | None = None,
    features: list[str] | None = None,
) -> pd.DataFrame:
    """``features`` (default ``ALL_FEATURES``) for each profile row, NaN where a needed field is
    missing. Only the requested features are computed.

    ``bigrams`` is a fitted ``ScreenNameBigrams``; without it ``screen_name_likelihood`` is NaN.
    """
    wanted = ALL_FEATURES if features is None else features
    unknown = [f for f in wanted if f not in _FEATURES]
    if unknown:
        raise ValueError(f"unknown features {unknown}")
    source = _Profiles(profiles, bigrams)
    return pd.DataFrame({f: _FEATURES[f](source) for f in wanted}, index=profiles.index)


def _length(text: pd.Series) -> np.ndarray:
    return text.str.len().to_numpy(dtype=float, na_value=np.nan)


def _digits(text: pd.Series) -> np.ndarray:
    return text.str.count(r"[0-9]").to_numpy(dtype=float, na_value=np.nan)


def _present(profiles: pd.DataFrame, name: str) -> np.ndarray:
    if name not in profiles.columns:
        return np.full(len(profiles), np.nan)
    text = profiles[name].astype("string").fillna("").str.strip()
    return (text != "").to_numpy(dtype=float)


# --- screen-name likelihood -----------------------------------------------------------------

_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789_"
_OTHER = len(_ALPHABET)  # any other character
_START = _OTHER + 1  # marks the start of a name
_SYMBOLS = _START + 1
_BYTE_TO_SYMBOL = np.full(256, _OTHER, dtype=np.int64)
for _i, _c in enumerate(_ALPHABET):
    _BYTE_TO_SYMBOL[ord(_c)] = _i
_PAD = 0  # byte used to pad names to a fixed width


def encode_screen_names(screen_names: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Names as a (rows, width + 1) symbol matrix starting with the start symbol, and a mask of
    real characters (vectorised: one bytes buffer, no Python loop over rows)."""
    text = screen_names.astype("string").fillna("").str.lower().str.slice(0, _SCREEN_NAME_WIDTH)
    lengths = text.str.len().to_numpy(dtype=np.int64)
    padded = text.str.pad(_SCREEN_NAME_WIDTH, side="right", fillchar="\x00")
    raw = "".join(padded.tolist()).encode("ascii", errors="replace")
    codes = np.frombuffer(raw, dtype=np.uint8).reshape(len(text), _SCREEN_NAME_WIDTH)
    symbols = _BYTE_TO_SYMBOL[codes]
    symbols = np.concatenate([np.full((len(text), 1), _START), symbols], axis=1)
    mask = np.arange(_SCREEN_NAME_WIDTH)[None, :] < lengths[:, None]
    return symbols, mask


class ScreenNameBigrams(TransformerMixin, BaseEstimator):
    """Character-bigram model of screen names (add-one smoothed), fitted on unlabelled names.

    ``likelihood`` is the geometric mean of the bigram probabilities of a name, as BotometerLite
    defines it; a name like ``x7f3k2q9`` is unlikely under a table fitted on ordinary names.
    """

    def fit(self, screen_names: pd.Series, y: object = None) -> ScreenNameBigrams:
        symbols, mask = encode_screen_names(pd.Series(screen_names))
        previous, current = symbols[:, :-1][mask], symbols[:, 1:][mask]
        counts = np.ones((_SYMBOLS, _SYMBOLS))
        np.add.at(counts, (previous, current), 1.0)
        self.log_probabilities_ = np.log(counts / counts.sum(axis=1, keepdims=True))
        return self

    def likelihood(self, screen_names: pd.Series) -> np.ndarray:
        symbols, mask = encode_screen_names(pd.Series(screen_names))
        logs = self.log_probabilities_[symbols[:, :-1], symbols[:, 1:]]
        lengths = mask.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean_log = np.where(mask, logs, 0.0).sum(axis=1) / lengths
        result = np.exp(mean_log)
        result[lengths == 0] = np.nan
        return result

    def transform(self, screen_names: pd.Series) -> np.ndarray:
        return self.likelihood(screen_names)[:, None]


class ProfileFeatures(TransformerMixin, BaseEstimator):
    """Pipeline step: profile rows in, the ``features`` columns out (a DataFrame).

    Fitting learns only the screen-name bigram table, from the names (labels unused).
    """

    def __init__(self, features: list[str] | None = None) -> None:
        self.features = features

    def fit(self, profiles: pd.DataFrame, y: object = None) -> ProfileFeatures:
        self.feature_names_ = list(self.features or FEATURE_NAMES)
        self.bigrams_ = None
        if "screen_name_likelihood" in self.feature_names_:
            names = _text(profiles, "screen_name").dropna()
            self.bigrams_ = ScreenNameBigrams().fit(names)
        return self

    def transform(self, profiles: pd.DataFrame) -> pd.DataFrame:
        return build_features(profiles, self.bigrams_, self.feature_names_)

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        return np.array(self.feature_names_, dtype=object)


PROFILE_FIELDS: list[str] = list(PROFILE_COLUMNS)

-- One row per account: its most recently observed profile, with how often and over what period
-- it was observed. Ties on observation time go to the most recent file and line, then (one line
-- can hold the same account twice, e.g. as author and as retweeted author, with counters of two
-- moments) to the higher counters, which only grow, and last to the observation whose content
-- hashes highest: a total order, so the kept profile never depends on the engine's row order.

with

observations as (

    select * from {{ ref('stg_twitter__user_observations') }}

),

observation_summary as (

    select
        user_id,
        count(*) as observations,
        min(observed_at) as first_observed_at,
        max(observed_at) as last_observed_at
    from observations
    group by user_id

),

-- Only the observations at an account's latest time can win, and they are few: ranking them
-- alone, not every observation (one or more per tweet), is what keeps this model quick at scale.
at_latest_time as (

    select observations.*
    from observations
    inner join observation_summary on observations.user_id = observation_summary.user_id
    where
        observations.observed_at = observation_summary.last_observed_at
        or observation_summary.last_observed_at is null

),

ranked as (

    select
        *,
        row_number() over (
            partition by user_id
            order by
                observed_at desc nulls last,
                source_file desc,
                source_line desc,
                statuses_count desc nulls last,
                followers_count desc nulls last,
                favourites_count desc nulls last,
                friends_count desc nulls last,
                listed_count desc nulls last,
                {{ botwatch.content_hash(botwatch.profile_column_names()) }} desc
        ) as recency_rank
    from at_latest_time

),

latest as (

    select * from ranked
    where recency_rank = 1

)

select
    latest.user_id,
    latest.observed_at as profile_observed_at,
    latest.screen_name,
    latest.name,
    latest.description,
    latest.location,
    latest.url,
    latest.account_created_at,
    latest.lang,
    latest.followers_count,
    latest.friends_count,
    latest.statuses_count,
    latest.favourites_count,
    latest.listed_count,
    latest.verified,
    latest.protected,
    latest.geo_enabled,
    latest.default_profile,
    latest.default_profile_image,
    latest.profile_use_background_image,
    latest.profile_image_url,
    observation_summary.observations,
    observation_summary.first_observed_at,
    observation_summary.last_observed_at
from latest
inner join observation_summary on latest.user_id = observation_summary.user_id

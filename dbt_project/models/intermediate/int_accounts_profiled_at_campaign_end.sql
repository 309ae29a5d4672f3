-- For each campaign, each account's latest profile observed up to the campaign's end: what the
-- account looked like then (follower counts grow, names change), and how old it was.

with

observations as (

    select * from {{ ref('stg_twitter__user_observations') }}

),

campaigns as (

    select campaign_id, end_at from {{ ref('campaigns') }}

),

-- Each account's latest observation time up to each campaign's end: only the observations at
-- that time can win, and ranking them alone, not every observation, keeps this quick at scale.
latest_by_campaign_end as (

    select
        campaigns.campaign_id,
        campaigns.end_at as campaign_end_at,
        observations.user_id,
        max(observations.observed_at) as latest_observed_at
    from observations
    inner join campaigns on observations.observed_at <= campaigns.end_at
    group by campaigns.campaign_id, campaigns.end_at, observations.user_id

),

observed_by_campaign_end as (

    select
        latest_by_campaign_end.campaign_id,
        latest_by_campaign_end.campaign_end_at,
        observations.*,
        row_number() over (
            partition by latest_by_campaign_end.campaign_id, observations.user_id
            -- A total order (int_accounts_profiled's): two observations of the same instant,
            -- file and line were ordered differently by DuckDB and Spark.
            order by
                observations.observed_at desc,
                observations.source_file desc,
                observations.source_line desc,
                observations.statuses_count desc nulls last,
                observations.followers_count desc nulls last,
                observations.favourites_count desc nulls last,
                observations.friends_count desc nulls last,
                observations.listed_count desc nulls last,
                {{ botwatch.content_hash(botwatch.profile_column_names()) }} desc
        ) as recency_rank
    from observations
    inner join latest_by_campaign_end
        on
        observations.user_id = latest_by_campaign_end.user_id
        and observations.observed_at = latest_by_campaign_end.latest_observed_at

)

select
    campaign_id,
    user_id,
    observed_at as profile_observed_at,
    screen_name,
    name,
    description,
    location,
    account_created_at,
    lang,
    followers_count,
    friends_count,
    statuses_count,
    favourites_count,
    listed_count,
    verified,
    default_profile,
    default_profile_image,
    {{ dbt.datediff('account_created_at', 'campaign_end_at', 'day') }} as account_age_days_at_campaign_end
from observed_by_campaign_end
where recency_rank = 1

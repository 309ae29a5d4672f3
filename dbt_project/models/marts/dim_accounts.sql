-- One row per account seen in the collection, as an author or through a profile observation:
-- its latest profile, its tweeting in the collection and, once scored, the classifier's verdict.

with

profiles as (

    select * from {{ ref('int_accounts_latest_profile') }}

),

tweets as (

    select * from {{ ref('stg_twitter__tweets') }}

),

scores as (

    select * from {{ ref('stg_ml__account_bot_scores') }}

),

tweeting as (

    select
        author_id as user_id,
        min(created_at) as first_tweet_at,
        max(created_at) as last_tweet_at,
        count(*) as tweets_collected
    from tweets
    where author_id is not null
    group by author_id

),

accounts as (

    select user_id from profiles
    union
    select user_id from tweeting

)

select
    accounts.user_id,
    profiles.screen_name,
    profiles.name,
    profiles.description,
    profiles.location,
    profiles.account_created_at,
    profiles.lang,
    profiles.followers_count,
    profiles.friends_count,
    profiles.statuses_count,
    profiles.favourites_count,
    profiles.listed_count,
    profiles.verified,
    profiles.default_profile,
    profiles.default_profile_image,
    profiles.profile_observed_at,
    cast(coalesce(profiles.observations, 0) as {{ dbt.type_bigint() }}) as observations,
    tweeting.first_tweet_at,
    tweeting.last_tweet_at,
    cast(coalesce(tweeting.tweets_collected, 0) as {{ dbt.type_bigint() }}) as tweets_collected,
    scores.bot_score,
    case when scores.bot_score is not null then scores.is_bot end as is_bot,
    case
        when scores.bot_score is null then 'unscored'
        when scores.is_bot then 'bot'
        else 'human'
    end as account_class,
    scores.model_version,
    scores.field_set,
    scores.top_reasons,
    scores.missing_fields
from accounts
left join profiles on accounts.user_id = profiles.user_id
left join tweeting on accounts.user_id = tweeting.user_id
left join scores on accounts.user_id = scores.user_id

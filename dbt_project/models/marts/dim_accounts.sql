-- One row per account seen in the collection, as an author or through a profile observation:
-- its latest profile, its tweeting in the collection and, once scored, the classifier's verdict.

with

profiles as (

    select * from {{ ref('int_accounts_profiled') }}

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

-- The longest stretch between two consecutive tweets of each account in the collection (its
-- dormancy as the account page shows it); ties go to the earliest.
silences as (

    select
        author_id as user_id,
        lag(created_at) over (partition by author_id order by created_at, tweet_id) as silent_from,
        created_at as silent_until
    from tweets
    where author_id is not null

),

longest_silence as (

    select
        user_id,
        silent_from,
        silent_until,
        {{ dbt.datediff('silent_from', 'silent_until', 'second') }} as silent_seconds,
        row_number() over (
            partition by user_id
            order by
                {{ dbt.datediff('silent_from', 'silent_until', 'second') }} desc,
                silent_from asc
        ) as silence_rank
    from silences
    where silent_from is not null

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
    longest_silence.silent_from as longest_silence_from,
    longest_silence.silent_until as longest_silence_until,
    cast(longest_silence.silent_seconds as {{ botwatch.type_double() }}) / 86400
        as longest_silence_days,
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
    scores.missing_fields,
    -- Quarantined, not dropped: flagged with the reason, counted by the gx_accounts check.
    case
        when profiles.account_created_at > tweeting.first_tweet_at
            then 'account created after its first collected tweet'
    end as quarantine_reason
from accounts
left join profiles on accounts.user_id = profiles.user_id
left join tweeting on accounts.user_id = tweeting.user_id
left join scores on accounts.user_id = scores.user_id
left join longest_silence
    on accounts.user_id = longest_silence.user_id and longest_silence.silence_rank = 1

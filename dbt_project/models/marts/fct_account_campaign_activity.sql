-- Each promoter of each campaign (an account that posted campaign content): when it was active,
-- how much, and how old the account was when it started.

with

campaign_tweets as (

    select * from {{ ref('fct_campaign_tweets') }}

),

accounts as (

    select user_id, account_class, bot_score, account_created_at from {{ ref('dim_accounts') }}

),

activity as (

    select
        campaign_id,
        author_id as user_id,
        min(created_at) as first_tweet_at,
        max(created_at) as last_tweet_at,
        count(*) as tweets,
        count(distinct {{ dbt.date_trunc('day', 'created_at') }}) as active_days
    from campaign_tweets
    group by campaign_id, author_id

)

select
    activity.campaign_id,
    activity.user_id,
    activity.first_tweet_at,
    activity.last_tweet_at,
    cast(activity.tweets as {{ dbt.type_bigint() }}) as tweets,
    cast(activity.active_days as {{ dbt.type_bigint() }}) as active_days,
    coalesce(accounts.account_class, 'unscored') as account_class,
    accounts.bot_score,
    accounts.account_created_at,
    -- Spark's datediff is an int, DuckDB's a bigint: the contract says bigint.
    cast({{ dbt.datediff('accounts.account_created_at', 'activity.first_tweet_at', 'day') }} as {{ dbt.type_bigint() }}) as account_age_days
from activity
left join accounts on activity.user_id = accounts.user_id

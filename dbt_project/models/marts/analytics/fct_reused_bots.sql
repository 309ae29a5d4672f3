-- Accounts reused from one campaign to a later one after going dormant (Ferrara 2017: bots of the
-- 2016 US election reappeared in #MacronLeaks). For every ordered pair of campaigns, an account
-- that posted content of both, with its longest silence between its last tweet of the earlier
-- campaign and its first tweet of the later one. Silence means no tweet at all in the whole
-- collection, campaign content or not; the account is reused when that silence lasts at least
-- var('min_dormancy_days') days. Kept whatever the account's class: account_class says which are bots.
--
-- is_reused_bot adds the profile's statuses_count across the silence: a dormant account's counter
-- stands (almost) still, while a human who was merely not collected kept tweeting elsewhere. A
-- collection is a sample, so a reused bot's counter still moves by what it posted uncollected
-- around its campaign tweets: besides an absolute bound, the move is compared with what the
-- account's own lifetime pace (statuses_count / account age) predicts for the silence.
-- A counter frozen across months of silence is itself evidence of automation, so a reused
-- account with one is a reused bot from var('reused_bot_min_score') on, below the class threshold:
-- the default 0.25 (odds 1:3) reaches the 0.5 threshold if the frozen counter is only three times
-- likelier for a bot than for a human (on simulated collections no human had one at all).

{%- set min_dormancy_days = var('min_dormancy_days') %}
{%- set max_statuses_while_dormant = var('max_statuses_while_dormant') %}
{%- set max_dormant_activity_ratio = var('max_dormant_activity_ratio') %}
{%- set reused_bot_min_score = var('reused_bot_min_score') %}

with

activity as (

    select campaign_id, user_id, first_tweet_at, last_tweet_at, tweets
    from {{ ref('fct_account_campaign_activity') }}

),

accounts as (

    select user_id, screen_name, account_class, bot_score from {{ ref('dim_accounts') }}

),

tweets as (

    select author_id, created_at from {{ ref('fct_tweets') }}

),

-- The author's profile as seen on each of its tweets (observed_at is the tweet's time).
profiles_at as (

    select
        user_id,
        observed_at,
        max(statuses_count) as statuses_count,
        max(account_created_at) as account_created_at
    from {{ ref('stg_twitter__user_observations') }}
    group by user_id, observed_at

),

campaign_pairs as (

    select * from {{ ref('int_campaigns_paired') }}

),

active_in_both as (

    select
        campaign_pairs.earlier_campaign_id,
        campaign_pairs.later_campaign_id,
        earlier.user_id,
        earlier.last_tweet_at as earlier_last_tweet_at,
        later.first_tweet_at as later_first_tweet_at,
        later.tweets as later_campaign_tweets
    from campaign_pairs
    inner join activity as earlier
        on campaign_pairs.earlier_campaign_id = earlier.campaign_id
    inner join activity as later
        on campaign_pairs.later_campaign_id = later.campaign_id
        and earlier.user_id = later.user_id
    where earlier.last_tweet_at < later.first_tweet_at

),

-- Every stretch between two consecutive tweets of an account (any tweet of the collection).
silences as (

    select
        author_id as user_id,
        lag(created_at) over (partition by author_id order by created_at) as silent_from,
        created_at as silent_until
    from tweets
    where author_id in (select active_in_both.user_id from active_in_both)

),

silences_between_campaigns as (

    select
        active_in_both.*,
        silences.silent_from as dormant_from,
        silences.silent_until as dormant_until,
        {{ dbt.datediff('silences.silent_from', 'silences.silent_until', 'second') }} as dormant_seconds,
        row_number() over (
            partition by
                active_in_both.earlier_campaign_id,
                active_in_both.later_campaign_id,
                active_in_both.user_id
            order by
                {{ dbt.datediff('silences.silent_from', 'silences.silent_until', 'second') }} desc,
                silences.silent_from
        ) as silence_rank
    from active_in_both
    inner join silences
        on active_in_both.user_id = silences.user_id
        and active_in_both.earlier_last_tweet_at <= silences.silent_from
        and active_in_both.later_first_tweet_at >= silences.silent_until

),

reused as (

    select *
    from silences_between_campaigns
    where silence_rank = 1
        and dormant_seconds >= {{ min_dormancy_days }} * 86400

),

counters as (

    select
        reused.*,
        after.statuses_count - before.statuses_count as statuses_while_dormant,
        -- statuses per day over the account's life up to the silence (at least one day old)
        case
            when before.account_created_at is not null and before.statuses_count > 0
                then cast(before.statuses_count as {{ botwatch.type_double() }}) * 86400
                    / case
                        when {{ dbt.datediff('before.account_created_at', 'reused.dormant_from', 'second') }} > 86400
                            then {{ dbt.datediff('before.account_created_at', 'reused.dormant_from', 'second') }}
                        else 86400
                    end
        end as statuses_per_day_before
    from reused
    left join profiles_at as before
        on reused.user_id = before.user_id
        and reused.dormant_from = before.observed_at
    left join profiles_at as after
        on reused.user_id = after.user_id
        and reused.dormant_until = after.observed_at

),

dormant_activity as (

    select
        counters.*,
        (
            counters.statuses_while_dormant
            / (counters.statuses_per_day_before * counters.dormant_seconds / 86400)
        ) as dormant_activity_ratio
    from counters

)

select
    reused.user_id,
    accounts.screen_name,
    reused.earlier_campaign_id,
    reused.later_campaign_id,
    reused.earlier_last_tweet_at,
    reused.later_first_tweet_at,
    reused.dormant_from,
    reused.dormant_until,
    cast(floor(reused.dormant_seconds / 86400) as {{ dbt.type_bigint() }}) as dormant_days,
    cast({{ min_dormancy_days }} as {{ dbt.type_bigint() }}) as min_dormancy_days,
    coalesce(accounts.account_class, 'unscored') as account_class,
    accounts.bot_score,
    cast(reused.later_campaign_tweets as {{ dbt.type_bigint() }}) as later_campaign_tweets,
    cast(reused.statuses_while_dormant as {{ dbt.type_bigint() }}) as statuses_while_dormant,
    cast(reused.dormant_activity_ratio as {{ botwatch.type_double() }}) as dormant_activity_ratio,
    case
        when reused.statuses_while_dormant is null
            then coalesce(accounts.account_class = 'bot', false)
        else
            (
                reused.statuses_while_dormant <= {{ max_statuses_while_dormant }}
                or coalesce(reused.dormant_activity_ratio <= {{ max_dormant_activity_ratio }}, false)
            )
            and (
                coalesce(accounts.account_class = 'bot', false)
                or coalesce(accounts.bot_score >= {{ reused_bot_min_score }}, false)
            )
    end as is_reused_bot
from dormant_activity as reused
left join accounts on reused.user_id = accounts.user_id

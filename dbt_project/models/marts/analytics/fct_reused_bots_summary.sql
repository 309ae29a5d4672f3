-- Reused accounts per pair of campaigns: how many, how many are reused bots (is_reused_bot: bots
-- whose statuses_count stood still), how long those bots slept and how much of the later
-- campaign's bot activity they produced.

with

reused as (

    select * from {{ ref('fct_reused_bots') }}

),

campaign_tweets as (

    select campaign_id, author_id, account_class from {{ ref('fct_campaign_tweets') }}

),

campaign_pairs as (

    select * from {{ ref('int_campaigns_paired') }}

),

reuse_totals as (

    select
        earlier_campaign_id,
        later_campaign_id,
        count(*) as reused_accounts,
        sum(case when is_reused_bot then 1 else 0 end) as reused_bots,
        sum(case when is_reused_bot then later_campaign_tweets else 0 end)
            as reused_bot_tweets
    from reused
    group by earlier_campaign_id, later_campaign_id

),

bot_dormancy as (

    select
        earlier_campaign_id,
        later_campaign_id,
        percentile_cont(0.5) within group (order by dormant_days) as median_dormant_days,
        max(dormant_days) as max_dormant_days
    from reused
    where is_reused_bot
    group by earlier_campaign_id, later_campaign_id

),

-- A reused bot may score below the class threshold: its tweets count as bot tweets all the same.
reused_bot_authors as (

    select distinct later_campaign_id as campaign_id, user_id
    from reused
    where is_reused_bot

),

later_bot_tweets as (

    select campaign_tweets.campaign_id, count(*) as bot_tweets
    from campaign_tweets
    left join reused_bot_authors
        on campaign_tweets.campaign_id = reused_bot_authors.campaign_id
        and campaign_tweets.author_id = reused_bot_authors.user_id
    where campaign_tweets.account_class = 'bot' or reused_bot_authors.user_id is not null
    group by campaign_tweets.campaign_id

)

select
    campaign_pairs.later_campaign_id,
    campaign_pairs.earlier_campaign_id,
    cast(coalesce(reuse_totals.reused_accounts, 0) as {{ dbt.type_bigint() }}) as reused_accounts,
    cast(coalesce(reuse_totals.reused_bots, 0) as {{ dbt.type_bigint() }}) as reused_bots,
    cast(bot_dormancy.median_dormant_days as {{ botwatch.type_double() }}) as median_dormant_days,
    cast(bot_dormancy.max_dormant_days as {{ dbt.type_bigint() }}) as max_dormant_days,
    cast(coalesce(reuse_totals.reused_bot_tweets, 0) as {{ dbt.type_bigint() }}) as reused_bot_tweets,
    cast(coalesce(later_bot_tweets.bot_tweets, 0) as {{ dbt.type_bigint() }}) as later_bot_tweets,
    case
        when later_bot_tweets.bot_tweets > 0
            then cast(coalesce(reuse_totals.reused_bot_tweets, 0) as {{ botwatch.type_double() }})
                / later_bot_tweets.bot_tweets
    end as share_of_later_bot_tweets
from campaign_pairs
left join reuse_totals
    on campaign_pairs.earlier_campaign_id = reuse_totals.earlier_campaign_id
    and campaign_pairs.later_campaign_id = reuse_totals.later_campaign_id
left join bot_dormancy
    on campaign_pairs.earlier_campaign_id = bot_dormancy.earlier_campaign_id
    and campaign_pairs.later_campaign_id = bot_dormancy.later_campaign_id
left join later_bot_tweets on campaign_pairs.later_campaign_id = later_bot_tweets.campaign_id

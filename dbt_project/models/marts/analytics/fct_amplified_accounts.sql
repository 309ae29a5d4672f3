-- Whose content bots amplified most in each campaign: retweets received from the campaign's
-- retweets, and the share of them that came from bots. Top var('amplification_top_n') per campaign.

{%- set top_n = var('amplification_top_n') %}

with

campaign_tweets as (

    select campaign_id, tweet_id, author_id, account_class
    from {{ ref('fct_campaign_tweets') }}
    where tweet_type = 'retweet'

),

tweets as (

    select tweet_id, retweeted_user_id from {{ ref('fct_tweets') }}

),

accounts as (

    select user_id, screen_name, account_class from {{ ref('dim_accounts') }}

),

retweets as (

    select
        campaign_tweets.campaign_id,
        campaign_tweets.author_id as retweeter_id,
        campaign_tweets.account_class as retweeter_class,
        tweets.retweeted_user_id
    from campaign_tweets
    inner join tweets on campaign_tweets.tweet_id = tweets.tweet_id
    where tweets.retweeted_user_id is not null

),

received as (

    select
        campaign_id,
        retweeted_user_id as user_id,
        count(*) as retweets_received,
        sum(case when retweeter_class = 'bot' then 1 else 0 end) as retweets_from_bots,
        sum(case when retweeter_class = 'human' then 1 else 0 end) as retweets_from_humans,
        count(distinct case when retweeter_class = 'bot' then retweeter_id end) as bot_retweeters
    from retweets
    group by campaign_id, retweeted_user_id

),

shares as (

    select
        *,
        case
            when retweets_from_bots + retweets_from_humans > 0
                then cast(retweets_from_bots as {{ botwatch.type_double() }})
                    / (retweets_from_bots + retweets_from_humans)
        end as bot_amplification_share
    from received

),

ranked as (

    select
        *,
        row_number() over (
            partition by campaign_id
            order by retweets_from_bots desc, bot_amplification_share desc nulls last, user_id asc
        ) as amplification_rank
    from shares

)

select
    ranked.campaign_id,
    ranked.user_id,
    accounts.screen_name,
    coalesce(accounts.account_class, 'unscored') as account_class,
    cast(ranked.retweets_received as {{ dbt.type_bigint() }}) as retweets_received,
    cast(ranked.retweets_from_bots as {{ dbt.type_bigint() }}) as retweets_from_bots,
    cast(ranked.retweets_from_humans as {{ dbt.type_bigint() }}) as retweets_from_humans,
    cast(ranked.bot_retweeters as {{ dbt.type_bigint() }}) as bot_retweeters,
    ranked.bot_amplification_share,
    cast(ranked.amplification_rank as {{ dbt.type_bigint() }}) as rank
from ranked
left join accounts on ranked.user_id = accounts.user_id
where ranked.amplification_rank <= {{ top_n }}

-- Which URL domains each campaign spread most, and the share of that spread due to bots.
-- Top var('amplification_top_n') domains per campaign.

{%- set top_n = var('amplification_top_n') %}

with

campaign_tweets as (

    select campaign_id, tweet_id, author_id, account_class from {{ ref('fct_campaign_tweets') }}

),

tweets as (

    select tweet_id, url_domains from {{ ref('fct_tweets') }}

),

-- One row per campaign tweet and distinct domain it links to.
tweet_domains as (

    select distinct
        campaign_tweets.campaign_id,
        campaign_tweets.tweet_id,
        campaign_tweets.author_id,
        campaign_tweets.account_class,
        linked.domain
    from campaign_tweets
    inner join tweets on campaign_tweets.tweet_id = tweets.tweet_id
    {{ botwatch.cross_join_unnest('tweets.url_domains', 'linked', 'domain') }}
    where linked.domain is not null and linked.domain <> ''

),

spread as (

    select
        campaign_id,
        domain,
        count(*) as tweets,
        sum(case when account_class = 'bot' then 1 else 0 end) as tweets_from_bots,
        sum(case when account_class = 'human' then 1 else 0 end) as tweets_from_humans,
        count(distinct author_id) as accounts
    from tweet_domains
    group by campaign_id, domain

),

ranked as (

    select
        *,
        case
            when tweets_from_bots + tweets_from_humans > 0
                then cast(tweets_from_bots as {{ botwatch.type_double() }})
                    / (tweets_from_bots + tweets_from_humans)
        end as bot_share,
        row_number() over (partition by campaign_id order by tweets desc, domain asc) as domain_rank
    from spread

)

select
    campaign_id,
    domain,
    cast(tweets as {{ dbt.type_bigint() }}) as tweets,
    cast(tweets_from_bots as {{ dbt.type_bigint() }}) as tweets_from_bots,
    cast(tweets_from_humans as {{ dbt.type_bigint() }}) as tweets_from_humans,
    cast(accounts as {{ dbt.type_bigint() }}) as accounts,
    bot_share,
    cast(domain_rank as {{ dbt.type_bigint() }}) as rank
from ranked
where domain_rank <= {{ top_n }}

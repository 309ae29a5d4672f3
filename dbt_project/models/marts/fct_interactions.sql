-- Who retweets, quotes, replies to and mentions whom, with how often and when. Two sets of rows:
-- one per campaign (edges of the campaign's tweets, campaign_id set) and one for the whole
-- collection (campaign_id null).

with

edges as (

    select * from {{ ref('int_interactions_extracted') }}

),

campaign_tweets as (

    select campaign_id, tweet_id from {{ ref('int_tweets_matched_to_campaigns') }}

),

per_campaign as (

    select
        campaign_tweets.campaign_id,
        edges.source_user_id,
        edges.target_user_id,
        edges.interaction_type,
        count(*) as interactions,
        min(edges.created_at) as first_at,
        max(edges.created_at) as last_at
    from edges
    inner join campaign_tweets on edges.tweet_id = campaign_tweets.tweet_id
    group by 1, 2, 3, 4

),

whole_collection as (

    select
        cast(null as {{ dbt.type_string() }}) as campaign_id,
        source_user_id,
        target_user_id,
        interaction_type,
        count(*) as interactions,
        min(created_at) as first_at,
        max(created_at) as last_at
    from edges
    group by 1, 2, 3, 4

),

unioned as (

    select * from per_campaign
    union all
    select * from whole_collection

)

select
    campaign_id,
    source_user_id,
    target_user_id,
    interaction_type,
    cast(interactions as {{ dbt.type_bigint() }}) as interactions,
    first_at,
    last_at
from unioned

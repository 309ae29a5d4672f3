-- The tweets of each campaign (a tweet in two campaigns has a row in each).

with

matched as (

    select * from {{ ref('int_tweets_matched_to_campaigns') }}

),

tweets as (

    select tweet_id, account_class, bot_score from {{ ref('fct_tweets') }}

)

select
    matched.campaign_id,
    matched.tweet_id,
    matched.created_at,
    matched.author_id,
    matched.lang,
    matched.tweet_type,
    matched.matched_hashtag,
    matched.matched_keyword,
    tweets.account_class,
    tweets.bot_score
from matched
inner join tweets on matched.tweet_id = tweets.tweet_id

-- One row per tweet of the collection (deduplicated, deletions honoured), with the class of its
-- author so every chart can split bots from humans.

with

tweets as (

    select * from {{ ref('stg_twitter__tweets') }}

),

accounts as (

    select user_id, account_class, bot_score from {{ ref('dim_accounts') }}

),

retweeted as (

    select tweet_id, author_id from tweets

)

select
    tweets.tweet_id,
    tweets.created_at,
    tweets.author_id,
    tweets.text,
    tweets.lang,
    tweets.source,
    tweets.tweet_type,
    tweets.retweeted_tweet_id,
    retweeted.author_id as retweeted_user_id,
    tweets.quoted_tweet_id,
    tweets.in_reply_to_tweet_id,
    tweets.in_reply_to_user_id,
    tweets.hashtags,
    tweets.mentioned_user_ids,
    tweets.urls,
    {{ botwatch.url_domains('tweets.urls') }} as url_domains,
    tweets.is_embedded,
    coalesce(accounts.account_class, 'unscored') as account_class,
    accounts.bot_score
from tweets
left join accounts on tweets.author_id = accounts.user_id
left join retweeted on tweets.retweeted_tweet_id = retweeted.tweet_id

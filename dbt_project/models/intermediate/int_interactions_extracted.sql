-- Who acted on whom, one edge per tweet: a retweet, quote or reply points at the author of the
-- tweet it acts on; a mention points at the mentioned account. A retweet's own mentions are left
-- out (they repeat the retweeted author's "RT @name"), and so are edges from an account to itself.

with

tweets as (

    select * from {{ ref('stg_twitter__tweets') }}

),

authors as (

    select tweet_id, author_id from tweets

),

retweets as (

    select
        tweets.author_id as source_user_id,
        authors.author_id as target_user_id,
        'retweet' as interaction_type,
        tweets.tweet_id,
        tweets.created_at
    from tweets
    inner join authors on tweets.retweeted_tweet_id = authors.tweet_id

),

quotes as (

    select
        tweets.author_id as source_user_id,
        authors.author_id as target_user_id,
        'quote' as interaction_type,
        tweets.tweet_id,
        tweets.created_at
    from tweets
    inner join authors on tweets.quoted_tweet_id = authors.tweet_id

),

replies as (

    select
        tweets.author_id as source_user_id,
        coalesce(tweets.in_reply_to_user_id, authors.author_id) as target_user_id,
        'reply' as interaction_type,
        tweets.tweet_id,
        tweets.created_at
    from tweets
    left join authors on tweets.in_reply_to_tweet_id = authors.tweet_id
    where tweets.in_reply_to_tweet_id is not null or tweets.in_reply_to_user_id is not null

),

mentions as (

    select distinct
        tweets.author_id as source_user_id,
        mentioned.target_user_id,
        'mention' as interaction_type,
        tweets.tweet_id,
        tweets.created_at
    from tweets
    {{ botwatch.cross_join_unnest('tweets.mentioned_user_ids', 'mentioned', 'target_user_id') }}
    where tweets.tweet_type <> 'retweet'

),

edges as (

    select * from retweets
    union all
    select * from quotes
    union all
    select * from replies
    union all
    select * from mentions

)

select
    cast(source_user_id as {{ dbt.type_string() }}) as source_user_id,
    cast(target_user_id as {{ dbt.type_string() }}) as target_user_id,
    cast(interaction_type as {{ dbt.type_string() }}) as interaction_type,
    tweet_id,
    created_at
from edges
where source_user_id is not null
    and target_user_id is not null
    and source_user_id <> target_user_id

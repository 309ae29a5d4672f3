-- A tweet its author deleted (a 'delete' stream notice) is gone from the tweet facts.
select tweets.tweet_id
from {{ ref('fct_tweets') }} as tweets
inner join {{ ref('stg_twitter__stream_notices') }} as notices
    on tweets.tweet_id = notices.tweet_id
where notices.notice_type = 'delete'

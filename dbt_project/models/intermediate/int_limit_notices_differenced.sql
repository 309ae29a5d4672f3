-- How many tweets each streaming 'limit' notice adds to the collection gap. Twitter's 'track'
-- count is cumulative since the connection opened, so a notice adds only its increase over the
-- previous notice; a count lower than the previous one means the stream reconnected and counts
-- from zero again, so the whole count is new. Notices without a time cannot be ordered and are
-- left out.

with

limits as (

    select notice_at, missed_tweets, source_file, source_line
    from {{ ref('stg_twitter__stream_notices') }}
    where notice_type = 'limit' and notice_at is not null and missed_tweets is not null

),

with_previous as (

    select
        *,
        lag(missed_tweets) over (
            order by notice_at, source_file, source_line
        ) as previous_missed_tweets
    from limits

)

select
    notice_at,
    missed_tweets as track_count,
    case
        when previous_missed_tweets is null or missed_tweets < previous_missed_tweets
            then missed_tweets
        else missed_tweets - previous_missed_tweets
    end as newly_missed_tweets,
    source_file,
    source_line
from with_previous

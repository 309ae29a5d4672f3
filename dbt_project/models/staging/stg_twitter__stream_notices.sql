-- Streaming control messages. A timed notice ingested from two overlapping files counts once
-- (the same type, tweet, user, count and millisecond is the same notice); untimed notices are
-- all kept, as nothing tells two of them apart.

with

ranked as (

    select
        *,
        row_number() over (
            partition by
                notice_type, tweet_id, user_id, missed_tweets, notice_at,
                case when notice_at is null then source_file end,
                case when notice_at is null then source_line end
            order by source_file, source_line
        ) as duplicate_rank
    from {{ source('raw', 'stream_notices') }}

),

renamed as (

    select
        cast(notice_type as {{ dbt.type_string() }}) as notice_type,
        cast(tweet_id as {{ dbt.type_string() }}) as tweet_id,
        cast(user_id as {{ dbt.type_string() }}) as user_id,
        cast(missed_tweets as {{ dbt.type_bigint() }}) as missed_tweets,
        cast(notice_at as {{ dbt.type_timestamp() }}) as notice_at,
        cast(source_file as {{ dbt.type_string() }}) as source_file,
        cast(source_line as {{ dbt.type_bigint() }}) as source_line
    from ranked
    where duplicate_rank = 1

)

select * from renamed

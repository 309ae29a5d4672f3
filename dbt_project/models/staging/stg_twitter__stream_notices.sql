-- Streaming control messages. The same notice ingested from two overlapping files counts once.

with

notices as (

    select distinct
        notice_type, tweet_id, user_id, missed_tweets, notice_at, source_file, source_line
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
    from notices

)

select * from renamed

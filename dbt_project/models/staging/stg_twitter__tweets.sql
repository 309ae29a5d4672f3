-- One row per tweet: the same tweet can arrive in several files, embedded in several retweets and
-- quotes, and from both API versions. Keep one observation, preferring a tweet that was collected
-- itself over a copy embedded in another, then the most recently ingested file. Tweets whose author
-- deleted them (a 'delete' stream notice) are dropped here, so they are gone from everything downstream.

with

observations as (

    select * from {{ source('raw', 'tweets') }}

),

ingested_files as (

    select source_file, max(ingested_at) as ingested_at
    from {{ source('raw', 'ingested_files') }}
    group by source_file

),

deleted as (

    select distinct tweet_id
    from {{ source('raw', 'stream_notices') }}
    where notice_type = 'delete' and tweet_id is not null

),

ranked as (

    select
        observations.*,
        row_number() over (
            partition by observations.tweet_id
            order by
                coalesce(observations.is_embedded, false),
                ingested_files.ingested_at desc nulls last,
                observations.source_file desc,
                observations.source_line desc
        ) as observation_rank
    from observations
    left join ingested_files on observations.source_file = ingested_files.source_file
    where observations.tweet_id is not null
        -- not exists, not `not in (select ...)`: both engines plan it as an anti join (Spark
        -- planned `not in` as a broadcast nested loop).
        and not exists (
            select 1 from deleted
            where deleted.tweet_id = observations.tweet_id
        )

),

renamed as (

    select
        cast(tweet_id as {{ dbt.type_string() }}) as tweet_id,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(author_id as {{ dbt.type_string() }}) as author_id,
        cast(text as {{ dbt.type_string() }}) as text,
        cast(coalesce(nullif(lower(trim(lang)), ''), 'und') as {{ dbt.type_string() }}) as lang,
        cast(source as {{ dbt.type_string() }}) as source,
        case
            when retweeted_tweet_id is not null then 'retweet'
            when quoted_tweet_id is not null then 'quote'
            when in_reply_to_tweet_id is not null or in_reply_to_user_id is not null then 'reply'
            else 'original'
        end as tweet_type,
        cast(retweeted_tweet_id as {{ dbt.type_string() }}) as retweeted_tweet_id,
        cast(quoted_tweet_id as {{ dbt.type_string() }}) as quoted_tweet_id,
        cast(in_reply_to_tweet_id as {{ dbt.type_string() }}) as in_reply_to_tweet_id,
        cast(in_reply_to_user_id as {{ dbt.type_string() }}) as in_reply_to_user_id,
        hashtags,
        mentioned_user_ids,
        mentioned_screen_names,
        urls,
        cast(retweet_count as {{ dbt.type_bigint() }}) as retweet_count,
        cast(favorite_count as {{ dbt.type_bigint() }}) as favorite_count,
        cast(coalesce(is_embedded, false) as {{ dbt.type_boolean() }}) as is_embedded,
        cast(api_version as {{ dbt.type_string() }}) as api_version,
        cast(source_file as {{ dbt.type_string() }}) as source_file,
        cast(source_line as {{ dbt.type_bigint() }}) as source_line
    from ranked
    where observation_rank = 1

)

select * from renamed

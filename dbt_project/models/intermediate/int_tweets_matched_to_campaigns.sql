-- Which tweets belong to which campaign: posted inside the campaign's window, in one of its
-- languages (when it names any), and carrying one of its hashtags (as an entity, or written as
-- '#tag' in the text) or one of its keywords in the text. Matching ignores case and accents.
-- A tweet can belong to several campaigns.

with

campaigns as (

    select
        campaign_id,
        start_at,
        end_at,
        {{ botwatch.normalize_array(botwatch.split_to_array('hashtags', '|')) }} as hashtag_terms,
        {{ botwatch.normalize_array(botwatch.split_to_array('keywords', '|')) }} as keyword_terms,
        {{ botwatch.normalize_array(botwatch.split_to_array('languages', '|')) }} as language_terms
    from {{ ref('campaigns') }}

),

tweets as (

    select tweet_id, created_at, author_id, lang, tweet_type, text, hashtags
    from {{ ref('stg_twitter__tweets') }}

),

tweets_in_window as (

    select
        campaigns.campaign_id,
        campaigns.hashtag_terms,
        campaigns.keyword_terms,
        tweets.tweet_id,
        tweets.created_at,
        tweets.author_id,
        tweets.lang,
        tweets.tweet_type,
        {{ botwatch.normalize_text('tweets.text') }} as normalized_text,
        {{ botwatch.normalize_array('tweets.hashtags') }} as normalized_hashtags
    from tweets
    inner join campaigns
        on tweets.created_at >= campaigns.start_at
        and tweets.created_at <= campaigns.end_at
    where {{ botwatch.array_size('campaigns.language_terms') }} = 0
        or {{ botwatch.array_contains('campaigns.language_terms', 'tweets.lang') }}

),

matched as (

    select
        campaign_id,
        tweet_id,
        created_at,
        author_id,
        lang,
        tweet_type,
        (
            {{ botwatch.arrays_overlap('normalized_hashtags', 'hashtag_terms') }}
            or {{ botwatch.text_contains_any('normalized_text', 'hashtag_terms', prefix='#') }}
        ) as matched_hashtag,
        {{ botwatch.text_contains_any('normalized_text', 'keyword_terms') }} as matched_keyword
    from tweets_in_window

)

select * from matched
where matched_hashtag or matched_keyword

-- One row per campaign of the seed (campaigns without tweets included, with zeros): the headline
-- numbers of the study. Promoters are accounts that posted campaign content; the bot share among
-- promoters counts only scored promoters (bots / (bots + humans)).

with

campaigns as (

    select * from {{ ref('campaigns') }}

),

campaign_tweets as (

    select * from {{ ref('fct_campaign_tweets') }}

),

promoters as (

    select * from {{ ref('fct_account_campaign_activity') }}

),

hourly as (

    select * from {{ ref('fct_campaign_activity_hourly') }}

),

limit_notices as (

    select * from {{ ref('int_limit_notices_differenced') }}

),

tweet_totals as (

    select
        campaign_id,
        count(*) as tweets,
        sum(case when tweet_type = 'retweet' then 1 else 0 end) as retweets,
        sum(case when lang = 'en' then 1 else 0 end) as english_tweets,
        sum(case when lang = 'fr' then 1 else 0 end) as french_tweets,
        min(created_at) as first_tweet_at,
        max(created_at) as last_tweet_at
    from campaign_tweets
    group by campaign_id

),

promoter_totals as (

    select
        campaign_id,
        count(*) as promoters,
        sum(case when account_class = 'bot' then 1 else 0 end) as bot_promoters,
        sum(case when account_class = 'human' then 1 else 0 end) as human_promoters,
        sum(case when account_class = 'unscored' then 1 else 0 end) as unscored_promoters
    from promoters
    group by campaign_id

),

languages_ranked as (

    select
        campaign_id,
        lang,
        count(*) as lang_tweets,
        row_number() over (
            partition by campaign_id order by count(*) desc, lang asc
        ) as language_rank
    from campaign_tweets
    group by campaign_id, lang

),

hours_ranked as (

    select
        campaign_id,
        activity_hour,
        sum(tweets) as hour_tweets,
        row_number() over (
            partition by campaign_id order by sum(tweets) desc, activity_hour asc
        ) as hour_rank
    from hourly
    group by campaign_id, activity_hour

),

-- Limit notices say how many matching tweets the stream could not deliver: a collection gap.
limits as (

    select
        campaigns.campaign_id,
        count(*) as limit_notices,
        sum(limit_notices.newly_missed_tweets) as missed_tweets
    from limit_notices
    inner join campaigns
        on limit_notices.notice_at >= campaigns.start_at
        and limit_notices.notice_at <= campaigns.end_at
    group by campaigns.campaign_id

)

select
    campaigns.campaign_id,
    campaigns.name as campaign_name,
    campaigns.start_at,
    campaigns.end_at,
    cast(coalesce(tweet_totals.tweets, 0) as {{ dbt.type_bigint() }}) as tweets,
    cast(coalesce(promoter_totals.promoters, 0) as {{ dbt.type_bigint() }}) as promoters,
    cast(coalesce(promoter_totals.bot_promoters, 0) as {{ dbt.type_bigint() }}) as bot_promoters,
    cast(coalesce(promoter_totals.human_promoters, 0) as {{ dbt.type_bigint() }}) as human_promoters,
    cast(coalesce(promoter_totals.unscored_promoters, 0) as {{ dbt.type_bigint() }}) as unscored_promoters,
    (
        cast(promoter_totals.bot_promoters as {{ botwatch.type_double() }})
        / nullif(promoter_totals.bot_promoters + promoter_totals.human_promoters, 0)
    ) as bot_share_among_promoters,
    (
        cast(tweet_totals.retweets as {{ botwatch.type_double() }})
        / nullif(tweet_totals.tweets, 0)
    ) as retweet_share,
    cast(coalesce(tweet_totals.english_tweets, 0) as {{ dbt.type_bigint() }}) as english_tweets,
    cast(coalesce(tweet_totals.french_tweets, 0) as {{ dbt.type_bigint() }}) as french_tweets,
    top_language.lang as top_language,
    cast(top_language.lang_tweets as {{ dbt.type_bigint() }}) as top_language_tweets,
    second_language.lang as second_language,
    cast(second_language.lang_tweets as {{ dbt.type_bigint() }}) as second_language_tweets,
    cast(coalesce(limits.limit_notices, 0) as {{ dbt.type_bigint() }}) as limit_notices,
    cast(coalesce(limits.missed_tweets, 0) as {{ dbt.type_bigint() }}) as missed_tweets,
    (
        cast(coalesce(limits.missed_tweets, 0) as {{ botwatch.type_double() }})
        / nullif(coalesce(tweet_totals.tweets, 0) + coalesce(limits.missed_tweets, 0), 0)
    ) as missed_share,
    peak_hour.activity_hour as peak_hour,
    cast(peak_hour.hour_tweets as {{ dbt.type_bigint() }}) as peak_hour_tweets,
    tweet_totals.first_tweet_at,
    tweet_totals.last_tweet_at
from campaigns
left join tweet_totals on campaigns.campaign_id = tweet_totals.campaign_id
left join promoter_totals on campaigns.campaign_id = promoter_totals.campaign_id
left join languages_ranked as top_language
    on campaigns.campaign_id = top_language.campaign_id and top_language.language_rank = 1
left join languages_ranked as second_language
    on campaigns.campaign_id = second_language.campaign_id and second_language.language_rank = 2
left join hours_ranked as peak_hour
    on campaigns.campaign_id = peak_hour.campaign_id and peak_hour.hour_rank = 1
left join limits on campaigns.campaign_id = limits.campaign_id

-- What a campaign's promoters talked about besides the campaign's own hashtags, against everyone
-- else in the collection: the top var('top_promoter_hashtags') hashtags of each audience.

{%- set top_n = var('top_promoter_hashtags') %}

with

campaigns as (

    select
        campaign_id,
        start_at,
        {{ botwatch.normalize_array(botwatch.split_to_array('hashtags', '|')) }} as campaign_hashtags
    from {{ ref('campaigns') }}

),

promoters as (

    select campaign_id, user_id from {{ ref('fct_account_campaign_activity') }}

),

tweets as (

    select tweet_id, author_id, created_at, hashtags from {{ ref('fct_tweets') }}

),

authors as (

    select count(distinct author_id) as accounts from tweets

),

-- One row per tweet and hashtag, hashtags in lower case without accents.
tweet_hashtags as (

    select distinct
        tweets.tweet_id,
        tweets.author_id,
        tweets.created_at,
        {{ botwatch.normalize_text('trim(tag.hashtag)') }} as hashtag
    from tweets
    {{ botwatch.cross_join_unnest('tweets.hashtags', 'tag', 'hashtag') }}
    where tag.hashtag is not null and trim(tag.hashtag) <> ''

),

audience_hashtags as (

    select
        campaigns.campaign_id,
        case when promoters.user_id is null then 'non_promoters' else 'promoters' end as audience,
        tweet_hashtags.hashtag,
        tweet_hashtags.tweet_id,
        tweet_hashtags.author_id,
        tweet_hashtags.created_at < campaigns.start_at as before_campaign
    from tweet_hashtags
    cross join campaigns
    left join promoters
        on campaigns.campaign_id = promoters.campaign_id
        and tweet_hashtags.author_id = promoters.user_id
    where not {{ botwatch.array_contains('campaigns.campaign_hashtags', 'tweet_hashtags.hashtag') }}

),

audience_sizes as (

    select
        promoters.campaign_id,
        count(*) as promoters,
        max(authors.accounts) - count(*) as non_promoters
    from promoters
    cross join authors
    group by promoters.campaign_id

),

counts as (

    select
        campaign_id,
        audience,
        hashtag,
        count(*) as tweets,
        count(distinct author_id) as accounts,
        sum(case when before_campaign then 1 else 0 end) as tweets_before_campaign
    from audience_hashtags
    group by campaign_id, audience, hashtag

),

ranked as (

    select
        counts.*,
        row_number() over (
            partition by counts.campaign_id, counts.audience
            order by counts.tweets desc, counts.accounts desc, counts.hashtag asc
        ) as hashtag_rank
    from counts

)

select
    ranked.campaign_id,
    ranked.audience,
    ranked.hashtag,
    cast(ranked.tweets as {{ dbt.type_bigint() }}) as tweets,
    cast(ranked.accounts as {{ dbt.type_bigint() }}) as accounts,
    cast(ranked.tweets_before_campaign as {{ dbt.type_bigint() }}) as tweets_before_campaign,
    cast(ranked.accounts as {{ botwatch.type_double() }}) / nullif(
        case
            when ranked.audience = 'promoters' then audience_sizes.promoters
            else audience_sizes.non_promoters
        end,
        0
    ) as share_of_audience,
    cast(ranked.hashtag_rank as {{ dbt.type_bigint() }}) as rank
from ranked
left join audience_sizes on ranked.campaign_id = audience_sizes.campaign_id
where ranked.hashtag_rank <= {{ top_n }}

-- The busiest hour of each campaign, split by account class, and the seed event that came last
-- before it (the study's surge after the leak).

with

campaigns as (

    select campaign_id from {{ ref('campaigns') }}

),

hourly as (

    select * from {{ ref('fct_campaign_activity_hourly') }}

),

events as (

    select * from {{ ref('campaign_events') }}

),

hours as (

    {{ tweets_per_hour_by_class('hourly') }}

),

hours_ranked as (

    select
        *,
        count(*) over (partition by campaign_id) as active_hours,
        avg(cast(tweets as {{ botwatch.type_double() }})) over (partition by campaign_id)
            as mean_hourly_tweets,
        row_number() over (
            partition by campaign_id order by tweets desc, activity_hour asc
        ) as hour_rank
    from hours

),

peaks as (

    select * from hours_ranked
    where hour_rank = 1

),

-- Events up to the end of the peak hour, latest first.
events_before_peak as (

    select
        peaks.campaign_id,
        events.event,
        events.event_at,
        row_number() over (
            partition by peaks.campaign_id order by events.event_at desc, events.event asc
        ) as event_rank
    from peaks
    inner join events
        on peaks.campaign_id = events.campaign_id
        and events.event_at < {{ dbt.dateadd('hour', 1, 'peaks.activity_hour') }}

),

preceding_event as (

    select * from events_before_peak
    where event_rank = 1

)

select
    campaigns.campaign_id,
    peaks.activity_hour as peak_hour,
    cast(peaks.tweets as {{ dbt.type_bigint() }}) as peak_tweets,
    cast(peaks.bot_tweets as {{ dbt.type_bigint() }}) as peak_bot_tweets,
    cast(peaks.human_tweets as {{ dbt.type_bigint() }}) as peak_human_tweets,
    cast(peaks.unscored_tweets as {{ dbt.type_bigint() }}) as peak_unscored_tweets,
    case
        when peaks.bot_tweets + peaks.human_tweets > 0
            then cast(peaks.bot_tweets as {{ botwatch.type_double() }})
                / (peaks.bot_tweets + peaks.human_tweets)
    end as peak_bot_tweet_share,
    cast(peaks.active_hours as {{ dbt.type_bigint() }}) as active_hours,
    peaks.mean_hourly_tweets,
    preceding_event.event as preceding_event,
    preceding_event.event_at as preceding_event_at,
    cast(
        {{ dbt.datediff('preceding_event.event_at', 'peaks.activity_hour', 'minute') }}
        as {{ botwatch.type_double() }}
    ) / 60 as hours_after_preceding_event
from campaigns
left join peaks on campaigns.campaign_id = peaks.campaign_id
left join preceding_event on campaigns.campaign_id = preceding_event.campaign_id

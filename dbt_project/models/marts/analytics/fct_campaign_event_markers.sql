-- The events of each campaign (campaign_events seed) with the volume of the hour they fell in,
-- so the app can mark them on the hourly chart and say what each did to the activity.

with

campaigns as (

    select campaign_id, start_at, end_at from {{ ref('campaigns') }}

),

events as (

    select * from {{ ref('campaign_events') }}

),

hourly as (

    select * from {{ ref('fct_campaign_activity_hourly') }}

),

peaks as (

    select campaign_id, peak_hour from {{ ref('fct_campaign_volume_peaks') }}

),

hours as (

    {{ tweets_per_hour_by_class('hourly') }}

),

events_placed as (

    select
        events.campaign_id,
        events.event_at,
        events.event,
        events.description,
        {{ dbt.date_trunc('hour', 'events.event_at') }} as event_hour,
        (events.event_at >= campaigns.start_at and events.event_at <= campaigns.end_at)
            as inside_window
    from events
    inner join campaigns on events.campaign_id = campaigns.campaign_id

)

select
    events_placed.campaign_id,
    events_placed.event_at,
    events_placed.event,
    events_placed.description,
    events_placed.event_hour,
    events_placed.inside_window,
    cast(coalesce(hours.tweets, 0) as {{ dbt.type_bigint() }}) as hour_tweets,
    cast(coalesce(hours.bot_tweets, 0) as {{ dbt.type_bigint() }}) as hour_bot_tweets,
    cast(coalesce(hours.human_tweets, 0) as {{ dbt.type_bigint() }}) as hour_human_tweets,
    cast(coalesce(hours.unscored_tweets, 0) as {{ dbt.type_bigint() }}) as hour_unscored_tweets,
    cast(
        {{ dbt.datediff('peaks.peak_hour', 'events_placed.event_at', 'minute') }}
        as {{ botwatch.type_double() }}
    ) / 60 as hours_from_peak
from events_placed
left join hours
    on events_placed.campaign_id = hours.campaign_id
    and events_placed.event_hour = hours.activity_hour
left join peaks on events_placed.campaign_id = peaks.campaign_id

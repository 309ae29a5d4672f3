{#- Tweets per campaign and hour, in total and by account class, from rows of
    fct_campaign_activity_hourly (one definition for the peak and the event markers). -#}
{% macro tweets_per_hour_by_class(hourly) -%}
    select
        campaign_id,
        activity_hour,
        sum(tweets) as tweets,
        sum(case when account_class = 'bot' then tweets else 0 end) as bot_tweets,
        sum(case when account_class = 'human' then tweets else 0 end) as human_tweets,
        sum(case when account_class = 'unscored' then tweets else 0 end) as unscored_tweets
    from {{ hourly }}
    group by campaign_id, activity_hour
{%- endmacro %}

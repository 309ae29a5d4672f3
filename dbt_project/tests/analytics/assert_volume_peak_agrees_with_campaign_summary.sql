{{ config(severity='warn') }}
-- The peak hour of the analytics mart is the summary's peak hour, with the same tweets split by class.
select peaks.campaign_id, peaks.peak_hour, summary.peak_hour as summary_peak_hour
from {{ ref('fct_campaign_volume_peaks') }} as peaks
inner join {{ ref('fct_campaign_summary') }} as summary on peaks.campaign_id = summary.campaign_id
where peaks.peak_hour <> summary.peak_hour
    or peaks.peak_tweets <> summary.peak_hour_tweets
    or (
        peaks.peak_bot_tweets + peaks.peak_human_tweets + peaks.peak_unscored_tweets
        <> peaks.peak_tweets
    )

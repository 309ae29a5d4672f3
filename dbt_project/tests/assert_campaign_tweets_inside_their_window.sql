-- No tweet in the campaign facts lies outside its campaign's window.
select campaign_tweets.campaign_id, campaign_tweets.tweet_id, campaign_tweets.created_at
from {{ ref('fct_campaign_tweets') }} as campaign_tweets
inner join {{ ref('campaigns') }} as campaigns
    on campaign_tweets.campaign_id = campaigns.campaign_id
where campaign_tweets.created_at < campaigns.start_at
    or campaign_tweets.created_at > campaigns.end_at

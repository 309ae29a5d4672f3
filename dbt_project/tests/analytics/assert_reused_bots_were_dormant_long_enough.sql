-- A reused account's silence lies between its two campaigns' activity and lasts at least the
-- min_dormancy_days it was built with: so its first later tweet comes at least that long after
-- its last earlier one.
select *
from {{ ref('fct_reused_bots') }}
where later_first_tweet_at < {{ dbt.dateadd('day', 'min_dormancy_days', 'earlier_last_tweet_at') }}
    or dormant_until < {{ dbt.dateadd('day', 'min_dormancy_days', 'dormant_from') }}
    or dormant_from < earlier_last_tweet_at
    or dormant_until > later_first_tweet_at
    or dormant_days < min_dormancy_days

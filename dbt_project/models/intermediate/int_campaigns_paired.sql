-- Every ordered pair of campaigns, the earlier one first (by start): the pairs between which an
-- account can be reused.

with

campaigns as (

    select campaign_id, start_at from {{ ref('campaigns') }}

)

select
    earlier.campaign_id as earlier_campaign_id,
    later.campaign_id as later_campaign_id
from campaigns as earlier
inner join campaigns as later on earlier.start_at < later.start_at

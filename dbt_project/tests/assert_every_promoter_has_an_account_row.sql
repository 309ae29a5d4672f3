-- Every account that posted campaign content appears in dim_accounts.
select promoters.campaign_id, promoters.user_id
from {{ ref('fct_account_campaign_activity') }} as promoters
left join {{ ref('dim_accounts') }} as accounts on promoters.user_id = accounts.user_id
where accounts.user_id is null

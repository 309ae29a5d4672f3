-- Language shares of a campaign add up to 1 overall and within each account class.
with

by_campaign as (

    select campaign_id, sum(share_of_campaign) as total_share
    from {{ ref('fct_campaign_languages') }}
    group by campaign_id

),

by_class as (

    select campaign_id, account_class, sum(share_of_class) as total_share
    from {{ ref('fct_campaign_languages') }}
    group by campaign_id, account_class

)

select campaign_id, cast(null as {{ dbt.type_string() }}) as account_class, total_share
from by_campaign
where abs(total_share - 1) > 1e-9
union all
select campaign_id, account_class, total_share
from by_class
where abs(total_share - 1) > 1e-9

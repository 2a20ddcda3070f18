-- posts_funnel: the funnel 曝光 → 阅读 → 点击 → 成交 of the posts posted in the period, with step conversion rates.
-- grain: one row per funnel step (impressions, reads, clicks, orders), all four even without posts.
-- params: $from TIMESTAMP, $to TIMESTAMP (exclusive), $window INTERVAL, $influencers BIGINT[] (empty = all),
--         $viewer_influencers BIGINT[] / $viewer_merchants BIGINT[] (null = all)
-- columns: step, step_order, value, step_rate (value / the previous step's value; null for the first step
--          and after a 0), overall_rate (value / impressions; null when there are none)
-- Sums of post_conversion's figures: clicks and attributed orders count from posting up to $to, so the
-- reads → clicks step compares different things (clicks per read), and overall_rate of clicks is the CTR.
with totals as (
    select coalesce(sum(impressions), 0) as impressions,
           coalesce(sum(reads), 0) as reads,
           coalesce(sum(clicks), 0) as clicks,
           coalesce(sum(orders), 0) as orders
    from post_figures($from, $to, $window, $influencers, $viewer_influencers, $viewer_merchants)
),
steps as (
    select 1 as step_order, 'impressions' as step, impressions as value from totals
    union all
    select 2, 'reads', reads from totals
    union all
    select 3, 'clicks', clicks from totals
    union all
    select 4, 'orders', orders from totals
)
select step,
       step_order,
       cast(value as bigint) as value,
       value / nullif(lag(value) over (order by step_order), 0) as step_rate,
       value / nullif(first_value(value) over (order by step_order), 0) as overall_rate
from steps
order by step_order

-- posts_channel_split: the click → order step of the posts' funnel by traffic channel, by fans vs non-fans, in total.
-- grain: one row per channel (split 'channel', bucket the channel code, null when unknown), one per fan status
--        (split 'fan', bucket 'fan' or 'non_fan') and one total (split 'total', bucket 'all'), over the clicks and
--        attributed orders of the posts posted in [$from, $to).
-- params: $from TIMESTAMP, $to TIMESTAMP (exclusive), $window INTERVAL, $influencers BIGINT[] (empty = all),
--         $viewer_influencers BIGINT[] / $viewer_merchants BIGINT[] (null = all)
-- columns: split, bucket, clicks, orders, gmv, net_gmv, cvr (orders / clicks; null without clicks)
-- As post_channels (of which this is the two one-way totals): clicks and orders count from posting up to $to;
-- a click (an order) is from a fan when its user was a fan of the post's author at the click (the order);
-- an order takes its click's channel. Only buckets with a click or an order have a row.
-- The events summed per channel × fan status first (as post_channels): the grouping sets then add up a few rows
-- instead of keeping every click for three groupings. Every influencer's over whole days, once settled, are the sums
-- by day of posting of everyone_event_days (post_event_sums, _macros.sql).
with events as (
    select channel, from_fan, sum(is_click) as clicks, sum(is_order) as orders, sum(amount) as gmv,
           sum(net_amount) as net_gmv
    from post_event_sums($from, $to, $window, $influencers, $viewer_influencers, $viewer_merchants)
    group by channel, from_fan
),
grouped as (
    select grouping(channel, from_fan) as level,
           channel,
           from_fan,
           sum(clicks) as clicks,
           sum(orders) as orders,
           coalesce(sum(gmv), 0) as gmv,
           coalesce(sum(net_gmv), 0) as net_gmv
    from events
    group by grouping sets ((channel), (from_fan), ())
)
-- level 1: from_fan summed away (one row per channel); 2: channel summed away; 3: both
select case level when 1 then 'channel' when 2 then 'fan' else 'total' end as split,
       case level when 1 then channel when 2 then (case when from_fan then 'fan' else 'non_fan' end)
            else 'all' end as bucket,
       cast(coalesce(clicks, 0) as bigint) as clicks,
       cast(coalesce(orders, 0) as bigint) as orders,
       cast(gmv as decimal(18, 2)) as gmv,
       cast(net_gmv as decimal(18, 2)) as net_gmv,
       coalesce(orders, 0) / nullif(clicks, 0) as cvr
from grouped
order by level, clicks desc, orders desc, bucket

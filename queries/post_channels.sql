-- post_channels: the click → order step of the posts' funnel, split by traffic channel and by fans vs non-fans.
-- grain: one row per channel × from_fan among the clicks and attributed orders of posts posted in [$from, $to).
-- params: $from TIMESTAMP, $to TIMESTAMP (exclusive), $window INTERVAL, $influencers BIGINT[] (empty = all),
--         $viewer_influencers BIGINT[] / $viewer_merchants BIGINT[] (null = all)
-- columns: channel, from_fan, clicks, orders, gmv, net_gmv, cvr
-- As post_conversion: clicks and orders count from posting up to $to. A click (an order) is from a fan
-- when its user was a fan of the post's author at the click (the order). An order takes its click's channel.
select channel,
       from_fan,
       cast(sum(is_click) as bigint) as clicks,
       cast(sum(is_order) as bigint) as orders,
       cast(coalesce(sum(amount), 0) as decimal(18, 2)) as gmv,
       cast(coalesce(sum(net_amount), 0) as decimal(18, 2)) as net_gmv,
       sum(is_order) / nullif(sum(is_click), 0) as cvr
from post_events($from, $to, $window, $influencers, $viewer_influencers, $viewer_merchants)
group by channel, from_fan
order by channel, from_fan desc

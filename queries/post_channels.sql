-- post_channels: the click → order step of the posts' funnel, split by traffic channel and by fans vs non-fans.
-- grain: one row per channel × from_fan among the clicks and attributed orders of posts posted in [$from, $to).
-- params: $from TIMESTAMP, $to TIMESTAMP (exclusive), $window INTERVAL, $influencers BIGINT[] (empty = all),
--         $viewer_influencers BIGINT[] / $viewer_merchants BIGINT[] (null = all)
-- columns: channel, from_fan, clicks, orders, gmv, net_gmv, cvr
-- As post_conversion: clicks and orders count from posting up to $to. A click (an order) is from a fan
-- when its user was a fan of the post's author at the click (the order). An order takes its click's channel.
with picked as (
    select post_id, influencer_id
    from post_figures($from, $to, $window, $influencers, $viewer_influencers, $viewer_merchants)
),
click_rows as (
    select c.channel, c.from_fan
    from click_facts c
    join picked k on k.post_id = c.post_id
    where c.clicked_at < $to
      and visible_product(c.product_id, $viewer_merchants)
),
order_rows as (
    select a.channel, a.amount, a.net_amount, a.from_fan
    from attributed_orders($window) a
    join picked k on k.post_id = a.post_id
    where a.ordered_at < $to
      and visible_product(a.product_id, $viewer_merchants)
),
clicks_by as (
    select channel, from_fan, count(*) as clicks from click_rows group by all
),
orders_by as (
    select channel, from_fan, count(*) as orders, sum(amount) as gmv, sum(net_amount) as net_gmv
    from order_rows group by all
)
select coalesce(c.channel, o.channel) as channel,
       coalesce(c.from_fan, o.from_fan) as from_fan,
       coalesce(c.clicks, 0) as clicks,
       coalesce(o.orders, 0) as orders,
       cast(coalesce(o.gmv, 0) as decimal(18, 2)) as gmv,
       cast(coalesce(o.net_gmv, 0) as decimal(18, 2)) as net_gmv,
       coalesce(o.orders, 0) / nullif(c.clicks, 0) as cvr
from clicks_by c
full join orders_by o on o.channel is not distinct from c.channel and o.from_fan = c.from_fan
order by channel, from_fan desc

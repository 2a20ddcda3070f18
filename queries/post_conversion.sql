-- post_conversion: funnel figures per post, from exposure to net GMV.
-- grain: one row per post posted in [$from, $to); clicks and attributed orders count from posting up to $to.
-- params: $from TIMESTAMP, $to TIMESTAMP (exclusive), $window INTERVAL, $influencers BIGINT[] (empty = all),
--         $viewer_influencers BIGINT[] / $viewer_merchants BIGINT[] (null = all)
-- columns: post_id, influencer_id, posted_at, content_type, title, category, impressions, reads, interactions,
--          clicks, clickers, fan_clicks, orders, buyers, gmv, net_gmv, refunded_orders, ctr, read_rate, cvr,
--          buyer_rate, aov, gmv_per_1k_reads
-- A merchant viewer sees only clicks and orders on its own products, and only posts linking them.
with picked as (
    select p.post_id, p.influencer_id, p.posted_at, p.content_type, p.title,
           coalesce(p.category, i.category) as category,
           p.impressions, p.reads, p.reposts + p.comments + p.likes as interactions
    from posts p
    left join influencers i on i.influencer_id = p.influencer_id
    where p.posted_at >= $from and p.posted_at < $to
      and chosen(p.influencer_id, $influencers)
      and visible_influencer(p.influencer_id, $viewer_influencers)
      and ($viewer_merchants is null or p.post_id in (
          select lp.post_id from (select post_id, unnest(product_ids) as product_id from posts) lp
          where visible_product(lp.product_id, $viewer_merchants)))
),
click_figures as (
    select c.post_id,
           count(*) as clicks,
           count(distinct c.user_id) as clickers,
           count(*) filter (where exists (
               select 1 from fans f
               where f.influencer_id = k.influencer_id and f.fan_id = c.user_id
                 and is_fan_at(f.followed_at, f.unfollowed_at, c.clicked_at))) as fan_clicks
    from clicks c
    join picked k on k.post_id = c.post_id
    where c.clicked_at < $to
      and visible_product(c.product_id, $viewer_merchants)
    group by c.post_id
),
order_figures as (
    select a.post_id,
           count(*) as orders,
           count(distinct a.user_id) as buyers,
           sum(a.amount) as gmv,
           sum(a.net_amount) as net_gmv,
           count(*) filter (where a.refunded) as refunded_orders
    from attributed_orders($window) a
    join picked k on k.post_id = a.post_id
    where a.ordered_at < $to
      and visible_product(a.product_id, $viewer_merchants)
    group by a.post_id
)
select k.post_id, k.influencer_id, k.posted_at, k.content_type, k.title, k.category,
       k.impressions, k.reads, k.interactions,
       coalesce(cf.clicks, 0) as clicks,
       coalesce(cf.clickers, 0) as clickers,
       coalesce(cf.fan_clicks, 0) as fan_clicks,
       coalesce(o.orders, 0) as orders,
       coalesce(o.buyers, 0) as buyers,
       cast(coalesce(o.gmv, 0) as decimal(18, 2)) as gmv,
       cast(coalesce(o.net_gmv, 0) as decimal(18, 2)) as net_gmv,
       coalesce(o.refunded_orders, 0) as refunded_orders,
       coalesce(cf.clicks, 0) / nullif(k.impressions, 0) as ctr,
       k.reads / nullif(k.impressions, 0) as read_rate,
       coalesce(o.orders, 0) / nullif(cf.clicks, 0) as cvr,
       coalesce(o.buyers, 0) / nullif(cf.clickers, 0) as buyer_rate,
       cast(o.gmv / nullif(o.orders, 0) as decimal(18, 2)) as aov,
       coalesce(o.gmv, 0) / nullif(k.reads, 0) * 1000 as gmv_per_1k_reads
from picked k
left join click_figures cf on cf.post_id = k.post_id
left join order_figures o on o.post_id = k.post_id
order by k.posted_at, k.post_id

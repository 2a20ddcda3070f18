-- campaign_products: paid promotion compared by product (粉丝头条, 路人转粉, 账号推荐, 头条代投): totals and the median campaign.
-- grain: one row per campaign product with a campaign started in [$from, $to); figures count up to $to, as in campaign_roi.
-- params: $from TIMESTAMP, $to TIMESTAMP (exclusive), $window INTERVAL, $influencers BIGINT[] (empty = all),
--         $viewer_influencers BIGINT[] / $viewer_merchants BIGINT[] (null = all; a merchant sees what it bought)
-- columns: product, campaigns, spend, impressions, paid_clicks, orders, gmv, new_fans, roas, median_roas,
--          cost_per_new_fan, median_cost_per_new_fan
-- Per campaign as campaign_roi: paid clicks carry its id, orders and gmv are attributed through them (wherever the
--   click was), new fans follow the influencer inside [start_at, end_at] with the product as source
--   (delegated_headline counts fan_headline). A merchant viewer counts clicks and orders of its own products only.
-- roas = Σ gmv / Σ spend and cost_per_new_fan = Σ spend / Σ new fans of the product's campaigns; the medians are
--   taken over its campaigns' own ratios (interpolated, as DuckDB's median), leaving out those without a ratio.
-- The products in the contract's order (first, so that no division stands between two string literals).
with product_order as (
    select * from (values ('fan_headline', 1), ('passerby_to_fan', 2), ('account_recommend', 3),
                          ('delegated_headline', 4)) v(product, position)
),
picked as (
    select cp.*
    from campaigns cp
    where cp.start_at >= $from and cp.start_at < $to
      and chosen(cp.influencer_id, $influencers)
      and visible_influencer(cp.influencer_id, $viewer_influencers)
      and ($viewer_merchants is null or list_contains($viewer_merchants, cp.buyer_merchant_id))
),
paid_clicks as (
    select * from campaign_paid_clicks($to, $viewer_merchants)
),
paid_orders as (
    -- each order once per row of its campaign (as a join of the orders to the picked campaigns)
    select o.campaign_id, cast(sum(o.orders) as bigint) as orders, sum(o.gmv) as gmv
    from campaign_orders($to, $window, $viewer_merchants) o join picked k using (campaign_id)
    group by 1
),
per_campaign as (
    select k.product, k.spend, k.impressions,
           coalesce(pc.paid_clicks, 0) as paid_clicks,
           coalesce(po.orders, 0) as orders,
           coalesce(po.gmv, 0) as gmv,
           coalesce(cf.new_fans, 0) as new_fans,
           cast(coalesce(po.gmv, 0) / nullif(k.spend, 0) as double) as roas,
           cast(k.spend / nullif(coalesce(cf.new_fans, 0), 0) as double) as cost_per_new_fan
    from picked k
    left join paid_clicks pc using (campaign_id)
    left join paid_orders po using (campaign_id)
    left join campaign_new_fans($to, $influencers) cf using (campaign_id)
),
summary as (
    select product,
           count(*) as campaigns,
           cast(sum(spend) as decimal(18, 2)) as spend,
           sum(impressions) as impressions,
           sum(paid_clicks) as paid_clicks,
           sum(orders) as orders,
           cast(sum(gmv) as decimal(18, 2)) as gmv,
           sum(new_fans) as new_fans,
           cast(sum(gmv) / nullif(sum(spend), 0) as double) as roas,
           median(roas) as median_roas,
           cast(sum(spend) / nullif(sum(new_fans), 0) as double) as cost_per_new_fan,
           median(cost_per_new_fan) as median_cost_per_new_fan
    from per_campaign
    group by product
)
select s.*
from summary s
left join product_order o using (product)
order by coalesce(o.position, 99), s.product

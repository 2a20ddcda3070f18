-- campaign_details: what the campaign table shows beside campaign_roi: the influencer, post and buyer names and the CPS commission.
-- grain: one row per campaign started in [$from, $to) (the rows of campaign_roi); figures count up to $to.
-- params: $from TIMESTAMP, $to TIMESTAMP (exclusive), $window INTERVAL, $influencers BIGINT[] (empty = all),
--         $viewer_influencers BIGINT[] / $viewer_merchants BIGINT[] (null = all; a merchant sees what it bought)
-- columns: campaign_id, influencer_name, post_title, buyer_merchant_id, buyer_name, spend, net_gmv, commission
-- net_gmv: net amount (refunds excluded) of the orders attributed through the campaign's paid clicks, wherever those
--   clicks were (a paid click on a post missing from influencer_posts counts, as it does in paid_clicks).
-- commission (METRICS.md): Σ net amount × the product's commission_rate over those orders; null without a products
--   export; an order of a product missing from products adds nothing. buyer_name needs the merchants export.
-- A merchant viewer counts orders of its own products only.
-- The CPS split (influencer earnings, profit ROI) is applied by advisor.metrics.campaign_details.
with picked as (
    select cp.*
    from campaigns cp
    where cp.start_at >= $from and cp.start_at < $to
      and chosen(cp.influencer_id, $influencers)
      and visible_influencer(cp.influencer_id, $viewer_influencers)
      and ($viewer_merchants is null or list_contains($viewer_merchants, cp.buyer_merchant_id))
),
paid_orders as (
    -- each order once per row of its campaign (as a join of the orders to the picked campaigns)
    select o.campaign_id, sum(o.net_gmv) as net_gmv, sum(o.commission) as commission
    from campaign_orders($to, $window, $viewer_merchants) o join picked k using (campaign_id)
    group by 1
)
select k.campaign_id, i.name as influencer_name, p.title as post_title, k.buyer_merchant_id, m.name as buyer_name,
       cast(k.spend as decimal(18, 2)) as spend,
       cast(coalesce(po.net_gmv, 0) as decimal(18, 2)) as net_gmv,
       case when exists (select 1 from products)
            then round(coalesce(po.commission, 0), 2) end as commission
from picked k
left join influencers i on i.influencer_id = k.influencer_id
left join influencer_posts p on p.post_id = k.post_id
left join merchants m on m.merchant_id = k.buyer_merchant_id
left join paid_orders po using (campaign_id)
order by k.start_at, k.campaign_id

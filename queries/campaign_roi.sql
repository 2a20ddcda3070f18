-- campaign_roi: what each paid promotion (粉丝头条, 路人转粉, 账号推荐, 头条代投) cost and brought, attributed and incremental.
-- grain: one row per campaign started in [$from, $to); figures count up to $to.
-- params: $from TIMESTAMP, $to TIMESTAMP (exclusive), $window INTERVAL, $influencers BIGINT[] (empty = all),
--         $viewer_influencers BIGINT[] / $viewer_merchants BIGINT[] (null = all; a merchant sees what it bought)
-- columns: campaign_id, product, influencer_id, post_id, buyer_merchant_id, start_at, end_at, spend, impressions,
--          paid_clicks, orders, gmv, net_gmv, new_fans, cpm, cpc, cpa, cost_per_new_fan, roas, baseline_weeks,
--          observed_orders, baseline_orders, incremental_orders, incremental_orders_low, incremental_orders_high,
--          incremental_gmv, iroas
-- Attributed: paid_clicks carry the campaign's id; orders and gmv are attributed through those clicks.
-- new_fans: follows of the influencer inside [start_at, end_at] before $to whose source is the campaign's
--   product (delegated_headline counts fan_headline).
-- A merchant viewer counts clicks and orders of its own products only, in the attributed and the incremental figures.
-- Incremental (METRICS.md, Incrementality): observed_orders are all attributed orders on the influencer's
--   posts in [start_at, end_at + window) (cut at $to); the baseline is the mean of the same span shifted
--   back whole weeks (by the span's length rounded up to weeks, so the spans do not overlap), up to four
--   times, never before the dataset's first click (a merchant's: the first click on its products). incremental = observed − baseline; the 90% interval is
--   ± 1.645 × sd × √(1 + 1/weeks), sd the week-to-week standard deviation of the baseline, at least its
--   Poisson √mean and at least 1. Without a baseline week the incremental figures are null.
with picked as (
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
    select o.campaign_id, cast(sum(o.orders) as bigint) as orders, sum(o.gmv) as gmv, sum(o.net_gmv) as net_gmv
    from campaign_orders($to, $window, $viewer_merchants) o join picked k using (campaign_id)
    group by 1
),
spans as (
    -- the picked campaigns' spans whose orders are counted here (the others': campaign_span_orders)
    select s.*
    from lift_spans($window, $to, (select min(x.first_at) from click_extremes x
                                   where visible_product(x.product_id, $viewer_merchants))) s
    semi join picked k on k.campaign_id = s.campaign_id
    where not span_orders_suffice(s.end_at, $window, $to, $viewer_merchants)
),
attributed as (
    -- only the columns counted, of the chosen influencers' orders (a filter on the prepared column)
    select order_id, influencer_id, ordered_at, amount
    from post_attributed_orders($window, ids := $influencers)
    where visible_product(product_id, $viewer_merchants)
),
span_counts as (
    -- each campaign's orders in its own span (k = 0) and its baseline's (k = 1..4)
    select l.campaign_id, l.k, l.orders, l.gmv
    from campaign_span_orders l
    join picked k using (campaign_id)
    where span_orders_suffice(k.end_at, $window, $to, $viewer_merchants)
    union all
    select s.campaign_id, s.k, count(a.order_id) as orders, coalesce(sum(a.amount), 0) as gmv
    from spans s
    left join attributed a on a.influencer_id = s.influencer_id
                          and a.ordered_at >= s.b_start and a.ordered_at < s.b_end
    group by 1, 2
),
baseline as (
    -- The variance from exact integer sums: var_samp adds floats in the order the threads finish, so its last
    -- bit (and the interval's) changed from run to run.
    select campaign_id, count(*) as weeks, avg(orders) as orders,
           coalesce((count(*) * sum(orders * orders) - sum(orders) * sum(orders))
                    / nullif(count(*) * (count(*) - 1), 0), 0) as var_orders,
           avg(gmv) as gmv
    from span_counts
    where k > 0
    group by 1
),
observed as (
    select campaign_id, orders, gmv from span_counts where k = 0
),
lift as (
    select o.campaign_id, b.weeks, o.orders as observed_orders, b.orders as baseline_orders,
           o.orders - b.orders as incremental_orders,
           1.645 * sqrt(greatest(b.var_orders, b.orders, 1) * (1 + 1 / b.weeks)) as half_width,
           o.gmv - b.gmv as incremental_gmv
    from observed o
    left join baseline b using (campaign_id)
)
select k.campaign_id, k.product, k.influencer_id, k.post_id, k.buyer_merchant_id, k.start_at, k.end_at,
       cast(k.spend as decimal(18, 2)) as spend, k.impressions,
       coalesce(pc.paid_clicks, 0) as paid_clicks,
       coalesce(po.orders, 0) as orders,
       cast(coalesce(po.gmv, 0) as decimal(18, 2)) as gmv,
       cast(coalesce(po.net_gmv, 0) as decimal(18, 2)) as net_gmv,
       coalesce(cf.new_fans, 0) as new_fans,
       k.spend / nullif(k.impressions, 0) * 1000 as cpm,
       k.spend / nullif(coalesce(pc.paid_clicks, 0), 0) as cpc,
       k.spend / nullif(coalesce(po.orders, 0), 0) as cpa,
       k.spend / nullif(coalesce(cf.new_fans, 0), 0) as cost_per_new_fan,
       coalesce(po.gmv, 0) / nullif(k.spend, 0) as roas,
       coalesce(l.weeks, 0) as baseline_weeks,
       l.observed_orders,
       l.baseline_orders,
       case when l.weeks > 0 then l.incremental_orders end as incremental_orders,
       case when l.weeks > 0 then l.incremental_orders - l.half_width end as incremental_orders_low,
       case when l.weeks > 0 then l.incremental_orders + l.half_width end as incremental_orders_high,
       case when l.weeks > 0 then cast(l.incremental_gmv as double) end as incremental_gmv,
       case when l.weeks > 0 then l.incremental_gmv / nullif(k.spend, 0) end as iroas
from picked k
left join paid_clicks pc using (campaign_id)
left join paid_orders po using (campaign_id)
left join campaign_new_fans($to, $influencers) cf using (campaign_id)
left join lift l using (campaign_id)
order by k.start_at, k.campaign_id

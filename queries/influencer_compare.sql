-- influencer_compare: what each influencer sold of one merchant's products, what it cost the merchant and how well its fans fit the merchant's target segment.
-- grain: one row per influencer (chosen, or all the viewer may see) with a click or an attributed order on the
--        merchant's products in [$from, $to); no row when the viewer may not see the merchant.
-- params: $from TIMESTAMP, $to TIMESTAMP (exclusive), $window INTERVAL, $influencers BIGINT[] (empty = all),
--         $merchant BIGINT, $seg_gender VARCHAR[], $seg_age_band VARCHAR[], $seg_city_tier BIGINT[],
--         $seg_interest VARCHAR[], $seg_province VARCHAR[] (the target segment; an empty list sets no criterion),
--         $viewer_influencers BIGINT[] / $viewer_merchants BIGINT[] (null = all)
-- columns: influencer_id, posts, clicks, orders, gmv, net_gmv, commission_cost, headline_spend, total_cost, roas,
--          cost_per_order, new_buyers, audience_match, name, category, tier, fans_end, matched_fans, clickers, buyers,
--          refunded_orders, headline_campaigns
-- The merchant's products are the products rows with merchant_id = $merchant.
-- posts: the influencer's posts posted in the period whose product_ids hold one of the merchant's products.
-- clicks, clickers: clicks in the period on the merchant's products in the influencer's posts (event figures);
-- orders, buyers, gmv, net_gmv, refunded_orders: orders placed in the period on the merchant's products attributed
--   (within $window) to the influencer's posts; gmv counts refunded orders, net_gmv does not.
-- commission_cost: Σ net amount × the product's commission_rate over those orders (a refund pays no commission; a
--   rate of 0 adds nothing), rounded to cents. The CPS split only says who receives it: the merchant pays it all.
-- headline_spend, headline_campaigns: campaigns of any product started in the period for the influencer whose
--   buyer_merchant_id is $merchant (头条代投); campaigns bought by others or by the influencer are not the merchant's
--   cost. total_cost = commission_cost + headline_spend; roas = gmv / total_cost; cost_per_order = total_cost /
--   orders (null on a zero denominator).
-- new_buyers: distinct buyers of those orders for whom one of them has no earlier order (by ordered_at, strictly
--   before; any status, any time, attributed or not) of any of the merchant's products (each user's first:
--   merchant_first_orders, _prepare.sql).
-- fans_end, matched_fans, audience_match: distinct users following the influencer at $to, those of them in the
--   target segment (segment_match in _macros.sql: all criteria set, any value within one; NULL profile values
--   match no criterion; interests match on any tag), and matched_fans / fans_end.
-- tier: as exported, else derived from fans_end (head ≥ 1,000,000, waist ≥ 100,000, else tail).
with merchant_products as (
    select pr.product_id, pr.commission_rate
    from products pr
    where pr.merchant_id = $merchant
      and ($viewer_merchants is null or list_contains($viewer_merchants, pr.merchant_id))
),
-- Over whole local days (every period of the screens) sums of the clicks by merchant, author and day
-- (merchant_click_days, _prepare.sql) and of the clickers by their days of clicks (merchant_clicker_days: a user's
-- first day of the period is its row whose prev_day is null or before $from), the clicks themselves otherwise; the
-- guards are constants: one branch is planned.
day_sums as (
    select d.influencer_id, d.clicks, 0 as clickers
    from merchant_click_days d
    where d.merchant_id = $merchant and d.day >= $from and d.day < $to
    union all
    select d.influencer_id, 0, d.clickers
    from merchant_clicker_days d
    where d.merchant_id = $merchant and d.day >= $from and d.day < $to
      and (d.prev_day is null or d.prev_day < $from)
),
click_figures as (
    select d.influencer_id, cast(sum(d.clicks) as bigint) as clicks, cast(sum(d.clickers) as bigint) as clickers
    from day_sums d
    where whole_days($from, $to)
      and ($viewer_merchants is null or list_contains($viewer_merchants, $merchant))
      and chosen(d.influencer_id, $influencers)
      and visible_influencer(d.influencer_id, $viewer_influencers)
    group by d.influencer_id
    union all
    select c.influencer_id, count(*), count(distinct c.user_id)
    from chosen_clicks($from, $to, $influencers, $viewer_influencers, $viewer_merchants) c
    join merchant_products mp on mp.product_id = c.product_id
    where not whole_days($from, $to)
    group by c.influencer_id
),
first_orders as (
    select f.user_id, f.first_at
    from merchant_first_orders f
    where f.merchant_id = $merchant
      and ($viewer_merchants is null or list_contains($viewer_merchants, f.merchant_id))
),
order_figures as (
    select a.influencer_id,
           count(*) as orders,
           count(distinct a.user_id) as buyers,
           sum(a.amount) as gmv,
           sum(a.net_amount) as net_gmv,
           count(*) filter (where a.refunded) as refunded_orders,
           -- each order's commission to 8 decimals, then an exact sum: a sum of doubles depends on the rows' order
           -- and, rounded to cents, could differ by one between two runs
           sum(cast(a.net_amount * mp.commission_rate as decimal(38, 8))) as commission,
           count(distinct a.user_id) filter (where a.ordered_at <= fo.first_at) as new_buyers
    from chosen_orders($from, $to, $window, $influencers, $viewer_influencers, $viewer_merchants) a
    join merchant_products mp on mp.product_id = a.product_id
    join first_orders fo on fo.user_id = a.user_id
    group by a.influencer_id
),
movers as (
    select influencer_id from click_figures
    union
    select influencer_id from order_figures
),
linking_posts as (
    select p.influencer_id, count(*) as posts
    from influencer_posts p
    where p.posted_at >= $from and p.posted_at < $to
      and p.post_id in (select lp.post_id
                        from (select post_id, unnest(product_ids) as product_id from influencer_posts) lp
                        join merchant_products mp on mp.product_id = lp.product_id)
    group by p.influencer_id
),
headlines as (
    select cp.influencer_id, count(*) as headline_campaigns, sum(cp.spend) as spend
    from campaigns cp
    where cp.start_at >= $from and cp.start_at < $to
      and cp.buyer_merchant_id = $merchant
      and ($viewer_merchants is null or list_contains($viewer_merchants, cp.buyer_merchant_id))
    group by cp.influencer_id
),
audience as (
    select * from segment_match($to, $seg_gender, $seg_age_band, $seg_city_tier, $seg_interest, $seg_province,
                           ids := $influencers)
),
figures as (
    select m.influencer_id,
           coalesce(lp.posts, 0) as posts,
           coalesce(cf.clicks, 0) as clicks,
           coalesce(cf.clickers, 0) as clickers,
           coalesce(o.orders, 0) as orders,
           coalesce(o.buyers, 0) as buyers,
           coalesce(o.gmv, 0) as gmv,
           coalesce(o.net_gmv, 0) as net_gmv,
           coalesce(o.refunded_orders, 0) as refunded_orders,
           round(coalesce(o.commission, 0), 2) as commission_cost,
           coalesce(h.spend, 0) as headline_spend,
           coalesce(h.headline_campaigns, 0) as headline_campaigns,
           coalesce(o.new_buyers, 0) as new_buyers,
           coalesce(au.fans_end, 0) as fans_end,
           coalesce(au.matched_fans, 0) as matched_fans
    from movers m
    left join click_figures cf on cf.influencer_id = m.influencer_id
    left join order_figures o on o.influencer_id = m.influencer_id
    left join linking_posts lp on lp.influencer_id = m.influencer_id
    left join headlines h on h.influencer_id = m.influencer_id
    left join audience au on au.influencer_id = m.influencer_id
)
select f.influencer_id, f.posts, f.clicks, f.orders,
       cast(f.gmv as decimal(18, 2)) as gmv,
       cast(f.net_gmv as decimal(18, 2)) as net_gmv,
       cast(f.commission_cost as decimal(18, 2)) as commission_cost,
       cast(f.headline_spend as decimal(18, 2)) as headline_spend,
       cast(f.commission_cost + f.headline_spend as decimal(18, 2)) as total_cost,
       f.gmv / nullif(f.commission_cost + f.headline_spend, 0) as roas,
       (f.commission_cost + f.headline_spend) / nullif(f.orders, 0) as cost_per_order,
       f.new_buyers,
       f.matched_fans / nullif(f.fans_end, 0) as audience_match,
       i.name, i.category,
       coalesce(i.tier, case when f.fans_end >= 1000000 then 'head'
                             when f.fans_end >= 100000 then 'waist'
                             else 'tail' end) as tier,
       f.fans_end, f.matched_fans, f.clickers, f.buyers, f.refunded_orders, f.headline_campaigns
from figures f
left join influencers i on i.influencer_id = f.influencer_id
order by f.gmv desc, f.clicks desc, f.influencer_id

-- merchant_list: the merchants a viewer may pick on the Merchants screen, with what influencers sold for them.
-- grain: one row per merchant_id in products (the merchants export adds name and shop type when it has the id).
-- params: $from TIMESTAMP, $to TIMESTAMP (exclusive), $window INTERVAL,
--         $viewer_influencers BIGINT[] / $viewer_merchants BIGINT[] (null = all)
-- columns: merchant_id, name, shop_type, products, influencers, clicks, orders, gmv
-- influencers: distinct influencers with a click or an attributed order on the merchant's products in the period;
-- clicks, orders, gmv: event figures of the period through influencers' posts, as in influencer_compare (every
-- influencer the viewer may see). Ordered by gmv, then clicks (most first), then merchant_id.
with merchant_products as (
    select pr.merchant_id, pr.product_id
    from products pr
    where pr.merchant_id is not null
      and ($viewer_merchants is null or list_contains($viewer_merchants, pr.merchant_id))
),
sellers as (
    select distinct merchant_id from merchant_products
),
-- Over whole local days (every period of the screens) from the clicks counted by merchant, author and day
-- (merchant_click_days, _prepare.sql: an influencer's first day of the period is its row whose prev_day is null or
-- before $from), the clicks themselves otherwise (by merchant and author); the guards are constants: one branch is
-- planned.
click_days as not materialized (
    select d.merchant_id, d.influencer_id, d.clicks, d.prev_day is null or d.prev_day < $from as first
    from merchant_click_days d
    where whole_days($from, $to)
      and d.day >= $from and d.day < $to
      and ($viewer_merchants is null or list_contains($viewer_merchants, d.merchant_id))
      and visible_influencer(d.influencer_id, $viewer_influencers)
),
clicked as (
    select mp.merchant_id, c.influencer_id, count(*) as clicks
    from chosen_clicks($from, $to, [], $viewer_influencers, $viewer_merchants) c
    join merchant_products mp on mp.product_id = c.product_id
    where not whole_days($from, $to)
    group by mp.merchant_id, c.influencer_id
),
-- The orders likewise at the screens' default window (summed_window()) from the orders by merchant, author and day
-- (merchant_order_days), the orders themselves otherwise.
order_days as not materialized (
    select d.merchant_id, d.influencer_id, d.orders, d.gmv, d.prev_day is null or d.prev_day < $from as first
    from merchant_order_days d
    where whole_days($from, $to) and $window = summed_window()
      and d.day >= $from and d.day < $to
      and visible_influencer(d.influencer_id, $viewer_influencers)
),
ordered as (
    select mp.merchant_id, a.influencer_id, count(*) as orders, sum(a.amount) as gmv
    from chosen_orders($from, $to, $window, [], $viewer_influencers, $viewer_merchants) a
    join merchant_products mp on mp.product_id = a.product_id
    where not (whole_days($from, $to) and $window = summed_window())
    group by mp.merchant_id, a.influencer_id
),
click_figures as (
    select merchant_id, cast(sum(clicks) as bigint) as clicks
    from (select merchant_id, clicks from click_days union all select merchant_id, clicks from clicked)
    group by merchant_id
),
order_figures as (
    select merchant_id, cast(sum(orders) as bigint) as orders, sum(gmv) as gmv
    from (select merchant_id, orders, gmv from order_days union all select merchant_id, orders, gmv from ordered)
    group by merchant_id
),
-- the influencers with a click or an attributed order: each pair once
movers as (
    select merchant_id, count(*) as influencers
    from (select merchant_id, influencer_id from click_days where first
          union
          select merchant_id, influencer_id from clicked
          union
          select merchant_id, influencer_id from order_days where first
          union
          select merchant_id, influencer_id from ordered)
    group by merchant_id
)
select s.merchant_id, m.name, m.shop_type,
       (select count(distinct mp.product_id) from merchant_products mp where mp.merchant_id = s.merchant_id)
           as products,
       coalesce(mc.influencers, 0) as influencers,
       coalesce(cf.clicks, 0) as clicks,
       coalesce(o.orders, 0) as orders,
       cast(coalesce(o.gmv, 0) as decimal(18, 2)) as gmv
from sellers s
left join merchants m on m.merchant_id = s.merchant_id
left join click_figures cf on cf.merchant_id = s.merchant_id
left join order_figures o on o.merchant_id = s.merchant_id
left join movers mc on mc.merchant_id = s.merchant_id
order by gmv desc, clicks desc, s.merchant_id

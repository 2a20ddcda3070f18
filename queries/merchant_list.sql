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
-- before $from), the clicks themselves otherwise; the guards are constants: one branch is planned.
click_figures as (
    select d.merchant_id, cast(sum(d.clicks) as bigint) as clicks,
           list(d.influencer_id) filter (where d.prev_day is null or d.prev_day < $from) as influencers
    from merchant_click_days d
    where whole_days($from, $to)
      and d.day >= $from and d.day < $to
      and ($viewer_merchants is null or list_contains($viewer_merchants, d.merchant_id))
      and visible_influencer(d.influencer_id, $viewer_influencers)
    group by d.merchant_id
    union all
    select mp.merchant_id, count(*) as clicks, list(distinct c.influencer_id) as influencers
    from chosen_clicks($from, $to, [], $viewer_influencers, $viewer_merchants) c
    join merchant_products mp on mp.product_id = c.product_id
    where not whole_days($from, $to)
    group by mp.merchant_id
),
order_figures as (
    select mp.merchant_id, count(*) as orders, sum(a.amount) as gmv, list(distinct a.influencer_id) as influencers
    from chosen_orders($from, $to, $window, [], $viewer_influencers, $viewer_merchants) a
    join merchant_products mp on mp.product_id = a.product_id
    group by mp.merchant_id
)
select s.merchant_id, m.name, m.shop_type,
       (select count(distinct mp.product_id) from merchant_products mp where mp.merchant_id = s.merchant_id)
           as products,
       len(list_distinct(list_concat(coalesce(cf.influencers, []), coalesce(o.influencers, [])))) as influencers,
       coalesce(cf.clicks, 0) as clicks,
       coalesce(o.orders, 0) as orders,
       cast(coalesce(o.gmv, 0) as decimal(18, 2)) as gmv
from sellers s
left join merchants m on m.merchant_id = s.merchant_id
left join click_figures cf on cf.merchant_id = s.merchant_id
left join order_figures o on o.merchant_id = s.merchant_id
order by gmv desc, clicks desc, s.merchant_id

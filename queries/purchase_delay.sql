-- purchase_delay: how long after the click orders come, to see which attribution window fits.
-- grain: one row per delay band (all seven, empty ones included).
-- params: $from TIMESTAMP, $to TIMESTAMP (exclusive), $influencers BIGINT[] (empty = all),
--         $viewer_influencers BIGINT[] / $viewer_merchants BIGINT[] (null = all)
-- columns: band, band_order, max_hours, orders, share, cumulative_share
-- Orders placed in the period whose latest click on the product (by the same user, on a chosen
-- influencer's post) lies at most 30 days (the longest window) before; share of those orders.
with bands(band_order, band, above_hours, max_hours) as (
    -- a band holds delays above its lower bound up to and including its upper bound
    values (1, '0-1h', -1, 1), (2, '1-6h', 1, 6), (3, '6-24h', 6, 24), (4, '1-3d', 24, 72),
           (5, '3-7d', 72, 168), (6, '7-14d', 168, 336), (7, '14-30d', 336, 720)
),
-- The delays counted by whole hours rounded up first (delay_hours, _prepare.sql): the bands then meet ~720 rows, not
-- every order. Every influencer's over whole days (everyone_whole_days) are the sums of everyone_order_lags
-- (_prepare.sql) over the period's days; the guards are constants: one branch is planned.
lags as (
    select l.hours, cast(sum(l.orders) as bigint) as orders
    from everyone_order_lags l
    where everyone_whole_days($from, $to, $influencers, $viewer_influencers, $viewer_merchants)
      and l.day >= $from and l.day < $to
    group by l.hours
    union all
    select delay_hours(a.ordered_at, a.clicked_at) as hours, count(*) as orders
    from chosen_orders($from, $to, interval 30 day, $influencers, $viewer_influencers, $viewer_merchants) a
    where not everyone_whole_days($from, $to, $influencers, $viewer_influencers, $viewer_merchants)
    group by 1
),
banded as (
    select b.band_order, cast(coalesce(sum(l.orders), 0) as bigint) as orders
    from bands b
    left join lags l on l.hours > b.above_hours and l.hours <= b.max_hours
    group by b.band_order
)
select b.band, b.band_order, b.max_hours, bd.orders,
       bd.orders / nullif(sum(bd.orders) over (), 0) as share,
       sum(bd.orders) over (order by b.band_order) / nullif(sum(bd.orders) over (), 0) as cumulative_share
from bands b
join banded bd using (band_order)
order by b.band_order

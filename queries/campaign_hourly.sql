-- campaign_hourly: one campaign hour by hour from its launch hour: clicks and attributed orders on the influencer's posts against the same hours of the baseline weeks.
-- grain: one row per hour from the launch hour through the span campaign_roi observes, [start_at, end_at + $window)
--        cut at $to; no rows for a campaign the viewer may not see or that starts at or after $to.
-- params: $campaign BIGINT, $to TIMESTAMP (period end, exclusive), $window INTERVAL,
--         $viewer_influencers BIGINT[] / $viewer_merchants BIGINT[] (null = all; a merchant sees what it bought)
-- columns: hour_start, hours_since_launch, in_delivery, paid_clicks, clicks, orders, baseline_weeks,
--          baseline_clicks_mean, baseline_clicks_min, baseline_clicks_max, baseline_orders_mean, baseline_orders_min,
--          baseline_orders_max, cumulative_clicks, cumulative_orders, baseline_cumulative_clicks_mean,
--          baseline_cumulative_clicks_min, baseline_cumulative_clicks_max, baseline_cumulative_orders_mean,
--          baseline_cumulative_orders_min, baseline_cumulative_orders_max
-- Events count from start_at on (the launch hour is partial); an hour is the hours_since_launch-th whole hour after
-- the launch hour. clicks: every click on the influencer's posts; paid_clicks: those carrying the campaign's id;
-- orders: orders attributed (within $window) to the influencer's posts, so Σ orders is campaign_roi's observed_orders.
-- The baseline repeats the span shifted back whole weeks exactly as campaign_roi does (by the span's length rounded up
-- to weeks, up to four times, never before the dataset's first click); mean, min and max are taken over those weeks
-- for the same hour (an hour without events counts 0), so Σ baseline_orders_mean is campaign_roi's baseline_orders.
-- cumulative_*: the running totals from the launch hour; the baseline's are each week's running totals, then their
-- mean, min and max over the weeks (so the last hour's baseline_cumulative_orders_mean is baseline_orders).
-- Without a baseline week, baseline_weeks is 0 and the baseline columns are null.
-- A merchant viewer counts clicks and orders of its own products only (as campaign_roi does).
with picked as (
    select cp.campaign_id
    from campaigns cp
    where cp.campaign_id = $campaign
      and cp.start_at < $to
      and visible_influencer(cp.influencer_id, $viewer_influencers)
      and ($viewer_merchants is null or list_contains($viewer_merchants, cp.buyer_merchant_id))
),
-- Every span (lift_spans, _prepare.sql): k = 0 is the campaign's own, k > 0 a baseline week; events are moved forward
-- by the shift. The baseline starts at the dataset's first click the viewer may see: the first of click_extremes'
-- (_prepare.sql: each influencer's and product's first click, ~1 M rows at the large scale), not a read of every click.
spans as (
    select s.*
    from lift_spans($window, $to, (select min(x.first_at) from click_extremes x
                                   where visible_product(x.product_id, $viewer_merchants))) s
    semi join picked k on k.campaign_id = s.campaign_id
),
the_campaign as (
    select campaign_id, influencer_id, start_at, end_at, span_end from spans where k = 0
),
weeks as (
    select k, shift from spans where k > 0
),
hours as (
    select cast(h as timestamp) as hour_start
    from the_campaign tc,
         generate_series(date_trunc('hour', tc.start_at), tc.span_end - interval 1 microsecond, interval 1 hour) g(h)
),
click_hours as (
    select s.k, date_trunc('hour', c.clicked_at + s.shift) as hour_start, count(*) as clicks,
           count(*) filter (where s.k = 0 and c.campaign_id = s.campaign_id) as paid_clicks
    from spans s
    join click_facts c on c.influencer_id = s.influencer_id and c.clicked_at >= s.b_start and c.clicked_at < s.b_end
                      and visible_product(c.product_id, $viewer_merchants)
    group by 1, 2
),
order_hours as (
    select s.k, date_trunc('hour', a.ordered_at + s.shift) as hour_start, count(*) as orders
    from spans s
    -- on the prepared column: the join reads the campaign's influencer's row groups only
    join post_attributed_orders($window) a on a.influencer_id = s.influencer_id
                                          and a.ordered_at >= s.b_start and a.ordered_at < s.b_end
                                          and visible_product(a.product_id, $viewer_merchants)
    group by 1, 2
),
baseline_grid as (
    select w.k, h.hour_start, coalesce(c.clicks, 0) as clicks, coalesce(o.orders, 0) as orders
    from hours h
    cross join weeks w
    left join click_hours c on c.k = w.k and c.hour_start = h.hour_start
    left join order_hours o on o.k = w.k and o.hour_start = h.hour_start
),
baseline_running as (
    select g.*,
           sum(g.clicks) over (partition by g.k order by g.hour_start) as cum_clicks,
           sum(g.orders) over (partition by g.k order by g.hour_start) as cum_orders
    from baseline_grid g
),
baseline as (
    select hour_start,
           avg(clicks) as clicks_mean, min(clicks) as clicks_min, max(clicks) as clicks_max,
           avg(orders) as orders_mean, min(orders) as orders_min, max(orders) as orders_max,
           avg(cum_clicks) as cum_clicks_mean, min(cum_clicks) as cum_clicks_min, max(cum_clicks) as cum_clicks_max,
           avg(cum_orders) as cum_orders_mean, min(cum_orders) as cum_orders_min, max(cum_orders) as cum_orders_max
    from baseline_running
    group by 1
)
select h.hour_start,
       date_diff('hour', (select date_trunc('hour', start_at) from the_campaign), h.hour_start) as hours_since_launch,
       h.hour_start < (select end_at from the_campaign) as in_delivery,
       coalesce(c.paid_clicks, 0) as paid_clicks,
       coalesce(c.clicks, 0) as clicks,
       coalesce(o.orders, 0) as orders,
       (select count(*) from weeks) as baseline_weeks,
       b.clicks_mean as baseline_clicks_mean,
       b.clicks_min as baseline_clicks_min,
       b.clicks_max as baseline_clicks_max,
       b.orders_mean as baseline_orders_mean,
       b.orders_min as baseline_orders_min,
       b.orders_max as baseline_orders_max,
       sum(coalesce(c.clicks, 0)) over (order by h.hour_start) as cumulative_clicks,
       sum(coalesce(o.orders, 0)) over (order by h.hour_start) as cumulative_orders,
       b.cum_clicks_mean as baseline_cumulative_clicks_mean,
       b.cum_clicks_min as baseline_cumulative_clicks_min,
       b.cum_clicks_max as baseline_cumulative_clicks_max,
       b.cum_orders_mean as baseline_cumulative_orders_mean,
       b.cum_orders_min as baseline_cumulative_orders_min,
       b.cum_orders_max as baseline_cumulative_orders_max
from hours h
left join click_hours c on c.k = 0 and c.hour_start = h.hour_start
left join order_hours o on o.k = 0 and o.hour_start = h.hour_start
left join baseline b on b.hour_start = h.hour_start
order by h.hour_start

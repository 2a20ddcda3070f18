-- overview_kpis: the headline figures of the Overview screen for one period.
-- grain: one row.
-- params: $from TIMESTAMP (period start, local), $to TIMESTAMP (period end, exclusive), $window INTERVAL,
--         $influencers BIGINT[] (empty = all), $viewer_influencers BIGINT[] / $viewer_merchants BIGINT[] (null = all)
-- columns: fans_start, fans_end, new_fans, lost_fans, clicks, clickers, orders, buyers, gmv, net_gmv,
--          refunded_orders, cvr, aov
-- Fans are follow relations of the chosen influencers (a user following two counts twice); clicks are
-- clicks on their posts in the period; orders are orders in the period attributed to their posts.
with fan_figures as (
    select cast(coalesce(sum(pf.fans_start), 0) as bigint) as fans_start,
           cast(coalesce(sum(pf.fans_end), 0) as bigint) as fans_end,
           cast(coalesce(sum(pf.new_fans), 0) as bigint) as new_fans,
           cast(coalesce(sum(pf.lost_fans), 0) as bigint) as lost_fans
    from period_fans($from, $to, ids := $influencers) pf
    where visible_account(pf.influencer_id, $viewer_influencers, $viewer_merchants)
),
-- Every influencer for a viewer who may see them all: the sums of everyone_clicks_by_day (~17 k prepared rows at the
-- large scale), not a count(distinct) over every click; any other view counts its clicks.
click_figures as (
    select cast(sum(n.clicks) as bigint) as clicks, cast(sum(n.clickers) as bigint) as clickers
    from (select count(*) as clicks, count(distinct c.user_id) as clickers
          from chosen_clicks($from, $to, $influencers, $viewer_influencers, $viewer_merchants) c
          where not everyone_whole_days($from, $to, $influencers, $viewer_influencers, $viewer_merchants)
          union all
          select coalesce(sum(d.clicks), 0), coalesce(sum(d.new_clickers), 0)
          from everyone_clicks_by_day($from, $to, $influencers, $viewer_influencers, $viewer_merchants) d) n
),
-- Every influencer for a viewer who may see them all, at the screens' window: the sums of everyone_orders_by_day (~17 k
-- prepared rows at the large scale), not a count(distinct) over every attributed order; any other view counts its
-- orders.
order_figures as (
    select cast(sum(n.orders) as bigint) as orders, cast(sum(n.buyers) as bigint) as buyers, sum(n.gmv) as gmv,
           sum(n.net_gmv) as net_gmv, cast(sum(n.refunded_orders) as bigint) as refunded_orders
    from (select count(*) as orders,
                 count(distinct a.user_id) as buyers,
                 coalesce(sum(a.amount), 0) as gmv,
                 coalesce(sum(a.net_amount), 0) as net_gmv,
                 count(*) filter (where a.refunded) as refunded_orders
          from chosen_orders($from, $to, $window, $influencers, $viewer_influencers, $viewer_merchants) a
          where not everyone_summed_orders($from, $to, $window, $influencers, $viewer_influencers, $viewer_merchants)
          union all
          select coalesce(sum(d.orders), 0), coalesce(sum(d.new_buyers), 0), coalesce(sum(d.gmv), 0),
                 coalesce(sum(d.net_gmv), 0), coalesce(sum(d.refunded_orders), 0)
          from everyone_orders_by_day($from, $to, $window, $influencers, $viewer_influencers, $viewer_merchants) d) n
)
select ff.fans_start, ff.fans_end, ff.new_fans, ff.lost_fans,
       cf.clicks, cf.clickers,
       of.orders, of.buyers,
       cast(of.gmv as decimal(18, 2)) as gmv,
       cast(of.net_gmv as decimal(18, 2)) as net_gmv,
       of.refunded_orders,
       of.orders / nullif(cf.clicks, 0) as cvr,
       cast(of.gmv / nullif(of.orders, 0) as decimal(18, 2)) as aov
from fan_figures ff, click_figures cf, order_figures of

-- post_conversion: funnel figures per post, from exposure to net GMV.
-- grain: one row per post posted in [$from, $to); clicks and attributed orders count from posting up to $to.
-- params: $from TIMESTAMP, $to TIMESTAMP (exclusive), $window INTERVAL, $influencers BIGINT[] (empty = all),
--         $viewer_influencers BIGINT[] / $viewer_merchants BIGINT[] (null = all)
-- columns: post_id, influencer_id, posted_at, content_type, title, category, impressions, reads, interactions,
--          clicks, clickers, fan_clicks, orders, buyers, gmv, net_gmv, refunded_orders, ctr, read_rate, cvr,
--          buyer_rate, aov, gmv_per_1k_reads
-- A merchant viewer sees only clicks and orders on its own products, and only posts linking them.
select *
from post_figures($from, $to, $window, $influencers, $viewer_influencers, $viewer_merchants)
order by posted_at, post_id

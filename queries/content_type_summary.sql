-- content_type_summary: how each content format (图文, 长文, 短视频, 直播, 文字) converts.
-- grain: one row per content type among the posts posted in [$from, $to).
-- params: $from TIMESTAMP, $to TIMESTAMP (exclusive), $window INTERVAL, $influencers BIGINT[] (empty = all),
--         $viewer_influencers BIGINT[] / $viewer_merchants BIGINT[] (null = all)
-- columns: content_type, posts, impressions, reads, clicks, orders, gmv, net_gmv, ctr, cvr, gmv_per_1k_reads
-- Ratios are ratios of the sums of the posts' figures (post_conversion).
select content_type,
       count(*) as posts,
       sum(impressions) as impressions,
       sum(reads) as reads,
       sum(clicks) as clicks,
       sum(orders) as orders,
       cast(sum(gmv) as decimal(18, 2)) as gmv,
       cast(sum(net_gmv) as decimal(18, 2)) as net_gmv,
       sum(clicks) / nullif(sum(impressions), 0) as ctr,
       sum(orders) / nullif(sum(clicks), 0) as cvr,
       sum(gmv) / nullif(sum(reads), 0) * 1000 as gmv_per_1k_reads
from post_figures($from, $to, $window, $influencers, $viewer_influencers, $viewer_merchants)
group by content_type
order by posts desc, content_type

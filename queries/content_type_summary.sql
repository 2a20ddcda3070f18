-- content_type_summary: how each content format (图文, 长文, 短视频, 直播, 文字) converts.
-- grain: one row per content type among the posts posted in [$from, $to).
-- params: $from TIMESTAMP, $to TIMESTAMP (exclusive), $window INTERVAL, $influencers BIGINT[] (empty = all),
--         $viewer_influencers BIGINT[] / $viewer_merchants BIGINT[] (null = all)
-- columns: content_type, posts, impressions, reads, clicks, orders, gmv, net_gmv, ctr, cvr, gmv_per_1k_reads
-- Ratios are ratios of the sums of the posts' figures (post_conversion). The clicks and orders are summed from the
-- posts' events by content type (post_events, as posts_channel_split sums them by channel): each event counts once
-- on each row of its post, as each row of post_figures holds its post's figures, without first grouping them by post
-- (1.6 M posts at the large scale). Every influencer's over whole days (everyone_whole_days) are sums by day of posting:
-- the posts' of everyone_post_days, the events' of everyone_event_days once settled (post_event_sums, _macros.sql);
-- the guards are constants: one branch is planned.
with posts as (
    select content_type, cast(sum(posts) as bigint) as posts, sum(impressions) as impressions, sum(reads) as reads
    from everyone_post_days
    where everyone_whole_days($from, $to, $influencers, $viewer_influencers, $viewer_merchants)
      and day >= $from and day < $to
    group by content_type
    union all
    select content_type, count(*) as posts, sum(impressions) as impressions, sum(reads) as reads
    from picked_posts($from, $to, $influencers, $viewer_influencers, $viewer_merchants)
    where not everyone_whole_days($from, $to, $influencers, $viewer_influencers, $viewer_merchants)
    group by content_type
),
events as (
    select content_type, sum(is_click) as clicks, sum(is_order) as orders, sum(amount) as gmv,
           sum(net_amount) as net_gmv
    from post_event_sums($from, $to, $window, $influencers, $viewer_influencers, $viewer_merchants)
    group by content_type
)
select p.content_type,
       p.posts,
       p.impressions,
       p.reads,
       coalesce(e.clicks, 0) as clicks,
       coalesce(e.orders, 0) as orders,
       cast(coalesce(e.gmv, 0) as decimal(18, 2)) as gmv,
       cast(coalesce(e.net_gmv, 0) as decimal(18, 2)) as net_gmv,
       coalesce(e.clicks, 0) / nullif(p.impressions, 0) as ctr,
       coalesce(e.orders, 0) / nullif(e.clicks, 0) as cvr,
       coalesce(e.gmv, 0) / nullif(p.reads, 0) * 1000 as gmv_per_1k_reads
from posts p
left join events e on e.content_type is not distinct from p.content_type
order by p.posts desc, p.content_type

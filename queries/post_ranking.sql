-- post_ranking: post_conversion's posts ranked by one metric, the first $limit of them (the Posts screen's table).
-- grain: one row per post posted in [$from, $to) whose title holds $search (and, with $post, that post only),
--        the $limit first by $rank_by: best first ($show 'all' or 'top') or worst first ($show 'bottom'); ties:
--        the lower post_id first. 'top' and 'bottom' leave out posts without a value of $rank_by, 'all' puts
--        them last. Figures as post_conversion's (clicks and attributed orders from posting up to $to).
-- params: $from TIMESTAMP, $to TIMESTAMP (exclusive), $window INTERVAL, $influencers BIGINT[] (empty = all),
--         $viewer_influencers BIGINT[] / $viewer_merchants BIGINT[] (null = all),
--         $rank_by VARCHAR (gmv, net_gmv, orders, clicks, impressions, reads, interactions, ctr, cvr, aov,
--         gmv_per_1k_reads), $show VARCHAR (all, top, bottom), $search VARCHAR ('' = any title; a plain
--         substring, case ignored), $post BIGINT (null = any post), $limit BIGINT (rows at most)
-- columns: post_id, influencer_id, posted_at, content_type, title, category, impressions, reads, interactions,
--          clicks, clickers, fan_clicks, orders, buyers, gmv, net_gmv, refunded_orders, ctr, read_rate, cvr,
--          buyer_rate, aov, gmv_per_1k_reads, rank (1 = first shown), ranked_posts (the posts ranked before the
--          limit: those matching $search and $post, with a value of $rank_by unless $show is 'all')
-- The metric is chosen by a CASE over a fixed list (ranked_post_figures), never by building SQL; an unknown $rank_by
-- ranks nothing. For every influencer without a merchant scope (the guard below; constants, so one plan is taken) two
-- passes over post_figures: the posts' keys (the post id and the value of $rank_by, the columns that figure needs and
-- no other) are ranked and counted first, then every column is read for the first $limit only (at the large scale
-- 1.6 M posts ranked, their titles and twenty figures not carried through the sort). Otherwise the second pass alone,
-- over every post: chosen influencers' posts are few, and a merchant's figures count its products' clicks, which a
-- first pass would count again.
with
-- the first pass: every post's key, when every influencer is shown without a merchant scope
keyed as (
    select post_id, rank_value
    from ranked_post_figures($from, $to, $window, $influencers, $viewer_influencers, $viewer_merchants, $rank_by,
                             $search, $post)
    where len($influencers) = 0 and $viewer_merchants is null
),
ranked_keys as (
    -- Two sort keys, one of them null on every row, so one ORDER BY serves both directions.
    select post_id,
           case when $show = 'bottom' then rank_value end as worst_first,
           case when $show <> 'bottom' then rank_value end as best_first
    from keyed
    where $show = 'all' or rank_value is not null
),
first_keys as (
    select post_id
    from ranked_keys
    order by worst_first asc nulls last, best_first desc nulls last, post_id
    limit $limit
),
-- the second pass: the first posts' rows after a first pass, else every post's (a post id exported twice, an
-- integrity error, has two rows with the same figures: both meet its key, and the limit below keeps $limit rows)
figures as (
    select *
    from ranked_post_figures($from, $to, $window, $influencers, $viewer_influencers, $viewer_merchants, $rank_by,
                             $search, $post)
    where not (len($influencers) = 0 and $viewer_merchants is null) or post_id in (select post_id from first_keys)
),
ranked as materialized (
    select *,
           case when $show = 'bottom' then rank_value end as worst_first,
           case when $show <> 'bottom' then rank_value end as best_first
    from figures
    where $show = 'all' or rank_value is not null
),
counted as (
    -- the posts ranked: by the first pass when it ran, else by the second
    select case when len($influencers) = 0 and $viewer_merchants is null then (select count(*) from ranked_keys)
                else (select count(*) from ranked) end as ranked_posts
),
first_rows as (
    select *
    from ranked
    order by worst_first asc nulls last, best_first desc nulls last, post_id
    limit $limit
)
select f.post_id, f.influencer_id, f.posted_at, f.content_type, f.title, f.category, f.impressions, f.reads,
       f.interactions, f.clicks, f.clickers, f.fan_clicks, f.orders, f.buyers, f.gmv, f.net_gmv, f.refunded_orders,
       f.ctr, f.read_rate, f.cvr, f.buyer_rate, f.aov, f.gmv_per_1k_reads,
       row_number() over (order by f.worst_first asc nulls last, f.best_first desc nulls last, f.post_id) as rank,
       c.ranked_posts
from first_rows f
cross join counted c
order by rank

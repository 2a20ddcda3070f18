-- segment_values: the interest tags and provinces a target segment can name, across every fan on the platform.
-- grain: one row per dim (interest, province) × value held by at least $k distinct users (below 3 counts as 3).
-- params: $k INTEGER. No viewer scope: platform-level counts over the fans of every influencer, the same for every
--         viewer; the segment builder of a viewer without audience profiles (a merchant) offers these instead of its
--         influencers' own fans' values (advisor.metrics.segment_options).
-- columns: dim, bucket, users
-- users: distinct fan_id with the value (a user following several influencers counts once). Ordered by dim, then
--   users (most first), then bucket.
with values_of as (
    select distinct 'interest' as dim, t.bucket, t.fan_id
    from (select f.fan_id, unnest(f.interests) as bucket from fan_follows f) t
    union all
    select distinct 'province' as dim, f.province as bucket, f.fan_id
    from fan_follows f
)
select dim, bucket, count(*) as users
from values_of
where bucket is not null
group by dim, bucket
having count(*) >= greatest($k, 3)
order by dim, users desc, bucket

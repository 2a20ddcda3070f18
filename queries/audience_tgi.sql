-- audience_tgi: 目标群体指数 — how over- or under-represented each bucket is in an influencer's audience
-- against the combined audience of its category.
-- grain: one row per chosen influencer × bucket of $dim present in its audience or its category's.
-- params: $to TIMESTAMP (period end, exclusive), $dim VARCHAR (as audience_breakdown), $influencers BIGINT[]
--         (empty = all), $viewer_influencers BIGINT[] / $viewer_merchants BIGINT[] (null = all)
-- columns: influencer_id, category, dim, bucket, fans, share, category_fans, category_share, tgi
-- tgi = share / category_share × 100 (null when the category share is 0). The category baseline counts
-- the follow relations at the period end of every influencer of that category: an aggregate, shown
-- to every viewer of a member.
-- The influencers whose fans count: the chosen ones and the other members of their categories (every influencer
-- without a choice), so one influencer's TGI does not count the fans of every category.
with counted_influencers as (
    select i.influencer_id, i.category
    from influencers i
    where len($influencers) = 0
       or list_contains($influencers, i.influencer_id)
       or i.category in (select c.category from influencers c where list_contains($influencers, c.influencer_id))
),
profile as (
    select f.influencer_id, i.category,
           fan_bucket($dim, f.gender, f.birth_year, f.province, f.city_tier, f.device, f.source, $to) as bucket
    from fan_follows f
    join counted_influencers i on i.influencer_id = f.influencer_id
    where is_fan_at(f.followed_at, f.unfollowed_at, $to)
),
-- One bucket per fan, except interest: once per tag, as prepared per connection (fan_interests, _prepare.sql).
bucketed as (
    select p.influencer_id, p.category, p.bucket
    from profile p
    where $dim in ('gender', 'age_band', 'province', 'city_tier', 'device', 'source')
    union all
    select t.influencer_id, i.category, t.tag
    from fan_interests t
    join counted_influencers i on i.influencer_id = t.influencer_id
    where $dim = 'interest'
      and is_fan_at(t.followed_at, t.unfollowed_at, $to)
),
audience_size as (
    select influencer_id, category, count(*) as audience from profile group by all
),
category_size as (
    select category, sum(audience) as audience from audience_size group by category
),
picked as (
    select a.influencer_id, a.category, a.audience
    from audience_size a
    where chosen(a.influencer_id, $influencers)
      and visible_account(a.influencer_id, $viewer_influencers, $viewer_merchants)
),
-- The buckets counted once per influencer and category (not once for the chosen and again for their categories).
counts as (
    select b.influencer_id, b.category, b.bucket, count(*) as fans
    from bucketed b
    group by all
),
own as (
    select c.influencer_id, c.bucket, cast(sum(c.fans) as bigint) as fans
    from counts c join picked k using (influencer_id)
    group by c.influencer_id, c.bucket
),
category_buckets as (
    select c.category, c.bucket, cast(sum(c.fans) as bigint) as fans
    from counts c
    where c.category in (select category from picked)
    group by c.category, c.bucket
)
select k.influencer_id, k.category, $dim as dim, cb.bucket,
       coalesce(o.fans, 0) as fans,
       coalesce(o.fans, 0) / k.audience as share,
       cb.fans as category_fans,
       cb.fans / cs.audience as category_share,
       100 * (coalesce(o.fans, 0) / k.audience) / nullif(cb.fans / cs.audience, 0) as tgi
from picked k
join category_buckets cb on cb.category is not distinct from k.category
join category_size cs on cs.category is not distinct from k.category
left join own o on o.influencer_id = k.influencer_id and o.bucket = cb.bucket
order by k.influencer_id, fans desc, cb.bucket

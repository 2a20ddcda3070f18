-- audience_tgi: 目标群体指数 — how over- or under-represented each bucket is in an influencer's audience
-- against the combined audience of its category.
-- grain: one row per chosen influencer × bucket of $dim present in its audience or its category's.
-- params: $to TIMESTAMP (period end, exclusive), $dim VARCHAR (as audience_breakdown), $influencers BIGINT[]
--         (empty = all), $viewer_influencers BIGINT[] / $viewer_merchants BIGINT[] (null = all)
-- columns: influencer_id, category, dim, bucket, fans, share, category_fans, category_share, tgi
-- tgi = share / category_share × 100 (null when the category share is 0). The category baseline counts
-- the follow relations at the period end of every influencer of that category: an aggregate, shown
-- to every viewer of a member.
-- The chosen influencers' own fans are read from their follows (every influencer's without a choice); the category
-- baselines are the sums of profile_days (_prepare.sql) up to $to over the influencers of the category, so one
-- influencer's TGI does not read the follows of its whole category.
with counted_influencers as (
    select i.influencer_id, i.category
    from influencers i
    where chosen(i.influencer_id, $influencers)
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
    select p.influencer_id, p.bucket
    from profile p
    where $dim in ('gender', 'age_band', 'province', 'city_tier', 'device', 'source')
    union all
    select t.influencer_id, t.tag
    from fan_interests t
    join counted_influencers i on i.influencer_id = t.influencer_id
    where $dim = 'interest'
      and is_fan_at(t.followed_at, t.unfollowed_at, $to)
),
audience_size as (
    select influencer_id, category, count(*) as audience from profile group by all
),
picked as (
    select a.influencer_id, a.category, a.audience
    from audience_size a
    where visible_account(a.influencer_id, $viewer_influencers, $viewer_merchants)
),
own as (
    select b.influencer_id, b.bucket, count(*) as fans
    from bucketed b
    semi join picked k on k.influencer_id = b.influencer_id
    group by b.influencer_id, b.bucket
),
-- The fans at $to of every influencer of the picked influencers' categories, by bucket of $dim (age bands from
-- birth years at $to); the audience of a category is its fans by gender (every fan in one gender bucket).
category_days as (
    select d.category, d.dim, d.bucket, sum(d.fans) as fans
    from profile_days d
    semi join (select distinct category from picked) c on c.category = d.category
    where d.day <= $to
      and d.dim in ('gender', $dim)
    group by d.category, d.dim, d.bucket
),
category_buckets as (
    select d.category, profile_bucket(d.dim, d.bucket, $to) as bucket, cast(sum(d.fans) as bigint) as fans
    from category_days d
    where d.dim = $dim
    group by d.category, profile_bucket(d.dim, d.bucket, $to)
    having sum(d.fans) > 0
),
category_size as (
    select category, sum(fans) as audience from category_days where dim = 'gender' group by category
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

-- audience_breakdown: the profile of each chosen influencer's fans at the period end, along some dimensions.
-- grain: one row per influencer × dimension of $dims × bucket (influencers without fans at the end have no rows);
--        with $combine, one row per dimension × bucket for all chosen influencers as one audience (fans summed,
--        influencer_id null), so 10,000 influencers × ~80 buckets need not leave the database to be summed.
-- params: $to TIMESTAMP (period end, exclusive), $dims VARCHAR[] (of gender, age_band, province, city_tier,
--         device, interest, source; others have no rows), $influencers BIGINT[] (empty = all),
--         $viewer_influencers BIGINT[] / $viewer_merchants BIGINT[] (null = all), $combine BOOLEAN
-- columns: influencer_id, dim, bucket, fans, share
-- bucket is the raw value ('unknown' for null); age bands use the age reached in the period end's year.
-- For interest a fan counts once per tag and share is the share of fans carrying the tag; otherwise
-- shares sum to 1 per influencer. Combined, share is of the summed audience: follow relations add up (a user
-- following two chosen influencers counts twice, as fans_end everywhere). All dimensions come from one scan of
-- the follows (a screen draws seven); every influencer as one audience at a midnight, for a viewer who sees them all
-- (everyone_as_one), from the sums of everyone_profile_days (_prepare.sql) instead.
-- Combined, the follows are grouped without their influencer (influencer_id null from the start): a few groups per
-- bucket rather than one per influencer and bucket.
-- Only the follows of influencers with a follow or unfollow after $to (unsettled_influencers, _macros.sql) are read:
-- every other influencer's fans at $to are its final ones (final_profiles, _prepare.sql), read instead. At the last
-- day of the exports (the default period end) that is every influencer: the semi join's empty side then ends the scan
-- of the follows at once.
with unsettled as (
    select * from unsettled_influencers($to)
),
fans_at_end as (
    select if($combine, null, f.influencer_id) as influencer_id, f.gender, f.birth_year, f.province, f.city_tier,
           f.device, f.source
    from fan_follows f
    semi join unsettled u on u.influencer_id is not distinct from f.influencer_id
    where not everyone_as_one($combine, $influencers, $viewer_influencers, $viewer_merchants, $to)
      and is_fan_at(f.followed_at, f.unfollowed_at, $to)
      and chosen(f.influencer_id, $influencers)
      and visible_account(f.influencer_id, $viewer_influencers, $viewer_merchants)
),
-- One grouping set per dimension, of the raw values (grouping() names the set's column), so no value is computed per
-- follow: each set's values become buckets afterwards, on its few groups (age bands of birth years at $to, 'unknown'
-- for null, summed again where a value maps to an existing bucket).
grouped as (
    select influencer_id,
           profile_dim(grouping(gender), grouping(birth_year), grouping(province), grouping(city_tier),
                       grouping(device)) as dim,
           case when grouping(gender) = 0 then gender
                when grouping(birth_year) = 0 then age_band(birth_year, $to)
                when grouping(province) = 0 then province
                when grouping(city_tier) = 0 then cast(city_tier as varchar)
                when grouping(device) = 0 then device
                else source end as value,
           count(*) as fans
    from fans_at_end
    group by grouping sets ((influencer_id, gender), (influencer_id, birth_year), (influencer_id, province),
                            (influencer_id, city_tier), (influencer_id, device), (influencer_id, source))
),
-- The other influencers' final fans, as their follows would give them at $to; combined, summed by bucket before the
-- age bands are taken (a few hundred rows rather than one per influencer and bucket). Not an anti join: DuckDB built
-- its hash table on final_profiles' rows (~1.2 M at the large scale) rather than on the few unsettled influencers.
-- The IN list is a mark join built on them; an influencer id that is null is unsettled when one of them is null.
settled as (
    select influencer_id, dim, profile_bucket(dim, bucket, $to) as value, fans
    from (select if($combine, null, p.influencer_id) as influencer_id, p.dim, p.bucket, sum(p.fans) as fans
          from final_profiles p
          where not everyone_as_one($combine, $influencers, $viewer_influencers, $viewer_merchants, $to)
            and not coalesce(p.influencer_id in (select u.influencer_id from unsettled u), false)
            and not (p.influencer_id is null and exists (select 1 from unsettled u where u.influencer_id is null))
            and chosen(p.influencer_id, $influencers)
            and visible_account(p.influencer_id, $viewer_influencers, $viewer_merchants)
          group by all)
),
single as (
    select influencer_id, dim, coalesce(value, 'unknown') as bucket, cast(sum(fans) as bigint) as fans
    from (select influencer_id, dim, value, fans from grouped
          union all
          select influencer_id, dim, value, fans from settled where dim <> 'interest')
    group by influencer_id, dim, coalesce(value, 'unknown')
),
-- Interest: the follows' tags as prepared once per connection (fan_interests, _prepare.sql), same fans as above.
interest as (
    select influencer_id, 'interest' as dim, bucket, cast(sum(fans) as bigint) as fans
    from (select if($combine, null, t.influencer_id) as influencer_id, t.tag as bucket, count(*) as fans
          from fan_interests t
          semi join unsettled u on u.influencer_id is not distinct from t.influencer_id
          where list_contains($dims, 'interest')
            and not everyone_as_one($combine, $influencers, $viewer_influencers, $viewer_merchants, $to)
            and is_fan_at(t.followed_at, t.unfollowed_at, $to)
            and chosen(t.influencer_id, $influencers)
            and visible_account(t.influencer_id, $viewer_influencers, $viewer_merchants)
          group by all
          union all
          select influencer_id, value, fans from settled where list_contains($dims, 'interest') and dim = 'interest')
    group by all
),
-- Every influencer as one audience: the fans at $to by bucket are the sums of the days up to it, then age bands taken
-- from the birth years at $to (buckets of no fan at $to have no row, as above).
everyone_at_end as (
    select d.dim, d.bucket, sum(d.fans) as fans
    from everyone_profile_days d
    where everyone_as_one($combine, $influencers, $viewer_influencers, $viewer_merchants, $to)
      and d.day <= $to
    group by d.dim, d.bucket
),
everyone as (
    select cast(null as bigint) as influencer_id, e.dim, profile_bucket(e.dim, e.bucket, $to) as bucket,
           cast(sum(e.fans) as bigint) as fans
    from everyone_at_end e
    group by e.dim, profile_bucket(e.dim, e.bucket, $to)
    having sum(e.fans) > 0
),
-- Each influencer's fans at the end: every one falls in exactly one gender bucket ('unknown' for null), so the
-- gender set's counts add up to them (fans_at_end is then read once, not materialised for a second pass).
sized as (
    select influencer_id, cast(sum(fans) as bigint) as audience from single where dim = 'gender' group by influencer_id
    union all
    select influencer_id, fans from everyone where dim = 'gender'
),
counted as (
    select * from single where list_contains($dims, dim)
    union all
    select * from interest
    union all
    select * from everyone where list_contains($dims, dim)
),
per_influencer as (
    select c.influencer_id, c.dim, c.bucket, c.fans,
           c.fans / s.audience as share
    from counted c
    join sized s using (influencer_id)
)
select influencer_id, dim, bucket, fans, share
from per_influencer
where not $combine
union all
select cast(null as bigint) as influencer_id, dim, bucket, cast(sum(fans) as bigint) as fans,
       cast(sum(fans) as double) / (select sum(audience) from sized) as share
from counted
where $combine
group by dim, bucket
order by dim, influencer_id, fans desc, bucket

-- audience_breakdown: the profile of each chosen influencer's fans at the period end, along one dimension.
-- grain: one row per influencer × bucket of $dim (influencers without fans at the end have no rows).
-- params: $to TIMESTAMP (period end, exclusive), $dim VARCHAR (gender, age_band, province, city_tier, device,
--         interest, source), $influencers BIGINT[] (empty = all),
--         $viewer_influencers BIGINT[] / $viewer_merchants BIGINT[] (null = all)
-- columns: influencer_id, dim, bucket, fans, share
-- bucket is the raw value ('unknown' for null); age bands use the age reached in the period end's year.
-- For interest a fan counts once per tag and share is the share of fans carrying the tag; otherwise
-- shares sum to 1 per influencer.
with fans_at_end as (
    select f.*
    from fans f
    where is_fan_at(f.followed_at, f.unfollowed_at, $to)
      and chosen(f.influencer_id, $influencers)
      and visible_account(f.influencer_id, $viewer_influencers, $viewer_merchants)
),
sized as (
    select influencer_id, count(*) as audience from fans_at_end group by influencer_id
),
bucketed as (
    select f.influencer_id,
           unnest(fan_buckets($dim, f.gender, f.birth_year, f.province, f.city_tier, f.device, f.source,
                              f.interests, $to)) as bucket
    from fans_at_end f
)
select b.influencer_id, $dim as dim, b.bucket,
       count(*) as fans,
       count(*) / any_value(s.audience) as share
from bucketed b
join sized s using (influencer_id)
where $dim in ('gender', 'age_band', 'province', 'city_tier', 'device', 'interest', 'source')
group by b.influencer_id, b.bucket
order by b.influencer_id, fans desc, bucket

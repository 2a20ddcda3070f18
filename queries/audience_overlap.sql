-- audience_overlap: how many fans two influencers share, for every pair of the given influencers.
-- grain: one row per pair of the given influencers (or of all the viewer may see), influencer_a < influencer_b;
--        pairs without fans or without shared fans included.
-- params: $to TIMESTAMP (exclusive period end: fans at this moment), $influencers BIGINT[] (empty = all),
--         $viewer_influencers BIGINT[] / $viewer_merchants BIGINT[] (null = all)
-- columns: influencer_a, influencer_b, fans_a, fans_b, shared_fans, jaccard, union_fans
-- Fans are distinct users following at $to (METRICS.md: followed_at <= $to, unfollowed_at null or > $to); a user
-- followed twice counts once. shared_fans follow both; union_fans = fans_a + fans_b - shared_fans follow either;
-- jaccard = shared_fans / union_fans (null when neither has a fan). Ids that are not in influencers are left out.
with picked as (
    select i.influencer_id
    from influencers i
    where chosen(i.influencer_id, $influencers)
      and visible_account(i.influencer_id, $viewer_influencers, $viewer_merchants)
),
audience as (
    select distinct f.influencer_id, f.fan_id
    from fan_follows f
    join picked k on k.influencer_id = f.influencer_id
    where is_fan_at(f.followed_at, f.unfollowed_at, $to)
),
sizes as (
    select influencer_id, count(*) as fans
    from audience
    group by influencer_id
),
shared as (
    select a.influencer_id as influencer_a, b.influencer_id as influencer_b, count(*) as shared_fans
    from audience a
    join audience b on b.fan_id = a.fan_id and a.influencer_id < b.influencer_id
    group by a.influencer_id, b.influencer_id
),
pairs as (
    select a.influencer_id as influencer_a, b.influencer_id as influencer_b,
           coalesce(sa.fans, 0) as fans_a, coalesce(sb.fans, 0) as fans_b, coalesce(s.shared_fans, 0) as shared_fans
    from picked a
    join picked b on a.influencer_id < b.influencer_id
    left join sizes sa on sa.influencer_id = a.influencer_id
    left join sizes sb on sb.influencer_id = b.influencer_id
    left join shared s on s.influencer_a = a.influencer_id and s.influencer_b = b.influencer_id
)
select influencer_a, influencer_b, fans_a, fans_b, shared_fans,
       shared_fans / nullif(fans_a + fans_b - shared_fans, 0) as jaccard,
       fans_a + fans_b - shared_fans as union_fans
from pairs
order by influencer_a, influencer_b

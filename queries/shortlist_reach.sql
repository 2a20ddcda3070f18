-- shortlist_reach: the de-duplicated reach of a shortlist of influencers, built up one influencer at a time.
-- grain: one row per given influencer (or per influencer the viewer may see), in the order given: step 1 is the
--        first of $influencers; for an empty list, influencers by fans at $to (most first, then by id).
-- params: $to TIMESTAMP (exclusive period end: fans at this moment), $influencers BIGINT[] (the shortlist in order;
--         empty = all), $viewer_influencers BIGINT[] / $viewer_merchants BIGINT[] (null = all)
-- columns: step, influencer_id, fans_end, new_reach, cumulative_reach, exclusive_fans, new_share
-- Fans are distinct users following at $to (as in audience_overlap). new_reach: fans of this influencer who follow
-- none of the earlier steps (what adding it to the earlier ones buys); cumulative_reach: distinct fans of steps 1..n
-- (the last row's is the whole shortlist's de-duplicated reach); exclusive_fans: fans who follow no other influencer
-- of the shortlist (what dropping it would lose); new_share = new_reach / fans_end (null without fans).
-- An id given twice counts at its first place; ids that are not in influencers are left out.
with picked as (
    select i.influencer_id, list_position($influencers, i.influencer_id) as place
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
    select influencer_id, count(*) as fans_end
    from audience
    group by influencer_id
),
steps as (
    select k.influencer_id, coalesce(s.fans_end, 0) as fans_end,
           row_number() over (order by k.place, coalesce(s.fans_end, 0) desc, k.influencer_id) as step
    from picked k
    left join sizes s on s.influencer_id = k.influencer_id
),
per_fan as (
    select a.fan_id, min(st.step) as first_step, count(*) as followed
    from audience a
    join steps st on st.influencer_id = a.influencer_id
    group by a.fan_id
),
new_fans as (
    select first_step as step, count(*) as new_reach
    from per_fan
    group by first_step
),
exclusive as (
    select a.influencer_id, count(*) as exclusive_fans
    from audience a
    join per_fan pf on pf.fan_id = a.fan_id and pf.followed = 1
    group by a.influencer_id
)
select st.step, st.influencer_id, st.fans_end,
       coalesce(n.new_reach, 0) as new_reach,
       sum(coalesce(n.new_reach, 0)) over (order by st.step) as cumulative_reach,
       coalesce(e.exclusive_fans, 0) as exclusive_fans,
       coalesce(n.new_reach, 0) / nullif(st.fans_end, 0) as new_share
from steps st
left join new_fans n on n.step = st.step
left join exclusive e on e.influencer_id = st.influencer_id
order by st.step

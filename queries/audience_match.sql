-- audience_match: how well each influencer's fans fit a target segment, as a whole and criterion by criterion.
-- grain: one row per influencer (chosen, or all the viewer may see), influencers without fans included.
-- params: $to TIMESTAMP (exclusive period end: fans at this moment), $influencers BIGINT[] (empty = all),
--         $seg_gender VARCHAR[], $seg_age_band VARCHAR[], $seg_city_tier BIGINT[], $seg_interest VARCHAR[],
--         $seg_province VARCHAR[] (the target segment; an empty list sets no criterion),
--         $viewer_influencers BIGINT[] / $viewer_merchants BIGINT[] (null = all)
-- columns: influencer_id, fans_end, matched_fans, audience_match, gender_match, age_band_match, city_tier_match,
--          interest_match, province_match
-- fans_end: distinct users following at $to; matched_fans: those in the segment (segment_match in _macros.sql:
-- every criterion set must hold, any of its values will do; NULL profile values match no criterion; interests match
-- on any tag; age bands as of the period end's year); audience_match = matched_fans / fans_end, the figure of
-- influencer_compare. <criterion>_match: share of fans meeting that criterion alone, null when it is not set (or
-- without fans). Without any criterion every fan is in the segment.
with picked as (
    select i.influencer_id
    from influencers i
    where chosen(i.influencer_id, $influencers)
      and visible_account(i.influencer_id, $viewer_influencers, $viewer_merchants)
),
audience as (
    select * from segment_match($to, $seg_gender, $seg_age_band, $seg_city_tier, $seg_interest, $seg_province,
                           ids := $influencers)
)
select k.influencer_id,
       coalesce(a.fans_end, 0) as fans_end,
       coalesce(a.matched_fans, 0) as matched_fans,
       a.matched_fans / nullif(a.fans_end, 0) as audience_match,
       case when len($seg_gender) > 0 then a.gender_fans / nullif(a.fans_end, 0) end as gender_match,
       case when len($seg_age_band) > 0 then a.age_band_fans / nullif(a.fans_end, 0) end as age_band_match,
       case when len($seg_city_tier) > 0 then a.city_tier_fans / nullif(a.fans_end, 0) end as city_tier_match,
       case when len($seg_interest) > 0 then a.interest_fans / nullif(a.fans_end, 0) end as interest_match,
       case when len($seg_province) > 0 then a.province_fans / nullif(a.fans_end, 0) end as province_match
from picked k
left join audience a on a.influencer_id = k.influencer_id
order by audience_match desc nulls last, matched_fans desc, k.influencer_id

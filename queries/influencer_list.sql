-- influencer_list: the influencers a viewer may pick, with their size at a moment.
-- grain: one row per influencer.
-- params: $at TIMESTAMP (fans are counted at this moment: the period end), $viewer_influencers BIGINT[] /
--         $viewer_merchants BIGINT[] (null = all)
-- columns: influencer_id, name, category, tier (as exported, else derived from fans at $at), account_type,
--          mcn_id, fans
-- The follows by day, prepared (follow_days, _prepare.sql): $at is a period end, a midnight, so the fans at it are
-- the fans_in − fans_out of the days up to it.
with fan_counts as (
    select fd.influencer_id, cast(sum(fd.fans_in - fd.fans_out) as bigint) as fans
    from follow_days fd
    where fd.day <= $at
    group by fd.influencer_id
)
select i.influencer_id, i.name, i.category,
       coalesce(i.tier, case when coalesce(fc.fans, 0) >= 1000000 then 'head'
                             when coalesce(fc.fans, 0) >= 100000 then 'waist'
                             else 'tail' end) as tier,
       i.account_type, i.mcn_id,
       coalesce(fc.fans, 0) as fans
from influencers i
left join fan_counts fc on fc.influencer_id = i.influencer_id
where visible_account(i.influencer_id, $viewer_influencers, $viewer_merchants)
order by fans desc, i.influencer_id

-- influencer_list: the influencers a viewer may pick, with their size at a moment.
-- grain: one row per influencer.
-- params: $at TIMESTAMP (fans are counted at this moment: the period end), $viewer_influencers BIGINT[] /
--         $viewer_merchants BIGINT[] (null = all)
-- columns: influencer_id, name, category, tier (as exported, else derived from fan_follows at $at), account_type,
--          mcn_id, fans
select i.influencer_id, i.name, i.category,
       coalesce(i.tier, case when coalesce(fc.fans_end, 0) >= 1000000 then 'head'
                             when coalesce(fc.fans_end, 0) >= 100000 then 'waist'
                             else 'tail' end) as tier,
       i.account_type, i.mcn_id,
       coalesce(fc.fans_end, 0) as fans
from influencers i
left join period_fans($at, $at) fc on fc.influencer_id = i.influencer_id
where visible_account(i.influencer_id, $viewer_influencers, $viewer_merchants)
order by fans desc, i.influencer_id

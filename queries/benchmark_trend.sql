-- benchmark_trend: the cohorts' quartiles month by month, for the trend of the cohort median.
-- grain: one row per calendar month of the period × category × tier × metric whose cohort may be published in that
--   month; metrics in category_benchmark's order.
-- params: $from TIMESTAMP, $to TIMESTAMP (exclusive), $window INTERVAL, $k INTEGER (below 3 counts as 3),
--         no viewer scope: cohort-level figures, the same for every viewer (as category_benchmark)
-- columns: month (DATE: the month's first day), days (the month's days inside the period), category, tier, metric,
--          influencers, p25, p50, p75, p90
-- Each month is a period of its own, [max(month start, $from), min(next month start, $to)): the first and the last
-- month may be partial (see days). Figures and privacy rules are category_benchmark's, applied to every month
-- apart. The tier is the one at $to (a null tier is derived from fans at the period end), so an influencer stays
-- in one cohort across the months.
with months as (
    select cast(m as date) as month,
           greatest(m, $from) as month_start,
           least(m + interval 1 month, $to) as month_end
    from generate_series(date_trunc('month', $from), $to - interval 1 microsecond, interval 1 month) g(m)
),
cells as (
    select distinct m.month, m.month_start, m.month_end, c.category, c.tier, c.metric, c.ord, c.influencers,
           c.p25, c.p50, c.p75, c.p90
    from months m,
         lateral benchmark_cohorts(m.month_start, m.month_end, $to, $window, $k, null, null) c
    where c.published
)
select month, cast(datediff('day', month_start, month_end) as integer) as days, category, tier, metric,
       influencers, p25, p50, p75, p90
from cells
order by month, category nulls last, case tier when 'head' then 1 when 'waist' then 2 when 'tail' then 3 else 4 end,
         tier, ord

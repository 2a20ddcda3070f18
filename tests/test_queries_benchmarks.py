"""category_benchmark, influencer_rank and benchmark_trend against an independent pandas computation written from
METRICS.md: on a dataset of planted cohorts (sizes, ties, dominance, the 50-fan floor) and on the edge dataset; and the
privacy rules: k never below 3, choosing influencers never changes a cohort or shows another's figure."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from advisor import dataset, db, metrics
from advisor.access import EVERYONE, Viewer
from advisor.cli import main
from advisor.metrics import Filters, Period

from . import benchmark_data as B
from . import edge_data as E
from .test_queries import Tables, assert_same, attribute, fan_at, in_range, influencer_visible, product_visible

W1H, W7D, W30D = E.WINDOWS
METRICS = metrics.BENCHMARK_METRICS
DENOMINATOR = {"ctr": "impressions", "cvr": "clicks", "aov": "orders", "gmv_per_1k_reads": "reads",
               "fan_growth": "fans_start", "engaged_fan_rate": "fans_end", "headline_roas": "spend"}
NUMERATOR = {"ctr": "clicks", "cvr": "orders", "aov": "gmv", "gmv_per_1k_reads": "gmv_x1000",
             "fan_growth": "fan_change", "engaged_fan_rate": "engaged", "headline_roas": "headline_gmv"}
QUANTILES = {"p25": 0.25, "p50": 0.5, "p75": 0.75, "p90": 0.9}
BENCH_COLUMNS = ["category", "tier", "metric", "influencers", "p25", "p50", "p75", "p90"]
RANK_COLUMNS = ["influencer_id", "category", "tier", "metric", "value", "percentile", "cohort_size", "published"]
TREND_COLUMNS = ["month", "days", "category", "tier", "metric", "influencers", "p25", "p50", "p75", "p90"]

WHOLE, FEB, MAR = Period(*B.PERIOD), Period(dt.date(2026, 2, 1), dt.date(2026, 2, 28)), Period(
    dt.date(2026, 3, 1), dt.date(2026, 3, 31))
MID = Period(dt.date(2026, 2, 12), dt.date(2026, 3, 10))  # partial months at both ends


@pytest.fixture(scope="module")
def cohort_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return B.dataset_path(tmp_path_factory)


@pytest.fixture(scope="module")
def cohorts(cohort_path: Path) -> dataset.Dataset:
    return dataset.open_dataset(cohort_path)


@pytest.fixture(scope="module")
def cohort_tables(cohort_path: Path) -> Tables:
    return E.load(cohort_path)


@dataclass(frozen=True)
class Case:
    period: Period
    window: dt.timedelta = W7D
    k: int = 5
    influencers: tuple[int, ...] = ()
    viewer: Viewer = field(default=EVERYONE)
    name: str = ""

    @property
    def filters(self) -> Filters:
        return Filters(self.period, influencers=self.influencers, window=self.window, k=self.k)

    def __str__(self) -> str:
        w = f"{int(self.window.total_seconds() // 3600)}h"
        who = "+".join(map(str, self.influencers)) or "all"
        return f"{self.period.start}_{self.period.end}-{w}-k{self.k}-inf_{who}-{self.name or 'everyone'}"


# ---- the reference: pandas, from METRICS.md ---------------------------------------------------------

def visible_accounts(t: Tables, viewer: Viewer) -> np.ndarray:
    """Influencers a viewer may see: in its influencer scope and, for a merchant, with a click on one of its posts on
    a product of the merchant (at any time)."""
    inf = t["influencers"]
    keep = influencer_visible(inf["influencer_id"], viewer)
    if viewer.merchants is not None:
        c = t["clicks"].merge(t["posts"][["post_id", "influencer_id"]], on="post_id")
        moved = c.loc[product_visible(c["product_id"], viewer, t), "influencer_id"]
        keep &= inf["influencer_id"].isin(set(moved)).to_numpy(dtype=bool)
    return keep


def tier_of(exported: object, fans: int) -> str:
    """CONTRACT.md: the exported tier, else head from 1,000,000 fans, waist from 100,000, else tail."""
    if isinstance(exported, str):
        return exported
    return "head" if fans >= 1_000_000 else "waist" if fans >= 100_000 else "tail"


def account_figures(t: Tables, start: dt.datetime, end: dt.datetime, tier_at: dt.datetime, window: dt.timedelta,
                    viewer: Viewer) -> pd.DataFrame:
    """Per visible influencer, the sums behind every metric over [start, end)."""
    inf = t["influencers"][visible_accounts(t, viewer)]
    posts, clicks, fans, campaigns = t["posts"], t["clicks"], t["fans"], t["campaigns"]
    a = attribute(t, window)
    a = a[a["attributed"].to_numpy(dtype=bool)]
    merchant_products = (set(t["products"].loc[t["products"]["merchant_id"].isin(list(viewer.merchants)), "product_id"])
                         if viewer.merchants is not None else None)

    # post figures: posts posted in the period (for a merchant: linking one of its products), their clicks and
    # attributed orders up to the period end (for a merchant: on its products)
    own = posts[in_range(posts["posted_at"], start, end)]
    if merchant_products is not None:
        own = own[[bool(ids is not None and set(ids) & merchant_products) for ids in own["product_ids"]]]
    post_clicks = clicks[clicks["post_id"].isin(own["post_id"]) & (clicks["clicked_at"] < end)]
    post_clicks = post_clicks[product_visible(post_clicks["product_id"], viewer, t)]
    post_orders = a[a["post_id"].isin(own["post_id"]).to_numpy(dtype=bool)
                    & (a["ordered_at"] < end).to_numpy(dtype=bool)]
    post_orders = post_orders[product_visible(post_orders["product_id"], viewer, t)]
    author = own.set_index("post_id")["influencer_id"]

    # clickers of the period on any existing post of the influencer (engaged fans)
    period_clicks = clicks[in_range(clicks["clicked_at"], start, end)].merge(posts[["post_id", "influencer_id"]],
                                                                             on="post_id")
    period_clicks = period_clicks[product_visible(period_clicks["product_id"], viewer, t)]

    headline = campaigns[campaigns["product"].isin(["fan_headline", "delegated_headline"]).to_numpy(dtype=bool)
                         & in_range(campaigns["start_at"], start, end)]
    if viewer.merchants is not None:
        headline = headline[headline["buyer_merchant_id"].isin(list(viewer.merchants)).fillna(False).to_numpy(bool)]
    paid = a[a["ordered_at"] < end]

    rows = []
    for _, row in inf.iterrows():
        i = row["influencer_id"]
        mine = own[own["influencer_id"] == i]
        follows = fans[(fans["influencer_id"] == i).to_numpy(dtype=bool)]
        at_end = follows[fan_at(follows, end)]
        clickers = set(period_clicks.loc[(period_clicks["influencer_id"] == i).to_numpy(dtype=bool), "user_id"])
        my_campaigns = headline[(headline["influencer_id"] == i).to_numpy(dtype=bool)]
        orders = post_orders[post_orders["post_id"].map(author).eq(i).to_numpy(dtype=bool)]
        gmv_cents = int(orders["amount_cents"].sum())
        rows.append({
            "influencer_id": i, "category": row["category"],
            "tier": tier_of(row["tier"], int(fan_at(follows, tier_at).sum())),
            "impressions": int(mine["impressions"].sum()), "reads": int(mine["reads"].sum()),
            "clicks": int(post_clicks["post_id"].isin(mine["post_id"]).sum()), "orders": len(orders),
            "gmv": gmv_cents / 100, "gmv_x1000": gmv_cents * 10,
            "fans_start": int(fan_at(follows, start).sum()), "fans_end": len(at_end),
            "engaged": len(set(at_end["fan_id"]) & clickers),
            "spend": int(my_campaigns["spend_cents"].sum()) / 100,
            "headline_gmv": int(paid.loc[paid["campaign_id"].isin(my_campaigns["campaign_id"]).to_numpy(dtype=bool),
                                         "amount_cents"].sum()) / 100,
        })
    out = pd.DataFrame(rows, columns=["influencer_id", "category", "tier", "impressions", "reads", "clicks", "orders",
                                      "gmv", "gmv_x1000", "fans_start", "fans_end", "engaged", "spend",
                                      "headline_gmv"])
    out["fan_change"] = out["fans_end"] - out["fans_start"]
    return out


def long_figures(sums: pd.DataFrame) -> pd.DataFrame:
    """One row per influencer × metric: the metric's denominator and value (null when the denominator is 0)."""
    parts = []
    for metric in METRICS:
        den = sums[DENOMINATOR[metric]].astype(float)
        num = sums[NUMERATOR[metric]].astype(float)
        parts.append(pd.DataFrame({"influencer_id": sums["influencer_id"], "category": sums["category"],
                                   "tier": sums["tier"], "metric": metric, "denominator": den,
                                   "value": (num / den).where(den != 0)}))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def percent_rank(values: pd.Series) -> pd.Series:
    """Share of the other values strictly lower (0 for one value alone)."""
    v = values.to_numpy(dtype=float)
    n = len(v)
    return pd.Series([(v < x).sum() / (n - 1) if n > 1 else 0.0 for x in v], index=values.index)


def cohort_cells(figures: pd.DataFrame, k: int) -> pd.DataFrame:
    """Per category × tier × metric: count of values, pandas' linear quantiles, and whether METRICS.md lets it out."""
    rows = []
    if figures.empty:
        return pd.DataFrame(columns=[*BENCH_COLUMNS, "published"])
    for (category, tier, metric), g in figures.groupby(["category", "tier", "metric"], sort=False, dropna=False):
        values = g["value"].dropna()
        total, largest = g["denominator"].sum(), g["denominator"].max()
        row = {"category": category, "tier": tier, "metric": metric, "influencers": len(values)}
        row |= {name: values.quantile(q, interpolation="linear") if len(values) else np.nan
                for name, q in QUANTILES.items()}
        row["published"] = bool(len(values) >= max(k, 3) and largest <= total / 2
                                and (metric not in ("fan_growth", "engaged_fan_rate") or total >= 50))
        rows.append(row)
    return pd.DataFrame(rows)


def ref_category_benchmark(t: Tables, c: Case) -> pd.DataFrame:
    """Cohort-level: every influencer of the cohort, whoever the viewer (issue 11)."""
    p = c.period
    cells = cohort_cells(long_figures(account_figures(t, p.start_ts, p.end_ts, p.end_ts, c.window, EVERYONE)), c.k)
    return cells[cells["published"].astype(bool)][BENCH_COLUMNS]


def ref_influencer_rank(t: Tables, c: Case) -> pd.DataFrame:
    p = c.period
    fig = long_figures(account_figures(t, p.start_ts, p.end_ts, p.end_ts, c.window, EVERYONE))
    if fig.empty:
        return pd.DataFrame(columns=RANK_COLUMNS)
    cells = cohort_cells(fig, c.k)
    with_value = fig["value"].notna()
    fig["percentile"] = np.nan
    fig.loc[with_value, "percentile"] = fig[with_value].groupby(["category", "tier", "metric"])["value"].transform(
        percent_rank)
    out = fig.merge(cells[["category", "tier", "metric", "influencers", "published"]], on=["category", "tier",
                                                                                         "metric"])
    out["percentile"] = out["percentile"].where(out["published"])
    out["cohort_size"] = out["influencers"].where(out["published"])
    if c.influencers:
        out = out[out["influencer_id"].isin(list(c.influencers))]
    # The viewer's rows only; their percentiles stay those of the whole cohort. A merchant gets none: an influencer's
    # own figures count every merchant's products.
    visible = t["influencers"].loc[visible_accounts(t, c.viewer), "influencer_id"]
    if c.viewer.merchants is not None:
        visible = visible.iloc[:0]
    return out[out["influencer_id"].isin(set(visible))][RANK_COLUMNS]


def ref_benchmark_trend(t: Tables, c: Case) -> pd.DataFrame:
    p, parts = c.period, []
    month = pd.Timestamp(p.start).replace(day=1)
    while month < pd.Timestamp(p.end_ts):
        start = max(month, pd.Timestamp(p.start_ts))
        end = min(month + pd.DateOffset(months=1), pd.Timestamp(p.end_ts))
        cells = cohort_cells(long_figures(account_figures(t, start, end, p.end_ts, c.window, EVERYONE)), c.k)
        cells = cells[cells["published"].astype(bool)]
        cells.insert(0, "month", month.date())
        cells.insert(1, "days", (end - start).days)
        parts.append(cells[TREND_COLUMNS])
        month += pd.DateOffset(months=1)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=TREND_COLUMNS)


# ---- the cases ------------------------------------------------------------------------------------------

SCOPED = Viewer(influencers=(11, 12, 13, 14, 15, 16, 21, 22, 23, 24, 25, 41, 42))
COHORT_CASES = (
    [Case(WHOLE), Case(WHOLE, k=3), Case(WHOLE, k=4), Case(FEB), Case(MAR), Case(MID), Case(WHOLE, W1H),
     Case(FEB, W30D, k=3)]
    + [Case(WHOLE, viewer=SCOPED, name="scoped"), Case(WHOLE, k=3, viewer=Viewer(merchants=(1,)), name="merchant_1"),
       Case(FEB, viewer=Viewer(merchants=(2,)), name="merchant_2"),
       Case(WHOLE, k=3, viewer=Viewer(influencers=(11, 12)), name="two"),
       Case(WHOLE, viewer=Viewer(influencers=()), name="nobody")]
)
EDGE = {name: Period(*days) for name, days in E.PERIODS.items()}
EDGE_CASES = (
    [Case(EDGE[p], k=3) for p in ("all", "main", "gap", "empty", "day_tz")]
    + [Case(EDGE["all"], W30D, k=3), Case(EDGE["main"], W1H, k=3)]
    + [Case(EDGE["main"], k=3, viewer=Viewer(influencers=(1, 2)), name="inf_1_2"),
       Case(EDGE["all"], k=3, viewer=Viewer(merchants=(1,)), name="merchant_1"),
       Case(EDGE["main"], W30D, k=3, viewer=Viewer(merchants=(2, 3)), name="merchant_2_3")]
)


@pytest.mark.parametrize("c", COHORT_CASES, ids=str)
def test_category_benchmark_matches_reference(cohorts: dataset.Dataset, cohort_tables: Tables, c: Case) -> None:
    actual = metrics.category_benchmark(cohorts, c.filters, c.viewer)
    assert list(actual.columns) == BENCH_COLUMNS
    assert_same(actual, ref_category_benchmark(cohort_tables, c), ["category", "tier", "metric"])


RANK_CASES = COHORT_CASES + [Case(WHOLE, influencers=(11, 21, 45)), Case(WHOLE, k=3, influencers=(61,))]


@pytest.mark.parametrize("c", RANK_CASES, ids=str)
def test_influencer_rank_matches_reference(cohorts: dataset.Dataset, cohort_tables: Tables, c: Case) -> None:
    actual = metrics.influencer_rank(cohorts, c.filters, c.viewer)
    assert list(actual.columns) == RANK_COLUMNS
    assert_same(actual, ref_influencer_rank(cohort_tables, c), ["influencer_id", "metric"])


@pytest.mark.parametrize("c", [Case(WHOLE), Case(MID, k=3), Case(WHOLE, W1H, k=4),
                               Case(WHOLE, viewer=Viewer(merchants=(1,)), name="merchant_1")], ids=str)
def test_benchmark_trend_matches_reference(cohorts: dataset.Dataset, cohort_tables: Tables, c: Case) -> None:
    actual = metrics.benchmark_trend(cohorts, c.filters, c.viewer)
    assert list(actual.columns) == TREND_COLUMNS
    expected = ref_benchmark_trend(cohort_tables, c)
    assert len(expected) > 0 or c.viewer is not EVERYONE
    actual = actual.assign(month=pd.to_datetime(actual["month"]).dt.date)
    assert_same(actual, expected, ["month", "category", "tier", "metric"])


@pytest.mark.parametrize("c", EDGE_CASES, ids=str)
def test_on_the_edge_dataset(edge: dataset.Dataset, tables: Tables, c: Case) -> None:
    """Nulls, refunds, unfollows, ties, window and day boundaries, time zones: the values agree; every cohort there
    has one member, so nothing is published and no percentile is given."""
    rank = metrics.influencer_rank(edge, c.filters, c.viewer)
    assert_same(rank, ref_influencer_rank(tables, c), ["influencer_id", "metric"])
    assert not rank["published"].any() and rank["percentile"].isna().all() and rank["cohort_size"].isna().all()
    assert metrics.category_benchmark(edge, c.filters, c.viewer).empty
    assert metrics.benchmark_trend(edge, c.filters, c.viewer).empty



def _figures(ds: dataset.Dataset, text: str, **params: object) -> pd.DataFrame:
    cur = db.prepare(ds).cursor()
    try:
        return cur.sql(text, params=params).df()
    finally:
        cur.close()


# The periods of the edge dataset, and periods cutting February, March or both: a whole month reads the prepared
# months (engaged_months, follow_months), a month the period cuts the days.
TREND_PERIODS = {**E.PERIODS, "mid_feb_mid_mar": (dt.date(2026, 2, 10), dt.date(2026, 3, 20)),
                 "feb_mid_mar": (dt.date(2026, 2, 1), dt.date(2026, 3, 20)),
                 "mid_feb_mar": (dt.date(2026, 2, 10), dt.date(2026, 3, 31))}


@pytest.mark.parametrize("shift", [dt.timedelta(0), dt.timedelta(hours=1)], ids=["midnights", "an_hour_later"])
@pytest.mark.parametrize("period", ["all", "main", "mid_feb_mid_mar", "feb_mid_mar", "mid_feb_mar"])
def test_each_month_of_the_trend_counts_as_a_period(edge: dataset.Dataset, period: str, shift: dt.timedelta) -> None:
    """benchmark_monthly_figures (the trend's figures, _macros.sql) counts each month as benchmark_figures counts a
    period on its own: over bounds at midnight from the prepared sums by day and month (post_click_days, engaged_days,
    engaged_months, follow_months), over others from the clicks and follows, on the edge dataset (clicks at a month's
    first midnight, unfollows, time zones). The per-period figures are checked against pandas above."""
    p = Period(*TREND_PERIODS[period])
    start, end = p.start_ts + shift, p.end_ts + shift
    monthly = _figures(edge, "select * from benchmark_monthly_figures($from, $to, $to, $window)",
                       **{"from": start, "to": end, "window": W7D})
    assert len(monthly), "the edge dataset has months to count"
    for (month, month_start, month_end), rows in monthly.groupby(["month", "month_start", "month_end"]):
        alone = _figures(edge, "select influencer_id, metric, denominator, value "
                               "from benchmark_figures($from, $to, $tier_at, $window, null, null)",
                         **{"from": month_start.to_pydatetime(), "to": month_end.to_pydatetime(), "tier_at": end,
                            "window": W7D})
        keys = ["influencer_id", "metric"]
        mine = rows[[*keys, "denominator", "value"]].sort_values(keys).reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, alone.sort_values(keys).reset_index(drop=True), check_dtype=False,
                                      obj=f"month {month}")


def test_a_tier_is_that_of_the_fans_at_the_instant(edge: dataset.Dataset, tables: Tables) -> None:
    """benchmark_accounts (_macros.sql) derives a missing tier from the fans at tier_at: over a midnight from the
    follows counted by day, at any other instant from the follows. The waist influencer has exactly 100,000 fans
    until one leaves (edge_data.WAIST_LEAVES_AT): waist up to that instant, tail from it on."""
    inf = tables["influencers"]
    left = pd.Timestamp(E.WAIST_LEAVES_AT)
    around = (left - pd.Timedelta(days=1), left - pd.Timedelta(microseconds=1), left, left + pd.Timedelta(hours=1))
    for t in (*around, pd.Timestamp(E.MAIN_END)):
        got = _figures(edge, "select influencer_id, tier from benchmark_accounts($t, null, null)", t=t.to_pydatetime())
        fans = tables["fans"][fan_at(tables["fans"], t.to_pydatetime())].groupby("influencer_id").size()
        expected = pd.DataFrame({"influencer_id": inf["influencer_id"],
                                 "tier": [tier_of(x, int(fans.get(i, 0)))
                                          for i, x in zip(inf["influencer_id"], inf["tier"], strict=True)]})
        pd.testing.assert_frame_equal(got.sort_values("influencer_id").reset_index(drop=True),
                                      expected.sort_values("influencer_id").reset_index(drop=True),
                                      check_dtype=False, obj=str(t))
        if t in around:
            assert got.loc[got["influencer_id"] == E.WAIST, "tier"].item() == ("waist" if t < left else "tail"), t

def test_values_agree_with_the_other_screens(edge: dataset.Dataset) -> None:
    """One definition of each figure: the benchmark values are the Posts, Audience and Campaigns screens' figures."""
    f = Filters(EDGE["main"], window=W30D)
    rank = metrics.influencer_rank(edge, f).pivot(index="influencer_id", columns="metric", values="value")
    posts = metrics.post_conversion(edge, f).groupby("influencer_id")[["impressions", "reads", "clicks", "orders",
                                                                        "gmv"]].sum()
    summary = metrics.audience_summary(edge, f).set_index("influencer_id")
    roi = metrics.campaign_roi(edge, f)
    roi = roi[roi["product"].isin(["fan_headline", "delegated_headline"])].groupby("influencer_id")[["gmv",
                                                                                                   "spend"]].sum()

    def same(a: pd.Series, b: pd.Series) -> None:
        a, b = a.astype(float), b.reindex(a.index).astype(float)
        assert ((a - b).abs().lt(1e-9) | (a.isna() & b.isna())).all(), pd.concat([a, b], axis=1)

    def ratio(num: pd.Series, den: pd.Series) -> pd.Series:
        return num.astype(float) / den.astype(float).where(den > 0)

    same(rank["ctr"], ratio(posts["clicks"], posts["impressions"]))
    same(rank["cvr"], ratio(posts["orders"], posts["clicks"]))
    same(rank["aov"], ratio(posts["gmv"], posts["orders"]))
    same(rank["gmv_per_1k_reads"], ratio(posts["gmv"], posts["reads"]) * 1000)
    same(rank["fan_growth"], ratio(summary["fans_end"] - summary["fans_start"], summary["fans_start"]))
    same(rank["engaged_fan_rate"], ratio(summary["engaged_fans"], summary["fans_end"]))
    same(rank["headline_roas"], ratio(roi["gmv"], roi["spend"]))
    assert rank["headline_roas"].notna().any() and rank["ctr"].notna().any()


# ---- the planted cohorts, asserted directly (readable failures) ------------------------------------------

def _cells(ds: dataset.Dataset, k: int = 5, period: Period = WHOLE) -> pd.DataFrame:
    return metrics.category_benchmark(ds, Filters(period, k=k)).set_index(["category", "tier", "metric"]).sort_index()


def test_k_leaves_small_cohorts_out(cohorts: dataset.Dataset) -> None:
    five, four, three = _cells(cohorts, 5), _cells(cohorts, 4), _cells(cohorts, 3)
    assert ("food", "tail", "ctr") not in five.index and four.loc[("food", "tail", "ctr"), "influencers"] == 4
    assert ("新奇特", "waist", "ctr") not in four.index and three.loc[("新奇特", "waist", "ctr"), "influencers"] == 3
    # A member without a value is not counted: the eighth beauty × waist account has no post, no fan, no campaign.
    counts = five.loc[("beauty", "waist")]["influencers"].to_dict()
    assert counts == {"ctr": 7, "cvr": 7, "aov": 6, "gmv_per_1k_reads": 7, "fan_growth": 7, "engaged_fan_rate": 7,
                      "headline_roas": 6}
    # Two tiers left blank are derived from the fans at the period end (tail) and join the exported tails.
    assert five.loc[("beauty", "tail", "ctr"), "influencers"] == 5


def test_the_dominance_rule(cohorts: dataset.Dataset) -> None:
    cells = _cells(cohorts)
    # One account holds 100,000 of 180,000 impressions: more than half, so no CTR; 1,000 of 1,400 yuan of headline
    # spend: no headline ROAS. It holds 4 of 8 orders, exactly half, which is allowed: AOV is published.
    assert ("fashion", "tail", "ctr") not in cells.index
    assert ("fashion", "tail", "headline_roas") not in cells.index
    assert cells.loc[("fashion", "tail", "aov"), "influencers"] == 5
    assert cells.loc[("fashion", "tail", "cvr"), "influencers"] == 5
    # k does not lift the rule.
    assert ("fashion", "tail", "ctr") not in _cells(cohorts, 3).index


def test_audience_metrics_need_fifty_fans(cohorts: dataset.Dataset) -> None:
    cells = _cells(cohorts)
    # pets × head: 49 fans at the start (fan growth left out), exactly 50 at the end (engaged-fan rate published).
    assert ("pets", "head", "fan_growth") not in cells.index
    assert cells.loc[("pets", "head", "engaged_fan_rate"), "influencers"] == 5
    assert cells.loc[("pets", "head", "ctr"), "influencers"] == 5


def test_quantiles_are_linear_interpolation(cohorts: dataset.Dataset) -> None:
    row = _cells(cohorts).loc[("beauty", "waist", "ctr")]
    ctr = pd.Series([a.clicks / a.impressions for a in B.ACCOUNTS if a.influencer_id in B.COHORTS["beauty_waist"]
                     and a.impressions])
    for name, q in QUANTILES.items():
        assert row[name] == pytest.approx(ctr.quantile(q, interpolation="linear"), rel=1e-12)
    # numpy's default is the same rule: position q × (n − 1) between the sorted values
    assert row["p90"] == pytest.approx(np.quantile(ctr, 0.9), rel=1e-12)


def test_percentile_ties_and_ends(cohorts: dataset.Dataset) -> None:
    rank = metrics.influencer_rank(cohorts, Filters(WHOLE)).set_index(["influencer_id", "metric"])
    # 11 and 12 both have CTR 1%: the same percentile; the other five members decide where.
    assert rank.loc[(11, "ctr"), "value"] == rank.loc[(12, "ctr"), "value"] == pytest.approx(0.01)
    assert rank.loc[(11, "ctr"), "percentile"] == rank.loc[(12, "ctr"), "percentile"]
    ctr = rank.xs("ctr", level="metric")
    beauty = ctr.loc[list(B.COHORTS["beauty_waist"])]
    assert beauty["percentile"].max() == 1 and beauty["percentile"].min() == 0
    assert beauty.loc[18, "value"] is pd.NA or pd.isna(beauty.loc[18, "value"])
    assert pd.isna(beauty.loc[18, "percentile"]) and beauty.loc[18, "cohort_size"] == 7
    # A value on the median's percentile is the median.
    cell = _cells(cohorts).loc[("beauty", "waist", "cvr")]
    cvr = rank.xs("cvr", level="metric").loc[list(B.COHORTS["beauty_waist"])]
    assert cvr.loc[cvr["percentile"] == 0.5, "value"].tolist() == [pytest.approx(cell["p50"])]
    # Where a cohort is not published, no percentile and no size: only the influencer's own value.
    assert pd.isna(rank.loc[(21, "ctr"), "percentile"]) and pd.isna(rank.loc[(21, "ctr"), "cohort_size"])
    assert rank.loc[(21, "ctr"), "value"] == pytest.approx(20 / 100_000) and not rank.loc[(21, "ctr"), "published"]


def test_trend_months_are_clipped_to_the_period(cohorts: dataset.Dataset) -> None:
    trend = metrics.benchmark_trend(cohorts, Filters(MID))
    days = trend.groupby("month")["days"].first()
    assert {str(m)[:10]: d for m, d in days.items()} == {"2026-02-01": 17, "2026-03-01": 10}
    # Every month is a period of its own: the headline campaigns started in February, so March has none.
    trend = metrics.benchmark_trend(cohorts, Filters(WHOLE))
    assert set(trend.loc[trend["metric"] == "headline_roas", "month"].astype(str).str[:10]) == {"2026-02-01"}


@pytest.mark.parametrize("period", [WHOLE, MID], ids=["whole", "mid"])
def test_one_category_s_trend_is_that_category_s_rows_of_the_whole_trend(cohorts: dataset.Dataset,
                                                                         period: Period) -> None:
    """The screen asks for the focus's category only (computed for its influencers alone): the same rows as the
    trend of every category, that category's, and no other category's; a category nobody has gives no rows."""
    whole = metrics.benchmark_trend(cohorts, Filters(period, k=3))
    categories = sorted(set(whole["category"].dropna()))
    assert len(categories) >= 2  # the test means something only with several categories published
    for category in categories:
        mine = metrics.benchmark_trend(cohorts, Filters(period, k=3), category=category)
        want = whole[(whole["category"] == category).fillna(False).to_numpy(dtype=bool)].reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, want)
        shown = metrics.cohort_trend(cohorts, Filters(period, k=3), category, "cvr")
        pd.testing.assert_frame_equal(shown, want[want["metric"] == "cvr"].reset_index(drop=True))
    nobody = metrics.benchmark_trend(cohorts, Filters(period, k=3), category="no such category")
    assert nobody.empty and list(nobody.columns) == list(whole.columns)


def test_the_command_line_s_category_is_the_trend_of_that_category(cohort_path: Path, cohorts: dataset.Dataset,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """`python -m advisor query benchmark_trend --category NAME`: the rows metrics.benchmark_trend gives for it."""
    whole = metrics.benchmark_trend(cohorts, Filters(MID, k=3))
    category = sorted(set(whole["category"].dropna()))[0]
    code = main(["query", "benchmark_trend", "--data", str(cohort_path), "--k", "3", "--format", "json",
                 "--from", MID.start.isoformat(), "--to", MID.end.isoformat(), "--category", category])
    out, err = capsys.readouterr()
    assert code == 0, err
    got = pd.DataFrame(json.loads(out))
    want = whole[(whole["category"] == category).fillna(False).to_numpy(dtype=bool)].reset_index(drop=True)
    assert len(got) == len(want) > 0 and set(got["category"]) == {category}
    assert list(zip(got["tier"], got["metric"], strict=True)) == list(zip(want["tier"], want["metric"], strict=True))
    for column in ("influencers", "p25", "p50", "p75", "p90"):
        assert got[column].tolist() == pytest.approx(want[column].tolist(), nan_ok=True), column


# ---- privacy: k, toggling, another's figures -----------------------------------------------------------

def test_k_is_never_below_three(cohorts: dataset.Dataset) -> None:
    for name in ("category_benchmark", "influencer_rank", "benchmark_trend"):
        with pytest.raises(metrics.ParameterError, match="never below 3"):
            metrics.QUERIES[name](cohorts, Filters(WHOLE, k=2))
    # Asked directly for a smaller k, the SQL still applies 3: no cohort of two, or of one.
    params = {"from": WHOLE.start_ts, "to": WHOLE.end_ts, "window": W7D}
    for k in (0, 1, 2):
        assert db.run(cohorts, "benchmark_rows", k=k, **params).equals(db.run(cohorts, "benchmark_rows", k=3, **params))
    assert (metrics.category_benchmark(cohorts, Filters(WHOLE, k=3))["influencers"] >= 3).all()


def test_choosing_influencers_never_changes_a_cohort(cohorts: dataset.Dataset) -> None:
    """No difference attack: the published quantiles do not depend on which influencers are chosen (the query takes
    no influencer filter), and an influencer's rank is the same whoever else is chosen."""
    assert "influencers" not in db.query_params("benchmark_rows")  # category_benchmark's and influencer_rank's
    assert "influencers" not in db.query_params("benchmark_trend")
    everyone = metrics.category_benchmark(cohorts, Filters(WHOLE))
    ranks = metrics.influencer_rank(cohorts, Filters(WHOLE)).set_index(["influencer_id", "metric"])
    for members in B.COHORTS.values():
        for i, who in enumerate(members[:2]):
            f = Filters(WHOLE, influencers=(who,))
            pd.testing.assert_frame_equal(metrics.category_benchmark(cohorts, f), everyone)
            alone = metrics.influencer_rank(cohorts, f)
            assert set(alone["influencer_id"]) == {who}  # one influencer's own rows, nobody else's
            pd.testing.assert_frame_equal(alone.set_index(["influencer_id", "metric"]), ranks.loc[[who]],
                                          check_dtype=False)
            # toggling a cohort mate in or out changes nothing of this influencer's rows
            mate = members[(i + 1) % len(members)]
            both = metrics.influencer_rank(cohorts, Filters(WHOLE, influencers=(who, mate)))
            pd.testing.assert_frame_equal(both[both["influencer_id"] == who].reset_index(drop=True),
                                          alone.reset_index(drop=True))


def test_where_i_stand_shows_only_my_figures(cohorts: dataset.Dataset) -> None:
    """The "where I stand" rows hold the influencer's own value and percentile and the published quantiles of its
    cohort, and those quantiles are the same whoever of the cohort is looked at."""
    shown = {}
    for who in B.COHORTS["beauty_waist"]:
        mine = metrics.standing(cohorts, Filters(WHOLE), who)
        assert list(mine.columns) == [*RANK_COLUMNS, "p25", "p50", "p75", "p90"]
        assert set(mine["influencer_id"]) == {who} and list(mine["metric"]) == list(METRICS)
        shown[who] = mine
    cohort = [s[["metric", "p25", "p50", "p75", "p90"]].reset_index(drop=True) for s in shown.values()]
    for other in cohort[1:]:
        pd.testing.assert_frame_equal(other, cohort[0])
    # The published quantiles are those of category_benchmark; nothing else about the cohort is shown.
    cells = _cells(cohorts).loc[("beauty", "waist")][["p25", "p50", "p75", "p90"]].reindex(list(METRICS))
    pd.testing.assert_frame_equal(cohort[0].set_index("metric"), cells.rename_axis("metric"), check_dtype=False)


def test_benchmarks_are_cohort_level_for_every_viewer(cohorts: dataset.Dataset) -> None:
    """A viewer of two influencers sees the same published cohorts as everyone, and its own rows of the ranking
    with the whole cohort's percentiles: a scope never shrinks a cohort into one that would be too small to publish."""
    two, f = Viewer(influencers=(11, 12)), Filters(WHOLE, k=3)
    everyone = metrics.category_benchmark(cohorts, f)
    assert not everyone.empty
    pd.testing.assert_frame_equal(metrics.category_benchmark(cohorts, f, two), everyone)
    pd.testing.assert_frame_equal(metrics.benchmark_trend(cohorts, f, two), metrics.benchmark_trend(cohorts, f))
    rank = metrics.influencer_rank(cohorts, f, two)
    assert set(rank["influencer_id"]) == {11, 12}
    whole = metrics.influencer_rank(cohorts, f)
    pd.testing.assert_frame_equal(rank.reset_index(drop=True),
                                  whole[whole["influencer_id"].isin([11, 12])].reset_index(drop=True))


def test_empty_and_minimal_datasets(empty_dataset: Path, minimal_dataset: Path) -> None:
    empty = dataset.open_dataset(empty_dataset)
    f = Filters(Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31)))
    for name in ("category_benchmark", "influencer_rank", "benchmark_trend"):
        assert metrics.QUERIES[name](empty, f).empty
    minimal = dataset.open_dataset(minimal_dataset)  # no campaigns export: headline ROAS has no value
    rank = metrics.influencer_rank(minimal, f)
    assert len(rank) == 2 * len(METRICS) and rank.loc[rank["metric"] == "headline_roas", "value"].isna().all()
    assert metrics.category_benchmark(minimal, f).empty


def test_screen_helpers(cohorts: dataset.Dataset) -> None:
    f = Filters(WHOLE)
    table = metrics.benchmark_table(cohorts, f, "ctr")
    assert list(table.columns[:4]) == ["category", "tier", "metric", "published"]
    assert len(table) == len(B.COHORTS)  # every cohort, published or not
    hidden = table[~table["published"]]
    assert set(zip(hidden["category"], hidden["tier"], strict=True)) == {("fashion", "tail"), ("food", "tail"),
                                                                         ("新奇特", "waist")}
    assert hidden[["influencers", "p25", "p50", "p75", "p90"]].isna().all().all()
    shown = table[table["published"]].set_index(["category", "tier"])
    cells = _cells(cohorts).xs("ctr", level="metric")
    assert shown.loc[cells.index, "p50"].tolist() == cells["p50"].tolist()
    with pytest.raises(metrics.ParameterError):
        metrics.benchmark_table(cohorts, f, "likes")
    trend = metrics.cohort_trend(cohorts, f, "beauty", "cvr")
    assert set(trend["category"]) == {"beauty"} and set(trend["metric"]) == {"cvr"}
    assert set(trend["tier"]) == {"waist", "tail"}
    # Who has something to compare: a value in a published cohort (18 has no value at all; food and 新奇特 have
    # no published cohort at k = 5).
    everyone = {a.influencer_id for a in B.ACCOUNTS}
    hidden = {18, *B.COHORTS["food_tail"], *B.COHORTS["novel_waist"]}
    assert metrics.benchmarked_influencers(cohorts, f) == everyone - hidden
    assert metrics.benchmarked_influencers(cohorts, Filters(WHOLE, k=3)) == everyone - {18}


def test_command_line(cohort_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from advisor import cli

    assert cli.main(["query", "category_benchmark", "--data", str(cohort_path), "--k", "4"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == ",".join(BENCH_COLUMNS) and any(line.startswith("food,tail,ctr,4,") for line in out)
    assert cli.main(["query", "influencer_rank", "--data", str(cohort_path), "--influencer", "45"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0] == ",".join(RANK_COLUMNS) and len(rows) == 1 + len(METRICS)
    assert cli.main(["query", "category_benchmark", "--data", str(cohort_path), "--k", "2"]) == 2
    assert "never below 3" in capsys.readouterr().err

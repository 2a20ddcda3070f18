"""campaign_roi against an independent pandas computation on the edge dataset, and its lift estimate against the
demo generator's planted truth."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from advisor import dataset, db, metrics
from advisor.access import EVERYONE, Viewer
from advisor.metrics import Filters, Period

from . import edge_data as E
from .test_queries import (
    Case,
    Tables,
    assert_same,
    attribute,
    chosen,
    in_range,
    influencer_visible,
    product_visible,
)

W1H, W7D, W30D = E.WINDOWS
WEEK = pd.Timedelta(days=7)
PERIODS = {name: Period(*days) for name, days in E.PERIODS.items()}
VIEWERS = {
    "everyone": EVERYONE,
    "inf_1_2": Viewer(influencers=(1, 2)),
    "merchant_1": Viewer(merchants=(1,)),
    "merchant_2": Viewer(merchants=(2,)),
    "merchant_3": Viewer(merchants=(3,)),
    "inf_2_merchant_1_2": Viewer(influencers=(2,), merchants=(1, 2)),
    "nobody": Viewer(influencers=()),
}
COLUMNS = ["campaign_id", "product", "influencer_id", "post_id", "buyer_merchant_id", "start_at", "end_at", "spend",
           "impressions", "paid_clicks", "orders", "gmv", "net_gmv", "new_fans", "cpm", "cpc", "cpa",
           "cost_per_new_fan", "roas", "baseline_weeks", "observed_orders", "baseline_orders", "incremental_orders",
           "incremental_orders_low", "incremental_orders_high", "incremental_gmv", "iroas"]


def case(period_name: str, window: dt.timedelta = W7D, influencers: tuple[int, ...] = (),
         viewer: str = "everyone") -> Case:
    return Case(period_name, window, influencers, VIEWERS[viewer], viewer)


# ---- the reference: pandas, from METRICS.md and the header of queries/campaign_roi.sql ---------------

def _div(num: float, den: float) -> float:
    return num / den if den else np.nan


def lift(t: Tables, influencer: int, start: pd.Timestamp, end: pd.Timestamp, window: dt.timedelta,
         period_end: pd.Timestamp, viewer: Viewer = EVERYONE) -> dict[str, float]:
    """The incremental estimate: attributed orders on the influencer's posts in [start, end + window) (cut at the
    period end) against the same span shifted back by its length rounded up to whole weeks, 1 to 4 times, keeping
    the shifted spans that start at or after the dataset's first click. A merchant counts its own products only."""
    a = attribute(t, window)
    a = a[a["attributed"].to_numpy(dtype=bool) & (a["influencer_id"] == influencer).fillna(False).to_numpy(dtype=bool)
          & product_visible(a["product_id"], viewer, t)]

    def count(lo: pd.Timestamp, hi: pd.Timestamp) -> tuple[int, int]:
        inside = a[((a["ordered_at"] >= lo) & (a["ordered_at"] < hi)).to_numpy(dtype=bool)]
        return len(inside), int(inside["amount_cents"].sum())

    span_end = min(end + pd.Timedelta(window), period_end)
    shift = WEEK * max(1, math.ceil((span_end - start) / WEEK))
    clicks_seen = t["clicks"][product_visible(t["clicks"]["product_id"], viewer, t)]  # a merchant: on its products
    first_click = clicks_seen["clicked_at"].min()
    observed, observed_cents = count(start, span_end)
    weeks = [count(start - k * shift, span_end - k * shift) for k in range(1, 5) if start - k * shift >= first_click]
    out: dict[str, float] = {"baseline_weeks": len(weeks), "observed_orders": observed}
    if not weeks:
        return out | {c: np.nan for c in ("baseline_orders", "incremental_orders", "incremental_orders_low",
                                          "incremental_orders_high", "incremental_gmv", "iroas")}
    n = np.array([w[0] for w in weeks], dtype=float)
    mean = n.mean()
    sd = max(n.std(ddof=1) if len(n) > 1 else 0.0, math.sqrt(mean), 1.0)
    half = 1.645 * sd * math.sqrt(1 + 1 / len(weeks))
    return out | {"baseline_orders": mean, "incremental_orders": observed - mean,
                  "incremental_orders_low": observed - mean - half, "incremental_orders_high": observed - mean + half,
                  "incremental_gmv": (observed_cents - np.mean([w[1] for w in weeks])) / 100}


def ref_campaign_roi(t: Tables, c: Case) -> pd.DataFrame:
    p, viewer = c.p, c.viewer
    cp = t["campaigns"]
    keep = (in_range(cp["start_at"], p.start_ts, p.end_ts) & chosen(cp["influencer_id"], c.influencers)
            & influencer_visible(cp["influencer_id"], viewer))
    if viewer.merchants is not None:  # a merchant sees the campaigns it bought
        keep &= cp["buyer_merchant_id"].isin(list(viewer.merchants)).fillna(False).to_numpy(dtype=bool)
    end = pd.Timestamp(p.end_ts)
    clicks, fans = t["clicks"], t["fans"]
    a = attribute(t, c.window)
    rows = []
    for _, k in cp[keep].iterrows():
        cid, spend = int(k["campaign_id"]), int(k["spend_cents"]) / 100
        # a merchant counts clicks and orders of its own products only
        paid_mask = ((clicks["campaign_id"] == cid).fillna(False) & (clicks["clicked_at"] < end)).to_numpy(dtype=bool)
        paid = int((paid_mask & product_visible(clicks["product_id"], viewer, t)).sum())
        # orders attributed through the campaign's paid clicks, wherever the click was
        bought = a[(a["campaign_id"] == cid).fillna(False).to_numpy(dtype=bool) & a["attributed"].to_numpy(dtype=bool)
                   & (a["ordered_at"] < end).to_numpy(dtype=bool) & product_visible(a["product_id"], viewer, t)]
        source = "fan_headline" if k["product"] == "delegated_headline" else k["product"]
        new_fans = int(((fans["influencer_id"] == k["influencer_id"]) & (fans["followed_at"] >= k["start_at"])
                        & (fans["followed_at"] <= k["end_at"]) & (fans["followed_at"] < end)
                        & (fans["source"] == source)).sum())
        gmv = int(bought["amount_cents"].sum()) / 100
        row = {"paid_clicks": paid, "orders": len(bought), "gmv": gmv,
                "net_gmv": int(bought["net_cents"].sum()) / 100, "new_fans": new_fans,
                "cpm": _div(spend, k["impressions"]) * 1000, "cpc": _div(spend, paid), "cpa": _div(spend, len(bought)),
                "cost_per_new_fan": _div(spend, new_fans), "roas": _div(gmv, spend)}
        row |= lift(t, int(k["influencer_id"]), k["start_at"], k["end_at"], c.window, end, viewer)
        row["iroas"] = _div(row["incremental_gmv"], spend) if row["baseline_weeks"] else np.nan
        rows.append(row)
    own = cp[keep][["campaign_id", "product", "influencer_id", "post_id", "buyer_merchant_id", "start_at", "end_at",
                    "spend", "impressions"]].reset_index(drop=True)
    return pd.concat([own, pd.DataFrame(rows, index=own.index)], axis=1).reindex(columns=COLUMNS)


# ---- the cases -----------------------------------------------------------------------------------

ROI_CASES = (
    [case(p) for p in ("all", "main", "gap", "empty")]
    + [case("all", W1H), case("all", W30D), case("main", W30D), case("gap", W30D)]
    + [case("main", W7D, (E.PLAIN,)), case("all", W30D, (E.SMALL, E.HEAD))]
    + [case("main" if i % 2 else "all", W7D, (), v) for i, v in enumerate(VIEWERS) if v != "everyone"]
    + [case("main", W1H, (), "inf_2_merchant_1_2")]
)


@pytest.mark.parametrize("c", ROI_CASES, ids=str)
def test_campaign_roi_matches_reference(edge: dataset.Dataset, tables: Tables, c: Case) -> None:
    actual = metrics.campaign_roi(edge, c.filters, c.viewer)
    assert list(actual["campaign_id"]) == list(actual.sort_values(["start_at", "campaign_id"])["campaign_id"])
    assert_same(actual, ref_campaign_roi(tables, c), ["campaign_id"])


# ---- the edge cases, asserted directly (readable failures) ----------------------------------------

def _roi(edge: dataset.Dataset, period_name: str = "all", window: dt.timedelta = W7D,
         viewer: Viewer = EVERYONE) -> pd.DataFrame:
    return metrics.campaign_roi(edge, Filters(PERIODS[period_name], window=window), viewer).set_index("campaign_id")


def test_orders_through_a_paid_click_count_wherever_the_click_was(edge: dataset.Dataset, tables: Tables) -> None:
    """Campaign 5's paid clicks include one on a post missing from posts; paid_clicks counts it, so the order
    it earned counts in orders and gmv too (campaign_roi.sql header: orders and gmv are attributed through
    those clicks)."""
    a = attribute(tables, W7D).set_index("order_id").loc[E.PAID_CLICK_ON_MISSING_POST_ORDER]
    assert a["attributed"] and a["campaign_id"] == 5 and a["post_id"] == E.POST_MISSING
    row = _roi(edge).loc[5]
    paid = tables["clicks"][(tables["clicks"]["campaign_id"] == 5).fillna(False).to_numpy(dtype=bool)]
    assert row["paid_clicks"] == len(paid) == 3 and (paid["post_id"] == E.POST_MISSING).sum() == 1
    assert row["orders"] == 2 and row["gmv"] == pytest.approx(128.00)


def test_an_order_exactly_the_window_after_a_paid_click_counts_for_the_campaign(edge: dataset.Dataset,
                                                                                tables: Tables) -> None:
    """Campaign 4's paid click earns an order 7 days later and one 1 µs after that (PAID_AT_WINDOW_EDGE_ORDERS): at
    the default window (read from the orders summed by campaign) the first counts and the second does not; at 30 days
    (counted from the orders) both do."""
    exact, late = E.PAID_AT_WINDOW_EDGE_ORDERS
    for window, counted in ((W7D, {exact}), (W30D, {exact, late})):
        a = attribute(tables, window)
        paid = a[(a["campaign_id"] == 4).fillna(False).to_numpy(dtype=bool)]
        assert {exact, late} & set(paid["order_id"]) == counted
        assert _roi(edge, window=window).loc[4, "orders"] == len(paid)


def test_zero_denominators_are_null(edge: dataset.Dataset) -> None:
    roi = _roi(edge)
    free = roi.loc[3]  # no spend, no impressions, no post
    assert free["spend"] == 0 and free["impressions"] == 0 and pd.isna(free["post_id"])
    for col in ("cpm", "roas", "iroas"):
        assert pd.isna(free[col]), col
    assert free["paid_clicks"] > 0 and free["cpc"] == 0
    undelivered = roi.loc[E.NO_IMPRESSION_CAMPAIGN]  # spend 150, impressions 0
    assert pd.isna(undelivered["cpm"]) and undelivered["roas"] == pytest.approx(undelivered["gmv"] / 150)
    at_end = _roi(edge, "main")
    assert E.AT_MAIN_END_CAMPAIGN not in at_end.index and E.AT_MAIN_END_CAMPAIGN in roi.index
    recommend = roi.loc[E.AT_MAIN_END_CAMPAIGN]
    assert recommend["new_fans"] >= 1 and (recommend["paid_clicks"], recommend["orders"]) == (1, 0)
    assert pd.isna(recommend["cpa"]) and recommend["roas"] == 0


def test_new_fans_window_is_inclusive_and_cut_at_the_period_end(edge: dataset.Dataset, tables: Tables) -> None:
    f = tables["fans"].set_index("fan_id")
    head = f[(f["influencer_id"] == E.HEAD).to_numpy(dtype=bool) & (f["source"] == "fan_headline").to_numpy(
        dtype=bool)]
    # campaign 1 runs [2026-02-15 00:00, 2026-02-20 00:00]: follows at both ends count, 1 µs outside do not
    inside = head[((head["followed_at"] >= pd.Timestamp(2026, 2, 15))
                   & (head["followed_at"] <= pd.Timestamp(2026, 2, 20))).to_numpy(dtype=bool)]
    assert {4801, 4803} <= set(inside.index) and not {4802, 4804} & set(inside.index)
    assert _roi(edge).loc[1, "new_fans"] == len(inside)
    # campaign 7 runs to 2026-03-16 12:00: the gap period (to 2026-03-15) sees fewer of its new fans
    assert _roi(edge, "gap").loc[E.CROSSING_CAMPAIGN, "new_fans"] < _roi(edge, "main").loc[E.CROSSING_CAMPAIGN,
                                                                                           "new_fans"]
    # a period ending at 2026-02-20 00:00 (its last day the 19th) leaves out 4803, which follows at that instant
    ending = Filters(Period(E.D(2026, 2, 15), E.D(2026, 2, 19)), window=W7D)
    assert ending.period.end_ts == f.loc[4803, "followed_at"]
    before_end = inside[(inside["followed_at"] < ending.period.end_ts).to_numpy(dtype=bool)]
    assert 4803 not in before_end.index and 4801 in before_end.index
    roi = metrics.campaign_roi(edge, ending).set_index("campaign_id")
    assert roi.loc[1, "new_fans"] == len(before_end)
    by_product = metrics.campaign_products(edge, ending).set_index("product")["new_fans"]
    assert by_product.to_dict() == roi.groupby("product")["new_fans"].sum().to_dict()


def test_overlapping_campaigns_each_count_their_window(edge: dataset.Dataset) -> None:
    roi = _roi(edge)
    overlap = roi.loc[[2, *E.OVERLAP_CAMPAIGNS]]
    assert (overlap["post_id"] == 105).all() and (overlap["new_fans"] >= 1).all()  # 4805 lies in all three windows
    assert set(overlap["product"]) == {"delegated_headline", "fan_headline"}


def test_a_merchant_sees_only_the_campaigns_it_bought(edge: dataset.Dataset) -> None:
    assert list(_roi(edge, viewer=VIEWERS["merchant_1"]).index) == [2]
    assert list(_roi(edge, viewer=VIEWERS["merchant_2"]).index) == [6, 4]  # by start
    assert _roi(edge, viewer=VIEWERS["merchant_3"]).empty


def test_baseline_weeks_stop_at_the_datasets_first_click(edge: dataset.Dataset, tables: Tables) -> None:
    """The first click (2026-01-20 09:00) is on a post missing from posts; it still bounds the baseline."""
    assert tables["clicks"]["clicked_at"].min() == E.FIRST_CLICK
    roi = _roi(edge)
    assert roi.loc[3, "baseline_weeks"] == 3  # 11-day span, shifted 14 days: 2026-01-22 is the third week back
    assert roi.loc[1, "baseline_weeks"] == 1
    long = _roi(edge, window=W30D).loc[1]  # a 35-day span: one shift back is before the first click
    assert long["baseline_weeks"] == 0 and long["observed_orders"] >= 0
    for col in ("baseline_orders", "incremental_orders", "incremental_orders_low", "iroas"):
        assert pd.isna(long[col]), col


# ---- the edge cases are really in the data -------------------------------------------------------

PRESENT = {
    "zero_spend_and_zero_impression_campaigns": lambda t: (t["campaigns"]["spend_cents"] == 0).any()
    and ((t["campaigns"]["impressions"] == 0) & (t["campaigns"]["spend_cents"] > 0)).any(),
    "campaign_without_post": lambda t: t["campaigns"]["post_id"].isna().sum() >= 2,
    "three_campaigns_on_one_post": lambda t: (t["campaigns"]["post_id"] == 105).sum() == 3,
    "paid_click_at_the_main_end": lambda t: ((t["clicks"]["clicked_at"] == E.MAIN_END)
                                             & t["clicks"]["campaign_id"].notna()).any(),
    "campaign_crossing_the_gap_end": lambda t: (t["campaigns"]["start_at"] < PERIODS["gap"].end_ts).any()
    and (t["campaigns"].set_index("campaign_id").loc[E.CROSSING_CAMPAIGN, "end_at"] > PERIODS["gap"].end_ts),
    "campaign_starting_at_the_main_end": lambda t: (t["campaigns"]["start_at"] == E.MAIN_END).any(),
    "delegated_headline_fans": lambda t: ((t["fans"]["influencer_id"] == E.PLAIN) & (t["fans"]["source"]
                                                                                     == "fan_headline")).sum() > 10,
}


@pytest.mark.parametrize("name", PRESENT)
def test_campaign_edge_case_is_present(tables: Tables, name: str) -> None:
    assert PRESENT[name](tables)


# ---- the lift estimate against the demo's planted truth -------------------------------------------

@pytest.fixture(scope="module")
def demo_roi(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """campaign_roi over the whole span of the `demo` scale (seed 0, ~270 campaigns) beside the true lift."""
    from advisor import demo

    path = demo.generate(tmp_path_factory.mktemp("demo") / "ds", "demo", seed=0)
    ds = dataset.open_dataset(path)
    roi = metrics.campaign_roi(ds, Filters(metrics.span_period(ds), window=W7D))
    truth = pd.read_parquet(Path(path) / "_truth" / "campaign_lift.parquet")
    out = roi.merge(truth, on="campaign_id", how="left", validate="one_to_one")
    assert out["true_incremental_orders"].notna().all()
    span_end = out["end_at"] + W7D
    # campaigns of the same influencer whose spans or baseline spans meet another one's: the baseline then holds
    # another campaign's lift, or the span does, which the method does not model
    disturbed = []
    for _, r in out.iterrows():
        same = out[(out["influencer_id"] == r["influencer_id"]) & (out["campaign_id"] != r["campaign_id"])]
        reach_back = r["start_at"] - 4 * WEEK * max(1, math.ceil((span_end[r.name] - r["start_at"]) / WEEK))
        disturbed.append(bool(((same["start_at"] < span_end[r.name]) & (same["end_at"] + W7D > reach_back)).any()))
    return out.assign(disturbed=disturbed)


def _covered(df: pd.DataFrame) -> pd.Series:
    return (df["incremental_orders_low"] <= df["true_incremental_orders"]) & (
        df["true_incremental_orders"] <= df["incremental_orders_high"])


def test_lift_interval_covers_the_planted_lift(demo_roi: pd.DataFrame) -> None:
    """The 90% interval should hold the planted lift for about 90% of campaigns. Measured on seed 0 (7-day
    window): 0.84 of all 273, 0.91 of the 64 that no other campaign of the same influencer disturbs, 0.82 of
    the others. The method does not model another campaign inside the span or the baseline weeks (its lift
    then moves the estimate), hence the lower bar for all campaigns; for undisturbed ones 0.80 is about three
    binomial standard deviations below the nominal 0.90."""
    based = demo_roi[demo_roi["baseline_weeks"] > 0]
    assert len(based) >= 200 and len(based) >= 0.9 * len(demo_roi)
    coverage = _covered(based).mean()
    clean = based[~based["disturbed"]]
    assert len(clean) >= 50
    assert coverage >= 0.78, coverage
    assert _covered(clean).mean() >= 0.80, (_covered(clean).mean(), len(clean))


def test_incremental_roas_tracks_the_planted_lift(demo_roi: pd.DataFrame) -> None:
    """Campaigns that added nothing have iROAS about 0 on average (not significantly different), while those
    with a planted lift have a clearly higher one."""
    paid = demo_roi[(demo_roi["baseline_weeks"] > 0) & (demo_roi["spend"] > 0)]
    zero = paid[paid["true_incremental_orders"] == 0]["iroas"]
    some = paid[paid["true_incremental_orders"] > 0]["iroas"]
    assert len(zero) >= 50 and len(some) >= 50
    se_zero = zero.std() / math.sqrt(len(zero))
    assert abs(zero.mean()) <= 2.5 * se_zero, (zero.mean(), se_zero)
    assert some.mean() - zero.mean() > 2 * math.sqrt(zero.var() / len(zero) + some.var() / len(some))
    # attributed ROAS of campaigns that added nothing: only the orders of relabelled clicks
    assert (paid[paid["true_incremental_orders"] == 0]["roas"] > 0).any()


@pytest.mark.parametrize("viewer", ["everyone", "merchant_1"])
def test_paid_clicks_count_up_to_any_period_end(edge: dataset.Dataset, tables: Tables, viewer: str) -> None:
    """campaign_roi and campaign_products count a campaign's paid clicks before $to: over a $to at midnight (every
    period of the screens) from the paid clicks by day, at any other instant (db.run) from the clicks. At a paid
    click's own instant it does not count yet, a microsecond later it does; a merchant counts its own products'."""
    clicks, campaigns, products = tables["clicks"], tables["campaigns"], tables["products"]
    paid = clicks[clicks["campaign_id"].notna().to_numpy(dtype=bool)]
    scope = VIEWERS[viewer]
    if scope.merchants is not None:
        theirs = set(products.loc[products["merchant_id"].isin(scope.merchants).to_numpy(dtype=bool), "product_id"])
        paid = paid[paid["product_id"].isin(theirs).to_numpy(dtype=bool)]
    start = campaigns["start_at"].min().floor("D")
    instants = sorted({t for t in paid["clicked_at"] if t != t.floor("D")})
    assert len(instants) >= 3, "the edge data has paid clicks at instants that are not midnights"
    checked = 0
    for t in instants[:: max(1, len(instants) // 4)]:
        for end in (t, t + pd.Timedelta(microseconds=1), t.ceil("D")):
            params = {"from": start.to_pydatetime(), "to": end.to_pydatetime(), "window": W7D, "influencers": []}
            roi = db.run(edge, "campaign_roi", scope, **params).set_index("campaign_id")
            before = paid[(paid["clicked_at"] < end).to_numpy(dtype=bool)]
            expected = before.groupby("campaign_id").size().reindex(roi.index, fill_value=0)
            assert roi["paid_clicks"].tolist() == expected.tolist(), (viewer, end)
            by_product = db.run(edge, "campaign_products", scope, **params).set_index("product")["paid_clicks"]
            summed = roi.groupby("product")["paid_clicks"].sum().reindex(by_product.index)
            assert by_product.tolist() == summed.tolist(), (viewer, end)
            checked += int(expected.sum() > 0)
    assert checked >= 3

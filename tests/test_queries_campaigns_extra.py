"""The Campaigns screen's own queries (campaign_details, campaign_products, campaign_hourly) and the CPS split,
against pandas written from METRICS.md and the query headers, and against campaign_roi where they share figures."""

from __future__ import annotations

import datetime as dt
import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from advisor import dataset, metrics
from advisor.access import EVERYONE, Viewer
from advisor.metrics import CpsSplit, Filters, Period

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


# ---- the reference --------------------------------------------------------------------------------

def picked_campaigns(t: Tables, case: Case) -> pd.DataFrame:
    """Campaigns started in the period, of the chosen influencers, that the viewer may see (a merchant sees the
    campaigns it bought)."""
    p, cp = case.p, t["campaigns"]
    keep = (in_range(cp["start_at"], p.start_ts, p.end_ts) & chosen(cp["influencer_id"], case.influencers)
            & influencer_visible(cp["influencer_id"], case.viewer))
    if case.viewer.merchants is not None:
        keep &= cp["buyer_merchant_id"].isin(list(case.viewer.merchants)).fillna(False).to_numpy(dtype=bool)
    return cp[keep]


def paid_orders(t: Tables, case: Case) -> pd.DataFrame:
    """Orders placed before the period end, attributed (within the window) through a click carrying a campaign id,
    wherever that click was (a paid click on a post missing from posts counts too)."""
    a = attribute(t, case.window)
    keep = a["attributed"] & a["campaign_id"].notna() & (a["ordered_at"] < case.p.end_ts)
    # a merchant counts orders of its own products only
    return a[keep.fillna(False).to_numpy(dtype=bool) & product_visible(a["product_id"], case.viewer, t)]


def ref_campaign_details(t: Tables, case: Case) -> pd.DataFrame:
    picked = picked_campaigns(t, case)
    orders = paid_orders(t, case).merge(t["products"][["product_id", "commission_rate"]], on="product_id", how="left")
    orders["commission"] = orders["net_amount"] * orders["commission_rate"]  # NaN for a product missing from products
    per = orders.groupby("campaign_id").agg(net_gmv=("net_amount", "sum"),
                                            commission=("commission", lambda s: s.sum(min_count=0)))
    out = picked[["campaign_id", "influencer_id", "post_id", "buyer_merchant_id", "spend"]].merge(
        per, left_on="campaign_id", right_index=True, how="left")
    out["net_gmv"] = out["net_gmv"].fillna(0.0)
    out["commission"] = out["commission"].fillna(0.0).round(2) if len(t["products"]) else None
    out = out.merge(t["influencers"][["influencer_id", "name"]].rename(columns={"name": "influencer_name"}),
                    on="influencer_id", how="left")
    out = out.merge(t["posts"][["post_id", "title"]].rename(columns={"title": "post_title"}), on="post_id", how="left")
    out = out.merge(t["merchants"][["merchant_id", "name"]].rename(columns={"merchant_id": "buyer_merchant_id",
                                                                            "name": "buyer_name"}),
                    on="buyer_merchant_id", how="left")
    return out[["campaign_id", "influencer_name", "post_title", "buyer_merchant_id", "buyer_name", "spend", "net_gmv",
                "commission"]]


def per_campaign(t: Tables, case: Case) -> pd.DataFrame:
    """Each picked campaign's attributed figures and new fans, written from METRICS.md (campaign_roi's words)."""
    picked = picked_campaigns(t, case)
    clicks = t["clicks"]
    clicks = clicks[(clicks["campaign_id"].notna() & (clicks["clicked_at"] < case.p.end_ts)).to_numpy(dtype=bool)
                    & product_visible(clicks["product_id"], case.viewer, t)]
    paid_clicks = clicks.groupby("campaign_id").size().rename("paid_clicks")
    orders = paid_orders(t, case).groupby("campaign_id").agg(orders=("order_id", "size"), gmv=("amount", "sum"))
    fans = t["fans"]
    new_fans = []
    for row in picked.itertuples():
        source = "fan_headline" if row.product == "delegated_headline" else row.product
        f = fans[(fans["influencer_id"] == row.influencer_id) & (fans["followed_at"] >= row.start_at)
                 & (fans["followed_at"] <= row.end_at) & (fans["followed_at"] < case.p.end_ts)
                 & (fans["source"] == source)]
        new_fans.append(len(f))
    out = picked[["campaign_id", "product", "spend", "impressions"]].copy()
    out["new_fans"] = new_fans
    out = out.merge(paid_clicks, left_on="campaign_id", right_index=True, how="left")
    out = out.merge(orders, left_on="campaign_id", right_index=True, how="left")
    out[["paid_clicks", "orders"]] = out[["paid_clicks", "orders"]].fillna(0).astype("int64")
    out["gmv"] = out["gmv"].fillna(0.0)
    out["roas"] = out["gmv"] / out["spend"].where(out["spend"] > 0)
    out["cost_per_new_fan"] = out["spend"] / out["new_fans"].where(out["new_fans"] > 0)
    return out


def ref_campaign_products(t: Tables, case: Case) -> pd.DataFrame:
    c = per_campaign(t, case)
    g = c.groupby("product")
    out = pd.DataFrame({
        "campaigns": g.size(), "spend": g["spend"].sum(), "impressions": g["impressions"].sum(),
        "paid_clicks": g["paid_clicks"].sum(), "orders": g["orders"].sum(), "gmv": g["gmv"].sum(),
        "new_fans": g["new_fans"].sum(),
        "median_roas": g["roas"].median(), "median_cost_per_new_fan": g["cost_per_new_fan"].median(),
    }).reset_index()
    out["roas"] = out["gmv"] / out["spend"].where(out["spend"] > 0)
    out["cost_per_new_fan"] = out["spend"] / out["new_fans"].where(out["new_fans"] > 0)
    return out


def ref_campaign_hourly(t: Tables, campaign_id: int, to: dt.datetime, window: dt.timedelta,
                        viewer: Viewer = EVERYONE) -> pd.DataFrame:
    """The header of campaign_hourly in pandas: hours from the launch hour over [start_at, min(end_at + window, to));
    events of the influencer's posts moved by whole-week shifts for the baseline weeks."""
    cp = t["campaigns"]
    row = cp[cp["campaign_id"] == campaign_id].iloc[0]
    visible = viewer.influencers is None or row["influencer_id"] in viewer.influencers
    if viewer.merchants is not None:
        visible = visible and not pd.isna(row["buyer_merchant_id"]) and row["buyer_merchant_id"] in viewer.merchants
    if row["start_at"] >= to or not visible:
        return pd.DataFrame()
    start, end = row["start_at"], row["end_at"]
    span_end = min(end + window, to)
    shift = dt.timedelta(days=7 * max(1, math.ceil((span_end - start).total_seconds() / 604_800)))
    clicks_seen = t["clicks"][product_visible(t["clicks"]["product_id"], viewer, t)]  # a merchant: on its products
    first_click = clicks_seen["clicked_at"].min()
    weeks = [k for k in range(1, 5) if start - k * shift >= first_click]
    hours = pd.date_range(start.floor("h"), span_end - dt.timedelta(microseconds=1), freq="h").astype("datetime64[us]")

    clicks = t["clicks"].merge(t["posts"][["post_id", "influencer_id"]], on="post_id")
    clicks = clicks[(clicks["influencer_id"] == row["influencer_id"]).to_numpy(dtype=bool)
                    & product_visible(clicks["product_id"], viewer, t)]  # a merchant: its own products only
    a = attribute(t, window)
    orders = a[(a["attributed"] & (a["influencer_id"] == row["influencer_id"])).fillna(False).to_numpy(dtype=bool)
               & product_visible(a["product_id"], viewer, t)]

    def per_hour(ts: pd.Series, by: dt.timedelta) -> pd.Series:
        ts = ts[(ts >= start - by) & (ts < span_end - by)]
        return (ts + by).dt.floor("h").value_counts().reindex(hours, fill_value=0).astype("int64")

    out = pd.DataFrame({"hour_start": hours})
    out["hours_since_launch"] = np.arange(len(hours))
    out["in_delivery"] = out["hour_start"] < end
    paid = clicks.loc[clicks["campaign_id"] == campaign_id, "clicked_at"]
    out["paid_clicks"] = per_hour(paid, dt.timedelta(0)).to_numpy()
    out["clicks"] = per_hour(clicks["clicked_at"], dt.timedelta(0)).to_numpy()
    out["orders"] = per_hour(orders["ordered_at"], dt.timedelta(0)).to_numpy()
    out["baseline_weeks"] = len(weeks)
    none = pd.array([pd.NA] * len(hours), dtype="Int64")  # no baseline week: the baseline columns are null
    base = {what: pd.DataFrame({k: per_hour(ts, k * shift).to_numpy() for k in weeks}, index=range(len(hours)))
            for what, ts in (("clicks", clicks["clicked_at"]), ("orders", orders["ordered_at"]))}
    for what in ("clicks", "orders"):
        b = base[what]
        out[f"baseline_{what}_mean"] = b.mean(axis=1) if weeks else np.nan
        out[f"baseline_{what}_min"] = b.min(axis=1) if weeks else none
        out[f"baseline_{what}_max"] = b.max(axis=1) if weeks else none
    out["cumulative_clicks"] = out["clicks"].cumsum()
    out["cumulative_orders"] = out["orders"].cumsum()
    for what in ("clicks", "orders"):
        running = base[what].cumsum()
        out[f"baseline_cumulative_{what}_mean"] = running.mean(axis=1) if weeks else np.nan
        out[f"baseline_cumulative_{what}_min"] = running.min(axis=1) if weeks else none
        out[f"baseline_cumulative_{what}_max"] = running.max(axis=1) if weeks else none
    return out


# ---- the cases -----------------------------------------------------------------------------------

CASES = [
    Case("all", W7D), Case("all", W30D), Case("all", W1H), Case("main", W7D), Case("main", W30D),
    Case("all", W7D, (E.HEAD, E.WAIST)), Case("main", W1H, (E.SMALL,)),
    Case("all", W7D, (), Viewer(merchants=(1,)), "merchant_1"),
    Case("all", W30D, (), Viewer(influencers=(E.HEAD, E.PLAIN)), "inf_1_2"),
    Case("all", W7D, (), Viewer(influencers=()), "nobody"),
    Case("empty", W7D),
]
CASE_IDS = [str(c) for c in CASES]


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_campaign_details_matches_reference(edge: dataset.Dataset, tables: Tables, case: Case) -> None:
    actual = metrics.run_query(edge, "campaign_details", case.viewer, **case.filters.event_params())
    expected = ref_campaign_details(tables, case)
    assert_same(actual, expected, ["campaign_id"], money_rounded=("commission",))


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_campaign_products_matches_reference(edge: dataset.Dataset, tables: Tables, case: Case) -> None:
    actual = metrics.campaign_products(edge, case.filters, case.viewer)
    expected = ref_campaign_products(tables, case)
    assert_same(actual, expected, ["product"])


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_campaign_products_agree_with_campaign_roi(edge: dataset.Dataset, case: Case) -> None:
    """Totals and medians over campaign_roi's rows: the two queries count every campaign the same way."""
    roi = metrics.campaign_roi(edge, case.filters, case.viewer)
    products = metrics.campaign_products(edge, case.filters, case.viewer).set_index("product")
    assert sorted(products.index) == sorted(roi["product"].unique())
    for product, rows in roi.groupby("product"):
        got = products.loc[product]
        assert got["campaigns"] == len(rows)
        for col in ("spend", "impressions", "paid_clicks", "orders", "gmv", "new_fans"):
            assert np.isclose(float(got[col]), float(rows[col].sum())), (product, col)
        for col in ("roas", "cost_per_new_fan"):
            expected = rows[col].dropna().astype(float).median()
            assert (pd.isna(got[f"median_{col}"]) and pd.isna(expected)) or np.isclose(got[f"median_{col}"], expected)


@pytest.mark.parametrize("window", E.WINDOWS, ids=["1h", "7d", "30d"])
@pytest.mark.parametrize("period_name", ["all", "main"])
def test_campaign_hourly_matches_reference(edge: dataset.Dataset, tables: Tables, period_name: str,
                                           window: dt.timedelta) -> None:
    p = Period(*E.PERIODS[period_name])
    shown = 0
    for campaign in tables["campaigns"]["campaign_id"]:
        actual = metrics.campaign_hourly(edge, Filters(p, window=window, extra=(("campaign", int(campaign)),)))
        expected = ref_campaign_hourly(tables, int(campaign), p.end_ts, window)
        assert actual.empty == expected.empty, campaign
        if not expected.empty:
            assert list(actual.columns) == list(expected.columns)
            assert_same(actual, expected, ["hour_start"])
            shown += 1
    assert shown >= 3


@pytest.mark.parametrize("viewer", [Viewer(merchants=(1,)), Viewer(merchants=(2,)), Viewer(influencers=(E.HEAD,)),
                                    Viewer(influencers=())], ids=["merchant_1", "merchant_2", "inf_1", "nobody"])
def test_campaign_hourly_under_a_viewer_scope(edge: dataset.Dataset, tables: Tables, viewer: Viewer) -> None:
    p = Period(*E.PERIODS["all"])
    for campaign in tables["campaigns"]["campaign_id"].astype(int):
        f = Filters(p, extra=(("campaign", campaign),))
        actual = metrics.campaign_hourly(edge, f, viewer)
        expected = ref_campaign_hourly(tables, campaign, p.end_ts, W7D, viewer)
        assert actual.empty == expected.empty, campaign
        if not expected.empty:
            assert_same(actual, expected, ["hour_start"])


def test_campaign_hourly_needs_a_campaign_and_an_unknown_one_has_no_rows(edge: dataset.Dataset) -> None:
    with pytest.raises(metrics.ParameterError, match="--campaign ID"):
        metrics.campaign_hourly(edge, Filters(Period(*E.PERIODS["all"])))
    assert metrics.campaign_hourly(edge, Filters(Period(*E.PERIODS["all"]), extra=(("campaign", 424242),))).empty


def _hourly_totals_agree_with_roi(ds: dataset.Dataset, f: Filters) -> int:
    """Σ orders per hour is campaign_roi's observed_orders and the last hour's running baseline its baseline_orders."""
    roi = metrics.campaign_roi(ds, f)
    checked = 0
    for row in roi.itertuples():
        hourly = metrics.campaign_hourly(ds, Filters(f.period, f.influencers, f.window,
                                                     extra=(("campaign", row.campaign_id),)))
        assert int(hourly["orders"].sum()) == row.observed_orders, row.campaign_id
        assert int(hourly["baseline_weeks"].iloc[0]) == row.baseline_weeks
        if row.baseline_weeks:
            assert np.isclose(hourly["baseline_orders_mean"].sum(), row.baseline_orders)
            assert np.isclose(hourly["baseline_cumulative_orders_mean"].iloc[-1], row.baseline_orders)
        assert int(hourly["cumulative_orders"].iloc[-1]) == row.observed_orders
        checked += 1
    return checked


def test_hourly_totals_agree_with_campaign_roi_on_edge_data(edge: dataset.Dataset, tables: Tables) -> None:
    all_span = Period(*E.PERIODS["all"])
    started = int(in_range(tables["campaigns"]["start_at"], all_span.start_ts, all_span.end_ts).sum())
    for window in E.WINDOWS:
        assert _hourly_totals_agree_with_roi(edge, Filters(all_span, window=window)) == started


def test_hourly_totals_agree_with_campaign_roi_on_the_tiny_demo(tiny_demo: Path) -> None:
    ds = dataset.open_dataset(tiny_demo)
    assert _hourly_totals_agree_with_roi(ds, Filters(metrics.span_period(ds))) > 10


def test_campaign_table_keeps_campaign_roi_rows_and_order(tiny_demo: Path) -> None:
    ds = dataset.open_dataset(tiny_demo)
    f = Filters(metrics.span_period(ds))
    roi, table = metrics.campaign_roi(ds, f), metrics.campaign_table(ds, f)
    assert table["campaign_id"].tolist() == roi["campaign_id"].tolist()
    pd.testing.assert_frame_equal(table[list(roi.columns)], roi)
    assert {"influencer_name", "post_title", "buyer_name", "commission", "influencer_earnings",
            "profit_roi"} <= set(table.columns)


def test_commission_is_null_without_a_products_export(edge_path: Path, tmp_path: Path) -> None:
    data = tmp_path / "no_products"
    shutil.copytree(edge_path, data)
    (data / "products.parquet").unlink()
    (data / "merchants.parquet").unlink()
    ds = dataset.open_dataset(data)
    details = metrics.campaign_details(ds, Filters(Period(*E.PERIODS["all"])))
    assert len(details) >= 4
    assert details["commission"].isna().all() and details["influencer_earnings"].isna().all()
    assert details["profit_roi"].isna().all() and details["buyer_name"].isna().all()


# ---- the CPS split ---------------------------------------------------------------------------------

def test_cps_split_defaults_and_link_form() -> None:
    split = CpsSplit()
    assert (split.platform_fee, split.weibo, split.influencer) == (10, 30, 60)
    assert split.to_param() == "10,30,60" and CpsSplit.parse("10,30,60") == split
    assert CpsSplit.parse(" 0, 20 ,80") == CpsSplit(0, 20)
    assert CpsSplit.parse("0,0,100").influencer_share == 1.0


@pytest.mark.parametrize("bad", [None, "", "10,30", "10,30,61", "a,b,c", "-10,50,60", "10.5,29.5,60", "50,60,-10",
                                 "10,30,60,0", 12])
def test_cps_split_rejects_what_it_cannot_read(bad: object) -> None:
    assert CpsSplit.parse(bad) is None


def test_cps_split_refuses_more_than_the_whole_commission() -> None:
    with pytest.raises(ValueError):
        CpsSplit(60, 50)


def test_cps_split_applies_to_self_paid_campaigns_only() -> None:
    frame = pd.DataFrame({"campaign_id": [1, 2, 3, 4],
                          "buyer_merchant_id": pd.array([None, 7, None, None], dtype="Int64"),
                          "spend": [100.0, 100.0, 0.0, 50.0], "commission": [250.0, 250.0, 30.0, None]})
    out = CpsSplit(20, 30).apply(frame)
    assert out["influencer_share"].tolist() == [0.5] * 4
    assert out["influencer_earnings"].tolist()[0] == 125.0
    assert out["influencer_earnings"].isna().tolist() == [False, True, False, True]
    assert out["profit_roi"].tolist()[0] == pytest.approx(0.25)
    assert out["profit_roi"].isna().tolist() == [False, True, True, True]  # merchant paid, no spend, no commission
    assert "influencer_earnings" not in frame  # the input is left alone


def test_campaign_details_use_the_chosen_split(edge: dataset.Dataset) -> None:
    p = Period(*E.PERIODS["all"])
    default = metrics.campaign_details(edge, Filters(p))
    everything = metrics.campaign_details(edge, Filters(p, extra=(("cps", CpsSplit(0, 0)),)))
    own = default["buyer_merchant_id"].isna() & default["commission"].notna()
    assert own.any()
    assert np.allclose(default.loc[own, "influencer_earnings"], (default.loc[own, "commission"] * 0.6).round(2))
    assert np.allclose(everything.loc[own, "influencer_earnings"], everything.loc[own, "commission"])

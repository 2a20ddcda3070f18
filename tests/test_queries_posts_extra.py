"""The Posts screen's own queries (posts_funnel, posts_channel_split) against pandas written from METRICS.md."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from advisor import dataset, db, metrics
from advisor.access import EVERYONE, Viewer
from advisor.metrics import Filters, Period

from . import edge_data as E
from .test_queries import (
    Case,
    Tables,
    _isin,
    assert_same,
    attribute,
    chosen,
    in_range,
    influencer_visible,
    product_visible,
)

W1H, W7D, W30D = E.WINDOWS


# ---- the reference --------------------------------------------------------------------------------

def picked_posts(t: Tables, case: Case) -> pd.DataFrame:
    """METRICS.md, post figures: posts posted in the period, of the chosen influencers the viewer may see; a
    merchant sees only posts linking one of its products."""
    p, posts = case.p, t["posts"]
    keep = (in_range(posts["posted_at"], p.start_ts, p.end_ts) & chosen(posts["influencer_id"], case.influencers)
            & influencer_visible(posts["influencer_id"], case.viewer))
    if case.viewer.merchants is not None:
        links = posts[["post_id", "product_ids"]].explode("product_ids")
        linking = links.loc[product_visible(links["product_ids"], case.viewer, t), "post_id"]
        keep &= _isin(posts["post_id"], linking)
    return posts[keep]


def _fan_flags(events: pd.DataFrame, time_col: str, t: Tables) -> np.ndarray:
    """Whether each event's user was a fan of the post's author at the event's time."""
    fans = t["fans"][["influencer_id", "fan_id", "followed_at", "unfollowed_at"]].astype({"influencer_id": "Int64",
                                                                                          "fan_id": "Int64"})
    rows = events[["influencer_id", "user_id", time_col]].astype({"influencer_id": "Int64", "user_id": "Int64"})
    rows = rows.reset_index(drop=True).reset_index(names="_row")
    pairs = rows.merge(fans, left_on=["influencer_id", "user_id"], right_on=["influencer_id", "fan_id"])
    at = pairs[time_col]
    fan = (pairs["followed_at"] <= at) & (pairs["unfollowed_at"].isna() | (pairs["unfollowed_at"] > at))
    return rows["_row"].isin(set(pairs.loc[fan, "_row"])).to_numpy(dtype=bool)


def post_events(t: Tables, case: Case) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The picked posts, their clicks and their attributed orders from posting up to the period end, on products
    the viewer may see; each click and order marked from a fan or not."""
    posts = picked_posts(t, case)
    end = case.p.end_ts
    clicks = t["clicks"].merge(posts[["post_id", "influencer_id"]], on="post_id")
    clicks = clicks[(clicks["clicked_at"] < end).to_numpy(dtype=bool)
                    & product_visible(clicks["product_id"], case.viewer, t)].copy()
    clicks["from_fan"] = _fan_flags(clicks, "clicked_at", t)
    orders = attribute(t, case.window)
    orders = orders[_isin(orders["post_id"], posts["post_id"]) & (orders["ordered_at"] < end).to_numpy(dtype=bool)
                    & product_visible(orders["product_id"], case.viewer, t)].copy()
    orders["from_fan"] = _fan_flags(orders, "ordered_at", t)
    return posts, clicks, orders


def _ratio(num: float, den: float) -> float:
    return num / den if den else np.nan


def ref_posts_funnel(t: Tables, case: Case) -> pd.DataFrame:
    posts, clicks, orders = post_events(t, case)
    values = [int(posts["impressions"].sum()), int(posts["reads"].sum()), len(clicks), len(orders)]
    return pd.DataFrame({
        "step": ["impressions", "reads", "clicks", "orders"],
        "step_order": [1, 2, 3, 4],
        "value": values,
        "step_rate": [np.nan] + [_ratio(v, prev) for prev, v in zip(values, values[1:], strict=False)],
        "overall_rate": [_ratio(v, values[0]) for v in values],
    })


def ref_posts_channel_split(t: Tables, case: Case) -> pd.DataFrame:
    _, clicks, orders = post_events(t, case)
    rows = []

    def add(split: str, bucket: str | None, c: pd.DataFrame, o: pd.DataFrame) -> None:
        rows.append({"split": split, "bucket": bucket, "clicks": len(c), "orders": len(o),
                     "gmv": int(o["amount_cents"].sum()) / 100, "net_gmv": int(o["net_cents"].sum()) / 100,
                     "cvr": _ratio(len(o), len(c))})

    unknown = "\0"  # a NULL channel is a group of its own
    c_channel, o_channel = clicks["channel"].fillna(unknown), orders["channel"].fillna(unknown)
    for channel in sorted(set(c_channel) | set(o_channel)):
        add("channel", None if channel == unknown else channel, clicks[c_channel == channel],
            orders[o_channel == channel])
    for bucket, flag in (("fan", True), ("non_fan", False)):
        c, o = clicks[clicks["from_fan"] == flag], orders[orders["from_fan"] == flag]
        if len(c) or len(o):
            add("fan", bucket, c, o)
    add("total", "all", clicks, orders)
    return pd.DataFrame(rows)


# ---- the cases ------------------------------------------------------------------------------------

VIEWERS = {"inf_1_2": Viewer(influencers=(1, 2)), "merchant_1": Viewer(merchants=(1,)),
           "inf_4_6_merchant_1_2": Viewer(influencers=(4, 6), merchants=(1, 2)), "nobody": Viewer(influencers=())}
CASES = (
    [Case(p, W7D) for p in E.PERIODS]
    + [Case("all", W30D), Case("all", W1H), Case("main", W1H), Case("main", W30D)]
    + [Case("main", W30D, (E.PLAIN,)), Case("main", W1H, (E.WAIST,)), Case("main", W7D, (E.SMALL, E.QUIET)),
       Case("all", W7D, (E.HEAD,)), Case("day_quiet", W7D, (E.QUIET,))]
    + [Case("main" if i % 2 else "all", W7D, (), v, name) for i, (name, v) in enumerate(VIEWERS.items())]
    + [Case("all", W1H, (E.QUIET,), Viewer(merchants=(3,)), "merchant_3")]
)
CASE_IDS = [str(c) for c in CASES]


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_posts_funnel_matches_reference(edge: dataset.Dataset, tables: Tables, case: Case) -> None:
    actual = metrics.posts_funnel(edge, case.filters, case.viewer)
    assert list(actual["step"]) == ["impressions", "reads", "clicks", "orders"], "all four steps, in order"
    assert_same(actual, ref_posts_funnel(tables, case), ["step_order"])


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_posts_channel_split_matches_reference(edge: dataset.Dataset, tables: Tables, case: Case) -> None:
    actual = metrics.posts_channel_split(edge, case.filters, case.viewer)
    assert_same(actual, ref_posts_channel_split(tables, case), ["split", "bucket"])


@pytest.mark.parametrize("case", [CASES[0], Case("all", W30D), Case("main", W1H, (E.PLAIN, E.HEAD))],
                         ids=lambda c: str(c))
def test_the_funnel_and_the_split_agree_with_post_conversion(edge: dataset.Dataset, case: Case) -> None:
    """The screen's funnel and split are sums of the post table's figures (and of post_channels)."""
    posts = metrics.post_conversion(edge, case.filters)
    funnel = metrics.posts_funnel(edge, case.filters).set_index("step")["value"]
    for step in ("impressions", "reads", "clicks", "orders"):
        assert funnel[step] == posts[step].sum(), step
    split = metrics.posts_channel_split(edge, case.filters)
    channels = metrics.post_channels(edge, case.filters)
    total = split[split["split"] == "total"].iloc[0]
    assert total["clicks"] == posts["clicks"].sum() == channels["clicks"].sum()
    assert total["orders"] == posts["orders"].sum() == channels["orders"].sum()
    assert total["gmv"] == pytest.approx(posts["gmv"].sum())
    for part in ("channel", "fan"):
        rows = split[split["split"] == part]
        assert rows["clicks"].sum() == total["clicks"] and rows["orders"].sum() == total["orders"], part
    by_channel = channels.groupby("channel", dropna=False)[["clicks", "orders"]].sum()
    mine = split[split["split"] == "channel"].set_index("bucket")[["clicks", "orders"]]
    assert mine.sort_index().to_dict() == by_channel.sort_index().to_dict()


def test_no_posts_gives_four_zero_steps_and_one_empty_total(edge: dataset.Dataset) -> None:
    """A period without posts: the funnel still has its four steps (ratios null, not 0), the split its total."""
    empty = Filters(Period(E.EMPTY_DAYS[0], E.EMPTY_DAYS[-1]))
    assert metrics.post_conversion(edge, empty).empty
    funnel = metrics.posts_funnel(edge, empty)
    assert funnel["value"].tolist() == [0, 0, 0, 0]
    assert funnel["step_rate"].isna().all() and funnel["overall_rate"].isna().all()
    split = metrics.posts_channel_split(edge, empty)
    assert split[["split", "bucket", "clicks", "orders"]].to_dict("records") == [
        {"split": "total", "bucket": "all", "clicks": 0, "orders": 0}]
    assert pd.isna(split["cvr"].iloc[0])


def test_zero_impressions_make_the_ratios_null(edge: dataset.Dataset, tables: Tables) -> None:
    """A day whose only post (of SMALL) has no impressions and no reads: shares of them are null, never 0."""
    posts = tables["posts"]
    day = posts.loc[(posts["influencer_id"] == E.SMALL) & (posts["impressions"] == 0), "posted_at"].max().date()
    assert ((posts["influencer_id"] == E.SMALL) & (posts["posted_at"].dt.date == day)).sum() == 1
    funnel = metrics.posts_funnel(edge, Filters(Period(day, day), influencers=(E.SMALL,))).set_index("step")
    assert funnel.loc["impressions", "value"] == 0 and funnel.loc["reads", "value"] == 0
    assert funnel["overall_rate"].isna().all()
    assert pd.isna(funnel.loc["reads", "step_rate"]) and pd.isna(funnel.loc["clicks", "step_rate"])


def test_the_window_changes_orders_not_clicks(edge: dataset.Dataset) -> None:
    span = Period(*E.PERIODS["all"])
    hour, month = (metrics.posts_channel_split(edge, Filters(span, window=w)) for w in (W1H, W30D))
    assert hour["clicks"].sum() == month["clicks"].sum()
    assert hour["orders"].sum() < month["orders"].sum()
    assert metrics.posts_funnel(edge, Filters(span, window=W1H), EVERYONE)["value"].iloc[3] == hour.loc[
        hour["split"] == "total", "orders"].iloc[0]


def test_a_post_exported_twice_counts_each_clicker_and_buyer_once(minimal_dataset: Path) -> None:
    """A post id exported twice (an integrity error the check reports) shows the same figures on both of its rows,
    with each clicker and each buyer once (its clicks and orders meet both rows of the post, as on every screen),
    whether they come from the clicks and orders by day or, for a period that does not end at midnight, from the
    clicks; the benchmark trend's months sum both rows, as the benchmark of each month does."""
    import datetime as dt

    clicks = pq.read_table(minimal_dataset / "clicks.parquet")
    user = clicks.schema.field("user_id")
    more = clicks.slice(0, 1).set_column(clicks.column_names.index("user_id"), user, pa.array([11], user.type))
    pq.write_table(pa.concat_tables([clicks, more]), minimal_dataset / "clicks.parquet")
    orders = pq.read_table(minimal_dataset / "orders.parquet")  # user 11 orders what it clicked on post 100
    bought = orders.slice(0, 1)
    for column, value in (("user_id", 11), ("order_id", 3)):
        field = orders.schema.field(column)
        bought = bought.set_column(orders.column_names.index(column), field, pa.array([value], field.type))
    pq.write_table(pa.concat_tables([orders, bought]), minimal_dataset / "orders.parquet")
    figures = ["clicks", "clickers", "fan_clicks", "orders", "buyers", "gmv", "refunded_orders"]
    distinct = ["clickers", "buyers"]
    whole = Filters(Period(dt.date(2026, 3, 1), dt.date(2026, 3, 3)))
    part = {"from": dt.datetime(2026, 3, 1), "to": dt.datetime(2026, 3, 3, 12), "window": dt.timedelta(days=7),
            "influencers": []}
    once = metrics.post_conversion(dataset.open_dataset(minimal_dataset), whole).set_index("post_id")
    assert once.loc[100, "clickers"] == 2 and once.loc[100, "orders"] >= 1, "the post has clickers and an order"

    posts = pq.read_table(minimal_dataset / "posts.parquet")
    pq.write_table(pa.concat_tables([posts, posts.slice(0, 1)]), minimal_dataset / "posts.parquet")
    ds = dataset.open_dataset(minimal_dataset)
    whole_days, part_day = metrics.post_conversion(ds, whole), db.run(ds, "post_conversion", **part)
    for shown in (whole_days, part_day):
        twice = shown.loc[shown["post_id"] == 100, figures]
        assert len(twice) == 2 and twice.iloc[0].tolist() == twice.iloc[1].tolist()
        assert twice.iloc[0][distinct].tolist() == once.loc[100, distinct].tolist()
    assert whole_days[figures].sum().tolist() == part_day[figures].sum().tolist()

    cur = db.prepare(ds).cursor()
    try:
        for end in (dt.datetime(2026, 4, 1), dt.datetime(2026, 3, 31, 12)):  # one month: midnight or not
            params = {"from": dt.datetime(2026, 3, 1), "to": end, "window": dt.timedelta(days=7)}
            monthly = cur.sql("select influencer_id, metric, denominator, value "
                              "from benchmark_monthly_figures($from, $to, $to, $window) order by all",
                              params=params).fetchall()
            alone = cur.sql("select influencer_id, metric, denominator, value "
                            "from benchmark_figures($from, $to, $to, $window, null, null) order by all",
                            params=params).fetchall()
            assert monthly == alone and monthly, end
    finally:
        cur.close()


def test_a_post_exported_twice_is_ranked_once_per_row(minimal_dataset: Path) -> None:
    """post_ranking ranks rows as post_conversion shows them: a post id exported twice (an integrity error the check
    reports) takes two ranks, both counted in ranked_posts, and a limit through them keeps as many rows as it says."""
    posts = pq.read_table(minimal_dataset / "posts.parquet")
    pq.write_table(pa.concat_tables([posts, posts.slice(0, 1)]), minimal_dataset / "posts.parquet")
    ds = dataset.open_dataset(minimal_dataset)
    span = metrics.span_period(ds)
    assert span is not None
    shown = {}
    for limit in (1, 2, 3):
        f = Filters(span, extra=(("rank_by", "impressions"), ("limit", limit)))
        got = metrics.post_ranking(ds, f)
        shown[limit] = got["post_id"].tolist()
        assert got["rank"].tolist() == list(range(1, limit + 1)) and set(got["ranked_posts"]) == {3}
    assert shown == {1: [100], 2: [100, 100], 3: [100, 100, 101]}

"""The Merchants screen's queries (influencer_compare, audience_overlap, audience_match, shortlist_reach, merchant_list)
against independent pandas computations written from METRICS.md on the edge dataset, exact figures on a small planted
dataset, the target segment's parsing, and the command line."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from advisor import dataset, db, metrics
from advisor.access import EVERYONE, Viewer
from advisor.cli import main
from advisor.dataset import TABLES, arrow_schema
from advisor.metrics import Filters, ParameterError, Period, Segment

from . import edge_data as E
from .test_queries import (
    Case,
    Tables,
    account_visible,
    assert_same,
    attribute,
    chosen,
    fan_at,
    in_range,
    influencer_visible,
    moments_around_last_follows,
    tier_of,
)

W1H, W7D, W30D = E.WINDOWS
VIEWERS = {
    "everyone": EVERYONE,
    "inf_1_2": Viewer(influencers=(E.HEAD, E.PLAIN)),
    "merchant_1": Viewer(merchants=(1,)),
    "merchant_2": Viewer(merchants=(2,)),
    "merchant_1_2_inf_2_4": Viewer(influencers=(E.PLAIN, E.SMALL), merchants=(1, 2)),
    "nobody": Viewer(influencers=()),
}
SEGMENTS = {
    "none": Segment(),
    "women": Segment(gender=("f",)),
    # NULL profiles, list-valued interests (a NULL tag, an empty list, a duplicate tag) and a free tag, several
    # values per criterion
    "mixed": Segment(gender=("f", "m"), age_band=("18-24", "25-29", "50+"), interest=("beauty", "猫咪", "acg")),
    "narrow": Segment(gender=("f",), city_tier=(1, 3), province=("广东", "海外"), interest=("food",)),
    "ages": Segment(age_band=("<18", "18-24", "40-49")),
    # a province without interests: counted from final_segment_fans' rows with the province, once settled
    "places": Segment(gender=("m",), city_tier=(1, 2, 4), province=("广东", "海外")),
}


class MCase(Case):
    """A Case with a merchant and a target segment."""

    def __init__(self, period: str, window: dt.timedelta = W7D, influencers: tuple[int, ...] = (),
                 viewer: str = "everyone", merchant: int | None = 1, seg: str = "none") -> None:
        super().__init__(period, window, influencers, VIEWERS[viewer], viewer)
        object.__setattr__(self, "merchant", merchant)
        object.__setattr__(self, "seg", seg)

    @property
    def filters(self) -> Filters:
        return Filters(period=self.p, influencers=self.influencers, window=self.window, merchant=self.merchant,
                       extra=(("segment", SEGMENTS[self.seg]),))

    def __str__(self) -> str:
        return f"{super().__str__()}-m{self.merchant}-{self.seg}"


# ---- the reference: pandas, from METRICS.md and the headers of the queries -----------------------------

def _div(num: float, den: float) -> float:
    return num / den if den else np.nan


def _isin(s: pd.Series, values: object) -> np.ndarray:
    return s.isin(list(values)).fillna(False).to_numpy(dtype=bool)


def age_band(birth_year: object, year: int) -> str | None:
    """METRICS.md's bands of the age reached in the year of the period's last day."""
    if pd.isna(birth_year):
        return None
    age = year - int(birth_year)
    for top, band in ((18, "<18"), (25, "18-24"), (30, "25-29"), (35, "30-34"), (40, "35-39"), (50, "40-49")):
        if age < top:
            return band
    return "50+"


def audience_of(t: Tables, end: dt.datetime, seg: Segment) -> pd.DataFrame:
    """Per influencer and user following it at `end`: whether some follow meets each criterion and all of them. A
    criterion without values is met by all; an unknown value meets none that has values; interests are met by any
    tag of the fan among the wanted ones."""
    f = t["fans"][fan_at(t["fans"], end)].reset_index(drop=True)
    year = (pd.Timestamp(end) - pd.Timedelta(days=1)).year
    everyone = pd.Series(True, index=f.index)

    def wanted(values: tuple, column: pd.Series) -> pd.Series:
        return column.map(lambda v: not pd.isna(v) and v in values) if values else everyone

    met = pd.DataFrame({
        "influencer_id": f["influencer_id"].astype(int), "fan_id": f["fan_id"].astype(int),
        "gender": wanted(seg.gender, f["gender"]),
        "age_band": wanted(seg.age_band, f["birth_year"].map(lambda y: age_band(y, year))),
        "city_tier": wanted(tuple(seg.city_tier), f["city_tier"].map(lambda v: None if pd.isna(v) else int(v))),
        "interest": (f["interests"].map(lambda tags: tags is not None and any(x in seg.interest for x in tags
                                                                               if x is not None))
                     if seg.interest else everyone),
        "province": wanted(seg.province, f["province"]),
    })
    met["matched"] = met[list(metrics.SEGMENT_DIMS)].all(axis=1)
    return met.groupby(["influencer_id", "fan_id"], as_index=False).max()


_audiences: dict[tuple, pd.DataFrame] = {}


def audience(t: Tables, end: dt.datetime, seg: Segment) -> pd.DataFrame:
    key = (id(t["fans"]), end, seg)
    if key not in _audiences:
        _audiences[key] = audience_of(t, end, seg)
    return _audiences[key]


def ref_influencer_compare(t: Tables, c: MCase, start: dt.datetime | None = None, end: dt.datetime | None = None
                           ) -> pd.DataFrame:
    """METRICS.md, influencer_compare, for the case's period or [start, end)."""
    p, viewer, seg = c.p, c.viewer, SEGMENTS[c.seg]
    start, end = start or p.start_ts, end or p.end_ts
    products = t["products"]
    mine = products[(products["merchant_id"] == c.merchant).fillna(False).to_numpy(dtype=bool)]
    if viewer.merchants is not None and c.merchant not in viewer.merchants:
        mine = mine.iloc[0:0]
    rate = dict(zip(mine["product_id"].astype(int), mine["commission_rate"], strict=True))

    def ours(ids: pd.Series) -> np.ndarray:
        return chosen(ids, c.influencers) & influencer_visible(ids, viewer)

    clicks = t["clicks"].merge(t["posts"][["post_id", "influencer_id"]], on="post_id")  # clicks on existing posts
    clicks = clicks[in_range(clicks["clicked_at"], start, end) & _isin(clicks["product_id"], rate)
                    & ours(clicks["influencer_id"])]
    a = attribute(t, c.window)
    orders = a[a["attributed"].to_numpy(dtype=bool) & in_range(a["ordered_at"], start, end)
               & _isin(a["product_id"], rate) & a["influencer_id"].notna().to_numpy(dtype=bool)
               & ours(a["influencer_id"])]
    all_mine = t["orders"][_isin(t["orders"]["product_id"], rate)]
    posts = t["posts"][in_range(t["posts"]["posted_at"], start, end)]
    posts = posts[[any(int(x) in rate for x in (ids if ids is not None else [])) for ids in posts["product_ids"]]]
    cp = t["campaigns"]
    bought = cp[(cp["buyer_merchant_id"] == c.merchant).fillna(False).to_numpy(dtype=bool)
                & in_range(cp["start_at"], start, end)]
    fans = audience(t, end, seg)

    rows = []
    for inf in sorted(set(clicks["influencer_id"].astype(int)) | set(orders["influencer_id"].astype(int))):
        cl = clicks[clicks["influencer_id"] == inf]
        od = orders[(orders["influencer_id"] == inf).to_numpy(dtype=bool)]
        # a buyer is new when one of its orders here has no earlier order (of any of the merchant's products)
        new = {int(o["user_id"]) for _, o in od.iterrows()
               if not ((all_mine["user_id"] == o["user_id"]) & (all_mine["ordered_at"] < o["ordered_at"])).any()}
        commission = float(sum(n / 100 * (rate[int(pid)] if not pd.isna(rate[int(pid)]) else 0.0)
                               for n, pid in zip(od["net_cents"], od["product_id"], strict=True)))
        commission = round(commission, 2)
        spend = int(bought.loc[(bought["influencer_id"] == inf).to_numpy(dtype=bool), "spend_cents"].sum()) / 100
        mine_fans = fans[fans["influencer_id"] == inf]
        gmv = int(od["amount_cents"].sum()) / 100
        total = round(commission + spend, 2)
        info = t["influencers"][t["influencers"]["influencer_id"] == inf]
        tier = info["tier"].iloc[0] if len(info) else None
        rows.append({
            "influencer_id": inf,
            "posts": int((posts["influencer_id"] == inf).sum()),
            "clicks": len(cl), "orders": len(od), "gmv": gmv, "net_gmv": int(od["net_cents"].sum()) / 100,
            "commission_cost": commission, "headline_spend": spend, "total_cost": total,
            "roas": _div(gmv, total), "cost_per_order": _div(total, len(od)), "new_buyers": len(new),
            "audience_match": _div(int(mine_fans["matched"].sum()), len(mine_fans)),
            "name": info["name"].iloc[0] if len(info) else None,
            "tier": tier if isinstance(tier, str) else tier_of(len(mine_fans)),
            "fans_end": len(mine_fans), "matched_fans": int(mine_fans["matched"].sum()),
            "clickers": cl["user_id"].nunique(), "buyers": od["user_id"].nunique(),
            "refunded_orders": int(od["refunded"].sum()),
            "headline_campaigns": int((bought["influencer_id"] == inf).sum()),
        })
    columns = ["influencer_id", "posts", "clicks", "orders", "gmv", "net_gmv", "commission_cost", "headline_spend",
               "total_cost", "roas", "cost_per_order", "new_buyers", "audience_match", "name", "tier", "fans_end",
               "matched_fans", "clickers", "buyers", "refunded_orders", "headline_campaigns"]
    return pd.DataFrame(rows, columns=columns)


def picked(t: Tables, influencers: tuple[int, ...], viewer: Viewer) -> list[int]:
    """The given influencers (empty: all) that exist and the viewer may see, in the influencers table's order."""
    inf = t["influencers"]["influencer_id"]
    keep = chosen(inf, influencers) & account_visible(inf, viewer, t)
    return [int(i) for i in inf[keep]]


def fan_sets(t: Tables, end: dt.datetime) -> dict[int, set[int]]:
    f = t["fans"][fan_at(t["fans"], end)]
    return {int(k): set(g["fan_id"].astype(int)) for k, g in f.groupby("influencer_id")}


def ref_audience_overlap(t: Tables, c: Case) -> pd.DataFrame:
    ids = sorted(picked(t, c.influencers, c.viewer))
    sets = fan_sets(t, c.p.end_ts)
    rows = []
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            sa, sb = sets.get(a, set()), sets.get(b, set())
            rows.append({"influencer_a": a, "influencer_b": b, "fans_a": len(sa), "fans_b": len(sb),
                         "shared_fans": len(sa & sb), "jaccard": _div(len(sa & sb), len(sa | sb)),
                         "union_fans": len(sa | sb)})
    return pd.DataFrame(rows, columns=["influencer_a", "influencer_b", "fans_a", "fans_b", "shared_fans", "jaccard",
                                       "union_fans"])


def ref_shortlist_reach(t: Tables, c: Case) -> pd.DataFrame:
    sets = fan_sets(t, c.p.end_ts)
    visible = picked(t, c.influencers, c.viewer)
    if c.influencers:
        order = [i for i in dict.fromkeys(c.influencers) if i in visible]
    else:
        order = sorted(visible, key=lambda i: (-len(sets.get(i, set())), i))
    covered: set[int] = set()
    rows = []
    for step, inf in enumerate(order, start=1):
        own = sets.get(inf, set())
        others = set().union(*(sets.get(j, set()) for j in order if j != inf))
        new = own - covered
        covered |= own
        rows.append({"step": step, "influencer_id": inf, "fans_end": len(own), "new_reach": len(new),
                     "cumulative_reach": len(covered), "exclusive_fans": len(own - others),
                     "new_share": _div(len(new), len(own))})
    return pd.DataFrame(rows, columns=["step", "influencer_id", "fans_end", "new_reach", "cumulative_reach",
                                       "exclusive_fans", "new_share"])


def ref_audience_match(t: Tables, c: MCase, end: dt.datetime | None = None) -> pd.DataFrame:
    """METRICS.md, audience_match, at the case's period end or at `end`."""
    seg = SEGMENTS[c.seg]
    fans = audience(t, end or c.p.end_ts, seg)
    rows = []
    for inf in picked(t, c.influencers, c.viewer):
        mine = fans[fans["influencer_id"] == inf]
        n = len(mine)
        row = {"influencer_id": inf, "fans_end": n, "matched_fans": int(mine["matched"].sum()),
               "audience_match": _div(int(mine["matched"].sum()), n)}
        for dim in metrics.SEGMENT_DIMS:
            row[f"{dim}_match"] = _div(int(mine[dim].sum()), n) if getattr(seg, dim) else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def ref_merchant_list(t: Tables, c: Case, start: dt.datetime | None = None, end: dt.datetime | None = None
                      ) -> pd.DataFrame:
    """METRICS.md, merchant_list, for the case's period or [start, end)."""
    viewer = c.viewer
    start, end = start or c.p.start_ts, end or c.p.end_ts
    products = t["products"][t["products"]["merchant_id"].notna().to_numpy(dtype=bool)]
    if viewer.merchants is not None:
        products = products[_isin(products["merchant_id"], viewer.merchants)]
    clicks = t["clicks"].merge(t["posts"][["post_id", "influencer_id"]], on="post_id")
    clicks = clicks[in_range(clicks["clicked_at"], start, end) & influencer_visible(clicks["influencer_id"], viewer)]
    a = attribute(t, c.window)
    orders = a[a["attributed"].to_numpy(dtype=bool) & in_range(a["ordered_at"], start, end)
               & a["influencer_id"].notna().to_numpy(dtype=bool) & influencer_visible(a["influencer_id"], viewer)]
    names = t["merchants"].set_index("merchant_id")
    rows = []
    for m, own in products.groupby("merchant_id"):
        cl = clicks[_isin(clicks["product_id"], own["product_id"])]
        od = orders[_isin(orders["product_id"], own["product_id"])]
        rows.append({"merchant_id": int(m), "name": names["name"].get(m), "shop_type": names["shop_type"].get(m),
                     "products": own["product_id"].nunique(),
                     "influencers": len(set(cl["influencer_id"].astype(int)) | set(od["influencer_id"].astype(int))),
                     "clicks": len(cl), "orders": len(od), "gmv": int(od["amount_cents"].sum()) / 100})
    return pd.DataFrame(rows)


# ---- the cases on the edge dataset --------------------------------------------------------------------

def _compare(actual: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Cost figures round the commission to cents: compared to the cent, and the ratios built on them relatively."""
    loose = ["roas", "cost_per_order"]
    assert_same(actual, expected.drop(columns=loose), ["influencer_id"], money_rounded=("commission_cost",
                                                                                       "total_cost"))
    a = actual.set_index("influencer_id").loc[expected["influencer_id"], loose].astype("float64")
    e = expected.set_index("influencer_id")[loose].astype("float64")
    assert (a.isna().to_numpy() == e.isna().to_numpy()).all()
    assert np.allclose(a.fillna(0).to_numpy(), e.fillna(0).to_numpy(), rtol=1e-4, atol=1e-9)


COMPARE_CASES = (
    [MCase(p, merchant=m) for p in ("all", "main", "gap", "empty") for m in (1, 2)]
    + [MCase("all", W1H, merchant=3), MCase("all", W30D, merchant=4), MCase("main", W30D, merchant=1),
       MCase("main", W1H, merchant=2), MCase("all", merchant=99)]
    + [MCase("main", W7D, (E.PLAIN, E.SMALL), merchant=1), MCase("all", W30D, (E.HEAD,), merchant=2)]
    + [MCase("all" if i % 2 else "main", W7D, (), v, merchant=1) for i, v in enumerate(VIEWERS) if v != "everyone"]
    + [MCase("all", W7D, (), "merchant_1", merchant=2), MCase("main", W30D, (), "merchant_1_2_inf_2_4", merchant=2)]
    + [MCase("all", W7D, merchant=1, seg=s) for s in SEGMENTS if s != "none"]
    + [MCase("main", W30D, merchant=2, seg="mixed"), MCase("gap", W1H, merchant=1, seg="narrow")]
)


@pytest.mark.parametrize("c", COMPARE_CASES, ids=str)
def test_influencer_compare_matches_reference(edge: dataset.Dataset, tables: Tables, c: MCase) -> None:
    actual = metrics.influencer_compare(edge, c.filters, c.viewer)
    expected = ref_influencer_compare(tables, c)
    _compare(actual, expected)
    # Most GMV first, then most clicks, then by id.
    order = actual.sort_values(["gmv", "clicks", "influencer_id"], ascending=[False, False, True])
    assert list(actual["influencer_id"]) == list(order["influencer_id"])


@pytest.mark.parametrize("c", [MCase("main", W7D, merchant=1), MCase("all", W30D, merchant=2, seg="mixed"),
                               MCase("main", W1H, (), "merchant_1_2_inf_2_4", merchant=2)], ids=str)
def test_influencer_compare_over_bounds_that_are_not_midnights(edge: dataset.Dataset, tables: Tables,
                                                               c: MCase) -> None:
    """The command line's named query with any instants (the screens' periods are whole days, which the clicks and
    clickers by day serve): the clicks themselves are counted."""
    start, end = c.p.start_ts + dt.timedelta(hours=6, microseconds=1), c.p.end_ts - dt.timedelta(hours=5)
    actual = db.run(edge, "influencer_compare", c.viewer, **{"from": start, "to": end}, window=c.window,
                    influencers=list(c.influencers), merchant=c.merchant, **SEGMENTS[c.seg].params())
    _compare(actual, ref_influencer_compare(tables, c, start, end))


def test_the_edge_cases_of_influencer_compare_are_present(edge: dataset.Dataset, tables: Tables) -> None:
    """What the reference comparison above relies on really happens in the edge data."""
    whole = MCase("all", merchant=1)
    rows = metrics.influencer_compare(edge, whole.filters).set_index("influencer_id")
    assert (rows["orders"] > rows["new_buyers"]).any(), "some buyers had bought the merchant's products before"
    assert (rows["new_buyers"] > 0).any()
    assert (rows["gmv"] > rows["net_gmv"]).any(), "refunds"
    # campaign 2 (merchant 1) counts for PLAIN; campaign 6 (bought by merchant 2) and 5 (PLAIN's own) do not
    assert rows.loc[E.PLAIN, "headline_spend"] == 1200 and rows.loc[E.PLAIN, "headline_campaigns"] == 1
    other = metrics.influencer_compare(edge, MCase("all", merchant=2).filters).set_index("influencer_id")
    assert other.loc[E.PLAIN, "headline_spend"] == 150  # campaign 6 only
    # the refunded order pays no commission: the cost is below what the gross amounts would give
    a = attribute(tables, W7D)
    assert (a["refunded"] & a["attributed"] & a["product_id"].isin([1, 2, 3, 4])).any()


OVERLAP_CASES = [
    Case("all"), Case("main"), Case("gap"), Case("empty"),
    Case("main", influencers=(E.HEAD, E.PLAIN, E.SMALL)), Case("all", influencers=(E.SMALL, E.QUIET, 424_242)),
    Case("main", influencers=(E.HEAD,)),
    Case("all", viewer=VIEWERS["merchant_1"], viewer_name="merchant_1"),
    Case("main", influencers=(E.HEAD, E.PLAIN, E.SMALL), viewer=VIEWERS["inf_1_2"], viewer_name="inf_1_2"),
    Case("main", viewer=VIEWERS["nobody"], viewer_name="nobody"),
]


@pytest.mark.parametrize("c", OVERLAP_CASES, ids=str)
def test_audience_overlap_matches_reference(edge: dataset.Dataset, tables: Tables, c: Case) -> None:
    actual = metrics.audience_overlap(edge, c.filters, c.viewer)
    assert_same(actual, ref_audience_overlap(tables, c), ["influencer_a", "influencer_b"])
    assert (actual["influencer_a"] < actual["influencer_b"]).all()


@pytest.mark.parametrize("c", OVERLAP_CASES + [Case("main", influencers=(E.SMALL, E.HEAD, E.PLAIN, E.HEAD))],
                         ids=str)
def test_shortlist_reach_matches_reference(edge: dataset.Dataset, tables: Tables, c: Case) -> None:
    actual = metrics.shortlist_reach(edge, c.filters, c.viewer)
    expected = ref_shortlist_reach(tables, c)
    assert_same(actual, expected, ["step"])
    assert list(actual["step"]) == list(range(1, len(actual) + 1))


def test_unfollows_at_the_period_end_are_not_fans(edge: dataset.Dataset, tables: Tables) -> None:
    """At the main period's end instant, a follow begun then counts and one ended then does not."""
    sets = fan_sets(tables, E.MAIN_END)
    assert E.FOLLOW_AT_MAIN_END in sets[E.HEAD] and E.UNFOLLOW_AT_MAIN_END not in sets[E.HEAD]
    rows = metrics.audience_overlap(edge, Case("main", influencers=(E.HEAD, E.PLAIN)).filters)
    assert rows["fans_a"].iloc[0] == len(sets[E.HEAD])


MATCH_CASES = [MCase(p, seg=s) for p in ("all", "main") for s in SEGMENTS] + [
    MCase("empty", seg="mixed"), MCase("main", influencers=(E.SMALL, E.NOBODY), seg="ages"),
    MCase("all", viewer="merchant_2", seg="women"), MCase("main", viewer="inf_1_2", seg="narrow")]


@pytest.mark.parametrize("c", MATCH_CASES, ids=str)
def test_audience_match_matches_reference(edge: dataset.Dataset, tables: Tables, c: MCase) -> None:
    actual = metrics.audience_match(edge, c.filters, c.viewer)
    assert_same(actual, ref_audience_match(tables, c), ["influencer_id"])


def test_audience_match_counts_final_fans_only_after_every_follow_and_unfollow(edge: dataset.Dataset,
                                                                             tables: Tables) -> None:
    """An influencer's fans in a segment without interests are counted from its final ones (final_segment_fans) only
    at moments after the day boundary of its last follow or unfollow. Around each influencer's last follow or unfollow
    (a microsecond before it, at it, the midnight before it, the day boundary after it and a microsecond before that),
    every influencer's match equals the follows' at that moment (fails when an influencer is counted from its final
    fans too early)."""
    moments = moments_around_last_follows(tables["fans"])
    for seg in ("women", "places"):
        c = MCase("all", seg=seg)
        for t in moments:
            actual = db.run(edge, "audience_match", to=t, influencers=[], **SEGMENTS[seg].params())
            assert_same(actual, ref_audience_match(tables, c, t), ["influencer_id"])


@pytest.mark.parametrize("period", ["all", "main"])
def test_segment_match_keeps_the_chosen_influencers_only(edge: dataset.Dataset, tables: Tables, period: str) -> None:
    """segment_match (_macros.sql) with `ids` has rows for those influencers only, from each of its sources: the
    follows read for a segment with interests, those of the influencers whose fans may not be final (the main
    period's end) and of the pairs followed twice or more, and final_segment_fans; and they are audience_match's."""
    ids = [E.SMALL, E.QUIET, E.WAIST]
    end = MCase(period).p.end_ts
    cur = db.prepare(edge).cursor()
    try:
        for seg in ("women", "places", "mixed"):
            rows = cur.sql("select influencer_id, fans_end, matched_fans from segment_match($to, "
                           "$seg_gender::varchar[], $seg_age_band::varchar[], $seg_city_tier::bigint[], "
                           "$seg_interest::varchar[], $seg_province::varchar[], ids := $ids::bigint[])",
                           params={"to": end, "ids": ids, **SEGMENTS[seg].params()}).fetchall()
            match = ref_audience_match(tables, MCase(period, influencers=tuple(ids), seg=seg))
            want = {(int(i), int(n), int(m)) for i, n, m in
                    match[["influencer_id", "fans_end", "matched_fans"]].itertuples(index=False) if n > 0}
            assert set(rows) == want, seg
    finally:
        cur.close()


def test_the_segment_of_the_profile_fans(edge: dataset.Dataset) -> None:
    """SMALL's planted profiles: a duplicate tag counts once, an empty list, a NULL tag and a NULL list match no
    interest; a NULL birth year matches no age band."""
    f = Filters(Period(*E.PERIODS["main"]), influencers=(E.SMALL,))
    cat = metrics.audience_match(edge, replace_segment(f, Segment(interest=("猫咪",))))
    assert cat["matched_fans"].iloc[0] >= 1  # 4106 carries 猫咪 twice
    teen = metrics.audience_match(edge, replace_segment(f, Segment(age_band=("<18",))))
    assert teen["matched_fans"].iloc[0] >= 1  # 4102 (born 2009) is 17 in 2026


def replace_segment(f: Filters, seg: Segment) -> Filters:
    return Filters(f.period, influencers=f.influencers, window=f.window, merchant=f.merchant,
                   extra=(("segment", seg),))


@pytest.mark.parametrize("c", [MCase("all", merchant=None), MCase("all", viewer="merchant_2", merchant=None)],
                         ids=str)
def test_compare_and_match_agree(edge: dataset.Dataset, c: MCase) -> None:
    """influencer_compare's audience_match is the audience_match query's, for the same segment."""
    for seg in ("mixed", "narrow"):
        f = Filters(c.p, merchant=2, extra=(("segment", SEGMENTS[seg]),))
        compare = metrics.influencer_compare(edge, f, c.viewer)
        match = metrics.audience_match(edge, Filters(c.p, influencers=tuple(compare["influencer_id"]),
                                                     extra=(("segment", SEGMENTS[seg]),)), c.viewer)
        both = compare.merge(match, on="influencer_id", suffixes=("", "_m"))
        assert len(both) == len(compare)
        assert (both["matched_fans"] == both["matched_fans_m"]).all()
        assert np.allclose(both["audience_match"].astype(float), both["audience_match_m"].astype(float),
                           equal_nan=True)


# day_quiet: QUIET sold merchant 3's products that day after a click the evening before, and had sold them days before
@pytest.mark.parametrize("c", [Case("all"), Case("main"), Case("main", W1H), Case("empty"), Case("day_quiet"),
                               Case("day_quiet", W30D),
                               Case("gap", viewer=VIEWERS["inf_1_2"], viewer_name="inf_1_2"),
                               Case("all", viewer=VIEWERS["merchant_1"], viewer_name="merchant_1"),
                               Case("main", W30D, viewer=VIEWERS["inf_1_2"], viewer_name="inf_1_2")], ids=str)
def test_merchant_list_matches_reference(edge: dataset.Dataset, tables: Tables, c: Case) -> None:
    actual = metrics.merchant_list(edge, c.filters, c.viewer)
    assert_same(actual, ref_merchant_list(tables, c), ["merchant_id"])
    order = actual.sort_values(["gmv", "clicks", "merchant_id"], ascending=[False, False, True])
    assert list(actual["merchant_id"]) == list(order["merchant_id"])


@pytest.mark.parametrize("c", [Case("main", W7D), Case("all", viewer=VIEWERS["merchant_1"], viewer_name="merchant_1")],
                         ids=str)
def test_merchant_list_over_bounds_that_are_not_midnights(edge: dataset.Dataset, tables: Tables, c: Case) -> None:
    """The command line's named query with any instants (the screens' periods are whole days, which the clicks by
    day serve): the clicks themselves are counted."""
    start, end = c.p.start_ts + dt.timedelta(hours=6, microseconds=1), c.p.end_ts - dt.timedelta(hours=5)
    actual = db.run(edge, "merchant_list", c.viewer, **{"from": start, "to": end, "window": c.window})
    assert_same(actual, ref_merchant_list(tables, c, start, end), ["merchant_id"])


def test_merchant_without_a_merchants_row_is_listed_by_id(edge: dataset.Dataset) -> None:
    rows = metrics.merchant_list(edge, Filters(Period(*E.PERIODS["all"]))).set_index("merchant_id")
    assert set(rows.index) == {1, 2, 3, 4}
    assert pd.isna(rows.loc[4, "name"]) and rows.loc[3, "name"] == "Gadget 🛒"


def test_influencer_compare_needs_a_merchant(edge: dataset.Dataset) -> None:
    with pytest.raises(ParameterError, match="influencer_compare needs --merchant ID"):
        metrics.influencer_compare(edge, Filters(Period(*E.PERIODS["main"])))


# ---- a small planted dataset: every definition with exact figures ----------------------------------------

T = dt.datetime
START, LAST = dt.date(2026, 3, 1), dt.date(2026, 3, 10)
END = T(2026, 3, 11)  # the period's end instant
A, B, C = 1, 2, 3  # influencers
U_NEW, U_STORE_BEFORE, U_OTHER_MERCHANT, U_SAME_INSTANT, U_REFUND_BEFORE, U_REFUND = 100, 101, 102, 103, 104, 105
U_LATE = 106  # orders two days after the click: attributed within 7 days, not within 1 hour
FAN_F, FAN_NULL, FAN_M, FAN_LEFT_AT_END, FAN_JOINED_AT_END, FAN_TWICE, FAN_B_ONLY = 901, 902, 903, 904, 905, 906, 907


def write_merchant_dataset(path: Path) -> Path:
    """Merchant 1 sells products 1 (20% commission) and 2 (10%); merchant 2 sells product 3 (50%)."""
    path.mkdir(parents=True, exist_ok=True)

    def write(name: str, rows: list[dict]) -> None:
        schema = arrow_schema(name)
        columns = {f.name: [r.get(f.name) for r in rows] for f in schema}
        pq.write_table(pa.table(columns, schema=schema), path / f"{name}.parquet")

    def money(x: str) -> Decimal:
        return Decimal(x)

    write("influencers", [
        {"influencer_id": i, "name": n, "category": "beauty", "tier": tier, "account_type": "guide_blogger",
         "created_at": T(2025, 1, 1)} for i, n, tier in ((A, "小美<b>", None), (B, "阿强", "waist"), (C, "C", None))])
    write("merchants", [{"merchant_id": 1, "name": "美妆旗舰店", "shop_type": "tmall"},
                        {"merchant_id": 2, "name": "Other", "shop_type": "taobao"}])
    write("products", [
        {"product_id": 1, "merchant_id": 1, "title": "p1", "category": "beauty", "price": money("100"),
         "commission_rate": 0.2},
        {"product_id": 2, "merchant_id": 1, "title": "p2", "category": "beauty", "price": money("80"),
         "commission_rate": 0.1},
        {"product_id": 3, "merchant_id": 2, "title": "p3", "category": "beauty", "price": money("10"),
         "commission_rate": 0.5}])
    write("posts", [
        {"post_id": pid, "influencer_id": inf, "posted_at": at, "content_type": "image", "product_ids": products,
         "impressions": 100, "reads": 10, "reposts": 0, "comments": 0, "likes": 0}
        for pid, inf, at, products in (
            (10, A, T(2026, 3, 2), [1, 2]), (11, A, T(2026, 3, 3), [3]), (12, A, T(2026, 3, 4), None),
            (20, B, T(2026, 3, 2), [3, 1]), (21, B, T(2026, 2, 20), [1]), (30, C, T(2026, 3, 2), [3]))])

    clicks: list[dict] = []
    orders: list[dict] = []

    def buy(user: int, post: int | None, product: int, at: dt.datetime, amount: str, status: str = "paid",
            lag: dt.timedelta = dt.timedelta(minutes=10)) -> None:
        if post is not None:
            clicks.append({"clicked_at": at - lag, "user_id": user, "post_id": post, "product_id": product,
                           "channel": "organic"})
        orders.append({"order_id": len(orders) + 1, "ordered_at": at, "user_id": user, "product_id": product,
                       "quantity": 1, "amount": money(amount), "status": status,
                       "refunded_at": at + dt.timedelta(days=1) if status == "refunded" else None})

    buy(U_NEW, 10, 1, T(2026, 3, 3, 12), "100.00")  # A: commission 20.00, a new buyer
    buy(U_STORE_BEFORE, None, 2, T(2026, 2, 25), "5.00")  # a store sale of merchant 1 before the period ...
    buy(U_STORE_BEFORE, 20, 1, T(2026, 3, 4, 12), "50.00")  # ... so not new with B; commission 10.00
    buy(U_OTHER_MERCHANT, None, 3, T(2026, 2, 1), "9.00")  # another merchant's product before: still new
    buy(U_OTHER_MERCHANT, 10, 2, T(2026, 3, 5, 12), "80.00", "refunded")  # A, refunded: commission 0
    buy(U_SAME_INSTANT, 10, 1, T(2026, 3, 6, 12), "30.00")  # two first orders at one instant: new, once
    buy(U_SAME_INSTANT, 10, 2, T(2026, 3, 6, 12), "40.00")  # commission 4.00
    buy(U_REFUND_BEFORE, None, 1, T(2026, 2, 26), "70.00", "refunded")  # a refunded order is an earlier order
    buy(U_REFUND_BEFORE, 20, 1, T(2026, 3, 7, 12), "60.00")  # B, not new; commission 12.00
    buy(U_REFUND, 20, 1, T(2026, 3, 8, 12), "200.00", "refunded")  # B: gmv 200, net 0, commission 0, new
    buy(U_LATE, 10, 1, T(2026, 3, 9, 12), "10.00", lag=dt.timedelta(days=2))  # A within 7 days: commission 2.00
    buy(200, 30, 3, T(2026, 3, 5), "10.00")  # C sells only merchant 2's product
    buy(201, 11, 3, T(2026, 3, 5), "10.00")  # A sells merchant 2's product too
    clicks.append({"clicked_at": T(2026, 3, 9), "user_id": 300, "post_id": 20, "product_id": 1, "channel": "organic"})
    write("clicks", clicks)
    write("orders", orders)

    def campaign(cid: int, inf: int, buyer: int | None, start: dt.datetime, spend: str,
                 product: str = "delegated_headline") -> dict:
        return {"campaign_id": cid, "product": product, "influencer_id": inf, "post_id": None,
                "buyer_merchant_id": buyer, "start_at": start, "end_at": start + dt.timedelta(days=2),
                "spend": money(spend), "impressions": 1000}

    write("campaigns", [
        campaign(1, A, 1, T(2026, 3, 2), "30.00"),  # merchant 1's 头条代投 for A: counts
        campaign(2, A, 2, T(2026, 3, 2), "999.00"),  # bought by merchant 2: not merchant 1's cost
        campaign(3, B, None, T(2026, 3, 2), "500.00", "fan_headline"),  # B paid itself
        campaign(4, B, 1, T(2026, 2, 20), "77.00"),  # started before the period
        campaign(5, C, 1, T(2026, 3, 3), "40.00"),  # C moved none of merchant 1's products: no row
        campaign(6, B, 1, T(2026, 3, 10, 23), "15.50")])  # the period's last hour: counts

    def fan(fan_id: int, inf: int, at: dt.datetime, until: dt.datetime | None = None, **profile: object) -> dict:
        return {"influencer_id": inf, "fan_id": fan_id, "followed_at": at, "unfollowed_at": until,
                "source": "organic", **profile}

    beauty_woman = {"gender": "f", "birth_year": 1998, "city_tier": 1, "province": "广东",
                    "interests": ["food", "beauty"]}
    write("fans", [
        fan(FAN_F, A, T(2026, 1, 1), **beauty_woman),  # 28 in 2026
        fan(FAN_NULL, A, T(2026, 1, 1), interests=[None]),  # nothing known
        fan(FAN_M, A, T(2026, 1, 1), gender="m", birth_year=1990, city_tier=2, province="北京", interests=[]),
        fan(FAN_LEFT_AT_END, A, T(2026, 1, 1), END, **beauty_woman),  # no longer a fan at the end instant
        fan(FAN_JOINED_AT_END, A, END, gender="f", birth_year=2000, interests=["beauty", "beauty"]),  # a fan then
        fan(FAN_TWICE, A, T(2026, 1, 1), gender="m"),  # two follows at once: one user, matched by either
        fan(FAN_TWICE, A, T(2026, 2, 1), **beauty_woman),
        fan(FAN_F, B, T(2026, 1, 1), **beauty_woman),
        fan(FAN_LEFT_AT_END, B, T(2026, 1, 1), **beauty_woman),
        fan(FAN_JOINED_AT_END, B, T(2026, 3, 1), gender="f"),
        fan(FAN_B_ONLY, B, T(2026, 1, 1), None, gender=None, birth_year=None),
    ])
    for name in TABLES:  # nothing else is needed; every table of the contract is there
        assert (path / f"{name}.parquet").exists(), name
    return path


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> dataset.Dataset:
    path = write_merchant_dataset(tmp_path_factory.mktemp("merchants") / "ds")
    assert dataset.validate(path).ok
    return dataset.open_dataset(path)


def _planted(ds: dataset.Dataset, window: dt.timedelta = W7D, viewer: Viewer = EVERYONE, seg: Segment | None = None,
             influencers: tuple[int, ...] = ()) -> pd.DataFrame:
    f = Filters(Period(START, LAST), influencers=influencers, window=window, merchant=1,
                extra=(("segment", seg or Segment()),))
    return metrics.influencer_compare(ds, f, viewer).set_index("influencer_id")


def test_planted_sales_costs_and_new_buyers(planted: dataset.Dataset) -> None:
    rows = _planted(planted)
    assert list(rows.index) == [B, A]  # GMV 310 before 160
    a, b = rows.loc[A], rows.loc[B]
    # A: orders 100 + 80 (refunded) + 30 + 40 + 10 of merchant 1; the sale of merchant 2's product is not here
    assert (a["orders"], a["gmv"], a["net_gmv"], a["refunded_orders"]) == (5, 260.0, 180.0, 1)
    assert (a["clicks"], a["clickers"], a["buyers"]) == (5, 4, 4)
    assert a["posts"] == 1  # post 10 links merchant 1's products; 11 only merchant 2's; 12 none
    # refunds pay no commission: 20 + 6 + 4 + 2 at each product's rate
    assert a["commission_cost"] == pytest.approx(32.00)
    assert (a["headline_spend"], a["headline_campaigns"]) == (30.0, 1)  # merchant 2's 999 is not merchant 1's
    assert a["total_cost"] == pytest.approx(62.00)
    assert a["roas"] == pytest.approx(260 / 62) and a["cost_per_order"] == pytest.approx(62 / 5)
    # new: U_NEW, U_OTHER_MERCHANT (its earlier order was another merchant's), U_SAME_INSTANT (once), U_LATE
    assert a["new_buyers"] == 4
    # B: 50 + 60 + 200 (refunded); posts 20 (21 was posted before the period)
    assert (b["orders"], b["gmv"], b["net_gmv"], b["posts"], b["clicks"]) == (3, 310.0, 110.0, 1, 4)
    assert b["commission_cost"] == pytest.approx(22.00)  # 10 + 12; the refunded 200 pays nothing
    assert b["headline_spend"] == pytest.approx(15.50)  # its own fan headline and a campaign before are not counted
    assert b["new_buyers"] == 1  # U_REFUND; U_STORE_BEFORE and U_REFUND_BEFORE had bought before
    assert C not in rows.index  # a merchant-1 campaign but no click or order on merchant 1's products


def test_planted_window_and_scope(planted: dataset.Dataset) -> None:
    hour = _planted(planted, W1H)
    assert hour.loc[A, "orders"] == 4 and hour.loc[A, "new_buyers"] == 3  # U_LATE's order is outside one hour
    assert hour.loc[A, "commission_cost"] == pytest.approx(30.00)
    assert list(_planted(planted, viewer=Viewer(influencers=(B,))).index) == [B]
    assert _planted(planted, viewer=Viewer(merchants=(2,))).empty  # merchant 2 may not look at merchant 1
    assert list(_planted(planted, viewer=Viewer(merchants=(1, 2))).index) == [B, A]
    assert list(_planted(planted, influencers=(A, C)).index) == [A]


def test_planted_audience_match_with_unfollows_at_the_end(planted: dataset.Dataset) -> None:
    rows = _planted(planted)
    # A's fans at the end: FAN_F, FAN_NULL, FAN_M, FAN_JOINED_AT_END, FAN_TWICE (once); FAN_LEFT_AT_END left then
    assert rows.loc[A, "fans_end"] == 5 and rows.loc[A, "audience_match"] == 1.0  # no criterion: everyone
    assert rows.loc[A, "tier"] == "tail" and rows.loc[B, "tier"] == "waist"
    women = _planted(planted, seg=Segment(gender=("f",)))
    assert women.loc[A, "matched_fans"] == 3  # FAN_F, FAN_JOINED_AT_END, FAN_TWICE (by its second follow)
    assert women.loc[A, "audience_match"] == pytest.approx(3 / 5)
    beauty = _planted(planted, seg=Segment(interest=("beauty",), age_band=("25-29",), city_tier=(1,),
                                           province=("广东",)))
    assert beauty.loc[A, "matched_fans"] == 2  # FAN_F and FAN_TWICE; FAN_JOINED_AT_END (26, no tier) is not
    match = metrics.audience_match(planted, Filters(Period(START, LAST), influencers=(A, B),
                                                    extra=(("segment", Segment(gender=("f",), interest=("beauty",))),)))
    match = match.set_index("influencer_id")
    assert match.loc[A, "gender_match"] == pytest.approx(3 / 5) and match.loc[A, "interest_match"] == pytest.approx(
        3 / 5)
    assert pd.isna(match.loc[A, "age_band_match"])  # not a criterion
    # FAN_F and FAN_LEFT_AT_END (who left A, not B); FAN_JOINED_AT_END has no interests, FAN_B_ONLY no profile
    assert match.loc[B, "fans_end"] == 4 and match.loc[B, "matched_fans"] == 2


def test_planted_overlap_and_reach(planted: dataset.Dataset) -> None:
    f = Filters(Period(START, LAST), influencers=(B, A, C))
    pair = metrics.audience_overlap(planted, f).iloc[0]
    # FAN_F and FAN_JOINED_AT_END follow both at the end; FAN_LEFT_AT_END left A exactly then (still follows B)
    assert (pair["influencer_a"], pair["influencer_b"], pair["fans_a"], pair["fans_b"]) == (A, B, 5, 4)
    assert (pair["shared_fans"], pair["union_fans"]) == (2, 7) and pair["jaccard"] == pytest.approx(2 / 7)
    c_rows = metrics.audience_overlap(planted, f).query("influencer_b == @C")
    assert (c_rows["fans_b"] == 0).all() and c_rows["jaccard"].eq(0).all()
    reach = metrics.shortlist_reach(planted, f)
    assert reach["influencer_id"].tolist() == [B, A, C]  # in the order given
    assert reach["new_reach"].tolist() == [4, 3, 0] and reach["cumulative_reach"].tolist() == [4, 7, 7]
    # FAN_LEFT_AT_END and FAN_B_ONLY; FAN_NULL, FAN_M and FAN_TWICE
    assert reach["exclusive_fans"].tolist() == [2, 3, 0]
    assert reach["new_share"].iloc[1] == pytest.approx(3 / 5) and pd.isna(reach["new_share"].iloc[2])
    assert metrics.reach_totals(reach) == {"summed_fans": 9, "reach": 7, "duplicate_share": pytest.approx(2 / 9)}
    default = metrics.shortlist_reach(planted, Filters(Period(START, LAST)))
    assert default["influencer_id"].tolist() == [A, B, C]  # without a list: most fans first


def test_planted_merchant_list(planted: dataset.Dataset) -> None:
    rows = metrics.merchant_list(planted, Filters(Period(START, LAST))).set_index("merchant_id")
    assert list(rows.index) == [1, 2]
    assert (rows.loc[1, "products"], rows.loc[1, "influencers"], rows.loc[1, "orders"]) == (2, 2, 8)
    assert rows.loc[1, "gmv"] == pytest.approx(570.0) and rows.loc[2, "gmv"] == pytest.approx(20.0)
    assert rows.loc[2, "influencers"] == 2  # A and C
    only = metrics.merchant_list(planted, Filters(Period(START, LAST)), Viewer(merchants=(2,)))
    assert only["merchant_id"].tolist() == [2]


# ---- the segment: parsing and the link ----------------------------------------------------------------

def test_segment_round_trips_through_a_link() -> None:
    seg = Segment.of({"gender": ["f"], "age_band": ["25-29", "<18"], "city_tier": ["1", 3],
                      "interest": ["beauty", "a,b:c%d"], "province": ["广东"]})
    text = seg.to_param()
    assert text is not None and text.startswith("gender:f,age_band:25-29,age_band:<18,city_tier:1,city_tier:3")
    assert Segment.parse(text) == seg
    assert Segment().to_param() is None and Segment.parse(None) == Segment() and Segment().empty


@pytest.mark.parametrize("text", ["gender:x", "age_band:26-30", "city_tier:9", "city_tier:one", "colour:red",
                                  "gender", "interest:" + "x" * 65, ";DROP TABLE fans", ""])
def test_unreadable_segments_in_a_link_are_left_out(text: str) -> None:
    assert Segment.parse(text) == Segment()
    assert Segment.parse(text + ",gender:f") == Segment(gender=("f",))


def test_segment_from_the_command_line() -> None:
    seg = Segment.from_args(["gender=f", "age_band=25-29", "age_band=30-34", "city_tier=1", "interest=猫咪",
                             "gender=f"])
    assert seg == Segment(gender=("f",), age_band=("25-29", "30-34"), city_tier=(1,), interest=("猫咪",))
    assert seg.params()["seg_city_tier"] == [1] and seg.params()["seg_province"] == []
    with pytest.raises(ParameterError, match="--segment takes DIM=VALUE with DIM one of gender"):
        Segment.from_args(["colour=red"])
    with pytest.raises(ParameterError, match="--segment age_band takes <18, 18-24"):
        Segment.from_args(["age_band=20-30"])


# ---- the command line -------------------------------------------------------------------------------------

def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_command_line_influencer_compare_with_a_segment(edge_path: Path, edge: dataset.Dataset,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _cli(capsys, "query", "influencer_compare", "--data", str(edge_path), "--merchant", "1",
                          "--from", "2026-03-05", "--to", "2026-03-20", "--segment", "gender=f",
                          "--segment", "age_band=25-29", "--segment", "age_band=30-34", "--format", "json")
    assert code == 0, err
    got = pd.DataFrame(json.loads(out))
    seg = Segment(gender=("f",), age_band=("25-29", "30-34"))
    want = metrics.influencer_compare(edge, Filters(Period(*E.PERIODS["main"]), merchant=1,
                                                    extra=(("segment", seg),)))
    assert list(got.columns) == list(want.columns)
    assert got["influencer_id"].tolist() == want["influencer_id"].tolist()
    assert np.allclose(got["audience_match"].astype(float), want["audience_match"].astype(float), equal_nan=True)
    assert got["gmv"].tolist() == pytest.approx(want["gmv"].tolist())


def test_command_line_overlap_and_reach(edge_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name, rows in (("audience_overlap", 3), ("shortlist_reach", 3)):
        code, out, err = _cli(capsys, "query", name, "--data", str(edge_path), "--influencer", str(E.SMALL),
                              "--influencer", str(E.HEAD), "--influencer", str(E.PLAIN))
        assert code == 0, err
        assert len(pd.read_csv(io.StringIO(out))) == rows
    code, out, _ = _cli(capsys, "query", "shortlist_reach", "--data", str(edge_path), "--influencer", str(E.SMALL),
                        "--influencer", str(E.HEAD))
    assert pd.read_csv(io.StringIO(out))["influencer_id"].tolist() == [E.SMALL, E.HEAD]


@pytest.mark.parametrize(("argv", "message"), [
    (["influencer_compare"], "error: influencer_compare needs --merchant ID"),
    (["influencer_compare", "--merchant", "1", "--segment", "gender"], "error: --segment takes DIM=VALUE"),
    (["audience_match", "--segment", "city_tier=7"], "error: --segment city_tier takes 1 to 5; got '7'"),
])
def test_command_line_errors_are_one_line(edge_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str],
                                          message: str) -> None:
    code, _, err = _cli(capsys, "query", argv[0], "--data", str(edge_path), *argv[1:])
    assert code == 2
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err

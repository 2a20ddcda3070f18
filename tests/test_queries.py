"""Every Overview query against an independent pandas computation (METRICS.md's words) on the edge dataset."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from advisor import dataset, metrics
from advisor.access import EVERYONE, Viewer
from advisor.metrics import Filters, Period

from . import edge_data as E

Tables = dict[str, pd.DataFrame]
W1H, W7D, W30D = E.WINDOWS


def period(name: str) -> Period:
    return Period(*E.PERIODS[name])


# ---- the reference: pandas, written from METRICS.md, not from the SQL -------------------------------

def _isin(s: pd.Series, ids: object) -> np.ndarray:
    return s.isin(list(ids)).fillna(False).to_numpy(dtype=bool)


def _all(s: pd.Series) -> np.ndarray:
    return np.ones(len(s), dtype=bool)


def influencer_visible(ids: pd.Series, viewer: Viewer) -> np.ndarray:
    """A row tied to an influencer is visible when the viewer's influencer scope is open or holds it (NULL: no)."""
    return _all(ids) if viewer.influencers is None else _isin(ids, viewer.influencers)


def product_visible(pids: pd.Series, viewer: Viewer, t: Tables) -> np.ndarray:
    """A row about a product is visible when the merchant scope is open or the product is one of its merchants'."""
    if viewer.merchants is None:
        return _all(pids)
    products = t["products"]
    return _isin(pids, products.loc[_isin(products["merchant_id"], viewer.merchants), "product_id"])


def chosen(ids: pd.Series, influencers: tuple[int, ...]) -> np.ndarray:
    """The screen's influencer filter: empty means every row, else rows of those influencers."""
    return _all(ids) if not influencers else _isin(ids, influencers)


def fan_at(fans: pd.DataFrame, t: dt.datetime) -> np.ndarray:
    """METRICS.md: fans at moment t are follows with followed_at <= t and unfollowed_at null or > t."""
    u = fans["unfollowed_at"]
    return ((fans["followed_at"] <= t) & (u.isna() | (u > t))).to_numpy(dtype=bool)


def moments_around_last_follows(fans: pd.DataFrame) -> list[dt.datetime]:
    """Around each influencer's last follow or unfollow: a microsecond before it, at it, the midnight before it, the
    day boundary after it and a microsecond before that (where a figure read from its final fans may start too
    early)."""
    last = pd.concat([fans[["influencer_id", "followed_at"]].rename(columns={"followed_at": "at"}),
                      fans[["influencer_id", "unfollowed_at"]].rename(columns={"unfollowed_at": "at"})]).dropna()
    last = last.groupby("influencer_id")["at"].max()
    assert last.nunique() > 1 and (last != last.dt.floor("D")).any()
    tick = pd.Timedelta(microseconds=1)
    return sorted({m.to_pydatetime() for x in last for m in (x - tick, x, x.floor("D"), x.ceil("D"),
                                                               x.ceil("D") - tick)})


def in_range(ts: pd.Series, start: dt.datetime, end: dt.datetime) -> np.ndarray:
    return ((ts >= start) & (ts < end)).fillna(False).to_numpy(dtype=bool)


_attribution_cache: dict[tuple[int, dt.timedelta], tuple[pd.DataFrame, pd.DataFrame]] = {}


def attribute(t: Tables, window: dt.timedelta) -> pd.DataFrame:
    """Every order with the click that earned it: for each order, that user's clicks on that product at or
    before the order; the latest one (a tie at one instant goes to the higher post_id); attributed when
    the lag is at most the window."""
    o, c = t["orders"], t["clicks"]
    key = (id(o), window)
    if key in _attribution_cache and _attribution_cache[key][0] is o:
        return _attribution_cache[key][1]
    pairs = o[["order_id", "user_id", "product_id", "ordered_at"]].merge(
        c[["user_id", "product_id", "clicked_at", "post_id", "channel", "campaign_id"]], on=["user_id", "product_id"])
    pairs = pairs[pairs["clicked_at"] <= pairs["ordered_at"]]
    latest = pairs.sort_values(["order_id", "clicked_at", "post_id"], ascending=[True, False, False])
    latest = latest.drop_duplicates("order_id")
    latest = latest[latest["ordered_at"] - latest["clicked_at"] <= window]
    out = o.merge(latest[["order_id", "clicked_at", "post_id", "channel", "campaign_id"]], on="order_id", how="left")
    out = out.merge(t["posts"][["post_id", "influencer_id"]], on="post_id", how="left")
    out["attributed"] = out["order_id"].isin(latest["order_id"])
    out["refunded"] = out["status"] == "refunded"
    out["net_cents"] = out["amount_cents"].where(~out["refunded"], 0)
    out["amount"] = out["amount_cents"] / 100
    out["net_amount"] = out["net_cents"] / 100
    out["lag_minutes"] = ((out["ordered_at"] - out["clicked_at"]) // pd.Timedelta(minutes=1)).astype("Int64")
    _attribution_cache[key] = (o, out)
    return out


@dataclass(frozen=True)
class Case:
    period: str | Period
    window: dt.timedelta = W7D
    influencers: tuple[int, ...] = ()
    viewer: Viewer = field(default=EVERYONE)
    viewer_name: str = "everyone"

    @property
    def p(self) -> Period:
        return period(self.period) if isinstance(self.period, str) else self.period

    @property
    def filters(self) -> Filters:
        return Filters(period=self.p, influencers=self.influencers, window=self.window)

    def __str__(self) -> str:
        w = f"{int(self.window.total_seconds() // 3600)}h"
        infl = "+".join(map(str, self.influencers)) or "all"
        return f"{self.period}-{w}-inf_{infl}-{self.viewer_name}"


def ref_order_attribution(t: Tables, case: Case) -> pd.DataFrame:
    p = case.p
    a = attribute(t, case.window)
    keep = (in_range(a["ordered_at"], p.start_ts, p.end_ts) & chosen(a["influencer_id"], case.influencers)
            & influencer_visible(a["influencer_id"], case.viewer) & product_visible(a["product_id"], case.viewer, t))
    cols = ["order_id", "ordered_at", "user_id", "product_id", "quantity", "amount", "net_amount", "status",
            "refunded", "attributed", "clicked_at", "post_id", "influencer_id", "channel", "campaign_id", "lag_minutes"]
    return a.loc[keep, cols]


def _orders_on_posts(t: Tables, case: Case, start: dt.datetime, end: dt.datetime) -> pd.DataFrame:
    """Orders in [start, end) attributed to a post of a chosen, visible influencer, on a visible product."""
    a = attribute(t, case.window)
    keep = (in_range(a["ordered_at"], start, end) & a["influencer_id"].notna().to_numpy(dtype=bool)
            & chosen(a["influencer_id"], case.influencers) & influencer_visible(a["influencer_id"], case.viewer)
            & product_visible(a["product_id"], case.viewer, t))
    return a[keep]


def _clicks_on_posts(t: Tables, case: Case, start: dt.datetime, end: dt.datetime) -> pd.DataFrame:
    """Clicks in [start, end) on posts (that exist) of chosen, visible influencers, on visible products."""
    c = t["clicks"].merge(t["posts"][["post_id", "influencer_id"]], on="post_id", how="inner")
    keep = (in_range(c["clicked_at"], start, end) & chosen(c["influencer_id"], case.influencers)
            & influencer_visible(c["influencer_id"], case.viewer) & product_visible(c["product_id"], case.viewer, t))
    return c[keep]


def _follows(t: Tables, case: Case) -> pd.DataFrame:
    """Follows of the chosen influencers the viewer may see (a merchant: those whose posts moved its products)."""
    f = t["fans"]
    return f[chosen(f["influencer_id"], case.influencers) & account_visible(f["influencer_id"], case.viewer, t)]


def _ratio(num: float, den: float) -> float:
    return num / den if den else np.nan


def ref_overview_kpis(t: Tables, case: Case) -> pd.DataFrame:
    p = case.p
    f = _follows(t, case)
    clicks = _clicks_on_posts(t, case, p.start_ts, p.end_ts)
    orders = _orders_on_posts(t, case, p.start_ts, p.end_ts)
    gmv = int(orders["amount_cents"].sum()) / 100
    return pd.DataFrame([{
        "fans_start": int(fan_at(f, p.start_ts).sum()),
        "fans_end": int(fan_at(f, p.end_ts).sum()),
        "new_fans": int(in_range(f["followed_at"], p.start_ts, p.end_ts).sum()),
        "lost_fans": int(in_range(f["unfollowed_at"], p.start_ts, p.end_ts).sum()),
        "clicks": len(clicks),
        "clickers": clicks["user_id"].nunique(),
        "orders": len(orders),
        "buyers": orders["user_id"].nunique(),
        "gmv": gmv,
        "net_gmv": int(orders["net_cents"].sum()) / 100,
        "refunded_orders": int(orders["refunded"].sum()),
        "cvr": _ratio(len(orders), len(clicks)),
        "aov": _ratio(gmv, len(orders)),
    }])


def ref_overview_daily(t: Tables, case: Case) -> pd.DataFrame:
    p = case.p
    f = _follows(t, case)
    clicks = _clicks_on_posts(t, case, p.start_ts, p.end_ts)
    orders = _orders_on_posts(t, case, p.start_ts, p.end_ts)
    starts = pd.date_range(p.start_ts, p.end_ts - E.DAY, freq="D").to_numpy()[:, None]
    ends = starts + np.timedelta64(1, "D")

    def per_day(ts: pd.Series, weights: pd.Series | None = None) -> np.ndarray:
        hit = (ts.to_numpy()[None, :] >= starts) & (ts.to_numpy()[None, :] < ends)  # NaT compares False
        return hit.sum(axis=1) if weights is None else (hit * weights.to_numpy(dtype=np.int64)[None, :]).sum(axis=1)

    followed, unfollowed = f["followed_at"].to_numpy()[None, :], f["unfollowed_at"].to_numpy()[None, :]
    fans_end = ((followed <= ends) & (np.isnat(unfollowed) | (unfollowed > ends))).sum(axis=1)
    return pd.DataFrame({
        "day": starts[:, 0],
        "fans_end": fans_end,
        "new_fans": per_day(f["followed_at"]),
        "lost_fans": per_day(f["unfollowed_at"]),
        "clicks": per_day(clicks["clicked_at"]),
        "orders": per_day(orders["ordered_at"]),
        "gmv": per_day(orders["ordered_at"], orders["amount_cents"]) / 100,
        "net_gmv": per_day(orders["ordered_at"], orders["net_cents"]) / 100,
    })


def tier_of(fans: int) -> str:
    return "head" if fans >= 1_000_000 else "waist" if fans >= 100_000 else "tail"


def account_visible(ids: pd.Series, viewer: Viewer, t: Tables) -> np.ndarray:
    """An influencer a viewer may see: in its influencer scope and, for a merchant, one whose posts had a click
    on the merchant's products."""
    keep = influencer_visible(ids, viewer)
    if viewer.merchants is not None:
        c = t["clicks"][product_visible(t["clicks"]["product_id"], viewer, t)]
        keep &= _isin(ids, c.merge(t["posts"], on="post_id")["influencer_id"])
    return keep


def ref_influencer_list(t: Tables, p: Period, viewer: Viewer) -> pd.DataFrame:
    inf, fans = t["influencers"].copy(), t["fans"]
    counts = fans.loc[fan_at(fans, p.end_ts), "influencer_id"].value_counts()
    inf["fans"] = [int(counts.get(i, 0)) for i in inf["influencer_id"]]
    inf["tier"] = [tier if isinstance(tier, str) else tier_of(n) for tier, n in zip(inf["tier"], inf["fans"],
                                                                                 strict=True)]
    keep = account_visible(inf["influencer_id"], viewer, t)
    return inf.loc[keep, ["influencer_id", "name", "category", "tier", "account_type", "mcn_id", "fans"]]


def ref_dataset_span(t: Tables, viewer: Viewer) -> pd.DataFrame:
    """First and last local day of the activity the viewer may see: posts of the influencers it may see; clicks
    on its products, and for an influencer scope on posts of its influencers; orders of its products, and for an
    influencer scope attributed (30 days) to its influencers. Follows of the visible influencers only without
    any of those."""
    posts, clicks, orders, fans = t["posts"], t["clicks"], t["orders"], t["fans"]
    click_keep = product_visible(clicks["product_id"], viewer, t)
    order_keep = product_visible(orders["product_id"], viewer, t)
    order_times = orders["ordered_at"]
    if viewer.influencers is not None:
        own_posts = posts.loc[influencer_visible(posts["influencer_id"], viewer), "post_id"]
        click_keep &= _isin(clicks["post_id"], own_posts)
        attributed = attribute(t, dt.timedelta(days=30))
        order_keep = (influencer_visible(attributed["influencer_id"], viewer)
                      & product_visible(attributed["product_id"], viewer, t) & attributed["attributed"].to_numpy())
        order_times = attributed["ordered_at"]
    times = pd.concat([posts.loc[account_visible(posts["influencer_id"], viewer, t), "posted_at"],
                       clicks.loc[click_keep, "clicked_at"], order_times[order_keep]])
    if times.empty:
        times = fans.loc[account_visible(fans["influencer_id"], viewer, t), "followed_at"]
    if times.empty:
        return pd.DataFrame({"first_day": [None], "last_day": [None]})
    return pd.DataFrame({"first_day": [times.min().date()], "last_day": [times.max().date()]})


# ---- comparison ---------------------------------------------------------------------------------

def _norm(df: pd.DataFrame) -> pd.DataFrame:
    """One dtype per kind of value, NULL as NA/None, so SQL and pandas results compare by value."""
    out = {}
    for col in df.columns:
        s = df[col].reset_index(drop=True)
        if pd.api.types.is_datetime64_any_dtype(s):
            s = s.astype("datetime64[us]")
        elif pd.api.types.is_bool_dtype(s):
            s = s.astype("boolean")
        elif pd.api.types.is_integer_dtype(s):
            s = s.astype("Int64")
        elif pd.api.types.is_float_dtype(s):
            s = s.astype("Float64")
        else:
            s = s.astype(object).where(s.notna(), None)
        out[col] = s
    return pd.DataFrame(out, index=range(len(df)))


def assert_same(actual: pd.DataFrame, expected: pd.DataFrame, keys: list[str], money_rounded: tuple[str, ...] = ()
                ) -> None:
    """`actual` holds every column of `expected` with equal values, rows matched by `keys`. Columns in
    `money_rounded` are rounded to cents by the query, so they may differ from the exact ratio by half a cent."""
    missing = [c for c in expected.columns if c not in actual.columns]
    assert not missing, f"columns missing from the query result: {missing}"
    a = _norm(actual[list(expected.columns)]).sort_values(keys).reset_index(drop=True)
    e = _norm(expected).sort_values(keys).reset_index(drop=True)
    assert len(a) == len(e), f"{len(a)} rows, expected {len(e)}"
    for col in money_rounded:
        x, y = a.pop(col), e.pop(col)
        assert (x.isna() == y.isna()).all(), f"{col}: null where the reference has a value or vice versa"
        both = x.notna()
        assert np.allclose(x[both].astype(float), y[both].astype(float), atol=0.005 + 1e-9, rtol=0), col
    pd.testing.assert_frame_equal(a, e, check_dtype=False, check_exact=False, rtol=1e-9, atol=1e-9)


# ---- the cases -----------------------------------------------------------------------------------

VIEWERS = {
    "inf_1_2": Viewer(influencers=(1, 2)),
    "merchant_1": Viewer(merchants=(1,)),
    "inf_4_6_merchant_1_2": Viewer(influencers=(4, 6), merchants=(1, 2)),
    "nobody": Viewer(influencers=()),
}
CASES = (
    [Case(p, W7D) for p in E.PERIODS]
    + [Case("all", W30D), Case("main", W1H), Case("main", W30D)]
    + [Case("day_tz", W1H),
       Case("main", W30D, (E.PLAIN,)), Case("main", W1H, (E.WAIST,)), Case("main", W30D, (E.SMALL, E.QUIET)),
       Case("day_quiet", W7D, (E.SMALL, E.QUIET)), Case("day_quiet", W1H, (E.SMALL, E.QUIET))]
    + [Case("main" if i % 2 else "all", W7D, (), v, name) for i, (name, v) in enumerate(VIEWERS.items())]
    + [Case("main", W30D, (E.PLAIN, E.SMALL), Viewer(influencers=(E.SMALL,)), "inf_4"),
       Case("all", W1H, (E.QUIET,), Viewer(merchants=(3,)), "merchant_3"),
       Case("gap", W7D, (E.HEAD,), Viewer(merchants=(2, 3)), "merchant_2_3")]
)
CASE_IDS = [str(c) for c in CASES]


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_order_attribution_matches_reference(edge: dataset.Dataset, tables: Tables, case: Case) -> None:
    actual = metrics.order_attribution(edge, case.filters, case.viewer)
    expected = ref_order_attribution(tables, case).drop(columns=["lag_minutes"])  # see the test below
    assert_same(actual, expected, ["order_id"])


def test_lag_minutes_are_whole_minutes_elapsed(edge: dataset.Dataset, tables: Tables) -> None:
    """lag_minutes is the time from the click to the order in whole minutes: a click at 10:00:59 and an
    order at 10:01:00 are 1 second apart, 0 minutes (not the 1 minute boundary crossed)."""
    case = Case("all", W30D)
    actual = metrics.order_attribution(edge, case.filters).set_index("order_id")
    assert actual.loc[E.SUB_MINUTE_ORDER, "lag_minutes"] == 0
    expected = ref_order_attribution(tables, case).set_index("order_id")["lag_minutes"]
    assert_same(actual["lag_minutes"].reset_index(), expected.reset_index(), ["order_id"])


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_overview_kpis_matches_reference(edge: dataset.Dataset, tables: Tables, case: Case) -> None:
    actual = metrics.overview_kpis(edge, case.filters, case.viewer)
    assert len(actual) == 1
    assert_same(actual, ref_overview_kpis(tables, case), ["fans_start"], money_rounded=("aov",))


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_overview_daily_matches_reference(edge: dataset.Dataset, tables: Tables, case: Case) -> None:
    actual = metrics.overview_daily(edge, case.filters, case.viewer)
    assert list(actual["day"]) == sorted(actual["day"]), "days in order"
    assert_same(actual, ref_overview_daily(tables, case), ["day"])


def test_daily_totals_agree_with_kpis(edge: dataset.Dataset) -> None:
    for case in (CASES[0], CASES[-1], CASES[-3]):
        daily, kpis = metrics.overview_daily(edge, case.filters, case.viewer), metrics.overview_kpis(
            edge, case.filters, case.viewer).iloc[0]
        for col in ("new_fans", "lost_fans", "clicks", "orders"):
            assert daily[col].sum() == kpis[col], (case, col)
        assert daily["gmv"].sum() == pytest.approx(kpis["gmv"]), case
        assert daily["fans_end"].iloc[-1] == kpis["fans_end"], case


INFLUENCER_LIST_VIEWERS = {"everyone": EVERYONE, **VIEWERS, "merchant_3": Viewer(merchants=(3,))}
INFLUENCER_LIST_CASES = ([(p, "everyone") for p in E.PERIODS]
                         + [("main", v) for v in INFLUENCER_LIST_VIEWERS if v != "everyone"] + [("gap", "merchant_3")])


@pytest.mark.parametrize(("period_name", "viewer_name"), INFLUENCER_LIST_CASES,
                         ids=[f"{p}-{v}" for p, v in INFLUENCER_LIST_CASES])
def test_influencer_list_matches_reference(edge: dataset.Dataset, tables: Tables, period_name: str,
                                           viewer_name: str) -> None:
    viewer = INFLUENCER_LIST_VIEWERS[viewer_name]
    actual = metrics.influencer_list(edge, Filters(period(period_name)), viewer)
    assert_same(actual, ref_influencer_list(tables, period(period_name), viewer), ["influencer_id"])


SPAN_VIEWERS = {"everyone": EVERYONE, "merchant_1": Viewer(merchants=(1,)), "merchant_3": Viewer(merchants=(3,)),
                "merchant_none": Viewer(merchants=(99,)), "nothing_at_all": Viewer((), (99,)),
                "follows_only": Viewer((E.FANS_ONLY,))}


@pytest.mark.parametrize("viewer_name", SPAN_VIEWERS)
def test_dataset_span_matches_reference(edge: dataset.Dataset, tables: Tables, viewer_name: str) -> None:
    viewer = SPAN_VIEWERS[viewer_name]
    assert_same(metrics.dataset_span(edge, viewer=viewer), ref_dataset_span(tables, viewer), ["first_day"])


@pytest.mark.parametrize("viewer", [Viewer(influencers=(E.QUIET,)), Viewer(influencers=())], ids=["quiet", "nobody"])
def test_dataset_span_stays_inside_the_viewers_activity(edge: dataset.Dataset, tables: Tables, viewer: Viewer
                                                        ) -> None:
    """An influencer-scoped viewer's default period must not reach days on which nothing of theirs happened
    (their posts, clicks on their posts, orders attributed to them under the longest window): other
    influencers' clicks and orders are outside their scope."""
    posts = tables["posts"][influencer_visible(tables["posts"]["influencer_id"], viewer)]
    clicks = tables["clicks"].merge(posts[["post_id"]], on="post_id")
    a = attribute(tables, W30D)
    orders = a[influencer_visible(a["influencer_id"], viewer)]
    own = pd.concat([posts["posted_at"], clicks["clicked_at"], orders["ordered_at"]])
    span = metrics.dataset_span(edge, viewer=viewer).iloc[0]
    if own.empty:
        follows = tables["fans"][influencer_visible(tables["fans"]["influencer_id"], viewer)]
        assert follows.empty  # so the span has nothing at all to show
        assert pd.isna(span["first_day"]) and pd.isna(span["last_day"]), span.to_dict()
    else:
        assert own.min().date() <= span["first_day"] <= span["last_day"] <= own.max().date(), (
            span.to_dict(), own.min(), own.max())


# ---- the edge cases, asserted directly (readable failures) ----------------------------------------

def _attribution_row(edge: dataset.Dataset, order_id: int, window: dt.timedelta = W30D) -> pd.Series:
    frame = metrics.order_attribution(edge, Filters(period("all"), window=window))
    return frame.set_index("order_id").loc[order_id]


def test_tie_goes_to_the_higher_post_id(edge: dataset.Dataset) -> None:
    row = _attribution_row(edge, E.TIE_ORDER)
    assert (row["post_id"], row["influencer_id"], row["channel"], row["campaign_id"]) == (
        E.POST_HIGH, E.SMALL, "fan_headline", 1)
    tie_missing = _attribution_row(edge, E.TIE_MISSING_ORDER)
    assert bool(tie_missing["attributed"]) and tie_missing["post_id"] == E.POST_MISSING
    assert pd.isna(tie_missing["influencer_id"])  # a post that does not exist has no author


@pytest.mark.parametrize("window", E.WINDOWS, ids=["1h", "7d", "30d"])
def test_window_is_inclusive_to_the_microsecond(edge: dataset.Dataset, window: dt.timedelta) -> None:
    for w, (exact, late) in E.BOUNDARY_ORDERS.items():
        on_edge, past_edge = _attribution_row(edge, exact, window), _attribution_row(edge, late, window)
        assert bool(on_edge["attributed"]) == (w <= window), (w, window)
        assert bool(past_edge["attributed"]) == (w < window), (w, window)
        if on_edge["attributed"]:
            assert on_edge["ordered_at"] - on_edge["clicked_at"] == w


def test_orders_without_an_earlier_click_of_the_same_user_are_store_sales(edge: dataset.Dataset) -> None:
    for order_id in (E.CLICK_AFTER_ORDER, E.OTHER_USERS_CLICK_ORDER, E.BEFORE_MAIN_ORDER):
        row = _attribution_row(edge, order_id)
        assert not row["attributed"] and pd.isna(row["post_id"]) and pd.isna(row["influencer_id"]), order_id
    same_instant = _attribution_row(edge, E.SAME_INSTANT_ORDER, W1H)
    assert same_instant["attributed"] and same_instant["clicked_at"] == same_instant["ordered_at"]


def test_tz_aware_order_lands_on_its_local_day(edge: dataset.Dataset) -> None:
    """2026-03-01 16:30Z is 2026-03-02 00:30 in Shanghai: that day's order, 30 minutes after a local 00:00 click."""
    row = _attribution_row(edge, E.TZ_ORDER, W1H)
    assert row["ordered_at"] == pd.Timestamp("2026-03-02 00:30") and row["attributed"]
    f = Filters(period("day_tz"), window=W1H, influencers=(E.HEAD,))
    daily = metrics.overview_daily(edge, f)
    assert list(daily["day"]) == [pd.Timestamp("2026-03-02")]
    assert E.TZ_ORDER in set(metrics.order_attribution(edge, f)["order_id"])
    assert daily["gmv"].iloc[0] >= 88.88
    before = metrics.order_attribution(edge, Filters(Period(dt.date(2026, 3, 1), dt.date(2026, 3, 1))))
    assert E.TZ_ORDER not in set(before["order_id"])


def test_the_dataset_time_zone_decides_local_time(edge_path: Path) -> None:
    """Opened as a UTC dataset, the same instant is 2026-03-01 16:30, before the (naive, wall-clock) click."""
    utc = dataset.open_dataset(edge_path, tz="UTC")
    row = metrics.order_attribution(utc, Filters(Period(dt.date(2026, 3, 1), dt.date(2026, 3, 1)))).set_index(
        "order_id").loc[E.TZ_ORDER]
    assert row["ordered_at"] == pd.Timestamp("2026-03-01 16:30") and not row["attributed"]


def test_period_includes_its_start_instant_and_excludes_its_end(edge: dataset.Dataset) -> None:
    ids = set(metrics.order_attribution(edge, Filters(period("main"))).order_id)
    assert E.AT_MAIN_START_ORDER in ids and E.EARLY_CLICK_ORDER in ids
    assert E.AT_MAIN_END_ORDER not in ids and E.BEFORE_MAIN_ORDER not in ids


def test_zero_denominators_are_null_not_zero(edge: dataset.Dataset) -> None:
    empty = metrics.overview_kpis(edge, Filters(period("empty"))).iloc[0]
    assert empty["clicks"] == 0 and empty["orders"] == 0 and empty["fans_end"] > 0
    assert pd.isna(empty["cvr"]) and pd.isna(empty["aov"])
    # QUIET's only order that day came from the evening before's click: orders 1, clicks 0
    quiet = metrics.overview_kpis(edge, Filters(period("day_quiet"), influencers=(E.QUIET,))).iloc[0]
    assert (quiet["orders"], quiet["clicks"]) == (1, 0)
    assert pd.isna(quiet["cvr"]) and quiet["aov"] == pytest.approx(77.77)
    quiet_1h = metrics.overview_kpis(edge, Filters(period("day_quiet"), influencers=(E.QUIET,), window=W1H)).iloc[0]
    assert quiet_1h["orders"] == 0 and pd.isna(quiet_1h["aov"])


def test_empty_days_are_rows_and_a_follow_at_midnight_counts_for_the_day_before(edge: dataset.Dataset) -> None:
    daily = metrics.overview_daily(edge, Filters(period("gap"), influencers=(E.HEAD,))).set_index("day")
    assert len(daily) == 6
    for day in E.EMPTY_DAYS:
        row = daily.loc[pd.Timestamp(day)]
        assert (row["new_fans"], row["lost_fans"], row["clicks"], row["orders"], row["gmv"]) == (0, 0, 0, 0, 0)
    fans = daily["fans_end"]
    assert fans[pd.Timestamp("2026-03-10")] == fans[pd.Timestamp("2026-03-09")]
    assert fans[pd.Timestamp("2026-03-11")] == fans[pd.Timestamp("2026-03-10")]
    # the follow at 2026-03-13 00:00 is a fan at the end of 2026-03-12, though it happened on the 13th
    assert fans[pd.Timestamp("2026-03-12")] == fans[pd.Timestamp("2026-03-11")] + 1


def test_null_tier_is_derived_from_fans_at_the_period_end(edge: dataset.Dataset) -> None:
    def row(name: str, influencer: int) -> pd.Series:
        return metrics.influencer_list(edge, Filters(period(name))).set_index("influencer_id").loc[influencer]

    # 100,000 before the unfollow at 2026-03-15 00:00; 99,999 at exactly that instant (the gap period's end);
    # 100,000 again at the main period's end thanks to the follow at exactly that instant
    assert (row("day_tz", E.WAIST)["fans"], row("day_tz", E.WAIST)["tier"]) == (100_000, "waist")
    assert (row("gap", E.WAIST)["fans"], row("gap", E.WAIST)["tier"]) == (99_999, "tail")
    assert (row("main", E.WAIST)["fans"], row("main", E.WAIST)["tier"]) == (100_000, "waist")
    assert (row("main", E.NOBODY)["fans"], row("main", E.NOBODY)["tier"]) == (0, "tail")
    assert row("main", E.QUIET)["tier"] == "waist"  # exported tiers are kept, whatever the fan count
    assert row("main", E.HEAD)["tier"] == "head"


def test_viewer_with_an_empty_scope_sees_nothing(edge: dataset.Dataset) -> None:
    nobody = Viewer(influencers=())
    f = Filters(period("all"))
    assert metrics.order_attribution(edge, f, nobody).empty
    assert metrics.influencer_list(edge, f, nobody).empty
    kpis = metrics.overview_kpis(edge, f, nobody).iloc[0]
    assert (kpis["fans_end"], kpis["clicks"], kpis["orders"]) == (0, 0, 0)


# ---- the edge cases are really in the data (so the comparisons above are not vacuous) -------------

def _latest_click_lags(t: Tables) -> pd.Series:
    a = attribute(t, dt.timedelta(days=10_000))
    return (a["ordered_at"] - a["clicked_at"]).dropna()


def _present_tie(t: Tables) -> bool:
    c = t["clicks"].merge(t["posts"][["post_id", "influencer_id"]], on="post_id", how="left")
    g = c.groupby(["user_id", "product_id", "clicked_at"]).agg(posts=("post_id", "nunique"),
                                                               authors=("influencer_id", "nunique"))
    ties = g[g["posts"] > 1]
    tied_orders = attribute(t, W30D).merge(ties.reset_index(), on=["user_id", "product_id", "clicked_at"])
    return len(ties) >= 2 and (ties["authors"] > 1).any() and len(tied_orders) >= 2


def _present_empty_days(t: Tables) -> bool:
    times = pd.concat([t["posts"]["posted_at"], t["clicks"]["clicked_at"], t["orders"]["ordered_at"],
                       t["fans"]["followed_at"], t["fans"]["unfollowed_at"].dropna()])
    days = set(times.dt.date)
    lo, hi = period("gap").start, period("gap").end
    return all(d not in days and lo <= d <= hi for d in E.EMPTY_DAYS) and (E.EMPTY_DAYS[0] - E.DAY) in days


def _present_tz(path: Path) -> bool:
    orders = pq.read_table(path / "orders.parquet")
    aware = orders.schema.field("ordered_at").type == pa.timestamp("us", "UTC")
    raw = pd.Timestamp("2026-03-01 16:30", tz="UTC") in set(orders["ordered_at"].to_pandas())
    naive = all(f.type.tz is None for name in ("fans", "posts", "clicks")
                for f in pq.read_schema(path / f"{name}.parquet") if pa.types.is_timestamp(f.type))
    return aware and raw and naive


def _present_waist(t: Tables) -> bool:
    fans = t["fans"][t["fans"]["influencer_id"] == E.WAIST]
    tier = t["influencers"].set_index("influencer_id").loc[E.WAIST, "tier"]
    return (pd.isna(tier) and fan_at(fans, period("main").end_ts).sum() == 100_000
            and fan_at(fans, period("gap").end_ts).sum() == 99_999)


def _early_clicks_earn_period_orders(t: Tables) -> bool:
    p = period("main")
    a = attribute(t, W7D)
    a = a[a["attributed"] & in_range(a["ordered_at"], p.start_ts, p.end_ts)]
    return (a["clicked_at"] < p.start_ts).sum() >= 2


def _no_click_orders(t: Tables) -> bool:
    pairs = t["clicks"][["user_id", "product_id"]].drop_duplicates()
    o = t["orders"].merge(pairs, on=["user_id", "product_id"], how="left", indicator=True)
    return (o["_merge"] == "left_only").sum() >= 10 and not attribute(t, W30D).set_index("order_id").loc[
        E.CLICK_AFTER_ORDER, "attributed"]


def _boundaries(t: Tables) -> bool:
    f, c, o = t["fans"], t["clicks"], t["orders"]
    s, e = E.MAIN_START, E.MAIN_END
    u = f["unfollowed_at"].dropna()
    return ((f["followed_at"] == s).any() and (f["followed_at"] == e).any() and (u == s).any() and (u == e).any()
            and (u == pd.Timestamp("2026-03-08")).any() and (c["clicked_at"] == s).any()
            and (c["clicked_at"] == e).any() and (o["ordered_at"] == s).any() and (o["ordered_at"] == e).any())


PRESENT = {
    "null_profile_fields": lambda t: all(t["fans"][c].isna().sum() >= 10 for c in (
        "unfollowed_at", "gender", "birth_year", "province", "city", "city_tier", "device", "interests")),
    "null_tier_and_mcn": lambda t: (t["influencers"]["tier"].isna().sum() >= 2
                                    and t["influencers"]["mcn_id"].isna().any()),
    "refunds": lambda t: (t["orders"]["status"] == "refunded").sum() >= 20,
    "window_lags_exact_and_plus_1us": lambda t: all(
        (_latest_click_lags(t) == w).any() and (_latest_click_lags(t) == w + E.US).any() for w in E.WINDOWS),
    "tie_across_posts_of_two_influencers": _present_tie,
    "clicks_before_period_earn_orders_in_it": _early_clicks_earn_period_orders,
    "orders_with_no_click": _no_click_orders,
    "click_on_missing_post": lambda t: (~t["clicks"]["post_id"].isin(t["posts"]["post_id"])).sum() >= 2
    and (attribute(t, W7D)["attributed"] & attribute(t, W7D)["influencer_id"].isna()).any(),
    "empty_days_inside_the_gap_period": _present_empty_days,
    "influencer_without_fans_or_posts": lambda t: E.NOBODY not in set(t["fans"]["influencer_id"])
    and E.NOBODY not in set(t["posts"]["influencer_id"]) and E.NOBODY in set(t["influencers"]["influencer_id"]),
    "null_tier_waist_at_the_threshold": _present_waist,
    "zero_impression_posts": lambda t: (t["posts"]["impressions"] == 0).sum() >= 2,
    "period_boundary_instants": _boundaries,
    "span_ends_are_a_click_and_an_order": lambda t: (
        t["clicks"]["clicked_at"].min() < min(t["posts"]["posted_at"].min(), t["orders"]["ordered_at"].min())
        and t["orders"]["ordered_at"].max() > max(t["posts"]["posted_at"].max(), t["clicks"]["clicked_at"].max())),
    "influencer_with_follows_only": lambda t: E.FANS_ONLY in set(t["fans"]["influencer_id"])
    and E.FANS_ONLY not in set(t["posts"]["influencer_id"]),
    "product_without_products_row": lambda t: not set(t["orders"]["product_id"]) <= set(t["products"]["product_id"]),
}


@pytest.mark.parametrize("name", PRESENT)
def test_edge_case_is_present(tables: Tables, name: str) -> None:
    assert PRESENT[name](tables)


def test_time_zone_edge_case_is_present(edge_path: Path) -> None:
    assert _present_tz(edge_path)


# ---- other physical types, same results ----------------------------------------------------------

VARIANT_RUNS = [(name, Case("all", W30D)) for name in
                ("order_attribution", "overview_kpis", "overview_daily", "influencer_list", "dataset_span")]
VARIANT_RUNS.append(("order_attribution", Case("gap", W1H, (E.HEAD, E.SMALL), Viewer(merchants=(1,)), "merchant_1")))
_base_results: dict[int, pd.DataFrame] = {}


@pytest.mark.parametrize("variant", ["ns", "ns_naive"])
def test_other_physical_types_give_identical_results(tmp_path_factory: pytest.TempPathFactory, edge: dataset.Dataset,
                                                     variant: str) -> None:
    path = E.dataset_path(tmp_path_factory, variant)
    orders = pq.read_schema(path / "orders.parquet")
    assert orders.field("order_id").type == pa.int32() and orders.field("amount").type == pa.float64()
    aware_unit = "ns" if variant == "ns" else "us"
    assert orders.field("ordered_at").type == pa.timestamp(aware_unit, "UTC")
    assert orders.field("refunded_at").type == pa.timestamp("ns")
    other = dataset.open_dataset(path)
    assert other.fingerprint != edge.fingerprint
    for i, (name, case) in enumerate(VARIANT_RUNS):
        if i not in _base_results:
            _base_results[i] = metrics.QUERIES[name](edge, case.filters, case.viewer)
        expected = _base_results[i]
        actual = metrics.QUERIES[name](other, case.filters, case.viewer)
        assert not expected.empty
        pd.testing.assert_frame_equal(actual, expected, obj=f"{name} {case}")


# ---- the demo dataset --------------------------------------------------------------------------

def test_tiny_demo_overview_kpis_over_its_whole_span(request: pytest.FixtureRequest) -> None:
    pytest.importorskip("advisor.demo")
    path = request.getfixturevalue("tiny_demo")
    t = E.load(Path(path))
    ds = dataset.open_dataset(path)
    span = ref_dataset_span(t, EVERYONE).iloc[0]
    whole = Period(span["first_day"], span["last_day"])
    assert metrics.span_period(ds) == whole
    expected = ref_overview_kpis(t, Case(whole))
    assert expected["clicks"].iloc[0] > 0 and expected["orders"].iloc[0] > 0
    actual = metrics.overview_kpis(ds, Filters(whole))
    assert_same(actual, expected, ["fans_start"], money_rounded=("aov",))


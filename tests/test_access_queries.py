"""Access control below the UI (issue 11): every named query, as an influencer, an MCN and a merchant, with random
periods, windows, influencer lists, merchants, posts and campaigns, returns only what the viewer's scope holds.

Four kinds of check, on the edge dataset (tests/edge_data.py) unless said otherwise:
- rows: every influencer, post, campaign, product and merchant id in a result lies in the viewer's scope, and a
  foreign post, campaign or merchant asked for by parameter gives no rows;
- filter equivalence (influencer-scoped viewers): a scope of influencers V with an influencer filter F gives what an
  unscoped run gives for F ∩ V, so foreign ids in F add nothing, not even to a total;
- non-interference: a result under V on dataset D equals the result under V on D', a copy of D changed only outside
  V's scope (other merchants' orders and clicks; other influencers' posts, campaigns, follows and the orders that
  cannot be attributed to V). This is what "rows outside the scope are never read into a result" means for figures
  that are sums and ratios;
- cohorts: category_benchmark, benchmark_trend and segment_values are the same for every viewer; influencer_rank's
  percentile, cohort_size and published are those of the unscoped cohort.
Parameters never widen a scope (viewer_* parameters, a wider Viewer passed to a scoped handle), merchants without
`profiles` are refused the audience-profile queries, and the checkers themselves are shown to catch a leak.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from advisor import access, dataset, db, metrics
from advisor.access import EVERYONE, Viewer
from advisor.metrics import AUDIENCE_DIMS, SEGMENT_AGE_BANDS, Filters, Period, Segment

from . import edge_data as E

Tables = dict[str, pd.DataFrame]
HOUR, DAY = dt.timedelta(hours=1), dt.timedelta(days=1)

NAMES = tuple(db.query_names())  # the queries with a file, run through db.run
COHORT = db.COHORT_QUERIES
PROFILE = db.PROFILE_QUERIES
SCOPED_NAMES = tuple(n for n in NAMES if n not in COHORT)
# What metrics.QUERIES runs: the files' queries and those cut from another's result (metrics.DERIVED).
QUERY_NAMES = tuple(sorted({*NAMES, *metrics.DERIVED}))
SCOPED_QUERIES = tuple(n for n in QUERY_NAMES if n not in COHORT)
# influencer_rank's figures of the whole cohort (category_benchmark's), the same for every viewer by design.
RANK_COHORT_COLUMNS = ["percentile", "cohort_size", "published"]

# ---- pools the random parameters draw from: own and foreign ids mixed, and ids that exist nowhere -----------------

INFLUENCER_POOL = (E.HEAD, E.PLAIN, E.WAIST, E.SMALL, E.NOBODY, E.QUIET, E.FANS_ONLY, 999)
POST_POOL = (*range(101, 141), E.POST_LOW, E.POST_HIGH, E.POST_PLAIN, E.POST_QUIET, E.POST_NO_CLICKS,
             E.POST_NO_PRODUCTS, E.POST_UNKNOWN_PRODUCTS, E.POST_ZERO_IMP, E.POST_AT_MAIN_START, E.POST_AT_MAIN_END,
             E.POST_MISSING, E.POST_UNKNOWN)
CAMPAIGN_POOL = (*range(1, 9), 99)
MERCHANT_POOL = (1, 2, 3, 4, 99)  # merchant 4 has products but no merchants row; 99 has nothing

# The viewers each role can be (access.User's mapping), picked by a number so that hypothesis can shrink and
# explicit examples can name one.
MCN_LISTS = ((E.HEAD, E.QUIET), (E.WAIST,), (E.HEAD, E.PLAIN), (E.PLAIN, E.SMALL, E.QUIET),
             (E.WAIST, E.SMALL, E.NOBODY, E.FANS_ONLY), (E.HEAD, E.PLAIN, E.WAIST, E.SMALL, E.NOBODY, E.QUIET,
                                                         E.FANS_ONLY))


def role_viewer(kind: str, pick: int) -> Viewer:
    """The `pick`-th viewer of a role, through access.User as the access file would make it."""
    if kind == "influencer":
        ids = (INFLUENCER_POOL[pick % 7],)
        return access.User("someone", "influencer", influencers=ids).viewer
    if kind == "mcn":
        role = "mcn" if pick % 2 == 0 else "analyst"  # an analyst with a list sees what an MCN does
        return access.User("agency", role, influencers=MCN_LISTS[pick % len(MCN_LISTS)]).viewer
    if kind == "merchant":
        merchant = (1, 2, 3, 4)[pick % 4]
        return access.User("shop", "merchant", merchants=(merchant,), profiles=(pick // 4) % 2 == 1).viewer
    raise ValueError(kind)


KINDS = ("influencer", "mcn", "merchant")


# ---- running a query in the ways a scope can reach it ---------------------------------------------------------------

DENIED = "NotPermitted"  # what a run returns when db.run refused it


def wider(v: Viewer) -> Viewer:
    """A viewer wider than `v` in every way: passing it to a handle scoped to `v` must change nothing."""
    influencers = None if v.influencers is None else tuple(sorted(set(v.influencers) | set(INFLUENCER_POOL)))
    return Viewer(influencers=influencers, merchants=None if v.merchants is None else MERCHANT_POOL, profiles=True)


MODES = ("arg", "handle", "handle+everyone", "handle+wider", "scoped_twice")


def run(name: str, ds: dataset.Dataset, f: Filters, v: Viewer, mode: str = "handle") -> pd.DataFrame | str:
    """metrics.QUERIES[name] under `v`: passed as the viewer argument, bound to the handle (as the app does), or bound
    to the handle and then given Viewer() or a wider viewer, which may only narrow it."""
    query = metrics.QUERIES[name]
    try:
        if mode == "arg":
            return query(ds, f, v)
        if mode == "handle":
            return query(ds.scoped(v), f)
        if mode == "handle+everyone":
            return query(ds.scoped(v), f, Viewer())
        if mode == "handle+wider":
            return query(ds.scoped(v), f, wider(v))
        if mode == "scoped_twice":
            return query(ds.scoped(v).scoped(wider(v)).scoped(EVERYONE), f)
    except db.NotPermitted:
        return DENIED
    raise ValueError(mode)


def make_filters(period: Period, influencers: tuple[int, ...] = (), window: dt.timedelta = 7 * DAY,
                 merchant: int = 1, dim: str = "gender", k: int = 3, post: int = E.POST_PLAIN, campaign: int = 2,
                 segment: Segment = Segment()) -> Filters:
    """Filters carrying what every query may need: the merchant, the dimension, k, the post, the campaign, a segment."""
    return Filters(period=period, influencers=tuple(influencers), window=window, merchant=merchant, dim=dim, k=k,
                   extra=(("post", post), ("campaign", campaign), ("segment", segment)))


def _period(start: dt.date, days: int) -> Period:
    return Period(start, start + days * DAY)


periods = st.one_of(
    st.sampled_from([Period(*p) for p in E.PERIODS.values()]),  # the planted boundaries, the empty days, no activity
    st.builds(_period, st.dates(dt.date(2026, 1, 10), dt.date(2026, 6, 10)), st.integers(0, 75)),
)
windows = st.one_of(st.sampled_from(E.WINDOWS), st.integers(1, 720).map(lambda h: h * HOUR))
segments = st.builds(
    lambda g, a, i: Segment.of({"gender": g, "age_band": a, "interest": i}),
    st.lists(st.sampled_from(("f", "m")), max_size=1), st.lists(st.sampled_from(SEGMENT_AGE_BANDS), max_size=2),
    st.lists(st.sampled_from(("beauty", "food", "猫咪", "acg")), max_size=2))
filters = st.builds(
    make_filters, period=periods,
    influencers=st.lists(st.sampled_from(INFLUENCER_POOL), max_size=4, unique=True).map(tuple),
    window=windows, merchant=st.sampled_from(MERCHANT_POOL), dim=st.sampled_from(AUDIENCE_DIMS),
    k=st.integers(3, 8), post=st.sampled_from(POST_POOL), campaign=st.sampled_from(CAMPAIGN_POOL), segment=segments)

WHOLE = Period(*E.PERIODS["all"])
MAIN = Period(*E.PERIODS["main"])
# Fixed cases every hypothesis test also runs: the whole span with the longest window (PLAIN's post 105, with
# campaign 2 bought by merchant 1), the main period (HEAD's planted post, its campaign 1, a mixed influencer list)
# and the gap with the shortest window (QUIET's post, foreign to HEAD and to merchant 1; merchant 2's campaign 6).
FULL_CASE = make_filters(WHOLE, window=30 * DAY, merchant=1, post=105, campaign=2)
MAIN_CASE = make_filters(MAIN, (E.HEAD, E.PLAIN, E.QUIET, 999), merchant=2, dim="interest", post=E.POST_PLAIN,
                         campaign=1)
GAP_CASE = make_filters(Period(*E.PERIODS["gap"]), window=HOUR, merchant=3, dim="age_band", post=E.POST_QUIET,
                        campaign=6)

# One failure per test, raised as it is (not a group), so that a leak's mark can say it expects an AssertionError.
SETTINGS = dict(deadline=None, print_blob=True, report_multiple_bugs=False,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.differing_executors])


# ---- what a viewer may see, from the raw tables (pandas, not SQL) ----------------------------------------------------

@dataclass(frozen=True)
class Allowed:
    """The ids a viewer's rows may carry; None: any."""

    influencers: frozenset[int] | None = None
    posts: frozenset[int] | None = None
    campaigns: frozenset[int] | None = None
    products: frozenset[int] | None = None
    merchants: frozenset[int] | None = None

    def meet(self, other: Allowed) -> Allowed:
        def both(a: frozenset[int] | None, b: frozenset[int] | None) -> frozenset[int] | None:
            return b if a is None else a if b is None else a & b
        return Allowed(*(both(getattr(self, k), getattr(other, k)) for k in
                         ("influencers", "posts", "campaigns", "products", "merchants")))


def _ids(values: pd.Series) -> frozenset[int]:
    return frozenset(int(x) for x in values.dropna())


class ScopeBook:
    """The scope semantics of issue 11 written out in pandas over the raw tables."""

    def __init__(self, t: Tables) -> None:
        self.t = t
        posts = t["posts"]
        self.clicks = t["clicks"].merge(posts[["post_id", "influencer_id"]], on="post_id", how="left")
        self.links = posts[["post_id", "influencer_id", "product_ids"]].explode("product_ids").dropna(
            subset=["product_ids"])
        self._cache: dict[Viewer, Allowed] = {}

    def of_influencers(self, ids: tuple[int, ...]) -> Allowed:
        """An influencer, MCN or analyst list: its influencers' rows, posts and campaigns; products its posts link or
        were clicked through."""
        t = self.t
        posts = t["posts"].loc[t["posts"]["influencer_id"].isin(ids), "post_id"]
        campaigns = t["campaigns"][t["campaigns"]["influencer_id"].isin(ids)]
        products = (_ids(self.links.loc[self.links["post_id"].isin(posts), "product_ids"])
                    | _ids(self.clicks.loc[self.clicks["post_id"].isin(posts), "product_id"]))
        # A campaign's post is part of the campaign (in the edge data it need not be the influencer's own post).
        return Allowed(influencers=frozenset(ids), posts=_ids(posts) | _ids(campaigns["post_id"]),
                       campaigns=_ids(campaigns["campaign_id"]), products=products)

    def own_products(self, merchants: tuple[int, ...]) -> frozenset[int]:
        pr = self.t["products"]
        return _ids(pr.loc[pr["merchant_id"].isin(merchants), "product_id"])

    def of_merchants(self, merchants: tuple[int, ...]) -> Allowed:
        """A merchant: its products; the influencers whose posts had a click on one of them (visible_account); the
        posts linking or clicked through them or carrying a campaign it bought; the campaigns it bought."""
        own = self.own_products(merchants)
        clicked = self.clicks[self.clicks["product_id"].isin(own)]
        bought = self.t["campaigns"][self.t["campaigns"]["buyer_merchant_id"].isin(merchants)]
        posts = (_ids(self.links.loc[self.links["product_ids"].isin(own), "post_id"]) | _ids(clicked["post_id"])
                 | _ids(bought["post_id"]))
        return Allowed(influencers=_ids(clicked["influencer_id"]), posts=posts, campaigns=_ids(bought["campaign_id"]),
                       products=own, merchants=frozenset(merchants))

    def allowed(self, v: Viewer) -> Allowed:
        if v not in self._cache:
            out = Allowed()
            if v.influencers is not None:
                out = out.meet(self.of_influencers(v.influencers))
            if v.merchants is not None:
                out = out.meet(self.of_merchants(v.merchants))
            self._cache[v] = out
        return self._cache[v]


@pytest.fixture(scope="session")
def book(tables: Tables) -> ScopeBook:
    return ScopeBook(tables)


def _param(f: Filters, key: str) -> object:
    return dict(f.extra)[key]


def check_rows(name: str, out: pd.DataFrame, v: Viewer, f: Filters, book: ScopeBook) -> None:
    """Every id a row carries lies in the scope of `v`; a foreign post, campaign or merchant parameter gives nothing."""
    allowed = book.allowed(v)
    where = f"{name} as {v}"
    if name == "benchmark_rows":  # its cohort rows are no one's but the cohort's (everyone's: check_cohorts)
        out = out[out["row_kind"] == "rank"]

    def within(col: str, ids: frozenset[int] | None, nulls: bool) -> None:
        if col not in out.columns or ids is None:
            return
        values = out[col]
        assert nulls or not values.isna().any(), f"{where}: {col} is null on a row ({values.isna().sum()} rows)"
        foreign = sorted(set(_ids(values)) - ids)
        assert not foreign, f"{where}: {col} outside the scope: {foreign[:10]}"

    # An influencer-scoped viewer never sees a row without an influencer (store sales, clicks on missing posts).
    open_ = v.influencers is None
    for col in ("influencer_id", "influencer_a", "influencer_b"):
        within(col, allowed.influencers, open_)
    campaign_rows = name in ("campaign_roi", "campaign_details", "post_campaigns")
    within("post_id", allowed.posts, open_ or campaign_rows)  # an account_recommend campaign has no post
    within("product_id", allowed.products, open_)
    within("buyer_merchant_id", allowed.merchants, v.merchants is None)
    within("merchant_id", allowed.merchants, False)
    if campaign_rows:
        within("campaign_id", allowed.campaigns, False)
    post, campaign = _param(f, "post"), _param(f, "campaign")
    if name in ("post_hourly", "post_products", "post_campaigns") and allowed.posts is not None:
        assert post in allowed.posts or out.empty, f"{where}: {len(out)} rows for foreign post {post}"
    if name == "campaign_hourly" and allowed.campaigns is not None:
        assert campaign in allowed.campaigns or out.empty, f"{where}: {len(out)} rows for foreign campaign {campaign}"
    if name == "influencer_compare" and allowed.merchants is not None:
        assert f.merchant in allowed.merchants or out.empty, f"{where}: rows for foreign merchant {f.merchant}"


def assert_same(got: pd.DataFrame | str, want: pd.DataFrame | str, what: str) -> None:
    """Equal results (both refused counts as equal); the message names the first differing column and rows."""
    if isinstance(got, str) or isinstance(want, str):
        shown = [x if isinstance(x, str) else f"{len(x)} rows" for x in (got, want)]
        assert isinstance(got, str) and isinstance(want, str), f"{what}: {shown[0]} vs {shown[1]}"
        return
    got, want = got.reset_index(drop=True), want.reset_index(drop=True)
    assert list(got.columns) == list(want.columns), f"{what}: columns {list(got.columns)} vs {list(want.columns)}"
    assert len(got) == len(want), f"{what}: {len(got)} rows vs {len(want)}\n{got.head(8)}\n---\n{want.head(8)}"
    for col in got.columns:
        try:
            pd.testing.assert_series_equal(got[col], want[col], check_dtype=False, check_exact=False, rtol=1e-9,
                                           atol=1e-12)
        except AssertionError:
            a, b = got[col], want[col]
            differ = ~((a == b).fillna(False) | (a.isna() & b.isna()))
            rows = list(np.flatnonzero(differ.to_numpy(dtype=bool)))[:5]
            raise AssertionError(f"{what}: column {col!r} differs on {int(differ.sum())} of {len(a)} rows, e.g. "
                                 f"rows {rows}:\n{pd.concat([got.iloc[rows], want.iloc[rows]], keys=['got', 'want'])}"
                                 ) from None


# The queries with an influencer filter: their SQL's $influencers, or (influencer_rank) kept from the rows of all.
TAKES_INFLUENCERS = frozenset({*(n for n in SCOPED_NAMES if "influencers" in db.query_params(n)), "influencer_rank",
                               *(n for n, src in metrics.DERIVED.items() if "influencers" in db.query_params(src))})


def check_filter_equivalence(name: str, out: pd.DataFrame | str, v: Viewer, f: Filters, edge: dataset.Dataset
                             ) -> None:
    """For a scope of influencers V and an influencer filter F: the scoped result is the unscoped one for F ∩ V (for
    an empty F, for V), and nothing at all when F holds only foreign ids."""
    if name not in TAKES_INFLUENCERS or v.influencers is None or v.merchants is not None or isinstance(out, str):
        return
    own = set(v.influencers)
    if not f.influencers:
        want = run(name, edge, replace(f, influencers=v.influencers), EVERYONE, "arg")
        if name == "shortlist_reach":  # without a list the steps go by fans, with one in the list's order
            cols = ["influencer_id", "fans_end", "exclusive_fans"]
            out, want = (x[cols].sort_values("influencer_id") for x in (out, want))
    elif kept := tuple(i for i in f.influencers if i in own):
        want = run(name, edge, replace(f, influencers=kept), EVERYONE, "arg")
    else:
        want = run(name, edge, replace(f, influencers=()), Viewer(influencers=()), "arg")
    assert_same(out, want, f"{name} as {v} with influencers {f.influencers}: scope ≠ filter on F ∩ V")


def check_cohorts(name: str, out: pd.DataFrame | str, v: Viewer, f: Filters, ds: dataset.Dataset) -> None:
    """Cohort queries give every viewer the same result; influencer_rank's cohort columns are the unscoped rows' (and
    benchmark_rows' cohort rows, of which category_benchmark is cut, the unscoped ones)."""
    if name in COHORT:
        assert_same(out, run(name, ds, f, EVERYONE, "arg"), f"{name} as {v}: a cohort query depends on the viewer")
    if name == "benchmark_rows" and not isinstance(out, str):
        # its 'cohort' rows are category_benchmark's, the same for every viewer; its 'rank' rows influencer_rank's
        whole = run(name, ds, f, EVERYONE, "arg")
        assert_same(out[out["row_kind"] == "cohort"], whole[whole["row_kind"] == "cohort"],
                    f"{name} as {v}: its cohort rows depend on the viewer")
        every = replace(f, influencers=())  # benchmark_rows takes no influencer filter
        check_cohorts("influencer_rank", run("influencer_rank", ds, every, v, "arg"), v, every, ds)
    if name == "influencer_rank" and not isinstance(out, str) and not out.empty:
        whole = run(name, ds, f, EVERYONE, "arg")
        keys = ["influencer_id", "metric"]
        cols = RANK_COHORT_COLUMNS + (["category", "tier", "value"] if v.merchants is None else ["category"])
        mine = out[keys + cols].reset_index(drop=True)
        theirs = mine[keys].merge(whole[keys + cols], on=keys, how="left", validate="one_to_one")
        assert_same(mine, theirs, f"influencer_rank as {v}: cohort figures differ from the unscoped ranking")


def _pairs(kinds: object, names: tuple[str, ...], leaks: dict[tuple[str, str], str]) -> list:
    """(kind, name) pairs, a found leak marked: it must keep failing with an AssertionError until the SQL is fixed."""
    def marks(kind: str, name: str) -> list:
        if (kind, name) not in leaks:
            return []
        return [pytest.mark.xfail(strict=True, raises=AssertionError, reason=leaks[kind, name])]

    return [pytest.param(kind, name, id=f"{kind}-{name}", marks=marks(kind, name)) for kind in kinds for name in names]


# ---- rows, filter equivalence and cohorts for every named query, as each role, with random parameters ----------------

# Found by this test; see LEAKS below for how a found leak is kept (none is open now).
ROW_LEAKS: dict[tuple[str, str], str] = {}


@pytest.mark.parametrize(("kind", "name"), _pairs(KINDS, QUERY_NAMES, ROW_LEAKS))
@settings(max_examples=5, **SETTINGS)
@given(f=filters, pick=st.integers(0, 63), mode=st.sampled_from(MODES))
@example(f=FULL_CASE, pick=1, mode="handle")
@example(f=MAIN_CASE, pick=4, mode="handle+wider")
@example(f=GAP_CASE, pick=0, mode="arg")
def test_every_row_lies_in_the_viewers_scope(edge: dataset.Dataset, book: ScopeBook, kind: str, name: str,
                                             f: Filters, pick: int, mode: str) -> None:
    v = role_viewer(kind, pick)
    out = run(name, edge, f, v, mode)
    if name in PROFILE and not v.profiles:
        assert out is DENIED, f"{name} ran for {v}, a viewer without audience profiles"
        return
    assert not isinstance(out, str), f"{name} refused {v}"
    check_rows(name, out, v, f, book)
    check_filter_equivalence(name, out, v, f, edge)
    check_cohorts(name, out, v, f, edge)


# ---- non-interference: the same result on a copy of the data changed only outside the viewer's scope -----------------

# The viewers of the twin datasets, one per role: PLAIN (campaigns 2, 5, 6 on post 105, two of them bought by
# merchants), HEAD and QUIET of MCN 10, and merchant 1 granted audience profiles (so that every query runs for it;
# without the grant the same queries run and the profile ones are refused, see the tests below).
TWIN_VIEWERS = {
    "influencer": access.User("li.jiajia", "influencer", influencers=(E.PLAIN,)).viewer,
    "mcn": access.User("agency10", "mcn", influencers=(E.HEAD, E.QUIET)).viewer,
    "merchant": access.User("shop1", "merchant", merchants=(1,), profiles=True).viewer,
}


def _copy(t: Tables) -> Tables:
    return {name: frame.copy(deep=True) for name, frame in t.items()}


def _some(index: pd.Index, rng: np.random.Generator, share: float) -> pd.Index:
    return index[rng.random(len(index)) < share]


def _scale_money(frame: pd.DataFrame, rows: pd.Index, column: str) -> None:
    frame.loc[rows, f"{column}_cents"] = frame.loc[rows, f"{column}_cents"] * 3 + 7
    frame.loc[rows, column] = frame.loc[rows, f"{column}_cents"] / 100


def _flip_status(orders: pd.DataFrame, rows: pd.Index) -> None:
    """paid <-> refunded, with refunded_at a day after the order or null."""
    was_refunded = (orders.loc[rows, "status"] == "refunded").to_numpy(dtype=bool)
    orders.loc[rows, "status"] = np.where(was_refunded, "paid", "refunded")
    orders.loc[rows, "refunded_at"] = (orders.loc[rows, "ordered_at"] + DAY).where(~was_refunded)


def _shake_follows(t: Tables, rows: pd.Index, rng: np.random.Generator) -> None:
    """Delete some of these follows, move some, end some, change the profiles of others."""
    fans = t["fans"]
    moved = _some(rows, rng, 0.3)
    fans.loc[moved, "followed_at"] = fans.loc[moved, "followed_at"] + HOUR
    fans.loc[moved, "unfollowed_at"] = fans.loc[moved, "unfollowed_at"] + HOUR
    ended = _some(rows, rng, 0.1)
    fans.loc[ended, "unfollowed_at"] = fans.loc[ended, "followed_at"] + 2 * DAY
    profiled = _some(rows, rng, 0.3)
    fans.loc[profiled, "gender"] = "m"
    fans.loc[profiled, "province"] = "西藏"
    fans.loc[profiled, "city_tier"] = 5
    t["fans"] = fans.drop(_some(rows, rng, 0.2))


def _shake_posts(t: Tables, rows: pd.Index, moved: pd.Index) -> None:
    posts = t["posts"]
    for col in ("impressions", "reads", "reposts", "comments", "likes"):
        posts.loc[rows, col] = posts.loc[rows, col] * 2 + 3
    posts.loc[moved, "posted_at"] = posts.loc[moved, "posted_at"] + 3 * HOUR


def outside_merchants(t: Tables, book: ScopeBook, merchants: tuple[int, ...], seed: int = 11) -> Tables:
    """D' for a merchant: orders of every other product (other merchants', and products no merchant has) scaled,
    flipped between paid and refunded, moved and deleted; clicks on them recut (channel, campaign, device), moved
    and deleted, the platform's first click among them; campaigns it did not buy re-priced and moved; posts neither
    linking nor clicked through its products nor carrying its campaigns re-counted and moved; the follows of the
    influencers it cannot see (no click on its products through their posts) shaken. Attribution matches the same
    user and product, so nothing here can touch the attribution of an order of its own products."""
    rng = np.random.default_rng(seed)
    out = _copy(t)
    own = book.own_products(merchants)
    allowed = book.of_merchants(merchants)

    orders = out["orders"]
    foreign = orders.index[~orders["product_id"].isin(own)]
    _scale_money(orders, foreign, "amount")
    _flip_status(orders, _some(foreign, rng, 0.3))
    moved = _some(foreign, rng, 0.2)
    orders.loc[moved, "ordered_at"] = orders.loc[moved, "ordered_at"] + 5 * HOUR
    out["orders"] = orders.drop(_some(foreign, rng, 0.25))

    clicks = out["clicks"]
    foreign = clicks.index[~clicks["product_id"].isin(own)]
    recut = _some(foreign, rng, 0.3)
    clicks.loc[recut, "channel"] = rng.choice(E.CHANNELS, len(recut))
    clicks.loc[recut, "campaign_id"] = pd.array(rng.integers(1, 9, len(recut)), dtype="Int64")
    clicks.loc[recut, "device"] = "pc"
    moved = _some(foreign, rng, 0.2)
    clicks.loc[moved, "clicked_at"] = clicks.loc[moved, "clicked_at"] - 2 * HOUR
    first = clicks.loc[foreign, "clicked_at"].idxmin()
    out["clicks"] = clicks.drop(_some(foreign, rng, 0.25).union([first]))

    campaigns = out["campaigns"]
    theirs = campaigns.index[~campaigns["buyer_merchant_id"].isin(merchants).fillna(False).to_numpy(dtype=bool)]
    _scale_money(campaigns, theirs, "spend")
    campaigns.loc[theirs, "impressions"] = campaigns.loc[theirs, "impressions"] * 3 + 1
    for col in ("start_at", "end_at"):
        campaigns.loc[theirs, col] = campaigns.loc[theirs, col] + HOUR

    posts = out["posts"]
    theirs = posts.index[~posts["post_id"].isin(allowed.posts)]
    _shake_posts(out, theirs, theirs)
    fans = out["fans"]
    _shake_follows(out, fans.index[~fans["influencer_id"].isin(allowed.influencers)], rng)
    return out


def outside_influencers(t: Tables, book: ScopeBook, ids: tuple[int, ...], seed: int = 12) -> Tables:
    """D' for an influencer or an MCN: other influencers' posts re-counted and moved, their campaigns re-priced and
    moved, the amount and status of every order that cannot be attributed to its posts or campaigns (no click of the
    same user on the same product, at any time, on its posts or carrying its campaigns), and the follows of
    influencers of other categories (audience_tgi's baseline is the category's audience, by its definition). Clicks
    stay: another influencer's click can be the latest before an order and so take it from the viewer, which is
    attribution, not a leak."""
    rng = np.random.default_rng(seed)
    out = _copy(t)
    posts = out["posts"]
    theirs = posts.index[~posts["influencer_id"].isin(ids)]
    _shake_posts(out, theirs, theirs)

    campaigns = out["campaigns"]
    theirs = campaigns.index[~campaigns["influencer_id"].isin(ids)]
    _scale_money(campaigns, theirs, "spend")
    campaigns.loc[theirs, "impressions"] = campaigns.loc[theirs, "impressions"] * 3 + 1
    for col in ("start_at", "end_at"):
        campaigns.loc[theirs, col] = campaigns.loc[theirs, col] + HOUR

    own_posts = t["posts"].loc[t["posts"]["influencer_id"].isin(ids), "post_id"]
    own_campaigns = t["campaigns"].loc[t["campaigns"]["influencer_id"].isin(ids), "campaign_id"]
    clicks = t["clicks"]
    mine = clicks[clicks["post_id"].isin(own_posts) | clicks["campaign_id"].isin(own_campaigns).fillna(False)]
    protected = set(zip(mine["user_id"], mine["product_id"], strict=True))
    orders = out["orders"]
    free = orders.index[[k not in protected for k in zip(orders["user_id"], orders["product_id"], strict=True)]]
    _scale_money(orders, free, "amount")
    _flip_status(orders, _some(free, rng, 0.3))

    infl = t["influencers"]
    categories = set(infl.loc[infl["influencer_id"].isin(ids), "category"])
    others = infl.loc[~infl["category"].isin(categories), "influencer_id"]
    fans = out["fans"]
    _shake_follows(out, fans.index[fans["influencer_id"].isin(others)], rng)
    return out


@pytest.fixture(scope="session")
def twins(tables: Tables, book: ScopeBook, tmp_path_factory: pytest.TempPathFactory):
    """twins(kind): the edge dataset changed outside TWIN_VIEWERS[kind]'s scope, written once per session."""
    made: dict[str, dataset.Dataset] = {}

    def twin(kind: str) -> dataset.Dataset:
        if kind not in made:
            v = TWIN_VIEWERS[kind]
            frames = (outside_merchants(tables, book, v.merchants) if v.merchants is not None
                      else outside_influencers(tables, book, v.influencers))
            made[kind] = dataset.open_dataset(E.write(tmp_path_factory.mktemp(f"twin_{kind}") / "ds", frames))
        return made[kind]

    return twin


# Flows that the definitions make, not leaks: a fan's activity anywhere on the platform decides whether the fan is
# dormant (METRICS.md, audience_quality: "no activity anywhere"), so a viewer granted full profiles sees figures that
# other merchants' orders and clicks move. Only these columns are left out of the comparison; the rest must hold.
ACTIVITY_COLUMNS = ["dormant_fans", "dormant_share", "burst_fans", "quality_score"]


def _without_cohort(name: str, out: pd.DataFrame | str) -> pd.DataFrame | str:
    """influencer_rank's percentile, cohort_size and published rank the viewer's influencer among every member of
    its category × tier: the cohort is everyone's by design (checked against the unscoped ranking above), so data
    outside the scope legitimately moves them. Its rows and `value` must not move. audience_quality's activity
    columns are platform-wide by definition (ACTIVITY_COLUMNS)."""
    if isinstance(out, str):
        return out
    if name == "influencer_rank":
        return out.drop(columns=RANK_COHORT_COLUMNS)
    if name == "benchmark_rows":  # its rank rows as influencer_rank's; its cohort rows are everyone's
        ranks = out[out["row_kind"] == "rank"]
        return ranks.drop(columns=[*RANK_COHORT_COLUMNS, "influencers", "p25", "p50", "p75", "p90"])
    if name == "audience_quality":
        return out.drop(columns=[c for c in ACTIVITY_COLUMNS if c in out.columns])
    return out


# Found by this test (see the report on the access-tests branch), all fixed in the SQL since: overview fans of
# influencers a merchant cannot see, post_hourly of posts not linking its products, post_campaigns' paid clicks on
# other merchants' products, the baseline's first click, influencer_rank values over every merchant's products. A
# leak keeps its test here, marked, until the SQL is fixed; strict, so the mark must go when it is.
LEAKS: dict[tuple[str, str], str] = {}


# The cohort queries (category_benchmark, benchmark_trend, segment_values) take no scope at all: their figures are
# everyone's, published under the k / dominance / 50-fan rules, and checked to be the same for every viewer instead.
@pytest.mark.parametrize(("kind", "name"), _pairs(TWIN_VIEWERS, SCOPED_QUERIES, LEAKS))
@settings(max_examples=4, **SETTINGS)
@given(f=filters)
@example(f=FULL_CASE)
@example(f=MAIN_CASE)
@example(f=GAP_CASE)
def test_data_outside_the_scope_never_changes_a_result(edge: dataset.Dataset, twins, kind: str, name: str,
                                                       f: Filters) -> None:
    v = TWIN_VIEWERS[kind]
    here = _without_cohort(name, run(name, edge, f, v))
    there = _without_cohort(name, run(name, twins(kind), f, v))
    assert_same(there, here, f"{name} as {kind} {v} on D' (changed outside the scope) vs D, {f}")


def _frame(t: Tables, table: str, keep: pd.Series | np.ndarray | None = None) -> pd.DataFrame:
    """A table's rows (all, or `keep`) in a fixed order, lists as tuples, for comparing two datasets."""
    df = t[table] if keep is None else t[table][keep]
    df = df.map(lambda x: tuple(x) if isinstance(x, list | np.ndarray) else x)
    return df.sort_values(list(df.columns[:4])).reset_index(drop=True)


@pytest.mark.parametrize("kind", TWIN_VIEWERS)
def test_the_twins_differ_only_outside_the_scope(edge: dataset.Dataset, tables: Tables, book: ScopeBook, twins,
                                                 kind: str) -> None:
    """The premise of non-interference, read back from the written files: inside the viewer's scope D' holds exactly
    D's rows; outside it D' differs enough that an unscoped viewer sees other figures in every screen's first query."""
    v, d, d2 = TWIN_VIEWERS[kind], tables, E.load(twins(kind).path)
    for table in ("influencers", "products", "merchants"):
        pd.testing.assert_frame_equal(_frame(d2, table), _frame(d, table))
    if v.merchants is not None:
        allowed, own = book.of_merchants(v.merchants), book.own_products(v.merchants)
        inside = {"orders": lambda x: x["product_id"].isin(own), "clicks": lambda x: x["product_id"].isin(own),
                  "campaigns": lambda x: x["buyer_merchant_id"].isin(v.merchants).fillna(False).to_numpy(dtype=bool),
                  "posts": lambda x: x["post_id"].isin(allowed.posts),
                  "fans": lambda x: x["influencer_id"].isin(allowed.influencers)}
    else:
        infl = d["influencers"]
        categories = set(infl.loc[infl["influencer_id"].isin(v.influencers), "category"])
        kin = infl.loc[infl["category"].isin(categories), "influencer_id"]
        inside = {"clicks": None, "posts": lambda x: x["influencer_id"].isin(v.influencers),
                  "campaigns": lambda x: x["influencer_id"].isin(v.influencers),
                  "fans": lambda x: x["influencer_id"].isin(kin)}
        # every order keeps its time, buyer and product; only those no click of the viewer's could earn change
        cols = ["order_id", "ordered_at", "user_id", "product_id", "quantity"]
        pd.testing.assert_frame_equal(_frame(d2, "orders")[cols], _frame(d, "orders")[cols])
    for table, keep in inside.items():
        pd.testing.assert_frame_equal(_frame(d2, table, None if keep is None else keep(d2[table])),
                                      _frame(d, table, None if keep is None else keep(d[table])), obj=table)
    f = make_filters(WHOLE, window=30 * DAY)
    for name in ("overview_kpis", "post_conversion", "campaign_roi", "audience_summary"):
        with pytest.raises(AssertionError):
            assert_same(run(name, twins(kind), f, EVERYONE), run(name, edge, f, EVERYONE), name)


# ---- cohorts: the same for every viewer, on a dataset whose cohorts are published ----------------------------------

@pytest.fixture(scope="session")
def cohorts(tmp_path_factory: pytest.TempPathFactory) -> dataset.Dataset:
    from . import benchmark_data as B

    return dataset.open_dataset(B.dataset_path(tmp_path_factory))


@pytest.fixture(scope="session")
def cohort_book(cohorts: dataset.Dataset) -> ScopeBook:
    return ScopeBook(E.load(cohorts.path))


COHORT_MEMBERS = (11, 12, 13, 14, 15, 16, 17, 18, 21, 22, 23, 24, 25, 31, 32, 33, 34, 41, 42, 43, 44, 45, 51, 52, 53,
                  54, 55, 61, 62, 63)
id_lists = st.lists(st.sampled_from(COHORT_MEMBERS + (999,)), max_size=6, unique=True).map(lambda x: tuple(sorted(x)))
cohort_viewers = st.one_of(
    id_lists.map(lambda ids: access.User("agency", "mcn", influencers=ids).viewer),
    st.builds(lambda m, p: access.User("shop", "merchant", merchants=(m,), profiles=p).viewer,
              st.sampled_from((1, 2, 3)), st.booleans()),
    st.just(Viewer(influencers=())))
COHORT_WHOLE = Period(dt.date(2026, 2, 1), dt.date(2026, 3, 31))


def test_the_cohort_dataset_publishes_cohorts(cohorts: dataset.Dataset) -> None:
    """Without published cohorts the next test could not fail."""
    f = make_filters(COHORT_WHOLE)
    assert len(metrics.category_benchmark(cohorts, f)) > 10
    assert len(metrics.benchmark_trend(cohorts, f)) > 10
    assert metrics.influencer_rank(cohorts, f)["published"].sum() > 50


@settings(max_examples=15, **SETTINGS)
@given(v=cohort_viewers, start=st.dates(dt.date(2026, 1, 25), dt.date(2026, 3, 20)), days=st.integers(0, 70),
       window=windows, k=st.integers(3, 6), chosen=id_lists, mode=st.sampled_from(MODES))
@example(v=Viewer(influencers=(11, 12)), start=COHORT_WHOLE.start, days=59, window=7 * DAY, k=3, chosen=(),
         mode="handle")
@example(v=Viewer(merchants=(2,), profiles=False), start=COHORT_WHOLE.start, days=59, window=7 * DAY, k=5,
         chosen=(11, 21, 999), mode="handle+wider")
def test_cohorts_are_the_same_for_every_viewer(cohorts: dataset.Dataset, cohort_book: ScopeBook, v: Viewer,
                                               start: dt.date, days: int, window: dt.timedelta, k: int,
                                               chosen: tuple[int, ...], mode: str) -> None:
    f = make_filters(_period(start, days), chosen, window, k=k)
    for name in ("category_benchmark", "benchmark_trend", "segment_values", "influencer_rank", "benchmark_rows"):
        out = run(name, cohorts, f, v, mode)
        check_cohorts(name, out, v, f, cohorts)
        check_rows(name, out, v, f, cohort_book)


# ---- audience profiles: refused to a merchant unless granted, whatever it passes -------------------------------------

ACCESS_FILE = """
[login]
mode = "proxy"

[users."li.jiajia"]
role = "influencer"
influencers = [2]

[users."agency10"]
role = "mcn"
influencers = [6, 1]

[users."shop1"]
role = "merchant"
merchant = 1

[users."shop2"]
role = "merchant"
merchant = [2]
profiles = true

[users."analyst.some"]
role = "analyst"
influencers = [3, 4]

[users."analyst.all"]
role = "analyst"
influencers = "all"

[users."boss"]
role = "admin"
"""


@pytest.fixture(scope="session")
def people(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Viewer]:
    path = tmp_path_factory.mktemp("access") / "access.toml"
    path.write_text(ACCESS_FILE, encoding="utf-8")
    return {login: user.viewer for login, user in access.load(path).users.items()}


def test_roles_map_to_viewers(people: dict[str, Viewer]) -> None:
    assert people == {
        "li.jiajia": Viewer(influencers=(2,)),
        "agency10": Viewer(influencers=(1, 6)),
        "shop1": Viewer(merchants=(1,), profiles=False),
        "shop2": Viewer(merchants=(2,), profiles=True),
        "analyst.some": Viewer(influencers=(3, 4)),
        "analyst.all": EVERYONE,
        "boss": EVERYONE,
    }


@pytest.mark.parametrize("name", sorted(PROFILE))
def test_audience_profiles_are_refused_to_a_merchant_without_the_grant(edge: dataset.Dataset,
                                                                      people: dict[str, Viewer], name: str) -> None:
    shop, granted = people["shop1"], people["shop2"]
    for mode in MODES:  # a handle of shop1 given Viewer() or a wider viewer with profiles=True stays refused
        assert run(name, edge, MAIN_CASE, shop, mode) is DENIED, mode
    # the grant cannot be added by narrowing, but it can be taken away
    assert run(name, edge.scoped(shop), MAIN_CASE, Viewer(profiles=True), "arg") is DENIED
    assert run(name, edge.scoped(granted), MAIN_CASE, Viewer(profiles=False), "arg") is DENIED
    assert not isinstance(run(name, edge, MAIN_CASE, granted), str)
    for login in ("li.jiajia", "agency10", "analyst.some", "analyst.all", "boss"):
        assert not isinstance(run(name, edge, MAIN_CASE, people[login]), str), login
    with pytest.raises(db.NotPermitted):  # below metrics: db.run itself refuses, before any parameter is read
        db.run(edge.scoped(shop), name)


# ---- parameters never widen a scope ----------------------------------------------------------------------------------

def _db_params(monkeypatch: pytest.MonkeyPatch, name: str, ds: dataset.Dataset, f: Filters, v: Viewer
               ) -> dict[str, object]:
    """The parameters metrics passes to db.run for this query."""
    seen: dict[str, object] = {}
    real = db.run

    def spy(ds_: dataset.Dataset, name_: str, viewer: Viewer | None = None, **params: object) -> pd.DataFrame:
        seen.update(params)
        return real(ds_, name_, viewer, **params)

    with monkeypatch.context() as m:
        m.setattr(db, "run", spy)
        metrics.clear_cache()
        metrics.QUERIES[name](ds, f, v)
    return seen


@pytest.mark.parametrize("name", SCOPED_NAMES)
def test_viewer_parameters_never_widen_a_scope(edge: dataset.Dataset, monkeypatch: pytest.MonkeyPatch,
                                               name: str) -> None:
    """viewer_influencers / viewer_merchants passed as query parameters (null = everything) are refused or
    overridden; a scoped handle given Viewer() or a wider viewer keeps its scope."""
    for kind in ("influencer", "merchant"):
        v = TWIN_VIEWERS[kind]
        scoped = edge.scoped(v)
        params = _db_params(monkeypatch, name, scoped, FULL_CASE, EVERYONE)
        want = db.run(scoped, name, **params)
        assert_same(db.run(edge, name, v, **params), want, f"{name}: scope as argument vs on the handle")
        for narrowing in (Viewer(), wider(v), EVERYONE):
            assert_same(db.run(scoped, name, narrowing, **params), want, f"{name}: {narrowing} widened {v}")
        for forged in ({"viewer_influencers": None}, {"viewer_merchants": None},
                       {"viewer_influencers": None, "viewer_merchants": None},
                       {"viewer_influencers": list(INFLUENCER_POOL), "viewer_merchants": list(MERCHANT_POOL)}):
            try:
                got = db.run(scoped, name, **params, **forged)
            except db.QueryError as exc:
                assert not isinstance(exc, db.NotPermitted)
                continue
            assert_same(got, want, f"{name}: parameters {forged} widened {v}")


# ---- the result cache never serves one viewer's result to another ----------------------------------------------------

CACHE_VIEWERS = (EVERYONE, TWIN_VIEWERS["influencer"], TWIN_VIEWERS["mcn"], TWIN_VIEWERS["merchant"],
                 Viewer(merchants=(2,), profiles=False), Viewer(influencers=()))


@settings(max_examples=5, **SETTINGS)
@given(order=st.permutations([(v, how) for v in CACHE_VIEWERS for how in ("arg", "handle")]),
       name=st.sampled_from(("overview_kpis", "post_conversion", "audience_overlap", "campaign_roi")))
def test_cached_results_are_keyed_by_scope(edge: dataset.Dataset, order: list[tuple[Viewer, str]], name: str) -> None:
    fresh = {}
    for v in CACHE_VIEWERS:
        metrics.clear_cache()
        fresh[v] = run(name, edge, MAIN_CASE, v, "arg")
    metrics.clear_cache()
    for v, how in order + order:
        assert_same(run(name, edge, MAIN_CASE, v, how), fresh[v], f"{name} as {v} from the cache")
    metrics.clear_cache()


# ---- a scoped handle narrows as Viewer.narrow does (tests/test_access.py checks narrow itself) -----------------------

scope_ids = st.one_of(st.none(), st.lists(st.integers(1, 8), max_size=4, unique=True).map(lambda x: tuple(sorted(x))))
any_viewer = st.builds(Viewer, scope_ids, scope_ids, st.booleans())


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(a=any_viewer, b=any_viewer)
def test_scoped_handles_only_narrow(edge: dataset.Dataset, a: Viewer, b: Viewer) -> None:
    n = a.narrow(b)
    assert edge.scoped(a).scoped(b).viewer == n == db.scope(edge.scoped(a), b) == db.scope(edge.scoped(b), a)
    assert db.scope(edge.scoped(a)) == db.scope(edge.scoped(a), EVERYONE) == edge.scoped(a).scoped(EVERYONE).viewer == a
    assert edge.scoped(a).fingerprint == edge.fingerprint  # one connection and one prepared cache for every scope


def fails(check: object, **kwargs: object) -> None:
    """`check(**kwargs)` fails: an AssertionError, or hypothesis' group of them when several examples failed."""
    try:
        check(**kwargs)  # type: ignore[operator]
    except AssertionError:
        return
    except ExceptionGroup as group:
        assert all(isinstance(e, AssertionError) for e in group.exceptions), group.exceptions
        return
    raise AssertionError(f"{getattr(check, '__name__', check)}({kwargs}) passed with the scope dropped")


# ---- the checks catch a leak -----------------------------------------------------------------------------------------

def test_the_checks_fail_when_the_scope_is_dropped(edge: dataset.Dataset, book: ScopeBook, twins,
                                                   people: dict[str, Viewer], monkeypatch: pytest.MonkeyPatch) -> None:
    """A test that cannot fail proves nothing: with the scope dropped on its way to SQL (Viewer.params answering
    "everything"), or ignored altogether (db.scope answering EVERYONE), the tests of this file fail."""
    plain, shop = TWIN_VIEWERS["influencer"], TWIN_VIEWERS["merchant"]
    monkeypatch.setattr(Viewer, "params", lambda self: {"viewer_influencers": None, "viewer_merchants": None})
    metrics.clear_cache()
    for kind, name in (("influencer", "post_conversion"), ("mcn", "audience_summary"),
                       ("merchant", "order_attribution"), ("influencer", "post_hourly"), ("merchant", "campaign_roi"),
                       ("mcn", "overview_kpis")):
        fails(test_every_row_lies_in_the_viewers_scope, edge=edge, book=book, kind=kind, name=name)
        metrics.clear_cache()
    for kind, name in (("influencer", "overview_kpis"), ("mcn", "post_conversion"), ("merchant", "order_attribution"),
                       ("merchant", "influencer_compare"), ("influencer", "campaign_products")):
        fails(test_data_outside_the_scope_never_changes_a_result, edge=edge, twins=twins, kind=kind, name=name)
        metrics.clear_cache()
    with pytest.raises(AssertionError, match="outside the scope"):
        check_rows("order_attribution", run("order_attribution", edge, FULL_CASE, shop), shop, FULL_CASE, book)
    with pytest.raises(AssertionError, match="scope ≠ filter"):
        check_filter_equivalence("overview_kpis", run("overview_kpis", edge, MAIN_CASE, plain), plain, MAIN_CASE, edge)
    monkeypatch.undo()

    monkeypatch.setattr(db, "scope", lambda ds, viewer=None: EVERYONE)
    metrics.clear_cache()
    fails(test_audience_profiles_are_refused_to_a_merchant_without_the_grant, edge=edge, people=people,
          name="audience_summary")
    fails(test_every_row_lies_in_the_viewers_scope, edge=edge, book=book, kind="merchant", name="influencer_list")
    monkeypatch.undo()
    metrics.clear_cache()

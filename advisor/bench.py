"""python -m advisor bench: every named query and every screen, cold and warm, against a floor and a pandas peer."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from advisor import dataset, db, metrics
from advisor.dataset import Dataset
from advisor.metrics import Filters

# ---- what each screen runs -------------------------------------------------------------------------


@dataclass(frozen=True)
class Picks:
    """A screen's default view on this dataset: the whole span, all influencers, a 7-day window, and the choices
    a screen makes by itself (the best-selling post, the busiest campaign, the first merchant ...). Found once,
    before any timing, the way the pages find them."""

    filters: Filters
    post: int | None = None
    campaign: int | None = None
    merchant: int | None = None
    compared: tuple[int, ...] = ()  # the influencers of the merchant's comparison table
    focus: int | None = None  # the influencer of "where I stand"
    category: object = None  # its category

    @property
    def shortlist(self) -> tuple[int, ...]:
        return self.compared[:3]  # pages/merchants.py, DEFAULT_SHORTLIST


def _base(p: Picks) -> Filters:
    return p.filters


def _previous(p: Picks) -> Filters:
    return p.filters.with_period(p.filters.period.previous())


def _dim(name: str) -> Callable[[Picks], Filters]:
    return lambda p: replace(p.filters, dim=name)


def _as_one(p: Picks) -> Filters:
    """The Audience screen's default view: combined (metrics.audience_mode) is one audience, summed in the database."""
    return metrics.as_one_audience(p.filters, metrics.audience_mode(len(p.filters.influencers)) == "combined")


def _as_one_dim(name: str) -> Callable[[Picks], Filters]:
    return lambda p: replace(_as_one(p), dim=name)


def _tgi(p: Picks) -> Filters | None:
    """The Audience screen's TGI in its default dimension, drawn for one to four chosen influencers only (combined,
    the page asks to pick some instead)."""
    if metrics.audience_mode(len(p.filters.influencers)) == "combined":
        return None
    return replace(p.filters, dim="interest")  # pages/audience.py, DEFAULT_TGI


def _post(p: Picks) -> Filters | None:
    return None if p.post is None else replace(p.filters, extra=(("post", p.post),))


def _post_table(p: Picks) -> Filters:
    """The Posts screen's table in its default view: the first posts by GMV (pages/posts.py, TABLE_LIMIT)."""
    return replace(p.filters, extra=(("rank_by", "gmv"), ("show", "all"), ("search", ""),
                                     ("limit", metrics.RANK_LIMIT)))


def _best_post(p: Picks) -> Filters:
    """The Posts screen's default post in detail: the best seller (post_ranking's first by GMV)."""
    return replace(p.filters, extra=(("rank_by", "gmv"), ("show", "top"), ("limit", 1)))


def _campaign(p: Picks) -> Filters | None:
    return None if p.campaign is None else replace(p.filters, extra=(("campaign", p.campaign),))


def _cps(p: Picks) -> Filters:
    return replace(p.filters, extra=(("cps", metrics.DEFAULT_CPS_SPLIT),))


SAMPLE_SEGMENT = metrics.Segment(gender=("f",), age_band=("25-29", "30-34"))  # audience_match needs a segment


def _merchant(p: Picks) -> Filters | None:
    return None if p.merchant is None else replace(p.filters, merchant=p.merchant,
                                                   extra=(("segment", metrics.Segment()),))


def _merchant_cps(p: Picks) -> Filters | None:
    f = _merchant(p)
    return None if f is None else replace(f, extra=(*f.extra, ("cps", metrics.DEFAULT_CPS_SPLIT)))


def _compared(p: Picks) -> Filters | None:
    return replace(p.filters, influencers=p.compared) if p.compared else None


def _segment(p: Picks) -> Filters | None:
    f = _merchant(p)
    return None if f is None or not p.compared else replace(f, influencers=p.compared,
                                                            extra=(("segment", SAMPLE_SEGMENT),))


def _shortlist(p: Picks) -> Filters | None:
    return replace(p.filters, influencers=p.shortlist) if len(p.shortlist) >= 2 else None


@dataclass(frozen=True)
class Call:
    """One call a screen makes: metrics.<fn>(ds, filters, *args); `filters` None = fn(ds), skipped when the
    view has nothing to show it (no campaign, no merchant ...)."""

    fn: str
    filters: Callable[[Picks], Filters | None] | None = _base
    args: Callable[[Picks], tuple[object, ...]] = lambda p: ()

    def run(self, ds: Dataset, picks: Picks) -> object | None:
        fn = getattr(metrics, self.fn)
        if self.filters is None:
            return fn(ds)
        f = self.filters(picks)
        return None if f is None else fn(ds, f, *self.args(picks))


# Every query a screen runs with its default view, in the page's order: the metrics functions each
# pages/<screen>.py calls (tests/test_bench.py fails when a page calls one that its list lacks). A
# function called twice with the same filters is listed twice: the second call is a cache hit, as in the app.
SIDEBAR = (Call("span_period", None), Call("influencer_list"))  # advisor/ui.py, every screen
SCREENS: dict[str, tuple[Call, ...]] = {
    "overview": (*SIDEBAR, Call("overview_kpis"), Call("overview_kpis", _previous), Call("overview_daily")),
    "audience": (
        *SIDEBAR, Call("influencer_list"), Call("audience_summary"), Call("audience_summary", _previous),
        Call("audience_daily", _as_one), Call("campaign_roi"),
        *(Call("audience_breakdown", _as_one_dim(d))
          for d in ("gender", "age_band", "city_tier", "device", "source", "interest", "province")),
        Call("audience_tgi", _tgi),
        Call("audience_active_hours", _as_one), Call("audience_quality")),
    "posts": (
        *SIDEBAR, Call("content_type_summary"), Call("posts_funnel"), Call("posts_channel_split"),
        Call("purchase_delay"), Call("post_ranking", _post_table), Call("influencer_list"),
        Call("post_hourly", _post), Call("post_products", _post),
        Call("post_campaigns", _post)),
    "campaigns": (
        *SIDEBAR, Call("campaign_roi"), Call("campaign_table", _cps), Call("campaign_hourly", _campaign),
        Call("campaign_products")),
    "benchmarks": (
        *SIDEBAR, Call("influencer_list"),
        Call("benchmark_table", args=lambda p: (metrics.BENCHMARK_METRICS[0],)),
        Call("benchmarked_influencers"),
        Call("standing", args=lambda p: () if p.focus is None else (p.focus,),
             filters=lambda p: None if p.focus is None else p.filters),
        Call("cohort_trend", args=lambda p: (p.category, metrics.BENCHMARK_METRICS[0]),
             filters=lambda p: None if p.focus is None else p.filters)),
    "merchants": (
        *SIDEBAR, Call("merchant_list"), Call("merchant_table", _merchant_cps), Call("segment_options", _compared),
        Call("audience_match", _segment),  # drawn once a target segment is set; here a sample segment
        Call("audience_overlap", _shortlist), Call("shortlist_reach", _shortlist)),
}

# The filters a named query needs beyond the default view (any other query runs with the default view).
QUERY_FILTERS: dict[str, Callable[[Picks], Filters | None]] = {
    "audience_breakdown": _dim("gender"), "audience_tgi": _dim("interest"),
    "post_ranking": _post_table, "post_hourly": _post, "post_products": _post, "post_campaigns": _post,
    "campaign_hourly": _campaign,
    "influencer_compare": _merchant, "audience_match": _segment,
    "audience_overlap": _shortlist, "shortlist_reach": _shortlist,
}


# The choices of Picks a screen or a named query needs (find_picks makes only those asked for: at scale each costs).
NEEDS: dict[str, set[str]] = {
    "posts": {"post"}, "post_hourly": {"post"}, "post_products": {"post"}, "post_campaigns": {"post"},
    "campaigns": {"campaign"}, "campaign_hourly": {"campaign"}, "benchmarks": {"focus"},
    "merchants": {"merchant"}, "influencer_compare": {"merchant"}, "audience_match": {"merchant"},
    "audience_overlap": {"merchant"}, "shortlist_reach": {"merchant"},
}
ALL_PICKS = {"post", "campaign", "merchant", "focus"}


TOP = "top"  # --influencer top: the influencer with the most fans (a head account, the heaviest single view)


def find_picks(ds: Dataset, window: dt.timedelta = metrics.DEFAULT_WINDOW, needs: set[str] = ALL_PICKS,
               influencers: Sequence[int | str] = ()) -> Picks:
    """The default view and the choices the screens make on it (as pages/*.py make them); with `influencers`
    (ids, or TOP), the view of those influencers as picked in the sidebar."""
    span = metrics.span_period(ds)
    if span is None:
        raise ValueError("the dataset has no activity to benchmark")
    picks = Picks(Filters(span, window=window, influencers=_chosen(ds, span, influencers)))
    f = picks.filters
    # The best seller as the Posts screen picks it, ranked in SQL (post_conversion's 1.6 M rows at large are over
    # db.MAX_ROWS).
    best = metrics.post_ranking(ds, _best_post(picks)) if "post" in needs else pd.DataFrame()
    if len(best):
        picks = replace(picks, post=int(best["post_id"].iloc[0]))
    roi = metrics.campaign_roi(ds, f) if "campaign" in needs else pd.DataFrame()
    if len(roi):
        busiest = roi.sort_values(["paid_clicks", "spend", "campaign_id"], ascending=[False, False, True])
        picks = replace(picks, campaign=int(busiest["campaign_id"].iloc[0]))
    merchants = metrics.merchant_list(ds, f) if ds.has("products") and "merchant" in needs else pd.DataFrame()
    if len(merchants):
        picks = replace(picks, merchant=int(merchants["merchant_id"].iloc[0]))
        table = metrics.merchant_table(ds, _merchant_cps(picks))
        picks = replace(picks, compared=tuple(int(i) for i in table["influencer_id"]))
    members = metrics.influencer_list(ds, f) if "focus" in needs else pd.DataFrame()
    if len(members):
        compared = metrics.benchmarked_influencers(ds, f)
        ids = [int(i) for i in members["influencer_id"]]
        focus = next((i for i in ids if i in compared), ids[0])
        category = members.set_index("influencer_id").at[focus, "category"]
        picks = replace(picks, focus=focus, category=category)
    return picks


def _chosen(ds: Dataset, span: metrics.Period, influencers: Sequence[int | str]) -> tuple[int, ...]:
    if not influencers:
        return ()
    listed = metrics.influencer_list(ds, Filters(span))
    known = {int(i) for i in listed["influencer_id"].dropna()}
    top = listed.sort_values(["fans", "influencer_id"], ascending=[False, True], kind="stable")["influencer_id"]
    ids = [int(top.iloc[0]) if i == TOP and len(top) else int(i) for i in influencers]
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise ValueError(f"no influencer {unknown[0]} in the dataset")
    return tuple(dict.fromkeys(ids))


# ---- the pandas peer: post_conversion as an analyst would compute it ------------------------------------

PEER_FIGURES = ("clicks", "clickers", "fan_clicks", "orders", "buyers", "refunded_orders", "gmv", "net_gmv")


def _read(ds: Dataset, table: str, columns: list[str]) -> pd.DataFrame:
    """A table's Parquet files as one frame; zone-aware instants as wall-clock time of the dataset's zone."""
    frame = pd.read_parquet([str(p) for p in ds.files[table]], columns=columns)
    for c in columns:
        if ds.tz_aware.get((table, c)):
            frame[c] = frame[c].dt.tz_convert(ds.tz).dt.tz_localize(None)
        if pd.api.types.is_datetime64_any_dtype(frame[c]):
            frame[c] = frame[c].astype("datetime64[us]")
    return frame


def pandas_post_conversion(ds: Dataset, f: Filters) -> pd.DataFrame:
    """Posts posted in the period with their clicks (from fans too) and last-click attributed orders up to the
    period end (METRICS.md), from the Parquet files with pandas: pd.merge_asof for the attribution, groupby."""
    start, end = pd.Timestamp(f.period.start_ts), pd.Timestamp(f.period.end_ts)
    posts = _read(ds, "posts", ["post_id", "influencer_id", "posted_at", "content_type", "impressions", "reads"])
    picked = posts[(posts["posted_at"] >= start) & (posts["posted_at"] < end)]
    if f.influencers:
        picked = picked[picked["influencer_id"].isin(f.influencers)]
    picked_ids = picked["post_id"]

    clicks = _read(ds, "clicks", ["clicked_at", "user_id", "post_id", "product_id", "channel", "campaign_id"])
    # clicks of the picked posts up to the period end, and whether the user followed the author at that moment
    # (only the columns needed, each intermediate dropped once used: at 100 M clicks every copy is gigabytes)
    pc = clicks.loc[(clicks["clicked_at"] < end) & clicks["post_id"].isin(picked_ids),
                    ["post_id", "user_id", "clicked_at"]]
    pc = pc.merge(picked[["post_id", "influencer_id"]], on="post_id").reset_index(drop=True)
    pc["click"] = np.arange(len(pc))
    fans = _read(ds, "fans", ["influencer_id", "fan_id", "followed_at", "unfollowed_at"])
    both = pc[["click", "influencer_id", "user_id", "clicked_at"]].merge(
        fans, left_on=["influencer_id", "user_id"], right_on=["influencer_id", "fan_id"])
    del fans
    is_fan = (both["followed_at"] <= both["clicked_at"]) & (
        both["unfollowed_at"].isna() | (both["unfollowed_at"] > both["clicked_at"]))
    pc["from_fan"] = pc["click"].isin(both.loc[is_fan, "click"])
    del both, is_fan
    click_figures = pc.groupby("post_id").agg(clicks=("click", "size"), clickers=("user_id", "nunique"),
                                              fan_clicks=("from_fan", "sum"))
    del pc

    # last click (same user and product, at or before the order, within the window); ties: the higher post_id
    orders = _read(ds, "orders", ["order_id", "ordered_at", "user_id", "product_id", "amount", "status"])
    orders["amount"] = orders["amount"].astype("float64")
    keys = ["user_id", "product_id"]
    left = orders.dropna(subset=["ordered_at", *keys]).astype({k: "int64" for k in keys})
    del orders
    right = clicks.dropna(subset=["clicked_at", *keys])
    del clicks
    right = right.astype({k: "int64" for k in keys})
    right["campaign_key"] = right["campaign_id"].fillna(-1)
    right = right.sort_values(["clicked_at", "post_id", "campaign_key", "channel"])
    right = right.drop_duplicates(["user_id", "product_id", "clicked_at"], keep="last")
    right = right[["clicked_at", *keys, "post_id"]]
    attributed = pd.merge_asof(left.sort_values("ordered_at"), right,
                               left_on="ordered_at", right_on="clicked_at", by=keys, direction="backward",
                               allow_exact_matches=True, tolerance=pd.Timedelta(f.window))
    del right
    attributed = attributed[(attributed["ordered_at"] < end) & attributed["post_id"].isin(picked_ids)]
    refunded = attributed["status"] == "refunded"
    attributed = attributed.assign(refunded=refunded, net_amount=attributed["amount"].where(~refunded, 0.0))
    order_figures = attributed.groupby("post_id").agg(
        orders=("order_id", "size"), buyers=("user_id", "nunique"), gmv=("amount", "sum"),
        net_gmv=("net_amount", "sum"), refunded_orders=("refunded", "sum"))

    out = picked.merge(click_figures, on="post_id", how="left").merge(order_figures, on="post_id", how="left")
    for c in PEER_FIGURES:
        out[c] = out[c].fillna(0)
        out[c] = out[c].round(2) if c in ("gmv", "net_gmv") else out[c].astype("int64")
    impressions = out["impressions"].where(out["impressions"] > 0)
    out["ctr"] = out["clicks"] / impressions
    out["cvr"] = out["orders"] / out["clicks"].where(out["clicks"] > 0)
    out["aov"] = (out["gmv"] / out["orders"].where(out["orders"] > 0)).round(2)
    return out.sort_values(["posted_at", "post_id"]).reset_index(drop=True)


def _peer_runs(path: str, tz: str, f: Filters, runs: int) -> tuple[list[float], pd.DataFrame, float]:
    """In the peer's own process: `runs` timed runs of pandas_post_conversion, the last frame, the peak RSS (MiB)."""
    ds = dataset.open_dataset(path, tz)
    times, frame = [], pd.DataFrame()
    for _ in range(runs):
        ms, frame = _ms(lambda: pandas_post_conversion(ds, f))
        times.append(ms)
    return times, frame, peak_rss_mib()


def run_peer(path: Path, tz: str, f: Filters, runs: int,
             target: Callable[[str, str, Filters, int], tuple[list[float], pd.DataFrame, float]] | None = None,
             ) -> tuple[list[float], pd.DataFrame, float]:
    """pandas_post_conversion timed in a process of its own, so that a peer which outgrows the machine's memory
    (it holds every click: ~18 GB at the large scale) is killed alone and the bench still reports the rest;
    PeerFailed says how it ended."""
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        started = time.perf_counter()
        try:
            return pool.submit(target or _peer_runs, str(path), tz, f, runs).result()
        except BrokenProcessPool:
            took = time.perf_counter() - started
            raise PeerFailed(f"its process was killed after {took:,.0f} s (out of memory, most likely: it holds "
                             f"every click in pandas; {_mem_total_gib():.1f} GiB on this machine)") from None


class PeerFailed(RuntimeError):
    """The pandas peer did not finish (its process was killed)."""


def _mem_total_gib() -> float:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30


def peer_differences(peer: pd.DataFrame, query: pd.DataFrame) -> list[str]:
    """Where the peer and post_conversion disagree: posts present in one only, or a figure of a post."""
    a, b = peer.set_index("post_id"), query.set_index("post_id")
    problems = []
    if set(a.index) != set(b.index):
        problems.append(f"posts differ: {len(set(a.index) ^ set(b.index))} in one only")
        return problems
    b = b.loc[a.index]
    for c in PEER_FIGURES:
        left = pd.to_numeric(a[c]).astype("float64").to_numpy()
        right = pd.to_numeric(b[c]).astype("float64").to_numpy()
        bad = ~np.isclose(left, right, rtol=0, atol=0.005)
        if bad.any():
            problems.append(f"{c} differs on {int(bad.sum())} posts (e.g. post {a.index[bad.argmax()]})")
    return problems


# ---- measuring ---------------------------------------------------------------------------------------

def _whole(fn: Callable[[], object]) -> Callable[[], object]:
    """`fn` run as the command line runs a named query, every row (db.uncapped): the row cap guards the screens, and
    post_conversion has 1.6 M rows at the large scale."""
    def run() -> object:
        with db.uncapped():
            return fn()
    return run


def _ms(fn: Callable[[], object]) -> tuple[float, object]:
    t = time.perf_counter()
    out = fn()
    return (time.perf_counter() - t) * 1000, out


def peak_rss_mib() -> float:
    """The process's resident-set high-water mark (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class Row:
    name: str
    warm: list[float] = field(default_factory=list)
    cached: list[float] = field(default_factory=list)
    cold: list[float] = field(default_factory=list)
    detail: str = ""
    error: str = ""


def _pct(values: Sequence[float], q: float) -> float | None:
    return float(np.percentile(values, q)) if values else None


def p50(values: Sequence[float]) -> float | None:
    return _pct(values, 50)


def p95(values: Sequence[float]) -> float | None:
    return _pct(values, 95)


def _fmt(ms: float | None) -> str:
    if ms is None:
        return "—"
    return f"{ms:,.0f}" if ms >= 100 else f"{ms:.1f}" if ms >= 1 else f"{ms:.2f}"


def _timing_line(row: Row) -> str:
    """One row of the named-query or screen table: name, rows or calls (or the error), warm, cached, cold."""
    return (f"| {row.name} | {row.error or row.detail} | {_fmt(p50(row.warm))} | {_fmt(p95(row.warm))} | "
            f"{_fmt(p50(row.cached))} | {_fmt(p50(row.cold))} | {_fmt(p95(row.cold))} |")


def _rows_of(result: object) -> str:
    return f"{len(result):,}" if isinstance(result, pd.DataFrame) else type(result).__name__


class Bench:
    """One benchmark run over one dataset; `run` measures, `markdown` reports."""

    def __init__(self, path: Path, tz: str, repeat: int, cold_repeat: int, peer: bool = True,
                 log: Callable[[str], None] = lambda _: None, queries: Sequence[str] | None = None,
                 screens: Sequence[str] | None = None, influencers: Sequence[int | str] = ()):
        self.influencers = tuple(influencers)
        self.path, self.tz, self.repeat, self.cold_repeat, self.with_peer = path, tz, repeat, cold_repeat, peer
        self.log = log
        # all of them unless some are named (a run at the `large` scale may time a few)
        self.queries = {name: Row(name) for name in metrics.QUERIES if not (queries or screens) or name in queries}
        self.screens = {name: Row(name) for name in SCREENS if not (queries or screens) or name in (screens or ())}
        self.prep = {k: Row(k) for k in ("open", "connect", "integrity")}
        # The first open ever: the same steps with an empty cache folder, then the Overview screen.
        self.first = {k: Row(k) for k in ("open", "connect", "integrity", "overview")}
        self.persisted = db.persisted_cache_enabled()
        self.refs = {k: Row(k) for k in ("query", "floor_raw", "floor_prepared", "peer")}
        self.peer_check: list[str] = []
        self.peer_totals: dict[str, float] = {}
        self.rss_queries = self.rss_peer = 0.0
        self.load: list[tuple[float, ...]] = []

    # -- the parts

    def _fresh(self, rows: dict[str, Row] | None = None) -> Dataset:
        """A first open of this process: no connection, no integrity findings in memory, no cached result (the
        cache folder, when on, is read); timed part by part into `rows` (default: the cold preparation rows)."""
        rows = self.prep if rows is None else rows
        db.forget()
        metrics.clear_cache()
        ms, ds = _ms(lambda: dataset.open_dataset(self.path, self.tz))
        rows["open"].cold.append(ms)
        ms, _ = _ms(lambda: db.connect(ds))
        rows["connect"].cold.append(ms)
        ms, _ = _ms(lambda: db.check_integrity(ds))
        rows["integrity"].cold.append(ms)
        return ds

    def _first_ever(self, picks: Picks) -> None:
        """The first open ever: ADVISOR_CACHE pointed at an empty folder, so the preparation is built (and, when
        the cache is on, written), then the Overview screen's calls."""
        saved = os.environ.get("ADVISOR_CACHE")
        empty = tempfile.mkdtemp(prefix="advisor-bench-cache-")
        os.environ["ADVISOR_CACHE"] = empty
        try:
            t = time.perf_counter()
            ds = self._fresh(self.first)
            got = self._guarded(self.first["overview"], self._screen(ds, "overview", picks))
            if got is not None:
                self.first["overview"].cold.append((time.perf_counter() - t) * 1000)
        finally:
            db.forget()  # its views read files of the folder removed below
            metrics.clear_cache()
            if saved is None:
                os.environ.pop("ADVISOR_CACHE", None)
            else:
                os.environ["ADVISOR_CACHE"] = saved
            shutil.rmtree(empty, ignore_errors=True)

    def _query(self, ds: Dataset, name: str, picks: Picks) -> Callable[[], object] | None:
        f = QUERY_FILTERS.get(name, _base)(picks)
        return None if f is None else _whole(lambda: metrics.QUERIES[name](ds, f))

    def _screen(self, ds: Dataset, name: str, picks: Picks) -> Callable[[], int]:
        def run() -> int:
            return sum(call.run(ds, picks) is not None for call in SCREENS[name])
        return run

    def _guarded(self, row: Row, fn: Callable[[], object]) -> tuple[float, object] | None:
        try:
            return _ms(fn)
        except (db.QueryError, metrics.ParameterError, ValueError, KeyError) as exc:
            row.error = row.error or f"{type(exc).__name__}: {(str(exc).splitlines() or [''])[0][:160]}"
            return None

    def run(self) -> None:
        self.load.append(os.getloadavg())
        # Not timed: it builds the cache folder when it is missing, so the cold rounds time what they say.
        ds = self._fresh({k: Row(k) for k in self.prep})
        db.prepare(ds)
        needs = set().union(*(NEEDS.get(name, set()) for name in (*self.queries, *self.screens)))
        picks = find_picks(ds, needs=needs, influencers=self.influencers)
        self.picks = picks
        self.ds = ds

        if self.cold_repeat:
            self.log("first open ever (empty cache folder)")
            self._first_ever(picks)
            ds = self._fresh({k: Row(k) for k in self.prep})
        for r in range(self.cold_repeat):
            self.log(f"cold round {r + 1}/{self.cold_repeat}: named queries")
            ds = self._fresh()
            prepare = self.prep["connect"].cold[-1]
            for name, row in self.queries.items():
                metrics.clear_cache()
                fn = self._query(ds, name, picks)
                got = None if fn is None else self._guarded(row, fn)
                if got is not None:
                    row.cold.append(prepare + got[0])
            for name, row in self.screens.items():
                self.log(f"cold round {r + 1}/{self.cold_repeat}: screen {name}")
                t = time.perf_counter()
                ds = self._fresh()
                got = self._guarded(row, self._screen(ds, name, picks))
                if got is not None:
                    row.cold.append((time.perf_counter() - t) * 1000)

        db.prepare(ds)  # warm: every table made (a cold round's connection made only what its calls needed)
        for r in range(self.repeat):
            self.log(f"warm round {r + 1}/{self.repeat}")
            for name, row in self.queries.items():
                fn = self._query(ds, name, picks)
                if fn is None:
                    row.detail = "skipped (nothing to pick)"
                    continue
                metrics.clear_cache()
                got = self._guarded(row, fn)
                if got is None:
                    continue
                row.warm.append(got[0])
                row.detail = _rows_of(got[1])
                row.cached.append(_ms(fn)[0])
            for name, row in self.screens.items():
                fn = self._screen(ds, name, picks)
                metrics.clear_cache()
                got = self._guarded(row, fn)
                if got is None:
                    continue
                row.warm.append(got[0])
                row.detail = f"{got[1]} of {len(SCREENS[name])} calls"
                row.cached.append(_ms(fn)[0])
            # the references, side by side with the query they frame
            metrics.clear_cache()
            got = self._guarded(self.refs["query"], _whole(lambda: metrics.post_conversion(ds, picks.filters)))
            if got is not None:
                self.refs["query"].warm.append(got[0])
            for floor in db.FLOORS:
                ms, rows = _ms(lambda floor=floor: db.floor_scan(ds, floor))
                self.refs[floor.removeprefix("_bench_")].warm.append(ms)
                self.refs[floor.removeprefix("_bench_")].detail = " + ".join(f"{n:,} {t}" for t, n, _ in rows)
        if "post_conversion" in self.queries:
            self.refs["query"].cold = list(self.queries["post_conversion"].cold)
        self.rss_queries = peak_rss_mib()

        if self.with_peer and not self.refs["query"].error:
            metrics.clear_cache()
            query = _whole(lambda: metrics.post_conversion(ds, picks.filters))()
            runs = min(self.repeat, 3)
            self.log(f"pandas peer: {runs} runs in a process of its own")
            try:
                times, peer, self.rss_peer = run_peer(self.path, self.tz, picks.filters, runs)
            except PeerFailed as exc:
                self.refs["peer"].error = str(exc)
            else:
                self.refs["peer"].warm.extend(times)
                self.peer_check = peer_differences(peer, query)
                self.peer_totals = {c: float(pd.to_numeric(peer[c]).sum()) for c in PEER_FIGURES}
                self.peer_totals["posts"] = len(peer)
        self.load.append(os.getloadavg())

    @property
    def ok(self) -> bool:
        failed = [r for r in (*self.queries.values(), *self.screens.values(), self.refs["query"]) if r.error]
        return not failed and not self.peer_check

    # -- the report

    def markdown(self) -> str:
        span = self.picks.filters.period
        chosen = self.picks.filters.influencers
        who = "all influencers"
        if chosen:
            who = f"influencer{'s' if len(chosen) > 1 else ''} {', '.join(str(i) for i in chosen)}"
            if TOP in self.influencers:
                who += " (`--influencer top`: the most fans)"
        lines = [
            "# advisor bench",
            "",
            f"- dataset: `{self.path}` ({self.refs['floor_raw'].detail or 'rows unknown'})",
            f"- view: {span.start} … {span.end} ({span.days} days), {who}, attribution window "
            f"{self.picks.filters.window.days} days",
            f"- machine: {machine()}",
            f"- DuckDB: threads {db.THREADS}, memory_limit {db.MEMORY_LIMIT}; load average (1/5/15 min) at start "
            f"{_loads(self.load[0])}, at end {_loads(self.load[-1])} (the machine is shared)",
            f"- runs: warm ×{self.repeat}, cold ×{self.cold_repeat}; times in ms; p95 by linear interpolation "
            "(with few runs it is close to the slowest)",
            "- prepared cache: " + (f"on (`{db.cache_dir()}`)" if self.persisted else
                                    f"off ({db.CACHE_ENV}=0: every open prepares in memory)"),
            "",
            "Warm: the connection prepared, the result cache emptied before each run, so DuckDB runs every query "
            "(as after a filter change). Cached: the same call again, answered by the result cache. Cold: a first "
            "open of a process — no connection, empty result cache — including the preparation (views, `_macros.sql`, "
            "and the `_prepare.sql` tables its calls read, each made when a query first reads it: their cached "
            "files when the prepared cache is on); for a screen also the dataset check and the integrity rules (or "
            "their cached findings), as the app does; for a named query the opening of its round's connection plus "
            "its first run on it (with the tables it reads that the round's earlier queries did not). First open "
            "ever: the same with an empty cache folder, so the tables the Overview reads are built (and written, when "
            "the cache is on); a later screen builds what it reads and they did not.",
            "",
            "## Named queries",
            "",
            "| query | rows | warm p50 | warm p95 | cached p50 | cold p50 | cold p95 |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        lines += [_timing_line(row) for row in self.queries.values()]
        lines += [
            "",
            "## Screens",
            "",
            "Every metrics call of the screen's default view, the sidebar's included (advisor/bench.py, SCREENS).",
            "",
            "| screen | calls | warm p50 | warm p95 | cached p50 | cold p50 | cold p95 |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        lines += [_timing_line(row) for row in self.screens.values()]
        labels = {"open": "open dataset (find exports, read schemas)",
                  "connect": "open the connection (views, _macros.sql; no table made yet)",
                  "integrity": "integrity rules or their cached findings (the app's first open)",
                  "overview": "all of the above and the Overview screen's calls"}
        lines += ["", "## Preparation (every cold open of this run)", "", "| step | runs | p50 | p95 |",
                  "|---|---:|---:|---:|"]
        for key, row in self.prep.items():
            lines.append(f"| {labels[key]} | {len(row.cold)} | {_fmt(p50(row.cold))} | {_fmt(p95(row.cold))} |")
        lines += ["", "## First open ever (empty cache folder)", "", "| step | runs | p50 | p95 |",
                  "|---|---:|---:|---:|"]
        for key, row in self.first.items():
            detail = f" ({row.error})" if row.error else ""
            lines.append(f"| {labels[key]}{detail} | {len(row.cold)} | {_fmt(p50(row.cold))} | "
                         f"{_fmt(p95(row.cold))} |")

        q = p50(self.refs["query"].warm)
        qc = p50(self.refs["query"].cold)

        def ratio(a: float | None, b: float | None) -> str:
            return "—" if a is None or b is None or b <= 0 else f"{a / b:.1f}×"

        lines += ["", "## References: post_conversion against the floor and the pandas peer", "",
                  "Measured side by side in each warm round (the peer after the last).", "",
                  "| measure | runs | p50 | p95 | ratio |", "|---|---:|---:|---:|---|"]
        ref = self.refs
        lines.append(f"| post_conversion (warm) | {len(ref['query'].warm)} | {_fmt(q)} | "
                     f"{_fmt(p95(ref['query'].warm))} | {ref['query'].error} |")
        lines.append(f"| post_conversion (cold, incl. preparation) | {len(ref['query'].cold)} | {_fmt(qc)} | "
                     f"{_fmt(p95(ref['query'].cold))} | |")
        fr, fp = ref["floor_raw"], ref["floor_prepared"]
        lines.append(f"| floor: bare scan of the raw rows it reads ({fr.detail}) | {len(fr.warm)} | "
                     f"{_fmt(p50(fr.warm))} | {_fmt(p95(fr.warm))} | query warm / floor = {ratio(q, p50(fr.warm))}; "
                     f"query cold / floor = {ratio(qc, p50(fr.warm))} |")
        lines.append(f"| floor: bare scan of the prepared rows it reads ({fp.detail}) | {len(fp.warm)} | "
                     f"{_fmt(p50(fp.warm))} | {_fmt(p95(fp.warm))} | query warm / floor = {ratio(q, p50(fp.warm))} |")
        peer = ref["peer"]
        if self.with_peer and peer.error:
            lines.append(f"| peer: pandas from the Parquet files (read, merge_asof, groupby) | 0 | — | — | "
                         f"did not finish: {peer.error} |")
        elif self.with_peer and not ref["query"].error:
            lines.append(f"| peer: pandas from the Parquet files (read, merge_asof, groupby) | {len(peer.warm)} | "
                         f"{_fmt(p50(peer.warm))} | {_fmt(p95(peer.warm))} | peer / query warm = "
                         f"{ratio(p50(peer.warm), q)}; peer / query cold = {ratio(p50(peer.warm), qc)} |")
            t = self.peer_totals
            verdict = ("equal to post_conversion's, post by post" if not self.peer_check
                       else "MISMATCH: " + "; ".join(self.peer_check))
            lines += ["", f"Peer check: {int(t['posts']):,} posts; clicks {t['clicks']:,.0f}, fan clicks "
                          f"{t['fan_clicks']:,.0f}, orders {t['orders']:,.0f}, GMV {t['gmv']:,.2f}, net GMV "
                          f"{t['net_gmv']:,.2f}: {verdict}."]
        else:
            why = "(post_conversion failed)" if self.with_peer else "(--no-peer)"
            lines.append(f"| peer: pandas | 0 | — | — | not run {why} |")
        lines += ["", "## Memory", "",
                  f"- peak RSS of this process after the queries, screens and floors: {self.rss_queries:,.0f} MiB",
                  f"- peak RSS of the pandas peer's own process: {self.rss_peer:,.0f} MiB" if peer.warm else
                  "- the pandas peer did not finish" if peer.error else "- the pandas peer was not run", ""]
        return "\n".join(lines)


def _loads(values: Sequence[float]) -> str:
    return " / ".join(f"{x:.2f}" for x in values)


def machine() -> str:
    """Cores, memory, CPU model, Python and library versions."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        mem = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal"))
        ram = f"{mem / 1024 ** 2:.1f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        ram = "RAM unknown"
    return (f"{os.cpu_count()} cores, {model}, {ram}; Python {platform.python_version()}, "
            f"DuckDB {db.duckdb.__version__}, pandas {pd.__version__}")


def run(path: Path, tz: str, repeat: int, cold_repeat: int, out: Path | None, peer: bool = True,
        queries: Sequence[str] = (), screens: Sequence[str] = (), influencers: Sequence[int | str] = ()) -> bool:
    """Measure, print the Markdown report (and write it to `out`); False when a query failed or the peer disagreed."""
    bench = Bench(path, tz, repeat, cold_repeat, peer, log=lambda m: print(f"bench: {m}", file=sys.stderr),
                  queries=queries, screens=screens, influencers=influencers)
    bench.run()
    text = bench.markdown()
    sys.stdout.write(text)
    if out is not None:
        out.write_text(text, encoding="utf-8")
    return bench.ok

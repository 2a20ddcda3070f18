"""One typed function per named query, and the one result cache of the app and the command line."""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import pandas as pd

from advisor import db
from advisor.access import EVERYONE, Viewer
from advisor.dataset import Dataset

DEFAULT_WINDOW = dt.timedelta(days=7)
MIN_WINDOW = dt.timedelta(hours=1)
MAX_WINDOW = dt.timedelta(days=30)


class ParameterError(ValueError):
    """A filter value a query cannot take; the message says which values it can."""


@dataclass(frozen=True)
class Period:
    """Whole local days [start, end], both included (CONTRACT.md, Time)."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def start_ts(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time())

    @property
    def end_ts(self) -> dt.datetime:
        """The exclusive end: the day after `end`, 00:00."""
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time())

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        return Period(self.start - dt.timedelta(days=self.days), self.start - dt.timedelta(days=1))


@dataclass(frozen=True)
class Filters:
    """Everything a screen or the command line can choose; each query takes what it needs."""

    period: Period
    influencers: tuple[int, ...] = ()
    window: dt.timedelta = DEFAULT_WINDOW
    merchant: int | None = None
    dim: str | None = None
    k: int = 5
    extra: tuple[tuple[str, object], ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if not MIN_WINDOW <= self.window <= MAX_WINDOW:
            raise ValueError("the attribution window must lie between 1 hour and 30 days")

    def with_period(self, period: Period) -> Filters:
        return replace(self, period=period)

    def event_params(self) -> dict[str, object]:
        return {"from": self.period.start_ts, "to": self.period.end_ts, "window": self.window,
                "influencers": list(self.influencers)}


# ---- the cache: results keyed by dataset fingerprint, query, parameters and viewer ----------------

_CACHE_SIZE = 256
_cache: OrderedDict[tuple, pd.DataFrame] = OrderedDict()
_cache_lock = threading.Lock()


def _freeze(value: object) -> object:
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    return value


def run_query(ds: Dataset, name: str, viewer: Viewer = EVERYONE, **params: object) -> pd.DataFrame:
    """db.run through the result cache; callers get their own copy. Keyed by the scope the query runs under, so one
    viewer's result is never served to another."""
    seen = db.scope(ds, viewer)
    key = (ds.fingerprint, name, seen, tuple(sorted((k, _freeze(v)) for k, v in params.items())))
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit.copy()
    result = db.run(ds, name, seen, **params)
    if len(result) > db.MAX_ROWS:
        return result  # a whole result of the command line (db.uncapped): never served to a capped caller
    with _cache_lock:
        _cache[key] = result
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return result.copy()


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()


# ---- named queries -------------------------------------------------------------------------------

def overview_kpis(ds: Dataset, f: Filters, viewer: Viewer = EVERYONE) -> pd.DataFrame:
    """Headline figures for the period: one row (see queries/overview_kpis.sql)."""
    return run_query(ds, "overview_kpis", viewer, **f.event_params())


def overview_daily(ds: Dataset, f: Filters, viewer: Viewer = EVERYONE) -> pd.DataFrame:
    """Day-by-day trend of the period, empty days included."""
    return run_query(ds, "overview_daily", viewer, **f.event_params())


def order_attribution(ds: Dataset, f: Filters, viewer: Viewer = EVERYONE) -> pd.DataFrame:
    """Orders of the period with the click that earned each."""
    return run_query(ds, "order_attribution", viewer, **f.event_params())


def influencer_list(ds: Dataset, f: Filters, viewer: Viewer = EVERYONE) -> pd.DataFrame:
    """Influencers the viewer may pick, with fans and tier at the period end."""
    return run_query(ds, "influencer_list", viewer, at=f.period.end_ts)


def dataset_span(ds: Dataset, f: Filters | None = None, viewer: Viewer = EVERYONE) -> pd.DataFrame:
    """First and last local day of activity (one row; nulls when there is none)."""
    return run_query(ds, "dataset_span", viewer)


def span_period(ds: Dataset, viewer: Viewer = EVERYONE) -> Period | None:
    """The dataset's whole span as a Period, or None for a dataset without activity."""
    row = dataset_span(ds, viewer=viewer).iloc[0]
    if pd.isna(row["first_day"]) or pd.isna(row["last_day"]):
        return None
    return Period(pd.Timestamp(row["first_day"]).date(), pd.Timestamp(row["last_day"]).date())


# ---- the Audience screen (粉丝画像) ---------------------------------------------------------------

AUDIENCE_DIMS = ("gender", "age_band", "province", "city_tier", "device", "interest", "source")


def audience_summary(ds: Dataset, f: Filters, viewer: Viewer = EVERYONE) -> pd.DataFrame:
    """Fans at start and end, new, lost, engaged and buying fans per influencer."""
    return run_query(ds, "audience_summary", viewer, **f.event_params())


def audience_breakdown(ds: Dataset, f: Filters, viewer: Viewer = EVERYONE) -> pd.DataFrame:
    """Fans at the period end by bucket of `f.dim` (one of AUDIENCE_DIMS) per influencer; with Filters.extra
    "combine" true, of the chosen influencers as one audience (summed in the database, influencer_id null)."""
    dim = _dim(f, "audience_breakdown")
    profile = audience_profile(ds, f, viewer)
    return profile[(profile["dim"] == dim).to_numpy(dtype=bool)].reset_index(drop=True)


def audience_profile(ds: Dataset, f: Filters, viewer: Viewer = EVERYONE) -> pd.DataFrame:
    """audience_breakdown along every dimension of AUDIENCE_DIMS at once: one query (one scan of the follows) and
    one cache entry, whatever `f.dim`, for the screens that draw several dimensions."""
    return run_query(ds, "audience_breakdown", viewer, to=f.period.end_ts, dims=list(AUDIENCE_DIMS),
                     influencers=list(f.influencers), combine=combined(f))


def _dim(f: Filters, query: str) -> str:
    if f.dim not in AUDIENCE_DIMS:
        raise ParameterError(f"{query} needs --dim, one of: {', '.join(AUDIENCE_DIMS)}")
    return f.dim


def audience_daily(ds: Dataset, f: Filters, viewer: Viewer = EVERYONE) -> pd.DataFrame:
    """New, lost and net fans per influencer and day, new fans split by follow source; with Filters.extra
    "combine" true, the chosen influencers as one audience day by day (summed in the database, influencer_id null)."""
    return run_query(ds, "audience_daily", viewer, **{"from": f.period.start_ts, "to": f.period.end_ts},
                     influencers=list(f.influencers), combine=combined(f))


def audience_tgi(ds: Dataset, f: Filters, viewer: Viewer = EVERYONE) -> pd.DataFrame:
    """TGI of every bucket of `f.dim` against the influencer's category audience."""
    return run_query(ds, "audience_tgi", viewer, to=f.period.end_ts, dim=_dim(f, "audience_tgi"),
                     influencers=list(f.influencers))


def audience_active_hours(ds: Dataset, f: Filters, viewer: Viewer = EVERYONE) -> pd.DataFrame:
    """Fans' clicks by weekday and hour of the dataset's time zone; with Filters.extra "combine" true, the chosen
    influencers as one audience (summed in the database, influencer_id null; fans are follow relations, as
    everywhere)."""
    return run_query(ds, "audience_active_hours", viewer, **{"from": f.period.start_ts, "to": f.period.end_ts},
                     influencers=list(f.influencers), combine=combined(f))


# The Audience screen shows up to this many chosen influencers side by side; none or more are one combined audience.
MAX_SIDE_BY_SIDE = 4


def audience_mode(chosen: int, layout: str = "compare") -> str:
    """How the Audience screen and its export show `chosen` influencers: "single" (one), "compare" (2 to
    MAX_SIDE_BY_SIDE side by side, unless the layout asks for "combined") or "combined" (none, or more)."""
    if chosen == 1:
        return "single"
    return "compare" if 2 <= chosen <= MAX_SIDE_BY_SIDE and layout == "compare" else "combined"


def combined(f: Filters) -> bool:
    """Filters.extra "combine": the chosen influencers shown as one audience (the Audience screen with none or many
    chosen), summed in the database so the rows do not grow with the number of influencers."""
    return bool(dict(f.extra).get("combine", False))


def as_one_audience(f: Filters, combine: bool = True) -> Filters:
    """`f` asking audience_daily, audience_active_hours and audience_breakdown for the chosen influencers as one
    audience."""
    return replace(f, extra=(*(kv for kv in f.extra if kv[0] != "combine"), ("combine", combine)))


def audience_quality(ds: Dataset, f: Filters, viewer: Viewer = EVERYONE) -> pd.DataFrame:
    """Dormant, burst and unknown-profile shares of the audience at the period end, and the 0-100 score."""
    return run_query(ds, "audience_quality", viewer, to=f.period.end_ts, influencers=list(f.influencers))


# Small cells: a bucket of fewer than SMALL_CELL fans (1-4) is shown as "<5", never as its count, and
# whatever is derived from its count (its share, its TGI) is hidden with it, since share × total would
# give the count back. An empty bucket (0) names nobody and stays as it is.
SMALL_CELL = 5
SMALL_CELL_TEXT = "<5"

# The audience quality score of queries/audience_quality.sql: 100 − Σ weight × share of the part.
QUALITY_WEIGHTS = {"dormant": 40, "burst": 40, "unknown": 20}


def mask_small_cells(df: pd.DataFrame, columns: Mapping[str, Sequence[str]] | Sequence[str],
                     threshold: int = SMALL_CELL) -> pd.DataFrame:
    """A copy of `df` safe to show and export: in every count column of `columns` a value from 1 to
    threshold − 1 becomes "<5", and the columns derived from that count (given as count -> derived) are
    emptied on those rows. Masked count columns come back as object columns (ints and "<5")."""
    spec = dict(columns) if isinstance(columns, Mapping) else {c: () for c in columns}
    out = df.copy()
    small_rows = {}
    for count in spec:
        values = pd.to_numeric(df[count], errors="coerce")
        small_rows[count] = ((values >= 1) & (values < threshold)).fillna(False).to_numpy(dtype=bool)
    for count, derived in spec.items():
        small = small_rows[count]
        for col in derived:
            out[col] = out[col].astype("float64").mask(small)
    for count in spec:
        small = small_rows[count]
        shown = [None if pd.isna(v) else int(v) for v in df[count]]
        out[count] = pd.Series([SMALL_CELL_TEXT if s else v for s, v in zip(small, shown, strict=True)],
                               index=df.index, dtype=object)
    return out


def is_masked(value: object) -> bool:
    return isinstance(value, str) and value == SMALL_CELL_TEXT


# Combining several influencers into one audience: follow relations add up (a user who follows two of the
# chosen influencers counts twice, as in fans_end everywhere); ratios are taken again from the sums.

def audience_kpis(summary: pd.DataFrame, combine: bool) -> pd.DataFrame:
    """audience_summary rows with net_growth ((fans_end − fans_start) / fans_start), per influencer or, when
    `combine`, summed into one row whose influencer_id is null."""
    counts = ["fans_start", "fans_end", "new_fans", "lost_fans", "engaged_fans", "buying_fans"]
    if combine:
        out = pd.DataFrame([{"influencer_id": pd.NA, **{c: int(summary[c].sum()) for c in counts}}])
    else:
        out = summary[["influencer_id", *counts]].copy()
    start = out["fans_start"].astype("float64")
    end = out["fans_end"].astype("float64")
    out["net_growth"] = (end - start) / start.where(start > 0)
    out["fan_buyer_rate"] = out["buying_fans"].astype("float64") / end.where(end > 0)
    return out.reset_index(drop=True)


def audience_kpi_rows(current: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """The tiles as rows for their CSV: audience_kpis of this period and of the previous one, `period` saying
    which (current / previous), the influencers' rows together."""
    both = [current.assign(period="current"), previous.assign(period="previous")]
    out = pd.concat([f for f in both if not f.empty] or [current.assign(period="current")], ignore_index=True)
    order = {v: n for n, v in enumerate(dict.fromkeys(current["influencer_id"].tolist()))}
    out["_order"] = out["influencer_id"].map(lambda i: order.get(i, len(order)) if pd.notna(i) else 0)
    out = out.sort_values(["_order", "period"], kind="stable").drop(columns="_order")
    return out[["influencer_id", "period", *[c for c in current.columns if c != "influencer_id"]]]


def combine_quality(quality: pd.DataFrame) -> pd.DataFrame:
    """audience_quality of several influencers as one audience: parts summed, shares and score taken again
    (the score is linear in the shares, so this is the fan-weighted mean of the scores)."""
    counts = ["fans_end", "dormant_fans", "burst_fans", "unknown_fans", "burst_minutes"]
    row: dict[str, object] = {"influencer_id": pd.NA, **{c: int(quality[c].sum()) for c in counts}}
    fans = row["fans_end"]
    for part in QUALITY_WEIGHTS:
        row[f"{part}_share"] = row[f"{part}_fans"] / fans if fans else float("nan")
    row["burst_threshold"] = float("nan")  # each influencer has its own
    row["quality_score"] = (100 - sum(w * row[f"{p}_share"] for p, w in QUALITY_WEIGHTS.items())
                            if fans else float("nan"))
    return pd.DataFrame([row])[list(quality.columns)]


# ---- the Posts screen (内容转化) ------------------------------------------------------------------

def post_conversion(ds: Dataset, f: Filters, viewer: Viewer = EVERYONE) -> pd.DataFrame:
    """Funnel figures per post posted in the period, counted up to the period end."""
    return run_query(ds, "post_conversion", viewer, **f.event_params())


# The Posts screen's table at any scale (issue 10): post_ranking ranks and cuts in SQL, so a period of 1.6 M posts
# sends the screen a thousand rows, not 1.6 M (over db.MAX_ROWS). Its choices come in Filters.extra.
RANK_BY = ("gmv", "net_gmv", "orders", "clicks", "impressions", "reads", "interactions", "ctr", "cvr", "aov",
           "gmv_per_1k_reads")
RANK_SHOWS = ("all", "top", "bottom")
RANK_LIMIT = 1_000  # rows of post_ranking unless told otherwise: what a table on a screen can usefully hold
MAX_SEARCH = 100  # characters of a title search


def post_ranking(ds: Dataset, f: Filters, viewer: Viewer = EVERYONE) -> pd.DataFrame:
    """The first posts of post_conversion by a metric (Filters.extra: "rank_by" of RANK_BY, default gmv; "show" of
    RANK_SHOWS, default all; "search", a title substring; "post", one post; "limit", default RANK_LIMIT), with their
    rank and the number of posts ranked before the limit (ranked_posts)."""
    extra = dict(f.extra)
    rank_by, show = extra.get("rank_by", "gmv"), extra.get("show", "all")
    search, post, limit = extra.get("search") or "", extra.get("post"), extra.get("limit", RANK_LIMIT)
    if rank_by not in RANK_BY:
        raise ParameterError(f"rank_by is one of {', '.join(RANK_BY)}; got {rank_by!r}")
    if show not in RANK_SHOWS:
        raise ParameterError(f"show is one of {', '.join(RANK_SHOWS)}; got {show!r}")
    if not isinstance(search, str) or len(search) > MAX_SEARCH:
        raise ParameterError(f"a title search has at most {MAX_SEARCH} characters")
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
        raise ParameterError(f"limit is a whole number from 1; got {limit!r}")
    return run_query(ds, "post_ranking", viewer, **f.event_params(), rank_by=rank_by, show=show, search=search,
                     post=None if post is None else int(post), limit=limit)  # type: ignore[call-overload]


def content_type_summary(ds: Dataset, f: Filters, viewer: Viewer = EVERYONE) -> pd.DataFrame:
    """CTR, CVR and GMV per 1k reads by content type, with the number of posts behind each."""
    return run_query(ds, "content_type_summary", viewer, **f.event_params())


def post_channels(ds: Dataset, f: Filters, viewer: Viewer = EVERYONE) -> pd.DataFrame:
    """Clicks and orders of the period's posts by traffic channel and fans vs non-fans."""
    return run_query(ds, "post_channels", viewer, **f.event_params())


def purchase_delay(ds: Dataset, f: Filters, viewer: Viewer = EVERYONE) -> pd.DataFrame:
    """Click-to-order delay bands of the period's orders (clicks up to 30 days before)."""
    return run_query(ds, "purchase_delay", viewer, **{"from": f.period.start_ts, "to": f.period.end_ts},
                     influencers=list(f.influencers))


def _post(f: Filters, query: str) -> int:
    post = dict(f.extra).get("post")
    if post is None:
        raise ParameterError(f"{query} needs --post ID")
    return int(post)  # type: ignore[call-overload]


def post_hourly(ds: Dataset, f: Filters, viewer: Viewer = EVERYONE) -> pd.DataFrame:
    """One post's clicks and orders hour by hour since posting."""
    return run_query(ds, "post_hourly", viewer, post=_post(f, "post_hourly"), to=f.period.end_ts, window=f.window)


def post_products(ds: Dataset, f: Filters, viewer: Viewer = EVERYONE) -> pd.DataFrame:
    """The products one post links, with price, commission and what the post sold."""
    return run_query(ds, "post_products", viewer, post=_post(f, "post_products"), to=f.period.end_ts,
                     window=f.window)


def post_campaigns(ds: Dataset, f: Filters, viewer: Viewer = EVERYONE) -> pd.DataFrame:
    """The campaigns bought for one post."""
    return run_query(ds, "post_campaigns", viewer, post=_post(f, "post_campaigns"))


# The funnel's steps: columns of content_type_summary, each summed over the content types.
FUNNEL_STEPS = ("impressions", "reads", "clicks", "orders")


def posts_funnel(ds: Dataset, f: Filters, viewer: Viewer = EVERYONE) -> pd.DataFrame:
    """曝光 → 阅读 → 点击 → 成交 of the posts posted in the period: one row per step (all four even without posts) with
    step, step_order, value, step_rate (value / the previous step's value; null for the first step and after a 0)
    and overall_rate (value / impressions; null when there are none).

    The values are content_type_summary's columns summed over its content types, which are sums of post_conversion's
    figures (clicks and attributed orders from posting up to the period end). Not a query of its own: the screen shows
    content_type_summary too, so one pass over the posts' clicks and orders serves both (issue 10), and the screen,
    the exports and `query posts_funnel` read the same result."""
    formats = content_type_summary(ds, f, viewer)
    values = [int(formats[step].sum()) for step in FUNNEL_STEPS]  # exact integer sums; NULL counts are skipped

    def rate(num: int, den: int | None) -> float:
        return float(num) / float(den) if den else float("nan")  # as SQL: both as doubles, a 0 denominator null

    return pd.DataFrame({
        "step": pd.array(FUNNEL_STEPS, dtype="str"),
        "step_order": pd.array(range(1, len(FUNNEL_STEPS) + 1), dtype="Int64"),
        "value": pd.array(values, dtype="Int64"),
        "step_rate": [rate(v, prev) for prev, v in zip([None, *values], values, strict=False)],
        "overall_rate": [rate(v, values[0]) for v in values],
    })


def posts_channel_split(ds: Dataset, f: Filters, viewer: Viewer = EVERYONE) -> pd.DataFrame:
    """Clicks → orders of the period's posts by traffic channel, by fans vs non-fans, and in total."""
    return run_query(ds, "posts_channel_split", viewer, **f.event_params())


# ---- the Campaigns screen (粉丝头条) --------------------------------------------------------------

def campaign_roi(ds: Dataset, f: Filters, viewer: Viewer = EVERYONE) -> pd.DataFrame:
    """Cost, attributed return, new fans and the incremental estimate per campaign started in the period."""
    return run_query(ds, "campaign_roi", viewer, **f.event_params())


@dataclass(frozen=True)
class CpsSplit:
    """How a CPS commission is shared (METRICS.md): the platform fee, Weibo's share, and the rest to the influencer
    (or agency). Whole percentage points, so a link (`cps=10,30,60`) says exactly what the reader set."""

    platform_fee: int = 10
    weibo: int = 30

    def __post_init__(self) -> None:
        if not (0 <= self.platform_fee <= 100 and 0 <= self.weibo <= 100 and self.platform_fee + self.weibo <= 100):
            raise ValueError("the platform fee and Weibo's share are whole percentages adding up to at most 100")

    @property
    def influencer(self) -> int:
        """The influencer's share in percentage points."""
        return 100 - self.platform_fee - self.weibo

    @property
    def influencer_share(self) -> float:
        return self.influencer / 100

    def to_param(self) -> str:
        return f"{self.platform_fee},{self.weibo},{self.influencer}"

    @classmethod
    def parse(cls, text: object) -> CpsSplit | None:
        """`10,30,60` (platform fee, Weibo, influencer) -> the split; None for anything else."""
        parts = text.split(",") if isinstance(text, str) else []
        if len(parts) != 3 or not all(p.strip().isdigit() for p in parts):
            return None
        fee, weibo, influencer = (int(p) for p in parts)
        if fee + weibo + influencer != 100:
            return None
        try:
            return cls(fee, weibo)
        except ValueError:
            return None

    def apply(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Add influencer_share, influencer_earnings (commission × share, only where the influencer paid, i.e.
        buyer_merchant_id is null) and profit_roi ((earnings − spend) / spend, null without spend)."""
        out = frame.copy()
        own = out["buyer_merchant_id"].isna()
        commission = pd.to_numeric(out["commission"], errors="coerce").astype("float64")
        spend = pd.to_numeric(out["spend"], errors="coerce").astype("float64")
        out["influencer_share"] = self.influencer_share
        out["influencer_earnings"] = (commission * self.influencer_share).round(2).where(own)
        out["profit_roi"] = (out["influencer_earnings"] - spend) / spend.where(spend > 0)
        return out


DEFAULT_CPS_SPLIT = CpsSplit()


def cps_split(f: Filters) -> CpsSplit:
    """The split a screen chose (Filters.extra "cps"), else the default 10 / 30 / 60."""
    split = dict(f.extra).get("cps")
    return split if isinstance(split, CpsSplit) else DEFAULT_CPS_SPLIT


def campaign_details(ds: Dataset, f: Filters, viewer: Viewer = EVERYONE) -> pd.DataFrame:
    """Influencer, post and buyer names and the CPS commission per campaign started in the period, with the
    influencer's earnings and profit ROI under the chosen CPS split (see CpsSplit.apply)."""
    return cps_split(f).apply(run_query(ds, "campaign_details", viewer, **f.event_params()))


def campaign_table(ds: Dataset, f: Filters, viewer: Viewer = EVERYONE) -> pd.DataFrame:
    """The Campaigns screen's table: campaign_roi's rows, in its order, with campaign_details beside them."""
    roi = campaign_roi(ds, f, viewer)
    details = campaign_details(ds, f, viewer).drop(columns=["buyer_merchant_id", "spend", "net_gmv"])
    return roi.merge(details, on="campaign_id", how="left", validate="one_to_one")


def campaign_products(ds: Dataset, f: Filters, viewer: Viewer = EVERYONE) -> pd.DataFrame:
    """Totals, pooled ROAS and cost per new fan, and the median campaign's, per campaign product."""
    return run_query(ds, "campaign_products", viewer, **f.event_params())


def campaign_hourly(ds: Dataset, f: Filters, viewer: Viewer = EVERYONE) -> pd.DataFrame:
    """One campaign (Filters.extra "campaign") hour by hour from launch against its baseline weeks."""
    campaign = dict(f.extra).get("campaign")
    if campaign is None:
        raise ParameterError("campaign_hourly needs --campaign ID")
    return run_query(ds, "campaign_hourly", viewer, campaign=int(campaign),  # type: ignore[call-overload]
                     to=f.period.end_ts, window=f.window)


# The command line's `query NAME` and the exports reach every named query through this table.
QUERIES: dict[str, Callable[[Dataset, Filters, Viewer], pd.DataFrame]] = {
    "overview_kpis": overview_kpis,
    "overview_daily": overview_daily,
    "order_attribution": order_attribution,
    "influencer_list": influencer_list,
    "dataset_span": dataset_span,
    "audience_summary": audience_summary,
    "audience_breakdown": audience_breakdown,
    "audience_daily": audience_daily,
    "audience_tgi": audience_tgi,
    "audience_active_hours": audience_active_hours,
    "audience_quality": audience_quality,
    "post_conversion": post_conversion,
    "post_ranking": post_ranking,
    "content_type_summary": content_type_summary,
    "post_channels": post_channels,
    "purchase_delay": purchase_delay,
    "post_hourly": post_hourly,
    "post_products": post_products,
    "post_campaigns": post_campaigns,
    "posts_funnel": posts_funnel,
    "posts_channel_split": posts_channel_split,
    "campaign_roi": campaign_roi,
    "campaign_details": campaign_details,
    "campaign_products": campaign_products,
    "campaign_hourly": campaign_hourly,
}

# The entries of QUERIES without a queries/*.sql of their own: each is the result of the named query it names, reshaped
# (so it agrees with that query's figures by construction and costs no second pass over the data).
DERIVED: dict[str, str] = {"posts_funnel": "content_type_summary"}  # the Benchmarks screen's are added below


# ---- the Merchants screen (达人对比) ----

SEGMENT_DIMS = ("gender", "age_band", "city_tier", "interest", "province")
SEGMENT_GENDERS = ("f", "m")
SEGMENT_AGE_BANDS = ("<18", "18-24", "25-29", "30-34", "35-39", "40-49", "50+")  # as audience_breakdown's
SEGMENT_CITY_TIERS = (1, 2, 3, 4, 5)
MAX_SEGMENT_VALUES = 40  # per criterion: a link or a command line cannot ask for more
MAX_SEGMENT_TEXT = 64  # characters of one interest tag or province name


def _segment_value(dim: str, raw: object) -> object | None:
    """One value of a criterion in its canonical form (city tiers as ints), or None when `dim` cannot hold it."""
    text = str(raw).strip() if raw is not None else ""
    if dim == "gender":
        return text.lower() if text.lower() in SEGMENT_GENDERS else None
    if dim == "age_band":
        return text if text in SEGMENT_AGE_BANDS else None
    if dim == "city_tier":
        return int(text) if text.isdigit() and int(text) in SEGMENT_CITY_TIERS else None
    if dim in ("interest", "province"):
        return text if 0 < len(text) <= MAX_SEGMENT_TEXT else None
    return None


# In a link a segment reads `gender:f,age_band:25-29,province:广东`; these characters of a value are escaped.
_SEG_ESCAPES = (("%", "%25"), (",", "%2C"), (":", "%3A"))


@dataclass(frozen=True)
class Segment:
    """A merchant's target segment: per profile dimension the wanted values. A fan is in the segment when it has one of
    the wanted values of every dimension that has any (queries/_macros.sql, segment_match); no values at all = every
    fan. Values only ever reach SQL as list parameters."""

    gender: tuple[str, ...] = ()
    age_band: tuple[str, ...] = ()
    city_tier: tuple[int, ...] = ()
    interest: tuple[str, ...] = ()
    province: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not any(getattr(self, d) for d in SEGMENT_DIMS)

    def params(self) -> dict[str, list[object]]:
        return {f"seg_{d}": list(getattr(self, d)) for d in SEGMENT_DIMS}

    @classmethod
    def of(cls, values: Mapping[str, Sequence[object]]) -> Segment:
        """The segment of `values` (dimension -> wanted values), keeping the valid ones once, in order."""
        kept: dict[str, tuple[object, ...]] = {}
        for dim in SEGMENT_DIMS:
            good = [v for v in (_segment_value(dim, raw) for raw in values.get(dim, ())) if v is not None]
            kept[dim] = tuple(dict.fromkeys(good))[:MAX_SEGMENT_VALUES]
        return cls(**kept)  # type: ignore[arg-type]

    @classmethod
    def from_args(cls, pairs: Sequence[str]) -> Segment:
        """`--segment DIM=VALUE` of the command line, repeated; a wrong one is a ParameterError naming it."""
        values: dict[str, list[str]] = {}
        for pair in pairs:
            dim, sep, value = pair.partition("=")
            dim = dim.strip()
            if not sep or dim not in SEGMENT_DIMS:
                raise ParameterError(f"--segment takes DIM=VALUE with DIM one of {', '.join(SEGMENT_DIMS)}; "
                                     f"got {pair!r}")
            if _segment_value(dim, value) is None:
                allowed = {"gender": ", ".join(SEGMENT_GENDERS), "age_band": ", ".join(SEGMENT_AGE_BANDS),
                           "city_tier": "1 to 5"}.get(dim, f"1 to {MAX_SEGMENT_TEXT} characters")
                raise ParameterError(f"--segment {dim} takes {allowed}; got {value.strip()!r}")
            values.setdefault(dim, []).append(value)
        return cls.of(values)

    def to_param(self) -> str | None:
        """The segment as one URL value (None when empty)."""
        def esc(text: str) -> str:
            for char, code in _SEG_ESCAPES:
                text = text.replace(char, code)
            return text

        parts = [f"{d}:{esc(str(v))}" for d in SEGMENT_DIMS for v in getattr(self, d)]
        return ",".join(parts) or None

    @classmethod
    def parse(cls, text: object) -> Segment:
        """A segment from a URL value; whatever cannot be read is left out, never an error."""
        if not isinstance(text, str):
            return cls()
        values: dict[str, list[str]] = {}
        for part in text.split(",")[:MAX_SEGMENT_VALUES * len(SEGMENT_DIMS)]:
            dim, sep, value = part.partition(":")
            if sep and dim in SEGMENT_DIMS:
                for char, code in reversed(_SEG_ESCAPES):
                    value = value.replace(code, char)
                values.setdefault(dim, []).append(value)
        return cls.of(values)


def segment(f: Filters) -> Segment:
    """The target segment a screen or the command line chose (Filters.extra "segment"), else none."""
    chosen_segment = dict(f.extra).get("segment")
    return chosen_segment if isinstance(chosen_segment, Segment) else Segment()


def _ids(f: Filters) -> list[int]:
    """The influencer ids as plain ints (ids taken from a result are numpy integers, which DuckDB does not take)."""
    return [int(i) for i in f.influencers]


def _merchant(f: Filters, query: str) -> int:
    if f.merchant is None:
        raise ParameterError(f"{query} needs --merchant ID")
    return int(f.merchant)


def merchant_list(ds: Dataset, f: Filters, viewer: Viewer = EVERYONE) -> pd.DataFrame:
    """The merchants of the products export with their products and what influencers sold for them in the period."""
    return run_query(ds, "merchant_list", viewer, **{"from": f.period.start_ts, "to": f.period.end_ts},
                     window=f.window)


def influencer_compare(ds: Dataset, f: Filters, viewer: Viewer = EVERYONE) -> pd.DataFrame:
    """Per influencer that moved the merchant's (`f.merchant`) products: sales, commission and headline cost, ROAS,
    cost per order, new buyers and the audience match with the target segment (Filters.extra "segment")."""
    return run_query(ds, "influencer_compare", viewer, **f.event_params(),
                     merchant=_merchant(f, "influencer_compare"), **segment(f).params())


def audience_match(ds: Dataset, f: Filters, viewer: Viewer = EVERYONE) -> pd.DataFrame:
    """Fans at the period end in the target segment per influencer, and the share meeting each criterion alone."""
    return run_query(ds, "audience_match", viewer, to=f.period.end_ts, influencers=_ids(f),
                     **segment(f).params())


def audience_overlap(ds: Dataset, f: Filters, viewer: Viewer = EVERYONE) -> pd.DataFrame:
    """Shared fans and Jaccard index at the period end for every pair of `f.influencers` (empty: all)."""
    return run_query(ds, "audience_overlap", viewer, to=f.period.end_ts, influencers=_ids(f))


def shortlist_reach(ds: Dataset, f: Filters, viewer: Viewer = EVERYONE) -> pd.DataFrame:
    """The de-duplicated reach of `f.influencers` taken in their order, and what each adds and alone holds."""
    return run_query(ds, "shortlist_reach", viewer, to=f.period.end_ts, influencers=_ids(f))


def merchant_table(ds: Dataset, f: Filters, viewer: Viewer = EVERYONE) -> pd.DataFrame:
    """The Merchants screen's comparison: influencer_compare's rows with what the influencer keeps of the commission
    under the CPS split (Filters.extra "cps"): influencer_share and influencer_earnings = commission_cost × share. The
    merchant pays the whole commission whatever the split."""
    out = influencer_compare(ds, f, viewer)
    split = cps_split(f)
    commission = pd.to_numeric(out["commission_cost"], errors="coerce").astype("float64")
    out["influencer_share"] = split.influencer_share
    out["influencer_earnings"] = (commission * split.influencer_share).round(2)
    return out


def segment_values(ds: Dataset, f: Filters, viewer: Viewer = EVERYONE) -> pd.DataFrame:
    """The interest tags and provinces held by at least `f.k` users of the platform, most common first."""
    return run_query(ds, "segment_values", viewer, k=f.k)


def segment_options(ds: Dataset, f: Filters, viewer: Viewer = EVERYONE, limit: int = 60) -> dict[str, list[str]]:
    """The interest tags and provinces of the fans of `f.influencers` at the period end (empty: all), most followed
    first, for the segment builder; the `limit` most common of each. A viewer without audience profiles (a merchant)
    is offered the platform's most common values instead (segment_values)."""
    out: dict[str, list[str]] = {}
    if not db.scope(ds, viewer).profiles:
        values = segment_values(ds, f, viewer)
        return {dim: [str(b) for b in values.loc[values["dim"] == dim, "bucket"].head(limit)]
                for dim in ("interest", "province")}
    for dim in ("interest", "province"):
        # the influencers' fans as one audience, summed in the database (a row per bucket, not per influencer)
        rows = audience_breakdown(ds, replace(as_one_audience(f), dim=dim), viewer)
        totals = rows[rows["bucket"].notna() & (rows["bucket"] != "unknown")]
        totals = totals.sort_values(["fans", "bucket"], ascending=[False, True], kind="stable")
        out[dim] = [str(b) for b in totals["bucket"].head(limit)]
    return out


def reach_totals(reach: pd.DataFrame) -> dict[str, float | int | None]:
    """shortlist_reach in three figures: fans summed over the shortlist (a fan of two counts twice), the de-duplicated
    reach, and the share of the summed fans that are duplicates (None without fans)."""
    summed = int(pd.to_numeric(reach["fans_end"]).sum()) if len(reach) else 0
    unique = int(reach["cumulative_reach"].iloc[-1]) if len(reach) else 0
    return {"summed_fans": summed, "reach": unique,
            "duplicate_share": (summed - unique) / summed if summed else None}


QUERIES.update({
    "merchant_list": merchant_list,
    "influencer_compare": influencer_compare,
    "audience_match": audience_match,
    "audience_overlap": audience_overlap,
    "shortlist_reach": shortlist_reach,
    "segment_values": segment_values,
})


# ---- the Benchmarks screen (类目对标) ----

# The figures category_benchmark compares, in its order; all of them are better when higher.
BENCHMARK_METRICS = ("ctr", "cvr", "aov", "gmv_per_1k_reads", "fan_growth", "engaged_fan_rate", "headline_roas")
# Figures of one fan base: published only over a cohort of at least FAN_FLOOR fans (METRICS.md).
AUDIENCE_METRICS = ("fan_growth", "engaged_fan_rate")
FAN_FLOOR = 50
TIER_ORDER = ("head", "waist", "tail")
MIN_K = 3  # no cohort smaller than this is ever published, whatever a caller asks (METRICS.md)


def _k(f: Filters) -> int:
    if int(f.k) < MIN_K:
        raise ParameterError(f"k, the smallest cohort published, is never below {MIN_K} (got {f.k})")
    return int(f.k)


def _benchmark_params(f: Filters) -> dict[str, object]:
    return {"from": f.period.start_ts, "to": f.period.end_ts, "window": f.window, "k": _k(f)}


# category_benchmark's and influencer_rank's columns: each is a part of benchmark_rows, the one query for both.
CATEGORY_BENCHMARK_COLUMNS = ("category", "tier", "metric", "influencers", "p25", "p50", "p75", "p90")
INFLUENCER_RANK_COLUMNS = ("influencer_id", "category", "tier", "metric", "value", "percentile", "cohort_size",
                           "published")


def benchmark_rows(ds: Dataset, f: Filters, viewer: Viewer = EVERYONE) -> pd.DataFrame:
    """category_benchmark's rows (row_kind 'cohort') and influencer_rank's for every influencer the viewer may see
    ('rank'): one pass over every influencer's figures for both, which the Benchmarks screen shows together (issue 10:
    at the large scale they were two passes of ~6 s each)."""
    return run_query(ds, "benchmark_rows", viewer, **_benchmark_params(f))


def _benchmark_part(ds: Dataset, f: Filters, viewer: Viewer, kind: str, columns: tuple[str, ...]) -> pd.DataFrame:
    rows = benchmark_rows(ds, f, viewer)
    return rows.loc[(rows["row_kind"] == kind).to_numpy(dtype=bool), list(columns)].reset_index(drop=True)


def category_benchmark(ds: Dataset, f: Filters, viewer: Viewer = EVERYONE) -> pd.DataFrame:
    """Quartiles and the top decile of every metric per category × tier cohort, the publishable cohorts only.
    The influencer filter plays no part: a cohort is every influencer of its category and tier, the same for every
    viewer."""
    return _benchmark_part(ds, f, viewer, "cohort", CATEGORY_BENCHMARK_COLUMNS)


def influencer_rank(ds: Dataset, f: Filters, viewer: Viewer = EVERYONE) -> pd.DataFrame:
    """Each chosen influencer's own value and percentile in its category × tier cohort, metric by metric.

    Every cohort is computed whichever influencers are chosen, so the rows of every influencer the viewer may see come
    back (one cache entry per period, window and k, shared with category_benchmark) and the chosen ones are kept
    here: the Benchmarks screen's "where I stand" then reuses the ranking its influencer list made."""
    every = _benchmark_part(ds, f, viewer, "rank", INFLUENCER_RANK_COLUMNS)
    if not f.influencers:
        return every
    chosen = every["influencer_id"].isin([int(i) for i in f.influencers]).fillna(False).to_numpy(dtype=bool)
    return every[chosen].reset_index(drop=True)


def benchmark_trend(ds: Dataset, f: Filters, viewer: Viewer = EVERYONE, category: str | None = None) -> pd.DataFrame:
    """category_benchmark month by month (calendar months clipped to the period), for the trend of the median; with
    `category` (else Filters.extra "category", the command line's --category), that category's cohorts only (the
    same rows, computed for its influencers alone)."""
    if category is None:
        category = dict(f.extra).get("category")
    return run_query(ds, "benchmark_trend", viewer, **_benchmark_params(f), category=category)


def _tier_rank(tiers: pd.Series) -> pd.Series:
    return tiers.map(lambda x: TIER_ORDER.index(x) if x in TIER_ORDER else len(TIER_ORDER))


def benchmark_table(ds: Dataset, f: Filters, metric: str, viewer: Viewer = EVERYONE) -> pd.DataFrame:
    """The cohort table of one metric: every category × tier that holds an influencer the viewer may see (tiers as
    at the period end, as in the cohorts), with `published` and category_benchmark's figures where it is true;
    the others are the cells a screen shows as "insufficient data". Categories in code order, tiers head → tail."""
    if metric not in BENCHMARK_METRICS:
        raise ParameterError(f"metric is one of {', '.join(BENCHMARK_METRICS)}; got {metric!r}")
    members = influencer_list(ds, f, viewer)
    cohorts = members[["category", "tier"]].drop_duplicates()
    cells = category_benchmark(ds, f, viewer)
    cells = cells[cells["metric"] == metric].drop(columns="metric")
    out = cohorts.merge(cells, on=["category", "tier"], how="left", validate="one_to_one")
    out.insert(2, "metric", metric)
    out.insert(3, "published", out["influencers"].notna())
    out = out.assign(_tier=_tier_rank(out["tier"])).sort_values(["category", "_tier", "tier"], kind="stable")
    return out.drop(columns="_tier").reset_index(drop=True)


def standing(ds: Dataset, f: Filters, influencer: int, viewer: Viewer = EVERYONE) -> pd.DataFrame:
    """"Where I stand": one influencer's influencer_rank rows (one per metric) with its cohort's published quantiles
    beside them (null where the cohort is not published). Nothing here is another influencer's own figure."""
    rank = influencer_rank(ds, replace(f, influencers=(int(influencer),)), viewer)
    cells = category_benchmark(ds, f, viewer).drop(columns="influencers")
    out = rank.merge(cells, on=["category", "tier", "metric"], how="left", validate="one_to_one")
    return out.reset_index(drop=True)


def cohort_trend(ds: Dataset, f: Filters, category: object, metric: str, viewer: Viewer = EVERYONE) -> pd.DataFrame:
    """benchmark_trend of one category's cohorts (every tier) for one metric (none for an influencer without a
    category: no cohort has a null category to compare with here)."""
    trend = benchmark_trend(ds, f, viewer, category=str(category) if isinstance(category, str) else None)
    keep = (trend["category"] == category).fillna(False) & (trend["metric"] == metric)
    return trend[keep.to_numpy(dtype=bool)].reset_index(drop=True)


def benchmarked_influencers(ds: Dataset, f: Filters, viewer: Viewer = EVERYONE) -> set[int]:
    """The influencers with a value on at least one metric whose cohort is published: those "where I stand" has
    something to compare. (Whether a cohort is published is no one's figure.)"""
    rank = influencer_rank(ds, replace(f, influencers=()), viewer)
    ranked = rank["published"].astype(bool) & rank["value"].notna()
    return {int(i) for i in rank.loc[ranked.to_numpy(dtype=bool), "influencer_id"]}


QUERIES.update({
    "benchmark_rows": benchmark_rows,
    "category_benchmark": category_benchmark,
    "influencer_rank": influencer_rank,
    "benchmark_trend": benchmark_trend,
})
DERIVED.update({"category_benchmark": "benchmark_rows", "influencer_rank": "benchmark_rows"})

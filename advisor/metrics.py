"""One typed function per named query, and the one result cache of the app and the command line."""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import pandas as pd

from advisor import db
from advisor.dataset import Dataset
from advisor.db import EVERYONE, Viewer

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
    """db.run through the result cache; callers get their own copy."""
    key = (ds.fingerprint, name, viewer, tuple(sorted((k, _freeze(v)) for k, v in params.items())))
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit.copy()
    result = db.run(ds, name, viewer, **params)
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
    """Fans at the period end by bucket of `f.dim` (one of AUDIENCE_DIMS) per influencer."""
    return run_query(ds, "audience_breakdown", viewer, to=f.period.end_ts, dim=_dim(f, "audience_breakdown"),
                     influencers=list(f.influencers))


def _dim(f: Filters, query: str) -> str:
    if f.dim not in AUDIENCE_DIMS:
        raise ParameterError(f"{query} needs --dim, one of: {', '.join(AUDIENCE_DIMS)}")
    return f.dim


def audience_daily(ds: Dataset, f: Filters, viewer: Viewer = EVERYONE) -> pd.DataFrame:
    """New, lost and net fans per influencer and day, new fans split by follow source."""
    return run_query(ds, "audience_daily", viewer, **{"from": f.period.start_ts, "to": f.period.end_ts},
                     influencers=list(f.influencers))


def audience_tgi(ds: Dataset, f: Filters, viewer: Viewer = EVERYONE) -> pd.DataFrame:
    """TGI of every bucket of `f.dim` against the influencer's category audience."""
    return run_query(ds, "audience_tgi", viewer, to=f.period.end_ts, dim=_dim(f, "audience_tgi"),
                     influencers=list(f.influencers))


def audience_active_hours(ds: Dataset, f: Filters, viewer: Viewer = EVERYONE) -> pd.DataFrame:
    """Fans' clicks by weekday and hour of the dataset's time zone."""
    return run_query(ds, "audience_active_hours", viewer, **{"from": f.period.start_ts, "to": f.period.end_ts},
                     influencers=list(f.influencers))


def audience_quality(ds: Dataset, f: Filters, viewer: Viewer = EVERYONE) -> pd.DataFrame:
    """Dormant, burst and unknown-profile shares of the audience at the period end, and the 0-100 score."""
    return run_query(ds, "audience_quality", viewer, to=f.period.end_ts, influencers=list(f.influencers))


# ---- the Posts screen (内容转化) ------------------------------------------------------------------

def post_conversion(ds: Dataset, f: Filters, viewer: Viewer = EVERYONE) -> pd.DataFrame:
    """Funnel figures per post posted in the period, counted up to the period end."""
    return run_query(ds, "post_conversion", viewer, **f.event_params())


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


# ---- the Campaigns screen (粉丝头条) --------------------------------------------------------------

def campaign_roi(ds: Dataset, f: Filters, viewer: Viewer = EVERYONE) -> pd.DataFrame:
    """Cost, attributed return, new fans and the incremental estimate per campaign started in the period."""
    return run_query(ds, "campaign_roi", viewer, **f.event_params())


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
    "content_type_summary": content_type_summary,
    "post_channels": post_channels,
    "purchase_delay": purchase_delay,
    "post_hourly": post_hourly,
    "post_products": post_products,
    "post_campaigns": post_campaigns,
    "campaign_roi": campaign_roi,
}

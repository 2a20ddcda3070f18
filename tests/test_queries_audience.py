"""Every Audience query against an independent pandas computation (METRICS.md's words) on the edge dataset."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from advisor import dataset, db, metrics
from advisor.access import EVERYONE, Viewer
from advisor.metrics import AUDIENCE_DIMS, Filters, Period

from . import edge_data as E
from .conftest import write_minimal_dataset
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
    product_visible,
    ref_overview_kpis,
)

W1H, W7D, W30D = E.WINDOWS
D = dt.date
PERIODS: dict[str, Period] = {**{name: Period(*days) for name, days in E.PERIODS.items()},
                              # the last day is Dec 31 (ages as of 2025) / Jan 1 (ages as of 2026)
                              "dec31": Period(D(2025, 12, 1), D(2025, 12, 31)),
                              "jan1": Period(D(2025, 12, 1), D(2026, 1, 1)),
                              # around the moment the edge dataset's fans are settled (fans_settled, _prepare.sql: the
                              # end of "all"): before it, and after it from "all"'s start and from another day
                              "settling": Period(D(2026, 2, 1), D(2026, 3, 30)),
                              "settled": Period(D(2026, 2, 1), D(2026, 4, 1)),
                              "settled_mid": Period(D(2026, 3, 15), D(2026, 4, 1))}
SETTLED_AT = dt.datetime(2026, 4, 1)
VIEWERS = {
    "everyone": EVERYONE,
    "inf_1_2": Viewer(influencers=(1, 2)),
    "merchant_1": Viewer(merchants=(1,)),
    "merchant_3": Viewer(merchants=(3,)),
    "inf_4_6_merchant_1_2": Viewer(influencers=(4, 6), merchants=(1, 2)),
    "nobody": Viewer(influencers=()),
}


def case(period_name: str, window: dt.timedelta = W7D, influencers: tuple[int, ...] = (),
         viewer: str = "everyone") -> Case:
    return Case(PERIODS[period_name], window, influencers, VIEWERS[viewer], viewer)


def case_id(c: Case) -> str:
    p = c.p
    name = next(k for k, v in PERIODS.items() if v == p)
    w = f"{int(c.window.total_seconds() // 3600)}h"
    return f"{name}-{w}-inf_{'+'.join(map(str, c.influencers)) or 'all'}-{c.viewer_name}"


# ---- the reference: pandas, from METRICS.md and the query headers, not from the SQL ----------------

def picked_influencers(t: Tables, c: Case) -> list[int]:
    """The influencers a screen lists: chosen ones (all when none is chosen) that the viewer may see; for a
    merchant, those whose posts moved its products (as influencer_list)."""
    def pick() -> list[int]:
        ids = t["influencers"]["influencer_id"]
        keep = chosen(ids, c.influencers) & account_visible(ids, c.viewer, t)
        return sorted(int(i) for i in ids[keep])

    return memo(("picked", id(t["influencers"]), c.influencers, c.viewer), pick)  # type: ignore[return-value]


FOLLOW_COLUMNS = ["influencer_id", "fan_id", "followed_at", "unfollowed_at", "gender", "birth_year", "province",
                  "source"]


def follows_of(t: Tables) -> dict[int, pd.DataFrame]:
    """Each influencer's follows (the columns the figures need), split once."""
    return memo(("follows", id(t["fans"])), lambda: {  # type: ignore[return-value]
        int(k): g.reset_index(drop=True) for k, g in t["fans"][FOLLOW_COLUMNS].groupby("influencer_id")})


def fans_at_end(t: Tables, c: Case) -> pd.DataFrame:
    """Follows current at the period end of the influencers the screen lists."""
    picked = picked_influencers(t, c)
    parts = [g[fan_at(g, c.p.end_ts)] for inf, g in follows_of(t).items() if inf in picked]
    return pd.concat(parts, ignore_index=True) if parts else t["fans"][FOLLOW_COLUMNS].iloc[:0]


_memo: dict[tuple, object] = {}


def memo(key: tuple, make: object) -> object:
    """Results of the reference that many cases share, per tables object (the frames are never modified)."""
    if key not in _memo:
        _memo[key] = make()  # type: ignore[operator]
    return _memo[key]


def clicks_with_author(t: Tables) -> pd.DataFrame:
    """Clicks on posts that exist, with the post's author, and whether the user was a fan of the author then."""
    return memo(("clicks", id(t["clicks"])), lambda: _clicks_with_author(t))  # type: ignore[return-value]


def _clicks_with_author(t: Tables) -> pd.DataFrame:
    c = t["clicks"].reset_index(drop=True).reset_index(names="click_no")
    c = c.merge(t["posts"][["post_id", "influencer_id", "posted_at"]], on="post_id", how="inner")
    pairs = c[["click_no", "influencer_id", "user_id", "clicked_at"]].merge(
        t["fans"][["influencer_id", "fan_id", "followed_at", "unfollowed_at"]],
        left_on=["influencer_id", "user_id"], right_on=["influencer_id", "fan_id"])
    fan = pairs[fan_at(pairs, pairs["clicked_at"])]["click_no"].unique()
    c["from_fan"] = c["click_no"].isin(fan)
    return c


def ref_audience_summary(t: Tables, c: Case) -> pd.DataFrame:
    p, rows = c.p, []
    follows = follows_of(t)
    clicks = clicks_with_author(t)
    clicks = clicks[in_range(clicks["clicked_at"], p.start_ts, p.end_ts)
                    & product_visible(clicks["product_id"], c.viewer, t)]
    a = attribute(t, c.window)
    a = a[in_range(a["ordered_at"], p.start_ts, p.end_ts) & a["influencer_id"].notna().to_numpy(dtype=bool)
          & product_visible(a["product_id"], c.viewer, t)]
    for inf in picked_influencers(t, c):
        mine = follows.get(inf, t["fans"][FOLLOW_COLUMNS].iloc[:0])
        end_rows = mine[fan_at(mine, p.end_ts)]
        end_users = set(end_rows["fan_id"])  # a fan is a person: engaged and buying count users
        engaged = end_users & set(clicks.loc[(clicks["influencer_id"] == inf).to_numpy(dtype=bool), "user_id"])
        buying = end_users & set(a.loc[(a["influencer_id"] == inf).to_numpy(dtype=bool), "user_id"])
        rows.append({"influencer_id": inf, "fans_start": int(fan_at(mine, p.start_ts).sum()),
                     "fans_end": len(end_rows),
                     "new_fans": int(in_range(mine["followed_at"], p.start_ts, p.end_ts).sum()),
                     "lost_fans": int(in_range(mine["unfollowed_at"], p.start_ts, p.end_ts).sum()),
                     "engaged_fans": len(engaged), "buying_fans": len(buying),
                     "fan_buyer_rate": len(buying) / len(end_rows) if len(end_rows) else np.nan})
    return pd.DataFrame(rows, columns=["influencer_id", "fans_start", "fans_end", "new_fans", "lost_fans",
                                       "engaged_fans", "buying_fans", "fan_buyer_rate"])


AGE_BANDS = ((18, "<18"), (25, "18-24"), (30, "25-29"), (35, "30-34"), (40, "35-39"), (50, "40-49"))


def age_band(birth_year: object, year: int) -> str:
    if pd.isna(birth_year):
        return "unknown"
    age = year - int(birth_year)
    return next((label for upper, label in AGE_BANDS if age < upper), "50+")


def interest_tags(tags: object) -> list[str]:
    """The distinct non-null tags of one fan; none at all (NULL, [], [NULL]) is 'unknown'."""
    found = sorted({x for x in tags if x is not None}) if isinstance(tags, list | tuple | np.ndarray) else []
    return found or ["unknown"]


def buckets(t: Tables, end: dt.datetime, dim: str) -> pd.DataFrame:
    """One row per follow at `end` (the exclusive period end) and bucket of `dim` (one per distinct tag for
    interest), with its influencer."""
    return memo(("buckets", id(t["fans"]), end, dim), lambda: _buckets(t, end, dim))  # type: ignore[return-value]


def _buckets(t: Tables, end: dt.datetime, dim: str) -> pd.DataFrame:
    f = t["fans"][fan_at(t["fans"], end)]
    inf = f["influencer_id"].to_numpy(dtype=np.int64)
    if dim == "interest":
        tags = [["unknown"] if x is None else interest_tags(x) for x in f["interests"]]
        return pd.DataFrame({"influencer_id": np.repeat(inf, [len(x) for x in tags]),
                             "bucket": [tag for x in tags for tag in x]})
    if dim == "age_band":
        year = (end - E.DAY).year  # the year of the period's last day
        values = {y: age_band(y, year) for y in f["birth_year"].dropna().unique()}
        band = f["birth_year"].map(values).astype(object).where(f["birth_year"].notna(), "unknown")
    elif dim == "city_tier":
        band = f["city_tier"].astype("string").astype(object).where(f["city_tier"].notna(), "unknown")
    else:
        band = f[dim].astype(object).where(f[dim].notna(), "unknown")
    return pd.DataFrame({"influencer_id": inf, "bucket": band.to_numpy(dtype=object)})


def ref_audience_breakdown(t: Tables, c: Case, dim: str) -> pd.DataFrame:
    f = fans_at_end(t, c)
    audience = f.groupby("influencer_id").size()
    b = buckets(t, c.p.end_ts, dim)
    b = b[b["influencer_id"].isin(audience.index)]
    counts = b.groupby(["influencer_id", "bucket"]).size().rename("fans").reset_index()
    counts["dim"] = dim
    counts["share"] = counts["fans"] / counts["influencer_id"].map(audience)
    return counts[["influencer_id", "dim", "bucket", "fans", "share"]]


def ref_audience_breakdown_combined(t: Tables, c: Case, dim: str) -> pd.DataFrame:
    """The chosen influencers as one audience: each bucket's follows at the end summed over them (a user who follows
    two of them counts twice), its share of all their follows at the end (for interest too: of fans, not of tags)."""
    audience = len(fans_at_end(t, c))
    out = ref_audience_breakdown(t, c, dim).groupby("bucket", as_index=False)["fans"].sum()
    out.insert(0, "dim", dim)
    out["share"] = out["fans"] / audience
    return out[["dim", "bucket", "fans", "share"]]


def ref_audience_daily(t: Tables, c: Case) -> pd.DataFrame:
    p, frames = c.p, []
    known = ("organic", "fan_headline", "passerby_to_fan", "account_recommend")
    starts = pd.date_range(p.start_ts, p.end_ts - E.DAY, freq="D").to_numpy()[:, None]
    ends = starts + np.timedelta64(1, "D")  # a day's end: 00:00 of the next day
    for inf in picked_influencers(t, c):
        mine = follows_of(t).get(inf, t["fans"][FOLLOW_COLUMNS].iloc[:0])
        followed, unfollowed = mine["followed_at"].to_numpy()[None, :], mine["unfollowed_at"].to_numpy()[None, :]
        new = (followed >= starts) & (followed < ends)
        source = mine["source"].to_numpy(dtype=object)
        day = {"influencer_id": inf, "day": starts[:, 0], "new_fans": new.sum(axis=1),
               "lost_fans": ((unfollowed >= starts) & (unfollowed < ends)).sum(axis=1),  # NaT compares False
               "fans_end": ((followed <= ends) & (np.isnat(unfollowed) | (unfollowed > ends))).sum(axis=1)}
        for s in known:
            day[f"new_{s}"] = (new & (source == s)[None, :]).sum(axis=1)
        day["new_other"] = (new & ~np.isin(source, known)[None, :]).sum(axis=1)
        frames.append(pd.DataFrame(day))
    columns = ["influencer_id", "day", "new_fans", "lost_fans", "net_fans", "fans_end", "new_organic",
               "new_fan_headline", "new_passerby_to_fan", "new_account_recommend", "new_other"]
    if not frames:
        return pd.DataFrame(columns=columns)
    out = pd.concat(frames, ignore_index=True)
    out["net_fans"] = out["new_fans"] - out["lost_fans"]
    return out[columns]


def ref_audience_tgi(t: Tables, c: Case, dim: str) -> pd.DataFrame:
    # the category baseline: the follows at the end of every influencer of the category, visible or not
    sizes = pd.Series({inf: int(fan_at(g, c.p.end_ts).sum()) for inf, g in follows_of(t).items()})
    sizes = sizes[sizes > 0]
    category = t["influencers"].set_index("influencer_id")["category"]
    b = buckets(t, c.p.end_ts, dim).copy()
    b["category"] = b["influencer_id"].map(category)
    cat_sizes = sizes.groupby(sizes.index.map(category)).sum()
    own = b.groupby(["influencer_id", "bucket"]).size()
    cat = b.groupby(["category", "bucket"]).size()
    rows = []
    for inf in picked_influencers(t, c):
        if inf not in sizes.index:
            continue  # no fans at the end: no audience to profile
        cat_name = category[inf]
        for bucket, cat_fans in cat[cat_name].items():
            fans = int(own.get((inf, bucket), 0))
            share, cat_share = fans / sizes[inf], cat_fans / cat_sizes[cat_name]
            rows.append({"influencer_id": inf, "category": cat_name, "dim": dim, "bucket": bucket, "fans": fans,
                         "share": share, "category_fans": int(cat_fans), "category_share": cat_share,
                         "tgi": share / cat_share * 100})
    return pd.DataFrame(rows, columns=["influencer_id", "category", "dim", "bucket", "fans", "share",
                                       "category_fans", "category_share", "tgi"])


def ref_audience_active_hours(t: Tables, c: Case) -> pd.DataFrame:
    p = c.p
    k = clicks_with_author(t)
    k = k[k["from_fan"].to_numpy(dtype=bool) & in_range(k["clicked_at"], p.start_ts, p.end_ts)
          & chosen(k["influencer_id"], c.influencers) & influencer_visible(k["influencer_id"], c.viewer)
          & product_visible(k["product_id"], c.viewer, t)]
    k = k.assign(weekday=k["clicked_at"].dt.day_of_week + 1, hour=k["clicked_at"].dt.hour)
    g = k.groupby(["influencer_id", "weekday", "hour"]).agg(fan_clicks=("user_id", "size"),
                                                             fans=("user_id", "nunique"))
    return g.reset_index()


def ref_audience_quality(t: Tables, c: Case, end: dt.datetime | None = None) -> pd.DataFrame:
    """At the period end, or at the moment `end` (the query takes any moment as $to)."""
    end = c.p.end_ts if end is None else end
    rows = []
    activity = pd.concat([t["clicks"][["user_id", "clicked_at"]].rename(columns={"clicked_at": "at"}),
                          t["orders"][["user_id", "ordered_at"]].rename(columns={"ordered_at": "at"})])
    activity = activity[(activity["at"] < end).to_numpy(dtype=bool)]  # as known at the period end
    last = activity.groupby("user_id")["at"].max()
    for inf in picked_influencers(t, c):
        mine = follows_of(t).get(inf, t["fans"][FOLLOW_COLUMNS].iloc[:0])
        mine = mine[(mine["followed_at"] <= end).to_numpy(dtype=bool)]
        per_minute = mine["followed_at"].dt.floor("min").value_counts()
        threshold = max(10.0, 5 * float(per_minute.median())) if len(per_minute) else np.nan
        burst_minutes = per_minute[per_minute >= threshold].index if len(per_minute) else []
        now = mine[fan_at(mine, end)]
        last_at = last.reindex(now["fan_id"].to_numpy()).to_numpy(dtype="datetime64[us]")  # NaT: never active
        dormant = ~(last_at >= np.datetime64(end - dt.timedelta(days=90), "us"))
        quiet_since = ~(last_at >= now["followed_at"].to_numpy(dtype="datetime64[us]"))
        burst = now["followed_at"].dt.floor("min").isin(burst_minutes).to_numpy(dtype=bool) & quiet_since
        unknown = (now["gender"].isna() & now["birth_year"].isna() & now["province"].isna()).to_numpy(dtype=bool)
        n = len(now)

        def share(x: np.ndarray, n: int = n) -> float:
            return x.sum() / n if n else np.nan

        rows.append({"influencer_id": inf, "fans_end": n, "dormant_fans": int(dormant.sum()),
                     "dormant_share": share(dormant), "burst_fans": int(burst.sum()), "burst_share": share(burst),
                     "unknown_fans": int(unknown.sum()), "unknown_share": share(unknown),
                     "burst_minutes": len(burst_minutes), "burst_threshold": threshold,
                     "quality_score": 100 - 40 * share(dormant) - 40 * share(burst) - 20 * share(unknown)})
    return pd.DataFrame(rows, columns=["influencer_id", "fans_end", "dormant_fans", "dormant_share", "burst_fans",
                                       "burst_share", "unknown_fans", "unknown_share", "burst_minutes",
                                       "burst_threshold", "quality_score"])


# ---- the cases -----------------------------------------------------------------------------------

SUMMARY_CASES = (
    [case(p) for p in ("all", "main", "empty", "settling", "settled", "settled_mid")]
    + [case("main", W1H), case("main", W30D), case("all", W30D, (E.PLAIN, E.NOBODY, E.FANS_ONLY)),
       case("day_tz", W1H, (E.HEAD, E.SMALL))]
    + [case("main" if i % 2 else "all", W7D, (), v) for i, v in enumerate(VIEWERS) if v != "everyone"]
    + [case("main", W30D, (E.PLAIN, E.SMALL), "inf_4_6_merchant_1_2")]
)
DAILY_CASES = ([case(p) for p in ("main", "gap", "empty", "jan1")]
               + [case("all", W7D, (E.SMALL, E.NOBODY)), case("main", W7D, (), "merchant_3"),
                  case("gap", W7D, (), "inf_4_6_merchant_1_2")])
BREAKDOWN_CASES = ([(case("main"), dim) for dim in AUDIENCE_DIMS]
                   + [(case("jan1"), dim) for dim in ("age_band", "interest", "city_tier")]
                   + [(case("main", W7D, (), "merchant_3"), dim) for dim in ("gender", "interest", "source")]
                   + [(case("dec31"), "age_band"), (case("gap", W7D, (E.SMALL, E.NOBODY)), "interest")]
                   + [(case("all", W7D, (), "inf_4_6_merchant_1_2"), dim) for dim in ("province", "device")])
# Every influencer, for everyone, is summed from profile_days: at midnights holding follows, over a new year (age
# bands), after every event, and over the whole span.
COMBINED_BREAKDOWN_CASES = ([(case("main"), dim) for dim in AUDIENCE_DIMS]
                            + [(case(p), dim) for p in ("jan1", "dec31", "empty", "all")
                               for dim in ("gender", "age_band", "interest")]
                            + [(case("jan1", W7D, (E.SMALL, E.FANS_ONLY, E.NOBODY)), dim)
                               for dim in ("gender", "age_band", "interest")]
                            + [(case("main", W7D, (), "merchant_3"), dim) for dim in ("source", "interest")]
                            + [(case("all", W7D, (E.PLAIN, E.SMALL, E.QUIET), "inf_4_6_merchant_1_2"), dim)
                               for dim in ("province", "interest")]
                            + [(case("main", W7D, (), "nobody"), "gender")])
TGI_CASES = ([(case("main"), dim) for dim in ("gender", "age_band", "interest")]
             + [(case("jan1", W7D, (E.SMALL, E.FANS_ONLY)), dim) for dim in ("age_band", "interest")]
             + [(case("all", W7D, (E.SMALL,), "inf_4_6_merchant_1_2"), "source"),
                (case("main", W7D, (), "merchant_1"), "city_tier"),
                (case("dec31", W7D, (E.HEAD,)), "age_band"), (case("empty", W7D, (E.HEAD, E.PLAIN)), "province")])
HOURS_CASES = ([case(p) for p in ("all", "main", "empty")]
               + [case("main", W7D, (E.HEAD,)), case("all", W7D, (), "merchant_1"),
                  case("all", W7D, (E.PLAIN, E.SMALL), "inf_4_6_merchant_1_2")])
QUALITY_CASES = ([case(p) for p in ("all", "main", "gap", "empty", "jan1")]
                 + [case("main", W7D, (E.PLAIN, E.NOBODY, E.FANS_ONLY)), case("main", W7D, (), "merchant_3"),
                    case("gap", W7D, (), "inf_4_6_merchant_1_2")])


def with_dim(c: Case, dim: str) -> Filters:
    return Filters(period=c.p, influencers=c.influencers, window=c.window, dim=dim)


def test_the_edge_fans_settle_when_all_ends(edge: dataset.Dataset) -> None:
    """The periods of SUMMARY_CASES end before, at and after the moment the engaged and buying fans are read from
    settled_fan_days (the last range of engaged_days starts, and the last follow ends, that midnight)."""
    con = db.prepare(edge, ["fans_settled"])
    assert con.sql("select settled_at from fans_settled").fetchall() == [(SETTLED_AT,)]
    assert PERIODS["settling"].end_ts < SETTLED_AT == PERIODS["all"].end_ts < PERIODS["settled"].end_ts


@pytest.mark.parametrize("c", SUMMARY_CASES, ids=case_id)
def test_audience_summary_matches_reference(edge: dataset.Dataset, tables: Tables, c: Case) -> None:
    actual = metrics.audience_summary(edge, c.filters, c.viewer)
    assert_same(actual, ref_audience_summary(tables, c), ["influencer_id"])


@pytest.mark.parametrize(("c", "dim"), BREAKDOWN_CASES, ids=[f"{case_id(c)}-{d}" for c, d in BREAKDOWN_CASES])
def test_audience_breakdown_matches_reference(edge: dataset.Dataset, tables: Tables, c: Case, dim: str) -> None:
    actual = metrics.audience_breakdown(edge, with_dim(c, dim), c.viewer)
    assert_same(actual, ref_audience_breakdown(tables, c, dim), ["influencer_id", "bucket"])
    shares = actual.groupby("influencer_id")["share"].sum()
    if dim == "interest":
        assert (shares >= 1 - 1e-9).all()  # every fan carries at least one tag (or 'unknown')
    else:
        assert np.allclose(shares, 1.0), shares


@pytest.mark.parametrize(("c", "dim"), COMBINED_BREAKDOWN_CASES,
                         ids=[f"{case_id(c)}-{d}" for c, d in COMBINED_BREAKDOWN_CASES])
def test_audience_breakdown_combined_is_the_buckets_summed(edge: dataset.Dataset, tables: Tables, c: Case,
                                                           dim: str) -> None:
    """All chosen influencers as one audience, summed in the database: one row per bucket, influencer_id null, in
    the order the screens draw (most fans first, then by bucket)."""
    actual = metrics.audience_breakdown(edge, metrics.as_one_audience(with_dim(c, dim)), c.viewer)
    assert list(actual.columns) == ["influencer_id", "dim", "bucket", "fans", "share"]
    assert actual["influencer_id"].isna().all()
    assert_same(actual, ref_audience_breakdown_combined(tables, c, dim), ["bucket"])
    ranked = actual.sort_values(["fans", "bucket"], ascending=[False, True], kind="stable")
    assert actual["bucket"].tolist() == ranked["bucket"].tolist()
    if dim != "interest":  # every fan in one bucket: the buckets add up to the audience the tiles show
        fans_end = metrics.audience_summary(edge, c.filters, c.viewer)["fans_end"].sum()
        assert actual["fans"].sum() == fans_end and (fans_end == 0 or np.isclose(actual["share"].sum(), 1.0))


def test_combined_profile_counts_a_user_once_per_followed_influencer(edge: dataset.Dataset, tables: Tables) -> None:
    """Follow relations add up, as fans_end everywhere: some users follow two of the influencers, and the combined
    audience counts them twice (not the distinct users)."""
    c = case("main")
    follows = fans_at_end(tables, c)
    assert follows["fan_id"].nunique() < len(follows)
    gender = metrics.audience_breakdown(edge, metrics.as_one_audience(with_dim(c, "gender")))
    assert gender["fans"].sum() == len(follows)


@pytest.mark.parametrize("c", DAILY_CASES, ids=case_id)
def test_audience_daily_matches_reference(edge: dataset.Dataset, tables: Tables, c: Case) -> None:
    actual = metrics.audience_daily(edge, c.filters, c.viewer)
    assert_same(actual, ref_audience_daily(tables, c), ["influencer_id", "day"])


@pytest.mark.parametrize("c", DAILY_CASES, ids=case_id)
def test_audience_daily_combined_is_the_days_summed(edge: dataset.Dataset, tables: Tables, c: Case) -> None:
    """All chosen influencers as one audience, summed in the database: the reference's days summed over them."""
    actual = metrics.audience_daily(edge, metrics.as_one_audience(c.filters), c.viewer)
    assert actual["influencer_id"].isna().all()
    reference = ref_audience_daily(tables, c)
    expected = reference.drop(columns="influencer_id").groupby("day", as_index=False).sum()
    assert_same(actual.drop(columns="influencer_id"), expected, ["day"])
    assert len(actual) == reference["day"].nunique()


def test_audience_daily_of_every_influencer_leaves_out_the_follows_of_unlisted_ids(tmp_path: Path) -> None:
    """Every influencer as one audience (summed from listed_follow_days) counts the follows of the influencers the
    influencers table lists: a follow of an id it does not list, or of none, counts nowhere, as per influencer."""
    path = write_minimal_dataset(tmp_path / "ds")
    fans = pq.read_table(path / "fans.parquet")
    strays = pa.table({"influencer_id": [3, None], "fan_id": [12, 13],
                       "followed_at": [dt.datetime(2026, 3, 1, 8), dt.datetime(2026, 3, 2, 9)],
                       "unfollowed_at": [None, dt.datetime(2026, 3, 3, 9)], "source": ["organic", "fan_headline"]})
    pq.write_table(pa.concat_tables([fans, strays], promote_options="default").select(fans.column_names),
                   path / "fans.parquet")
    ds = dataset.open_dataset(path)
    f = Filters(Period(dt.date(2026, 2, 28), dt.date(2026, 3, 4)))
    actual = metrics.audience_daily(ds, metrics.as_one_audience(f)).set_index("day")
    listed = pq.read_table(path / "fans.parquet").to_pandas().query("influencer_id in (1, 2)")
    days = pd.date_range("2026-02-28", "2026-03-04")
    end = days + pd.Timedelta(days=1)
    fans_end = [int(((listed["followed_at"] <= t) & ~(listed["unfollowed_at"] <= t)).sum()) for t in end]
    new = [int(listed["followed_at"].between(d, d + pd.Timedelta(days=1), inclusive="left").sum()) for d in days]
    lost = [int(listed["unfollowed_at"].between(d, d + pd.Timedelta(days=1), inclusive="left").sum()) for d in days]
    assert list(actual.index) == list(days)
    assert actual["fans_end"].tolist() == fans_end == [2, 2, 2, 2, 2]
    assert actual["new_fans"].tolist() == new
    assert actual["lost_fans"].tolist() == lost
    assert actual["new_fan_headline"].tolist() == [0, 0, 1, 0, 0]


def test_audience_breakdown_of_follows_without_an_influencer(tmp_path: Path) -> None:
    """Follows without an influencer (an integrity error the queries survive) are a group of their own, in the
    combined audience of every influencer at an instant that is not a midnight: read from their final profile only
    after their last follow or unfollow, as any influencer's (fails when they are read from it too early, or never)."""
    path = write_minimal_dataset(tmp_path / "ds")
    fans = pq.read_table(path / "fans.parquet")
    strays = pa.table({"influencer_id": [None, None], "fan_id": [20, 21],
                       "followed_at": [dt.datetime(2026, 3, 1, 8), dt.datetime(2026, 3, 1, 9)],
                       "unfollowed_at": [None, dt.datetime(2026, 3, 5, 10)], "gender": ["m", "f"],
                       "source": ["organic", "organic"]})
    pq.write_table(pa.concat_tables([fans, strays], promote_options="default").select(fans.column_names),
                   path / "fans.parquet")
    ds = dataset.open_dataset(path)
    follows = pq.read_table(path / "fans.parquet").to_pandas()
    for t in (dt.datetime(2026, 3, 4, 12), dt.datetime(2026, 3, 7, 12)):
        got = db.run(ds, "audience_breakdown", to=t, dims=["gender"], influencers=[], combine=True)
        fan = fan_at(follows, t)
        want = follows[fan]["gender"].fillna("unknown").value_counts().sort_index()
        assert dict(zip(got["bucket"], got["fans"], strict=True)) == want.to_dict(), t
        assert follows[fan]["influencer_id"].isna().any()


@pytest.mark.parametrize(("c", "dim"), TGI_CASES, ids=[f"{case_id(c)}-{d}" for c, d in TGI_CASES])
def test_audience_tgi_matches_reference(edge: dataset.Dataset, tables: Tables, c: Case, dim: str) -> None:
    actual = metrics.audience_tgi(edge, with_dim(c, dim), c.viewer)
    assert_same(actual, ref_audience_tgi(tables, c, dim), ["influencer_id", "bucket"])


@pytest.mark.parametrize("dim", ["gender", "interest"])
def test_audience_tgi_of_one_influencer_counts_its_whole_category(tiny_demo: Path, dim: str) -> None:
    # The edge data gives every influencer a category of its own; in the tiny demo categories have several
    # members, so the baseline of one chosen influencer must count the fans of the others too.
    ds, t = dataset.open_dataset(tiny_demo), E.load(tiny_demo)
    members = t["influencers"].groupby("category")["influencer_id"].apply(list)
    crowded = members[members.map(len) >= 2].iloc[0]
    c = Case(metrics.span_period(ds), W7D, (int(crowded[0]),))
    expected = ref_audience_tgi(t, c, dim)
    assert len(expected) > 1 and (expected["category_fans"] > expected["fans"]).all()
    assert_same(metrics.audience_tgi(ds, with_dim(c, dim)), expected, ["influencer_id", "bucket"])


@pytest.mark.parametrize("dim", ["gender", "province", "interest"])
def test_a_bucket_whose_fans_all_left_has_no_row(minimal_dataset: Path, dim: str) -> None:
    """Influencer 1's only fan of unknown profile (the minimal dataset's fan 11) followed on 2 March and, here, left on
    the 4th: at the end of the 5th that bucket held fans before but holds none now, so neither the TGI (its category
    baseline) nor the profile of every influencer as one audience (both summed from day rows) has a row for it."""
    fans = pq.read_table(minimal_dataset / "fans.parquet")
    left = pa.array([None, dt.datetime(2026, 3, 4, 12), None], fans.schema.field("unfollowed_at").type)
    pq.write_table(fans.set_column(fans.schema.get_field_index("unfollowed_at"), "unfollowed_at", left),
                   minimal_dataset / "fans.parquet")
    ds, t = dataset.open_dataset(minimal_dataset), E.load(minimal_dataset)
    c = Case(Period(dt.date(2026, 3, 1), dt.date(2026, 3, 5)), W7D, (1,))
    tgi = metrics.audience_tgi(ds, with_dim(c, dim))
    assert tgi["bucket"].tolist() == ["beauty" if dim == "interest" else "f" if dim == "gender" else "广东"]
    assert_same(tgi, ref_audience_tgi(t, c, dim), ["influencer_id", "bucket"])
    everyone = Case(c.p, W7D, ())
    combined = metrics.audience_breakdown(ds, metrics.as_one_audience(with_dim(everyone, dim)))
    assert "unknown" not in combined["bucket"].tolist()
    assert_same(combined, ref_audience_breakdown_combined(t, everyone, dim), ["bucket"])


@pytest.mark.parametrize("c", HOURS_CASES, ids=case_id)
def test_audience_active_hours_matches_reference(edge: dataset.Dataset, tables: Tables, c: Case) -> None:
    actual = metrics.audience_active_hours(edge, c.filters, c.viewer)
    assert_same(actual, ref_audience_active_hours(tables, c), ["influencer_id", "weekday", "hour"])


@pytest.mark.parametrize("c", HOURS_CASES, ids=case_id)
def test_audience_active_hours_combined_is_the_hours_summed(edge: dataset.Dataset, tables: Tables, c: Case) -> None:
    """All chosen influencers as one audience, summed in the database: the reference's hours summed over them."""
    actual = metrics.audience_active_hours(edge, metrics.as_one_audience(c.filters), c.viewer)
    assert actual["influencer_id"].isna().all()
    reference = ref_audience_active_hours(tables, c)
    expected = reference.drop(columns="influencer_id").groupby(["weekday", "hour"], as_index=False).sum()
    assert_same(actual.drop(columns="influencer_id"), expected, ["weekday", "hour"])


@pytest.mark.parametrize("c", QUALITY_CASES, ids=case_id)
def test_audience_quality_matches_reference(edge: dataset.Dataset, tables: Tables, c: Case) -> None:
    actual = metrics.audience_quality(edge, c.filters, c.viewer)
    assert_same(actual, ref_audience_quality(tables, c), ["influencer_id"])


def _quality_moments() -> list[dt.datetime]:
    """Period ends inside a minute and on the 90-day edge (a period end can be any moment, not only midnight):
    the planted burst minute before, at and after its 10th follow (the count reaching the threshold of 10 within
    the minute holding $to, a follow at $to included); the at-threshold minute at its 10th follow and just before;
    BURST_ACTIVE's click (at $to it is not yet before $to); the dormancy edge 90 days on, a microsecond either side."""
    second = dt.timedelta(seconds=1)
    edge90 = E.DORMANT_EDGE + dt.timedelta(days=90)
    return [E.BURST_MINUTE - E.US, E.BURST_MINUTE, E.BURST_MINUTE + 9 * second - E.US, E.BURST_MINUTE + 9 * second,
            E.BURST_MINUTE + 30 * second + E.US, E.BURST_MINUTE + 60 * second - E.US, E.BURST_MINUTE + 60 * second,
            E.AT_THRESHOLD_MINUTE + 45 * second - E.US, E.AT_THRESHOLD_MINUTE + 45 * second,
            E.T(2026, 3, 16, 20), E.T(2026, 3, 16, 20) + E.US, edge90 - E.US, edge90, edge90 + E.US]


@pytest.mark.parametrize("end", _quality_moments(), ids=str)
def test_audience_quality_at_any_moment_matches_reference(edge: dataset.Dataset, tables: Tables,
                                                          end: dt.datetime) -> None:
    """$to at any instant: the minute holding it counts its follows up to $to exactly (not the whole minute, not
    only those before $to), and the 90 days before $to are [$to − 90 days, $to) to the microsecond."""
    c = case("main")
    actual = db.run(edge, "audience_quality", to=end, influencers=[])
    assert_same(actual, ref_audience_quality(tables, c, end), ["influencer_id"])


def _last_change_midnights(t: Tables) -> list[dt.datetime]:
    """The midnights at or just before and just after each influencer's last follow and last unfollow (a last follow
    at a midnight is its own): where its follows settle (audience_quality reads final_follow_counts from a midnight
    after its last follow and not before its last unfollow)."""
    fans = t["fans"]
    last = pd.concat([fans.groupby("influencer_id")["followed_at"].max(),
                      fans.groupby("influencer_id")["unfollowed_at"].max()]).dropna()
    days = {d + k * pd.Timedelta(days=1) for d in last.dt.floor("D") for k in (0, 1)}
    return sorted(d.to_pydatetime() for d in days)


def test_audience_quality_where_the_follows_settle_matches_reference(edge: dataset.Dataset, tables: Tables) -> None:
    """At the midnights around each influencer's last follow and unfollow (WAIST's last follow is at a midnight;
    FANS_ONLY's last change is an unfollow after its last follow), the counts equal pandas whether they come from the
    follows or from final_follow_counts."""
    c = case("main")
    moments = _last_change_midnights(tables)
    last = tables["fans"].groupby("influencer_id")[["followed_at", "unfollowed_at"]].max()
    assert last.loc[E.WAIST, "followed_at"] == last.loc[E.WAIST, "followed_at"].floor("D")
    assert last.loc[E.FANS_ONLY, "unfollowed_at"].floor("D") > last.loc[E.FANS_ONLY, "followed_at"]
    for end in moments:
        actual = db.run(edge, "audience_quality", to=end, influencers=[])
        assert_same(actual, ref_audience_quality(tables, c, end), ["influencer_id"])


def instants(start: dt.datetime, end: dt.datetime, influencers: tuple[int, ...]) -> SimpleNamespace:
    """A Case whose period bounds are any two instants (a named query run through db.run may take them)."""
    bounds = SimpleNamespace(start_ts=pd.Timestamp(start), end_ts=pd.Timestamp(end))
    return SimpleNamespace(p=bounds, window=W7D, influencers=influencers, viewer=EVERYONE)


LEAVES = E.WAIST_LEAVES_AT  # a midnight at which a follow ends


def _follow_to_unfollow(tables: Tables) -> tuple[dt.datetime, dt.datetime]:
    """From a follow's instant to a later unfollow's, neither at a midnight (a fan at the start, lost at the end)."""
    fans = tables["fans"][tables["fans"]["influencer_id"] == E.PLAIN]
    off = fans[(fans["followed_at"] != fans["followed_at"].dt.floor("D"))
               & (fans["unfollowed_at"] != fans["unfollowed_at"].dt.floor("D")) & fans["unfollowed_at"].notna()]
    first = off.sort_values("followed_at").iloc[0]
    later = off[off["unfollowed_at"] > first["followed_at"] + dt.timedelta(days=3)]["unfollowed_at"].min()
    return first["followed_at"].to_pydatetime(), later.to_pydatetime()


@pytest.mark.parametrize("bounds", [(E.MAIN_START, LEAVES), (E.MAIN_START, LEAVES + E.US),
                                    (E.MAIN_START + dt.timedelta(hours=9), LEAVES - E.US),
                                    (LEAVES - E.US, LEAVES + dt.timedelta(hours=20)), "follow_to_unfollow"], ids=str)
@pytest.mark.parametrize("influencers", [(), (E.WAIST, E.PLAIN)], ids=["all", "chosen"])
def test_the_fans_of_a_period_are_those_at_its_bounds_whatever_they_are(
        edge: dataset.Dataset, tables: Tables, bounds: tuple[dt.datetime, dt.datetime] | str,
        influencers: tuple[int, ...]) -> None:
    """period_fans (_macros.sql; the fans of audience_summary, overview_kpis, influencer_list and the benchmarks):
    over bounds at midnight from the follows counted by day, over any other instant from the follows, the fans at
    either bound and the new and lost fans between them to the microsecond."""
    start, end = _follow_to_unfollow(tables) if bounds == "follow_to_unfollow" else bounds
    c = instants(start, end, influencers)
    params = {"from": start, "to": end, "window": W7D, "influencers": list(influencers)}
    assert_same(db.run(edge, "audience_summary", **params), ref_audience_summary(tables, c),  # type: ignore[arg-type]
                ["influencer_id"])
    fans = ["fans_start", "fans_end", "new_fans", "lost_fans"]
    assert_same(db.run(edge, "overview_kpis", **params)[fans], ref_overview_kpis(tables, c)[fans],  # type: ignore
                fans)


# ---- the edge cases, asserted directly (readable failures) ----------------------------------------

def test_influencers_without_fans_show_zeros_and_null_rates(edge: dataset.Dataset) -> None:
    summary = metrics.audience_summary(edge, Filters(PERIODS["main"])).set_index("influencer_id")
    nobody = summary.loc[E.NOBODY]
    assert (nobody["fans_start"], nobody["fans_end"], nobody["new_fans"], nobody["engaged_fans"]) == (0, 0, 0, 0)
    assert pd.isna(nobody["fan_buyer_rate"])
    quality = metrics.audience_quality(edge, Filters(PERIODS["main"])).set_index("influencer_id").loc[E.NOBODY]
    assert quality["fans_end"] == 0 and pd.isna(quality["quality_score"]) and pd.isna(quality["dormant_share"])
    assert E.NOBODY not in set(metrics.audience_breakdown(edge, Filters(PERIODS["main"], dim="gender"))[
        "influencer_id"])


def test_a_merchant_sees_only_the_audiences_of_influencers_it_may_pick(edge: dataset.Dataset) -> None:
    """The Audience screen lists, for a merchant, the influencers of influencer_list (whose posts moved its
    products); the summary must not hand out the fan counts of the others."""
    f = Filters(PERIODS["main"])
    viewer = VIEWERS["merchant_3"]
    allowed = set(metrics.influencer_list(edge, f, viewer)["influencer_id"])
    assert allowed and allowed != set(metrics.influencer_list(edge, f)["influencer_id"])
    for query in (metrics.audience_daily, metrics.audience_quality):
        assert set(query(edge, f, viewer)["influencer_id"]) <= allowed, query.__name__
    assert set(metrics.audience_summary(edge, f, viewer)["influencer_id"]) <= allowed


def test_age_bands_use_the_year_of_the_periods_last_day(edge: dataset.Dataset, tables: Tables) -> None:
    """A period whose last day is Dec 31 ends at Jan 1 00:00 of the next year, yet ages are those of Dec 31's
    year; with Jan 1 as the last day, the planted fans born 2008 / 2001 / 1976 turn 18 / 25 / 50."""
    f = tables["fans"]
    for name, year in (("dec31", E.AGE_YEAR - 1), ("jan1", E.AGE_YEAR)):
        p = PERIODS[name]
        assert p.end.year == year and p.end_ts.year == E.AGE_YEAR
        small = f[(f["influencer_id"] == E.SMALL).to_numpy(dtype=bool) & fan_at(f, p.end_ts)]
        ages = year - small["birth_year"].dropna().astype(int)
        bands = metrics.audience_breakdown(edge, Filters(p, influencers=(E.SMALL,), dim="age_band"))
        bands = bands.set_index("bucket")["fans"]
        assert bands["<18"] == (ages < 18).sum(), name
        assert bands["18-24"] == ages.between(18, 24).sum(), name
        assert bands["25-29"] == ages.between(25, 29).sum(), name
        assert bands["40-49"] == ages.between(40, 49).sum(), name
        assert bands["50+"] == (ages >= 50).sum(), name
        assert bands["unknown"] == small["birth_year"].isna().sum(), name


def test_interest_counts_each_fan_once_per_distinct_tag(edge: dataset.Dataset, tables: Tables) -> None:
    c = case("main", influencers=(E.SMALL,))
    actual = metrics.audience_breakdown(edge, with_dim(c, "interest")).set_index("bucket")
    expected = ref_audience_breakdown(tables, c, "interest").set_index("bucket")
    assert actual.loc["unknown", "fans"] == expected.loc["unknown", "fans"] > 0
    assert actual.loc["beauty", "fans"] == expected.loc["beauty", "fans"]
    assert None not in set(actual.index) and "" not in set(actual.index)


def test_new_fans_of_unknown_source_count_as_other(edge: dataset.Dataset) -> None:
    day = pd.Timestamp(E.UNKNOWN_SOURCE_AT.date())
    daily = metrics.audience_daily(edge, Filters(PERIODS["main"], influencers=(E.SMALL,))).set_index("day")
    row = daily.loc[day]
    known = row[["new_organic", "new_fan_headline", "new_passerby_to_fan", "new_account_recommend"]].sum()
    assert row["new_other"] >= 1 and row["new_other"] + known == row["new_fans"]


def test_daily_fans_end_agrees_with_the_summary(edge: dataset.Dataset) -> None:
    for name in ("main", "gap", "jan1"):
        f = Filters(PERIODS[name])
        daily = metrics.audience_daily(edge, f)
        last = daily[daily["day"] == daily["day"].max()].set_index("influencer_id")["fans_end"]
        summary = metrics.audience_summary(edge, f).set_index("influencer_id").loc[last.index]
        assert len(last) == len(metrics.influencer_list(edge, f))
        assert (last == summary["fans_end"]).all(), name
        assert (daily.groupby("influencer_id")["new_fans"].sum() == summary["new_fans"]).all(), name
        assert (daily.groupby("influencer_id")["lost_fans"].sum() == summary["lost_fans"]).all(), name


def test_a_fan_click_needs_the_follow_at_that_instant(edge: dataset.Dataset, tables: Tables) -> None:
    """A click at the very instant of a follow is a fan's; at the instant of an unfollow it is not; a second
    before the unfollow it is (METRICS.md: followed_at <= t and unfollowed_at null or > t)."""
    k = clicks_with_author(tables).set_index(["user_id", "clicked_at"])
    start, second = pd.Timestamp(E.MAIN_START), pd.Timedelta(seconds=1)
    assert k.loc[(E.FOLLOW_AT_MAIN_START, start), "from_fan"].all()
    assert not k.loc[(E.UNFOLLOW_AT_MAIN_START, start), "from_fan"].any()
    assert k.loc[(E.UNFOLLOW_AT_MAIN_START, start - second), "from_fan"].all()
    c = Case(Period(E.MAIN_START.date() - E.DAY, E.MAIN_START.date()), W7D, (E.HEAD,))
    actual = metrics.audience_active_hours(edge, c.filters)
    assert_same(actual, ref_audience_active_hours(tables, c), ["influencer_id", "weekday", "hour"])
    cells = set(actual[["weekday", "hour"]].itertuples(index=False, name=None))
    assert {(4, 0), (3, 23)} <= cells  # 2026-03-05 is a Thursday


def _with_tz_aware_clicks(src: Path, dst: Path) -> Path:
    """A copy of a dataset whose clicks.clicked_at holds UTC instants (timestamp[us, tz=UTC]) of the same
    Shanghai wall-clock times."""
    shutil.copytree(src, dst)
    table = pq.read_table(dst / "clicks.parquet")
    local = pd.Series(table["clicked_at"].to_pandas()).dt.tz_localize(E.TZ).dt.tz_convert("UTC")
    i = table.schema.get_field_index("clicked_at")
    table = table.set_column(i, pa.field("clicked_at", pa.timestamp("us", "UTC")),
                             pa.array(local, pa.timestamp("us", "UTC")))
    pq.write_table(table, dst / "clicks.parquet")
    return dst


def test_tz_aware_clicks_land_in_local_hours(edge: dataset.Dataset, edge_path: Path, tmp_path: Path) -> None:
    aware_path = _with_tz_aware_clicks(edge_path, tmp_path / "ds")
    assert pq.read_schema(aware_path / "clicks.parquet").field("clicked_at").type == pa.timestamp("us", "UTC")
    aware = dataset.open_dataset(aware_path)
    try:
        for c in (case("all"), case("main", W7D, (E.HEAD,))):
            expected = metrics.audience_active_hours(edge, c.filters)
            assert not expected.empty
            pd.testing.assert_frame_equal(metrics.audience_active_hours(aware, c.filters), expected)
        # the click at local 2026-03-05 00:00 (stored as 2026-03-04 16:00Z) is Thursday 0h, not Wednesday 16h
        one_day = Filters(Period(E.MAIN_START.date(), E.MAIN_START.date()), influencers=(E.HEAD,))
        cells = set(metrics.audience_active_hours(aware, one_day)[["weekday", "hour"]].itertuples(index=False,
                                                                                                  name=None))
        assert (4, 0) in cells and all(weekday == 4 for weekday, _ in cells)
    finally:
        db.forget(aware)


def test_planted_bot_burst_is_counted(edge: dataset.Dataset) -> None:
    """60 follows of PLAIN inside one minute by users without activity: burst fans, except the one who clicked
    after following and the one who left; the minute with exactly 10 (the threshold) counts, the one with 9
    does not."""
    main = metrics.audience_quality(edge, Filters(PERIODS["main"], influencers=(E.PLAIN,))).iloc[0]
    assert main["burst_threshold"] == 10 and main["burst_minutes"] == 2
    assert main["burst_fans"] == E.BURST_SIZE - 2 + len(E.AT_THRESHOLD_FANS)
    assert main["quality_score"] == pytest.approx(100 - 40 * main["dormant_share"] - 40 * main["burst_share"]
                                                  - 20 * main["unknown_share"])
    # before BURST_ACTIVE's click (2026-03-16) it is still a quiet burst follower
    gap = metrics.audience_quality(edge, Filters(PERIODS["gap"], influencers=(E.PLAIN,))).iloc[0]
    assert gap["burst_fans"] == main["burst_fans"] + 1
    # before the burst there is none
    before = metrics.audience_quality(edge, Filters(PERIODS["day_tz"], influencers=(E.PLAIN,))).iloc[0]
    assert before["burst_fans"] == 0 and before["burst_minutes"] == 0


def test_burst_threshold_scales_with_the_median_minute(edge: dataset.Dataset) -> None:
    row = metrics.audience_quality(edge, Filters(PERIODS["main"], influencers=(E.FANS_ONLY,))).iloc[0]
    assert row["burst_threshold"] == 15  # 5 × median 3
    assert row["burst_minutes"] == 1 and row["burst_fans"] == len(E.SCALED_BURST_FANS)


def test_tiny_demo_bot_bursts_lower_the_quality_score(tiny_demo: Path) -> None:
    ds = dataset.open_dataset(tiny_demo)
    bots = pd.read_parquet(tiny_demo / "_truth" / "bot_bursts.parquet")
    assert len(bots) >= 1
    span = metrics.span_period(ds)
    q = metrics.audience_quality(ds, Filters(span)).set_index("influencer_id")
    planted = q.loc[sorted(set(bots["influencer_id"]))]
    others = q.drop(index=planted.index)
    assert (planted["burst_fans"] > 0).all(), planted
    assert (others["burst_fans"] == 0).all(), others[others["burst_fans"] > 0]
    assert (planted["quality_score"] < others["quality_score"].median()).all(), (planted["quality_score"],
                                                                                 others["quality_score"].median())


# ---- the edge cases are really in the data -------------------------------------------------------

def _present_interest_cases(t: Tables) -> bool:
    f = t["fans"].set_index("fan_id")
    lists = [f.loc[i, "interests"] for i in E.PROFILE_FANS]
    return (any(isinstance(x, list) and len(x) != len(set(x)) for x in lists)
            and any(isinstance(x, list) and len(x) == 0 for x in lists)
            and any(isinstance(x, list) and None in x and len(x) > 1 for x in lists)
            and any(x is None for x in lists))


def _present_ages(t: Tables) -> bool:
    f = t["fans"]
    small = f[(f["influencer_id"] == E.SMALL).to_numpy(dtype=bool) & fan_at(f, PERIODS["jan1"].end_ts)
              & fan_at(f, PERIODS["dec31"].end_ts)]
    ages = set((E.AGE_YEAR - small["birth_year"].dropna()).astype(int))
    return {18, 25, 50, 17, 24, 49} <= ages and PERIODS["dec31"].end.year == E.AGE_YEAR - 1


def _present_burst(t: Tables) -> bool:
    f = t["fans"]
    plain = f[(f["influencer_id"] == E.PLAIN).to_numpy(dtype=bool)]
    per_minute = plain["followed_at"].dt.floor("min").value_counts()
    active = set(t["clicks"]["user_id"]) | set(t["orders"]["user_id"])
    return (per_minute[pd.Timestamp(E.BURST_MINUTE)] == E.BURST_SIZE and per_minute.median() == 1
            and len(set(E.BURST_FANS) & active) == 2)


def _present_dormancy_edges(t: Tables) -> bool:
    edge90 = PERIODS["empty"].end_ts - dt.timedelta(days=90)
    c, o = t["clicks"], t["orders"]
    return (edge90 == E.DORMANT_EDGE and (c["clicked_at"] == edge90).any()
            and (c["clicked_at"] == edge90 - E.US).any() and (o["ordered_at"] == edge90).any()
            and (o["ordered_at"] == edge90 - E.US).any())


def _present_duplicate_follows(t: Tables) -> bool:
    """A user holding two follows of one influencer at once: fans_end counts follows, engaged/buying users."""
    f = t["fans"]
    now = f[fan_at(f, PERIODS["main"].end_ts)]
    return bool(now.duplicated(["influencer_id", "fan_id"]).any())


PRESENT = {
    "interest_duplicates_empty_null_elements": _present_interest_cases,
    "ages_18_25_50_at_the_year_end": _present_ages,
    "bot_burst_minute": _present_burst,
    "dormancy_edges_of_the_empty_period": _present_dormancy_edges,
    "unknown_follow_source": lambda t: (t["fans"]["source"] == "weibo_search").sum() == 1,
    "unknown_profiles": lambda t: (t["fans"]["gender"].isna() & t["fans"]["birth_year"].isna()
                                   & t["fans"]["province"].isna()).sum() >= 10,
    "influencer_without_follows": lambda t: E.NOBODY not in set(t["fans"]["influencer_id"]),
    "duplicate_concurrent_follows": _present_duplicate_follows,
    "merchant_3_hides_influencers": lambda t: len(picked_influencers(t, case("main", viewer="merchant_3")))
    < len(t["influencers"]),
}


@pytest.mark.parametrize("name", PRESENT)
def test_audience_edge_case_is_present(tables: Tables, name: str) -> None:
    assert PRESENT[name](tables)


# ---- the prepared tables behind the distinct counts (queries/_prepare.sql: click_runs, active_spans, burst_follows) -

def _cuts(t: Tables) -> list[dt.datetime]:
    """Moments to cut at: every day's midnight would be what the screens ask; these are arbitrary ones too — exact
    click instants (ties included), a microsecond either side, and moments before and after all the data."""
    times = t["clicks"]["clicked_at"].dropna().sort_values()
    picks = [times.iloc[int(q * (len(times) - 1))] for q in (0.0, 0.1, 0.37, 0.5, 0.81, 1.0)]
    ties = times[times.duplicated(keep=False)]
    picks += list(ties.iloc[:2])
    eps = pd.Timedelta(microseconds=1)
    out = {p + d for p in picks for d in (-eps, pd.Timedelta(0), eps)}
    out |= {times.iloc[0] - pd.Timedelta(days=400), times.iloc[-1] + pd.Timedelta(days=400)}
    return sorted(pd.Timestamp(x).to_pydatetime() for x in out)


def prepared(ds: dataset.Dataset, text: str, **params: object) -> list[tuple]:
    """Read a prepared table directly (a test of the table itself, beside the queries that read it)."""
    cur = db.prepare(ds).cursor()
    try:
        return cur.sql(text, params=params).fetchall()
    finally:
        cur.close()


def test_click_runs_give_each_period_s_clickers_once(edge: dataset.Dataset, tables: Tables) -> None:
    """The clicks of [a, b) whose previous click of the same user on the same influencer's posts is null or before a
    are exactly the distinct influencer × user pairs that clicked in [a, b) — and for prev_hour_at, the distinct fan
    clickers per influencer × weekday × hour — at any cut, not only at midnights."""
    clicks = clicks_with_author(tables)
    cuts = _cuts(tables)
    assert any(tables["clicks"]["clicked_at"].duplicated()), "the edge data should hold clicks at one instant"
    for a, b in zip(cuts, cuts[2:], strict=False):
        seen = clicks[in_range(clicks["clicked_at"], a, b)]
        want = sorted(seen[["influencer_id", "user_id"]].drop_duplicates().itertuples(index=False, name=None),
                      key=repr)
        got = prepared(edge, "select influencer_id, user_id from click_runs where clicked_at >= $a and clicked_at < $b "
                             "and (prev_at is null or prev_at < $a)", a=a, b=b)
        assert sorted(got, key=repr) == [tuple(None if pd.isna(v) else int(v) for v in row) for row in want], (a, b)
        fan = seen[seen["from_fan"] & seen["user_id"].notna()]
        by_hour = fan.assign(wd=fan["clicked_at"].dt.isocalendar().day.astype(int), hr=fan["clicked_at"].dt.hour)
        want_hours = sorted(by_hour.groupby(["influencer_id", "wd", "hr"])["user_id"].nunique().items())
        got_hours = prepared(edge, "select influencer_id, isodow(clicked_at), hour(clicked_at), count(*) "
                                   "from click_runs where clicked_at >= $a and clicked_at < $b and from_fan "
                                   "and user_id is not null and (prev_hour_at is null or prev_hour_at < $a) "
                                   "group by all order by all", a=a, b=b)
        assert [((int(i), w, h), n) for i, w, h, n in got_hours] == [
            ((int(i), int(w), int(h)), int(n)) for (i, w, h), n in want_hours], (a, b)


def test_active_spans_hold_t_exactly_when_the_user_was_active_in_the_90_days_before(edge: dataset.Dataset,
                                                                                   tables: Tables) -> None:
    """The users with a span of active_spans holding t (first_at < t, last_at >= t − 90 days): those with a click or
    an order in [t − 90 days, t), at any cut and at the 90-day edges to the microsecond; at most one span each."""
    events = pd.concat([tables["clicks"][["user_id", "clicked_at"]].set_axis(["user_id", "at"], axis=1),
                        tables["orders"][["user_id", "ordered_at"]].set_axis(["user_id", "at"], axis=1)])
    edge90 = E.DORMANT_EDGE + dt.timedelta(days=90)
    for t in [*_cuts(tables), edge90 - E.US, edge90, edge90 + E.US]:
        since = t - dt.timedelta(days=90)
        recent = events[((events["at"] >= since) & (events["at"] < t)).fillna(False).to_numpy(dtype=bool)]
        want = sorted(int(u) for u in recent["user_id"].dropna().unique())
        got = prepared(edge, "select user_id from active_spans where first_at < $t "
                             "and last_at >= $t - interval 90 day order by user_id", t=t)
        assert [u for (u,) in got] == want, t


def test_follow_days_sum_to_the_fans_at_every_midnight_and_the_follows_of_every_day(edge: dataset.Dataset,
                                                                                   tables: Tables) -> None:
    """follow_days (what audience_daily and overview_daily read): per influencer, the fans_in − fans_out of the days
    up to a midnight are the fans at it (is_fan_at, follows at midnight exactly included), and each day's new_fans
    (by source) and lost_fans are the follows and unfollows during it; every midnight from before the first follow
    to after the last unfollow."""
    f = tables["fans"]
    moments = pd.concat([f["followed_at"], f["unfollowed_at"]]).dropna()
    assert (moments == moments.dt.floor("D")).any(), "the edge data should hold a follow or unfollow at midnight"
    day = pd.Timedelta(days=1)
    days = pd.date_range(moments.min().floor("D") - day, moments.max().ceil("D") + day)
    rows = prepared(edge, "select influencer_id, day, fans_in, fans_out, new_fans, new_organic, new_fan_headline, "
                          "new_passerby_to_fan, new_account_recommend, lost_fans from follow_days")
    got = pd.DataFrame(rows, columns=["influencer_id", "day", "fans_in", "fans_out", "new_fans", "new_organic",
                                      "new_fan_headline", "new_passerby_to_fan", "new_account_recommend",
                                      "lost_fans"])
    for t in days:
        fan = ((f["followed_at"] <= t) & (f["unfollowed_at"].isna() | (f["unfollowed_at"] > t))).fillna(False)
        want = f[fan.to_numpy(dtype=bool)].groupby("influencer_id").size()
        upto = got[got["day"] <= t]
        have = (upto["fans_in"] - upto["fans_out"]).groupby(upto["influencer_id"]).sum()
        assert have[have != 0].sort_index().to_dict() == want.sort_index().to_dict(), t
        during = got[got["day"] == t].set_index("influencer_id")
        today = f[(f["followed_at"].dt.floor("D") == t).fillna(False).to_numpy(dtype=bool)]
        assert during["new_fans"][during["new_fans"] > 0].to_dict() == today.groupby("influencer_id").size().to_dict()
        for source in ("organic", "fan_headline", "passerby_to_fan", "account_recommend"):
            mine = today[today["source"] == source].groupby("influencer_id").size()
            assert during[f"new_{source}"][during[f"new_{source}"] > 0].to_dict() == mine.to_dict(), (t, source)
        gone = f[(f["unfollowed_at"].dt.floor("D") == t).fillna(False).to_numpy(dtype=bool)]
        assert during["lost_fans"][during["lost_fans"] > 0].to_dict() == gone.groupby("influencer_id").size().to_dict()


def test_follow_months_hold_the_fans_and_the_follows_before_every_month_start(edge: dataset.Dataset,
                                                                            tables: Tables) -> None:
    """follow_months (what period_fans starts from): for every influencer with a follow and every month start from the
    month of the first day of follow_days to the month after its last (marked `last`), the fans at that midnight
    (is_fan_at: a follow at the midnight itself included, an unfollow at it not) and the follows and unfollows before
    it; follow_days_by_day: follow_days' rows in day order."""
    f = tables["fans"]
    moments = pd.concat([f["followed_at"], f["unfollowed_at"]]).dropna()
    starts = moments[(moments == moments.dt.floor("D")) & (moments.dt.day == 1)]
    assert len(starts), "the edge data should hold a follow or unfollow at a month start's midnight"
    first, last = moments.min().floor("D"), moments.max().ceil("D")
    months = pd.date_range(first.to_period("M").to_timestamp(), last.to_period("M").to_timestamp()
                           + pd.offsets.MonthBegin(1), freq="MS")
    ids = sorted({None if pd.isna(i) else int(i)
                  for i in f.loc[f["followed_at"].notna() | f["unfollowed_at"].notna(), "influencer_id"]}, key=repr)
    want = []
    for m in months:
        fan = ((f["followed_at"] <= m) & (f["unfollowed_at"].isna() | (f["unfollowed_at"] > m))).fillna(False)
        new = (f["followed_at"] < m).fillna(False)
        lost = (f["unfollowed_at"] < m).fillna(False)
        for i in ids:
            mine = (f["influencer_id"].isna() if i is None else f["influencer_id"] == i).to_numpy(dtype=bool)
            want.append((i, m.to_pydatetime(), m == months[-1], int((fan.to_numpy(dtype=bool) & mine).sum()),
                         int((new.to_numpy(dtype=bool) & mine).sum()), int((lost.to_numpy(dtype=bool) & mine).sum())))
    got = prepared(edge, "select influencer_id, month, last, fans, new_before, lost_before from follow_months")
    assert sorted(got, key=repr) == sorted(want, key=repr)
    by_day = prepared(edge, "select day, influencer_id, net_fans, new_fans, lost_fans from follow_days_by_day")
    days = prepared(edge, "select day, influencer_id, fans_in - fans_out, new_fans, lost_fans from follow_days")
    assert sorted(by_day, key=repr) == sorted(days, key=repr)
    assert [d for d, *_ in by_day] == sorted(d for d, *_ in by_day)


@pytest.mark.parametrize(("table", "export", "time"), [("fan_follows", "fans", "followed_at"),
                                                      ("influencer_posts", "posts", "posted_at")])
def test_copies_in_influencer_order_hold_every_row(edge: dataset.Dataset, tables: Tables, table: str, export: str,
                                                   time: str) -> None:
    """fan_follows and influencer_posts (what every query reads of the follows and the posts): the export's rows,
    each once, every column as exported, in influencer order (nulls last), then by time; so one influencer's rows
    are contiguous."""
    f = tables[export]
    columns = list(f.columns)
    got = pd.DataFrame(prepared(edge, f"select {', '.join(columns)} from {table}"), columns=columns)
    assert len(got) == len(f)

    def value(v: object) -> object:
        if isinstance(v, (list, tuple, np.ndarray)):
            return tuple(value(x) for x in v)
        return "<NA>" if pd.isna(v) else pd.Timestamp(v) if isinstance(v, (dt.datetime, pd.Timestamp)) else v

    def rows(frame: pd.DataFrame) -> list[tuple]:
        return sorted((tuple(value(v) for v in r) for r in frame[columns].astype(object).itertuples(index=False)),
                      key=repr)

    assert rows(got) == rows(f)
    ids = got["influencer_id"]
    assert ids.notna().iloc[: ids.notna().sum()].all(), "null influencers come last"
    keyed = got[ids.notna()]
    assert keyed["influencer_id"].is_monotonic_increasing
    for _, times in keyed.groupby("influencer_id", sort=False)[time]:
        present = times.dropna()
        assert present.is_monotonic_increasing and times.iloc[: len(present)].notna().all()


def test_profile_days_sum_to_the_fans_of_each_category_and_bucket_at_every_midnight(edge: dataset.Dataset,
                                                                                   tables: Tables) -> None:
    """profile_days (what the TGI baselines read) per category and bucket, and everyone_profile_days (the combined
    profile of every influencer) per bucket: the fans of the days up to a midnight are the fans at it (is_fan_at),
    along a one-bucket dimension with 'unknown' for null, birth years for age bands, and interest once per distinct
    tag; at every midnight holding a follow or an unfollow, and every fifth from before the first follow to after the
    last unfollow; days whose changes cancel out have no row."""
    f = tables["fans"].merge(tables["influencers"][["influencer_id", "category"]], on="influencer_id", how="left")
    moments = pd.concat([f["followed_at"], f["unfollowed_at"]]).dropna()
    day = pd.Timedelta(days=1)
    at_midnight = moments[moments == moments.dt.floor("D")]
    assert len(at_midnight), "the edge data should hold a follow or unfollow at midnight"
    days = pd.date_range(moments.min().floor("D") - day, moments.max().ceil("D") + day)[::5].union(at_midnight)
    rows = prepared(edge, "select category, dim, bucket, day, fans from profile_days")
    got = pd.DataFrame(rows, columns=["category", "dim", "bucket", "day", "fans"])
    everyone = pd.DataFrame(prepared(edge, "select dim, bucket, day, fans from everyone_profile_days"),
                            columns=["dim", "bucket", "day", "fans"])
    assert (got["fans"] != 0).all() and (everyone["fans"] != 0).all()
    # in category order (nulls last), then by dimension and day: one category's rows are contiguous
    keys = got.assign(category=got["category"].fillna("\uffff"))[["category", "dim", "day"]]
    assert keys.apply(tuple, axis=1).is_monotonic_increasing
    assert not everyone.duplicated(["dim", "bucket", "day"]).any()
    tags = f.assign(bucket=[interest_tags(v) for v in f["interests"]]).explode("bucket")
    profiles = {"interest": tags,
                "age_band": f.assign(bucket=f["birth_year"].astype("string").fillna("unknown")),
                "province": f.assign(bucket=f["province"].fillna("unknown"))}
    for t in days:
        upto = got[got["day"] <= t]
        for dim, frame in profiles.items():
            fan = ((frame["followed_at"] <= t) & (frame["unfollowed_at"].isna() | (frame["unfollowed_at"] > t)))
            want = frame[fan.fillna(False).to_numpy(dtype=bool)].groupby(["category", "bucket"]).size()
            mine = upto[upto["dim"] == dim]
            have = mine.groupby(["category", "bucket"])["fans"].sum()
            assert have[have != 0].sort_index().to_dict() == want.sort_index().to_dict(), (t, dim)
            want_all = frame[fan.fillna(False).to_numpy(dtype=bool)].groupby("bucket").size()
            mine = everyone[(everyone["day"] <= t) & (everyone["dim"] == dim)]
            have = mine.groupby("bucket")["fans"].sum()
            assert have[have != 0].sort_index().to_dict() == want_all.sort_index().to_dict(), (t, dim)


def test_final_profiles_are_the_follows_with_a_start_and_no_end(edge: dataset.Dataset, tables: Tables) -> None:
    """final_profiles (what audience_breakdown reads for an influencer with no follow or unfollow after the period end):
    per influencer, dimension and bucket, the follows with a start and no end, along a one-bucket dimension with
    'unknown' for null, birth years for age bands, and interest once per distinct tag; in influencer order."""
    f = tables["fans"]
    final = f[(f["followed_at"].notna() & f["unfollowed_at"].isna()).to_numpy(dtype=bool)]
    assert len(final) < f["followed_at"].notna().sum(), "the edge data should hold unfollows"
    tags = final.assign(bucket=[interest_tags(v) for v in final["interests"]]).explode("bucket")
    profiles = {"interest": tags,
                "age_band": final.assign(bucket=final["birth_year"].astype("string").fillna("unknown")),
                "city_tier": final.assign(bucket=final["city_tier"].astype("string").fillna("unknown")),
                **{dim: final.assign(bucket=final[dim].fillna("unknown"))
                   for dim in ("gender", "province", "device", "source")}}
    want = sorted((int(i), dim, str(b), int(n)) for dim, frame in profiles.items()
                  for (i, b), n in frame.groupby(["influencer_id", "bucket"]).size().items())
    got = prepared(edge, "select influencer_id, dim, bucket, fans from final_profiles")
    assert [row[0] for row in got] == sorted(row[0] for row in got)
    assert sorted(got) == want


def test_audience_breakdown_reads_the_final_profile_only_after_every_follow_and_unfollow(
        edge: dataset.Dataset, tables: Tables) -> None:
    """An influencer's final profile (final_profiles) stands in for its follows only at moments after the day boundary
    of its last follow or unfollow. Around each influencer's last follow or unfollow (a microsecond before it, at it,
    the midnight before it, the day boundary after it and a microsecond before that), every influencer's profile and
    the combined one equal the follows' at that moment (fails when an influencer is read from its final profile too
    early)."""
    moments = moments_around_last_follows(tables["fans"])
    dims = ["gender", "province", "interest"]
    for t in moments:
        got = db.run(edge, "audience_breakdown", to=t, dims=dims, influencers=[], combine=False)
        combined = db.run(edge, "audience_breakdown", to=t, dims=dims, influencers=[], combine=True)
        for dim in dims:
            want = buckets(tables, t, dim).groupby(["influencer_id", "bucket"]).size()
            mine = got[got["dim"] == dim].set_index(["influencer_id", "bucket"])["fans"]
            assert mine.sort_index().to_dict() == want.sort_index().to_dict(), (t, dim)
            mine = combined[combined["dim"] == dim].set_index("bucket")["fans"]
            assert mine.sort_index().to_dict() == want.groupby("bucket").sum().sort_index().to_dict(), (t, dim)


def test_follow_extremes_are_the_days_of_each_influencers_first_and_last_follow(edge: dataset.Dataset,
                                                                              tables: Tables) -> None:
    """follow_extremes (what dataset_span reads): per influencer, the local days of its first and last follow."""
    f = tables["fans"].dropna(subset=["followed_at"])
    days = f.assign(day=f["followed_at"].dt.floor("D")).groupby("influencer_id", dropna=False)["day"]
    days = days.agg(["min", "max"])
    want = sorted(((None if pd.isna(i) else int(i)), lo.to_pydatetime(), hi.to_pydatetime())
                  for i, lo, hi in days.itertuples())
    assert any(lo != hi for _, lo, hi in want)
    got = prepared(edge, "select influencer_id, first_day, last_day from follow_extremes")
    assert sorted(got, key=repr) == sorted(want, key=repr)


def test_repeat_follows_are_the_pairs_followed_more_than_once(edge: dataset.Dataset, tables: Tables) -> None:
    """repeat_follows (what segment_match groups per user): every influencer × user pair with two or more follows."""
    per_pair = tables["fans"].groupby(["influencer_id", "fan_id"]).size()
    want = sorted((int(i), int(u), int(n)) for (i, u), n in per_pair[per_pair >= 2].items())
    assert len(want) > 10, "the edge data should hold re-follows"
    assert prepared(edge, "select influencer_id, fan_id, follows from repeat_follows order by all") == want


def test_burst_follows_hold_every_follow_of_a_full_minute_with_its_first_activity(edge: dataset.Dataset,
                                                                                 tables: Tables) -> None:
    """burst_follows: every follow in a minute of 10 or more follows of its influencer, each with the follower's first
    click or order at or after the follow; busy_minutes: every minute of 2 or more follows with its count."""
    f = tables["fans"].dropna(subset=["influencer_id", "followed_at"])
    f = f.assign(minute=f["followed_at"].dt.floor("min"))
    per_minute = f.groupby(["influencer_id", "minute"]).size()
    busy = sorted((int(i), m.to_pydatetime(), int(n)) for (i, m), n in per_minute[per_minute >= 2].items())
    assert prepared(edge, "select influencer_id, minute, follows from busy_minutes order by all") == busy
    full = per_minute[per_minute >= 10].index
    candidates = f[pd.MultiIndex.from_frame(f[["influencer_id", "minute"]]).isin(full)]
    assert len(candidates) >= E.BURST_SIZE
    events = pd.concat([tables["clicks"][["user_id", "clicked_at"]].set_axis(["user_id", "at"], axis=1),
                        tables["orders"][["user_id", "ordered_at"]].set_axis(["user_id", "at"], axis=1)]).dropna()

    def first_after(fan: object, at: pd.Timestamp) -> object:
        mine = (events["user_id"] == fan).to_numpy(dtype=bool) & (events["at"] >= at).to_numpy(dtype=bool)
        later = events["at"][mine]
        return later.min().to_pydatetime() if len(later) else None

    want = sorted(((int(r.influencer_id), None if pd.isna(r.fan_id) else int(r.fan_id), r.followed_at.to_pydatetime(),
                    first_after(r.fan_id, r.followed_at)) for r in candidates.itertuples()), key=repr)
    got = prepared(edge, "select influencer_id, fan_id, followed_at, first_active_at from burst_follows")
    assert sorted(got, key=repr) == want
    assert any(a is not None for *_, a in want) and any(a is None for *_, a in want)

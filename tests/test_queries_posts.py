"""Every Posts query against an independent pandas computation (METRICS.md's words) on the edge dataset."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from advisor import dataset, metrics
from advisor.access import EVERYONE, Viewer
from advisor.metrics import Filters, Period

from . import edge_data as E
from .test_queries import (
    Case,
    Tables,
    assert_same,
    attribute,
    chosen,
    fan_at,
    in_range,
    influencer_visible,
    product_visible,
)

W1H, W7D, W30D = E.WINDOWS
PERIODS = {name: Period(*days) for name, days in E.PERIODS.items()}
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
    return Case(period_name, window, influencers, VIEWERS[viewer], viewer)


def post_filters(post: int, period_name: str = "all", window: dt.timedelta = W7D) -> Filters:
    return Filters(PERIODS[period_name], window=window, extra=(("post", post),))


# ---- the reference: pandas, from METRICS.md and the query headers, not from the SQL ----------------

_active_follows: dict[int, pd.DataFrame] = {}


def active_follows(t: Tables) -> pd.DataFrame:
    """The follows of users who ever click or order (the only ones asked about), with plain int64 keys."""
    key = id(t["fans"])
    if key not in _active_follows:
        users = set(t["clicks"]["user_id"]) | set(t["orders"]["user_id"])
        f = t["fans"][t["fans"]["fan_id"].isin(users).to_numpy(dtype=bool)]
        _active_follows[key] = pd.DataFrame({
            "influencer_id": f["influencer_id"].to_numpy(dtype=np.int64),
            "fan_id": f["fan_id"].to_numpy(dtype=np.int64),
            "followed_at": f["followed_at"].to_numpy(), "unfollowed_at": f["unfollowed_at"].to_numpy()})
    return _active_follows[key]


def is_fan(t: Tables, influencers: pd.Series, users: pd.Series, at: pd.Series) -> np.ndarray:
    """Whether each user was a fan of the matching influencer at the matching moment (METRICS.md)."""
    known = influencers.notna().to_numpy(dtype=bool)
    rows = pd.DataFrame({"influencer_id": influencers.to_numpy(dtype=np.float64, na_value=np.nan),
                         "fan_id": users.to_numpy(dtype=np.int64), "t": at.to_numpy()}).reset_index(names="row")
    rows = rows[known].astype({"influencer_id": np.int64})
    pairs = rows.merge(active_follows(t), on=["influencer_id", "fan_id"])
    hit = pairs.loc[fan_at(pairs, pairs["t"]), "row"].unique()
    return np.isin(np.arange(len(rows)), hit)


def merchant_products(t: Tables, viewer: Viewer) -> set[int]:
    p = t["products"]
    return set(p.loc[p["merchant_id"].isin(list(viewer.merchants or ())).to_numpy(dtype=bool), "product_id"])


def picked_posts(t: Tables, c: Case) -> pd.DataFrame:
    """Posts posted in the period, of chosen influencers the viewer may see; a merchant sees posts linking one
    of its products."""
    p = c.p
    posts = t["posts"]
    keep = (in_range(posts["posted_at"], p.start_ts, p.end_ts) & chosen(posts["influencer_id"], c.influencers)
            & influencer_visible(posts["influencer_id"], c.viewer))
    if c.viewer.merchants is not None:
        mine = merchant_products(t, c.viewer)
        keep &= np.array([bool(set(x or ()) & mine) for x in posts["product_ids"]], dtype=bool)
    out = posts[keep].merge(t["influencers"][["influencer_id", "category"]].rename(columns={"category": "own"}),
                            on="influencer_id", how="left")
    out["category"] = out["category"].astype(object).where(out["category"].notna(), out["own"])
    return out


def post_clicks(t: Tables, c: Case, posts: pd.DataFrame) -> pd.DataFrame:
    """Clicks on the posts from posting up to the period end on products the viewer may see, with from_fan."""
    k = t["clicks"].merge(posts[["post_id", "influencer_id", "posted_at"]], on="post_id")
    k = k[((k["clicked_at"] >= k["posted_at"]) & (k["clicked_at"] < c.p.end_ts)).to_numpy(dtype=bool)
          & product_visible(k["product_id"], c.viewer, t)]
    return k.assign(from_fan=is_fan(t, k["influencer_id"], k["user_id"], k["clicked_at"]))


def post_orders(t: Tables, c: Case, posts: pd.DataFrame) -> pd.DataFrame:
    """Orders attributed (c.window) to the posts, placed up to the period end, on products the viewer may see;
    from_fan: the buyer was a fan of the post's author when ordering."""
    a = attribute(t, c.window)
    a = a[a["post_id"].isin(posts["post_id"]).to_numpy(dtype=bool) & (a["ordered_at"] < c.p.end_ts).to_numpy(
        dtype=bool) & product_visible(a["product_id"], c.viewer, t)]
    return a.assign(from_fan=is_fan(t, a["influencer_id"], a["user_id"], a["ordered_at"]))


def ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    num, den = num.astype("float64"), den.astype("float64")
    return (num / den).where(den != 0)


def ref_post_conversion(t: Tables, c: Case) -> pd.DataFrame:
    posts = picked_posts(t, c)
    k, a = post_clicks(t, c, posts), post_orders(t, c, posts)
    cg = k.groupby("post_id").agg(clicks=("user_id", "size"), clickers=("user_id", "nunique"),
                                  fan_clicks=("from_fan", "sum"))
    og = a.groupby("post_id").agg(orders=("order_id", "size"), buyers=("user_id", "nunique"),
                                  gmv_cents=("amount_cents", "sum"), net_cents=("net_cents", "sum"),
                                  refunded_orders=("refunded", "sum"))
    out = posts.merge(cg, left_on="post_id", right_index=True, how="left").merge(
        og, left_on="post_id", right_index=True, how="left")
    for col in ("clicks", "clickers", "fan_clicks", "orders", "buyers", "gmv_cents", "net_cents", "refunded_orders"):
        out[col] = out[col].fillna(0).astype("int64")
    out["interactions"] = out["reposts"] + out["comments"] + out["likes"]
    out["gmv"], out["net_gmv"] = out["gmv_cents"] / 100, out["net_cents"] / 100
    out["ctr"] = ratio(out["clicks"], out["impressions"])
    out["read_rate"] = ratio(out["reads"], out["impressions"])
    out["cvr"] = ratio(out["orders"], out["clicks"])
    out["buyer_rate"] = ratio(out["buyers"], out["clickers"])
    out["aov"] = ratio(out["gmv"], out["orders"])
    out["gmv_per_1k_reads"] = ratio(out["gmv"], out["reads"]) * 1000
    return out[["post_id", "influencer_id", "posted_at", "content_type", "title", "category", "impressions", "reads",
                "interactions", "clicks", "clickers", "fan_clicks", "orders", "buyers", "gmv", "net_gmv",
                "refunded_orders", "ctr", "read_rate", "cvr", "buyer_rate", "aov", "gmv_per_1k_reads"]]


def ref_content_type_summary(t: Tables, c: Case) -> pd.DataFrame:
    per_post = ref_post_conversion(t, c)
    g = per_post.groupby("content_type").agg(posts=("post_id", "size"), impressions=("impressions", "sum"),
                                             reads=("reads", "sum"), clicks=("clicks", "sum"),
                                             orders=("orders", "sum"), gmv=("gmv", "sum"),
                                             net_gmv=("net_gmv", "sum")).reset_index()
    g["ctr"] = ratio(g["clicks"], g["impressions"])
    g["cvr"] = ratio(g["orders"], g["clicks"])
    g["gmv_per_1k_reads"] = ratio(g["gmv"], g["reads"]) * 1000
    return g


def ref_post_channels(t: Tables, c: Case) -> pd.DataFrame:
    posts = picked_posts(t, c)
    k, a = post_clicks(t, c, posts), post_orders(t, c, posts)
    cg = k.groupby(["channel", "from_fan"]).size().rename("clicks")
    og = a.groupby(["channel", "from_fan"]).agg(orders=("order_id", "size"), gmv_cents=("amount_cents", "sum"),
                                                 net_cents=("net_cents", "sum"))
    out = pd.concat([cg, og], axis=1).reset_index()
    for col in ("clicks", "orders", "gmv_cents", "net_cents"):
        out[col] = out[col].fillna(0).astype("int64")
    out["gmv"], out["net_gmv"] = out["gmv_cents"] / 100, out["net_cents"] / 100
    out["cvr"] = ratio(out["orders"], out["clicks"])
    return out[["channel", "from_fan", "clicks", "orders", "gmv", "net_gmv", "cvr"]]


BANDS = (("0-1h", 1), ("1-6h", 6), ("6-24h", 24), ("1-3d", 72), ("3-7d", 168), ("7-14d", 336), ("14-30d", 720))


def ref_purchase_delay(t: Tables, c: Case) -> pd.DataFrame:
    p = c.p
    a = attribute(t, W30D)
    a = a[in_range(a["ordered_at"], p.start_ts, p.end_ts) & a["influencer_id"].notna().to_numpy(dtype=bool)
          & chosen(a["influencer_id"], c.influencers) & influencer_visible(a["influencer_id"], c.viewer)
          & product_visible(a["product_id"], c.viewer, t)]
    hours = ((a["ordered_at"] - a["clicked_at"]) / pd.Timedelta(hours=1)).to_numpy(dtype=float)
    rows, lower = [], -np.inf
    for i, (band, upper) in enumerate(BANDS, start=1):
        rows.append({"band": band, "band_order": i, "max_hours": upper,
                     "orders": int(((hours > lower) & (hours <= upper)).sum())})
        lower = upper
    out = pd.DataFrame(rows)
    total = out["orders"].sum()
    out["share"] = out["orders"] / total if total else np.nan
    out["cumulative_share"] = out["orders"].cumsum() / total if total else np.nan
    return out


def visible_post(t: Tables, post: int, viewer: Viewer) -> pd.DataFrame:
    posts = t["posts"]
    return posts[(posts["post_id"] == post).to_numpy(dtype=bool) & influencer_visible(posts["influencer_id"], viewer)]


def ref_post_hourly(t: Tables, post: int, p: Period, window: dt.timedelta, viewer: Viewer) -> pd.DataFrame:
    """Hour by hour from the posting hour to the hour holding the last instant before the period end or 30 days
    after posting, whichever comes first."""
    the_post = visible_post(t, post, viewer)
    the_post = the_post[(the_post["posted_at"] < p.end_ts).to_numpy(dtype=bool)]
    if viewer.merchants is not None:  # a merchant sees the posts linking its products (as in post_conversion)
        own = set(t["products"].loc[t["products"]["merchant_id"].isin(list(viewer.merchants)), "product_id"])
        the_post = the_post[[bool(own & set(ids if ids is not None else ())) for ids in the_post["product_ids"]]]
    columns = ["hour_start", "hours_since_post", "clicks", "orders", "gmv"]
    if the_post.empty:
        return pd.DataFrame(columns=columns)
    posted = the_post["posted_at"].iloc[0]
    first = posted.floor("h")
    stop = min(pd.Timestamp(p.end_ts), posted + pd.Timedelta(days=30))
    hours = pd.date_range(first, (stop - pd.Timedelta(microseconds=1)).floor("h"), freq="h")
    k = t["clicks"]
    k = k[(k["post_id"] == post).to_numpy(dtype=bool) & (k["clicked_at"] < p.end_ts).to_numpy(dtype=bool)
          & product_visible(k["product_id"], viewer, t)]
    a = attribute(t, window)
    a = a[(a["post_id"] == post).fillna(False).to_numpy(dtype=bool) & (a["ordered_at"] < p.end_ts).to_numpy(dtype=bool)
          & product_visible(a["product_id"], viewer, t)]
    clicks = k["clicked_at"].dt.floor("h").value_counts()
    orders = a.groupby(a["ordered_at"].dt.floor("h")).agg(orders=("order_id", "size"), cents=("amount_cents", "sum"))
    return pd.DataFrame({
        "hour_start": hours,
        "hours_since_post": ((hours - first) / pd.Timedelta(hours=1)).astype(int),
        "clicks": clicks.reindex(hours, fill_value=0).to_numpy(),
        "orders": orders["orders"].reindex(hours, fill_value=0).to_numpy(),
        "gmv": orders["cents"].reindex(hours, fill_value=0).to_numpy() / 100,
    })


def ref_post_products(t: Tables, post: int, p: Period, window: dt.timedelta, viewer: Viewer) -> pd.DataFrame:
    the_post = visible_post(t, post, viewer)
    columns = ["product_id", "title", "category", "price", "commission_rate", "merchant_id", "merchant_name",
               "clicks", "orders", "gmv", "net_gmv"]
    if the_post.empty:
        return pd.DataFrame(columns=columns)
    k = t["clicks"][(t["clicks"]["post_id"] == post).to_numpy(dtype=bool)]
    # linked, or clicked through before the period end
    linked = set(the_post["product_ids"].iloc[0] or ()) | set(k[(k["clicked_at"] < p.end_ts).to_numpy(dtype=bool)][
        "product_id"])
    out = pd.DataFrame({"product_id": sorted(linked)}, dtype="Int64")
    out = out[product_visible(out["product_id"], viewer, t)]
    out = out.merge(t["products"][["product_id", "title", "category", "price", "commission_rate", "merchant_id"]],
                    on="product_id", how="left")
    out = out.merge(t["merchants"][["merchant_id", "name"]].rename(columns={"name": "merchant_name"}),
                    on="merchant_id", how="left")
    clicks = k[(k["clicked_at"] < p.end_ts).to_numpy(dtype=bool)].groupby("product_id").size()
    a = attribute(t, window)
    a = a[(a["post_id"] == post).fillna(False).to_numpy(dtype=bool) & (a["ordered_at"] < p.end_ts).to_numpy(
        dtype=bool)]
    og = a.groupby("product_id").agg(orders=("order_id", "size"), cents=("amount_cents", "sum"),
                                     net=("net_cents", "sum"))
    out["clicks"] = out["product_id"].map(clicks).fillna(0).astype("int64")
    out["orders"] = out["product_id"].map(og["orders"]).fillna(0).astype("int64")
    out["gmv"] = out["product_id"].map(og["cents"]).fillna(0).astype("int64") / 100
    out["net_gmv"] = out["product_id"].map(og["net"]).fillna(0).astype("int64") / 100
    return out[columns]


def ref_post_campaigns(t: Tables, post: int, viewer: Viewer) -> pd.DataFrame:
    cp = t["campaigns"]
    keep = (cp["post_id"] == post).fillna(False).to_numpy(dtype=bool) & influencer_visible(cp["influencer_id"],
                                                                                              viewer)
    if viewer.merchants is not None:
        keep &= cp["buyer_merchant_id"].isin(list(viewer.merchants)).fillna(False).to_numpy(dtype=bool)
    out = cp[keep].copy()
    k = t["clicks"]
    paid = k[product_visible(k["product_id"], viewer, t)]["campaign_id"].value_counts()  # a merchant: its products
    out["paid_clicks"] = out["campaign_id"].map(paid).fillna(0).astype("int64")
    return out[["campaign_id", "product", "buyer_merchant_id", "start_at", "end_at", "spend", "impressions",
                "paid_clicks"]]


# ---- the cases -----------------------------------------------------------------------------------

def case_id(c: Case) -> str:
    return str(c)


CONVERSION_CASES = (
    [case(p) for p in ("all", "main", "empty")]
    + [case("all", W30D), case("all", W1H), case("main", W1H), case("main", W30D)]
    + [case("main", W7D, (E.PLAIN,)), case("all", W30D, (E.SMALL, E.QUIET, E.NOBODY))]
    + [case("all" if v.startswith("merchant") else "main", W7D, (), v) for v in VIEWERS if v != "everyone"]
    + [case("main", W30D, (), "merchant_1"), case("gap", W1H, (E.HEAD, E.SMALL), "inf_4_6_merchant_1_2")]
)
SUMMARY_CASES = [case("all"), case("main", W30D), case("main", W7D, (), "merchant_1"),
                 case("all", W1H, (E.SMALL, E.QUIET), "inf_4_6_merchant_1_2")]
CHANNEL_CASES = [case("all"), case("main", W1H), case("all", W30D, (E.HEAD,)), case("main", W7D, (), "merchant_1"),
                 case("empty")]
DELAY_CASES = [case("all"), case("main"), case("gap", W7D, (E.HEAD, E.SMALL)), case("main", W7D, (), "merchant_1"),
               case("all", W7D, (), "inf_4_6_merchant_1_2"), case("empty"), case("main", W7D, (), "nobody")]


@pytest.mark.parametrize("c", CONVERSION_CASES, ids=case_id)
def test_post_conversion_matches_reference(edge: dataset.Dataset, tables: Tables, c: Case) -> None:
    actual = metrics.post_conversion(edge, c.filters, c.viewer)
    assert list(actual["post_id"]) == list(actual.sort_values(["posted_at", "post_id"])["post_id"])
    assert_same(actual, ref_post_conversion(tables, c), ["post_id"], money_rounded=("aov",))


@pytest.mark.parametrize("c", SUMMARY_CASES, ids=case_id)
def test_content_type_summary_matches_reference(edge: dataset.Dataset, tables: Tables, c: Case) -> None:
    actual = metrics.content_type_summary(edge, c.filters, c.viewer)
    assert_same(actual, ref_content_type_summary(tables, c), ["content_type"])


@pytest.mark.parametrize("c", CHANNEL_CASES, ids=case_id)
def test_post_channels_matches_reference(edge: dataset.Dataset, tables: Tables, c: Case) -> None:
    actual = metrics.post_channels(edge, c.filters, c.viewer)
    assert_same(actual, ref_post_channels(tables, c), ["channel", "from_fan"])


@pytest.mark.parametrize("c", DELAY_CASES, ids=case_id)
def test_purchase_delay_matches_reference(edge: dataset.Dataset, tables: Tables, c: Case) -> None:
    actual = metrics.purchase_delay(edge, c.filters, c.viewer)
    assert list(actual["band"]) == [b for b, _ in BANDS]  # all seven, in order, even when empty
    assert_same(actual, ref_purchase_delay(tables, c), ["band_order"])


DRILL_POSTS = {
    "tie_high_no_reads": (E.POST_HIGH, "all"), "plain_30_days": (E.POST_PLAIN, "main"),
    "posted_off_the_hour": (139, "all"), "cut_by_period_end": (129, "main"), "posted_after_period": (123, "gap"),
    "no_products_with_clicks": (122, "all"), "no_products_no_clicks": (E.POST_NO_PRODUCTS, "all"),
    "unknown_products": (E.POST_UNKNOWN_PRODUCTS, "main"), "zero_impressions": (E.POST_ZERO_IMP, "main"),
    "campaign_post": (105, "all"), "unknown_post": (E.POST_UNKNOWN, "all"),
}
DRILL_VIEWERS = (("everyone", W7D), ("merchant_1", W30D), ("inf_4_6_merchant_1_2", W1H))
DRILL_CASES = [(name, *DRILL_VIEWERS[0]) for name in DRILL_POSTS] + [
    (name, *DRILL_VIEWERS[1 + i % 2]) for i, name in enumerate(
        ("tie_high_no_reads", "plain_30_days", "unknown_products", "zero_impressions", "campaign_post",
         "no_products_with_clicks"))]


@pytest.mark.parametrize(("name", "viewer_name", "window"), DRILL_CASES,
                         ids=[f"{n}-{v}-{int(w.total_seconds() // 3600)}h" for n, v, w in DRILL_CASES])
def test_post_drill_downs_match_reference(edge: dataset.Dataset, tables: Tables, name: str, viewer_name: str,
                                          window: dt.timedelta) -> None:
    post, period_name = DRILL_POSTS[name]
    viewer, f = VIEWERS[viewer_name], post_filters(post, period_name, window)
    hourly = metrics.post_hourly(edge, f, viewer)
    assert_same(hourly, ref_post_hourly(tables, post, PERIODS[period_name], window, viewer), ["hour_start"])
    products = metrics.post_products(edge, f, viewer)
    assert_same(products, ref_post_products(tables, post, PERIODS[period_name], window, viewer), ["product_id"])
    campaigns = metrics.post_campaigns(edge, f, viewer)
    assert_same(campaigns, ref_post_campaigns(tables, post, viewer), ["campaign_id"])


# ---- the edge cases, asserted directly (readable failures) ----------------------------------------

def _row(edge: dataset.Dataset, post: int, period_name: str = "main", viewer: Viewer = EVERYONE) -> pd.Series:
    return metrics.post_conversion(edge, Filters(PERIODS[period_name]), viewer).set_index("post_id").loc[post]


def test_every_ratio_is_null_on_a_zero_denominator(edge: dataset.Dataset) -> None:
    quiet = _row(edge, E.POST_NO_CLICKS)  # impressions 1000, reads 0, no clicks
    assert (quiet["clicks"], quiet["orders"], quiet["ctr"], quiet["read_rate"]) == (0, 0, 0, 0)
    for col in ("cvr", "buyer_rate", "aov", "gmv_per_1k_reads"):
        assert pd.isna(quiet[col]), col
    unseen = _row(edge, E.POST_ZERO_IMP)  # impressions 0, one click, one refunded order
    assert (unseen["clicks"], unseen["orders"], unseen["refunded_orders"]) == (1, 1, 1)
    assert unseen["gmv"] == 25.50 and unseen["net_gmv"] == 0 and unseen["cvr"] == 1 and unseen["aov"] == 25.50
    for col in ("ctr", "read_rate", "gmv_per_1k_reads"):
        assert pd.isna(unseen[col]), col


def test_posts_are_those_posted_in_the_period_counted_up_to_its_end(edge: dataset.Dataset, tables: Tables) -> None:
    ids = set(metrics.post_conversion(edge, Filters(PERIODS["main"]))["post_id"])
    assert E.POST_AT_MAIN_START in ids and E.POST_AT_MAIN_END not in ids
    late = tables["clicks"][(tables["clicks"]["post_id"] == 129).to_numpy(dtype=bool)]
    assert (late["clicked_at"] >= E.MAIN_END).any()  # clicks after the period end exist ...
    within = int((late["clicked_at"] < E.MAIN_END).sum())
    assert _row(edge, 129)["clicks"] == within  # ... and are left out
    assert _row(edge, 129, "all")["clicks"] == len(late)


def test_a_merchant_sees_posts_linking_its_products_and_only_their_figures(edge: dataset.Dataset,
                                                                          tables: Tables) -> None:
    viewer = VIEWERS["merchant_1"]
    mine = merchant_products(tables, viewer)
    rows = metrics.post_conversion(edge, Filters(PERIODS["all"]), viewer)
    linked = tables["posts"].set_index("post_id")["product_ids"]
    assert not rows.empty and all(set(linked[p] or ()) & mine for p in rows["post_id"])
    assert E.POST_UNKNOWN_PRODUCTS not in set(rows["post_id"]) and E.POST_NO_PRODUCTS not in set(rows["post_id"])
    everyone = metrics.post_conversion(edge, Filters(PERIODS["all"])).set_index("post_id")
    # POST_PLAIN links every product: the merchant sees fewer of its clicks than everyone does
    assert rows.set_index("post_id").loc[E.POST_PLAIN, "clicks"] < everyone.loc[E.POST_PLAIN, "clicks"]


def test_purchase_delay_band_edges(edge: dataset.Dataset, tables: Tables) -> None:
    """Each band holds delays above its lower bound up to and including its upper bound: the planted orders at
    exactly 1 h, 6 h, 24 h, 72 h, 168 h, 336 h and 720 h, and 1 µs later, fall on either side."""
    a = attribute(tables, W30D).set_index("order_id")
    for lag, (exact, late) in {**E.DELAY_EDGES, **E.BOUNDARY_ORDERS}.items():
        assert a.loc[exact, "ordered_at"] - a.loc[exact, "clicked_at"] == lag
        if lag < W30D:
            assert a.loc[late, "ordered_at"] - a.loc[late, "clicked_at"] == lag + E.US
        else:  # 30 days and 1 µs: outside the longest window, a store sale
            assert not a.loc[late, "attributed"]
    actual = metrics.purchase_delay(edge, Filters(PERIODS["main"])).set_index("band")
    expected = ref_purchase_delay(tables, case("main")).set_index("band")
    assert (actual["orders"] == expected["orders"]).all()
    assert actual["cumulative_share"].iloc[-1] == pytest.approx(1.0)


def test_purchase_delay_without_orders_has_seven_empty_bands(edge: dataset.Dataset) -> None:
    empty = metrics.purchase_delay(edge, Filters(PERIODS["empty"]))
    assert len(empty) == 7 and (empty["orders"] == 0).all()
    assert empty["share"].isna().all() and empty["cumulative_share"].isna().all()


def test_channel_split_follows_the_fan_status_at_the_click_and_at_the_order(edge: dataset.Dataset) -> None:
    """FAN_AFTER_CLICK clicked as a non-fan and ordered as a fan; FAN_LEFT_BEFORE_ORDER the other way round."""
    day = Filters(Period(dt.date(2026, 3, 6), dt.date(2026, 3, 7)), influencers=(E.HEAD,))
    split = metrics.post_channels(edge, Filters(PERIODS["all"], influencers=(E.HEAD,))).set_index(
        ["channel", "from_fan"])
    assert split.loc[("passerby_to_fan", True), "orders"] >= 1
    assert split.loc[("fan_headline", False), "orders"] >= 1
    assert not metrics.post_channels(edge, day).empty


def test_post_hourly_spans_the_posting_hour_to_thirty_days(edge: dataset.Dataset) -> None:
    plain = metrics.post_hourly(edge, post_filters(E.POST_PLAIN, "main"))  # posted on the hour
    assert len(plain) == 720 and plain["hours_since_post"].iloc[-1] == 719
    off = metrics.post_hourly(edge, post_filters(139, "all"))  # posted 03:03:06: 721 clock hours hold 30 days
    assert len(off) == 721 and off["hour_start"].iloc[0] == pd.Timestamp("2026-02-01 03:00")
    assert len(metrics.post_hourly(edge, post_filters(129, "main"))) == 1  # posted 23:35 on the last day
    assert metrics.post_hourly(edge, post_filters(123, "gap")).empty  # posted after the period
    assert metrics.post_hourly(edge, post_filters(E.POST_UNKNOWN)).empty


def test_post_products_without_products_rows(edge: dataset.Dataset) -> None:
    rows = metrics.post_products(edge, post_filters(E.POST_UNKNOWN_PRODUCTS, "main")).set_index("product_id")
    assert set(rows.index) == {E.MISSING_PRODUCT, E.UNKNOWN_PRODUCT}
    assert rows[["title", "price", "merchant_id", "merchant_name"]].isna().all().all()
    assert rows.loc[E.UNKNOWN_PRODUCT, "orders"] == 1
    assert rows.loc[E.UNKNOWN_PRODUCT, "gmv"] == pytest.approx(19.99)
    assert metrics.post_products(edge, post_filters(E.POST_UNKNOWN_PRODUCTS, "main"), VIEWERS["merchant_1"]).empty
    assert metrics.post_products(edge, post_filters(E.POST_NO_PRODUCTS)).empty
    assert metrics.post_products(edge, post_filters(E.POST_UNKNOWN)).empty
    assert not metrics.post_products(edge, post_filters(122)).empty  # no list, but clicked through


def test_post_campaigns_overlap_and_merchant_scope(edge: dataset.Dataset) -> None:
    f = post_filters(105)
    assert list(metrics.post_campaigns(edge, f)["campaign_id"]) == [2, 5, 6]  # by start
    assert list(metrics.post_campaigns(edge, f, VIEWERS["merchant_1"])["campaign_id"]) == [2]
    assert list(metrics.post_campaigns(edge, f, Viewer(merchants=(2,)))["campaign_id"]) == [6]
    assert metrics.post_campaigns(edge, post_filters(E.POST_UNKNOWN)).empty


def test_money_is_exact_to_the_cent(edge: dataset.Dataset) -> None:
    """METRICS.md: money is CNY with 2 decimals. A figure of 19.99 must come out as the float 19.99 (what CSV and
    JSON exports print), not as 19.990000000000002."""
    products = metrics.post_products(edge, post_filters(E.POST_UNKNOWN_PRODUCTS, "main")).set_index("product_id")
    assert repr(float(products.loc[E.UNKNOWN_PRODUCT, "gmv"])) == "19.99"
    posts = metrics.post_conversion(edge, Filters(PERIODS["all"]))
    for col in ("gmv", "net_gmv", "aov"):
        off = [v for v in posts[col].dropna().astype(float) if float(f"{v:.2f}") != v]
        assert not off, (col, off[:5])


# ---- the edge cases are really in the data -------------------------------------------------------

def _present_fan_switch(t: Tables) -> bool:
    k, o = t["clicks"].set_index("user_id"), t["orders"].set_index("user_id")
    f = t["fans"].set_index("fan_id")
    return (k.loc[E.FAN_AFTER_CLICK, "clicked_at"] < f.loc[E.FAN_AFTER_CLICK, "followed_at"]
            < o.loc[E.FAN_AFTER_CLICK, "ordered_at"]
            and k.loc[E.FAN_LEFT_BEFORE_ORDER, "clicked_at"] < f.loc[E.FAN_LEFT_BEFORE_ORDER, "unfollowed_at"]
            < o.loc[E.FAN_LEFT_BEFORE_ORDER, "ordered_at"])


def _posts_with(t: Tables, name: str) -> set[int]:
    return set(ref_post_conversion(t, case(name))["post_id"])


PRESENT = {
    "zero_impression_posts_in_main": lambda t: E.POST_ZERO_IMP in _posts_with(t, "main"),
    "post_without_clicks_in_main": lambda t: E.POST_NO_CLICKS in _posts_with(t, "main"),
    "posts_at_both_main_ends": lambda t: (t["posts"]["posted_at"] == E.MAIN_START).any()
    and (t["posts"]["posted_at"] == E.MAIN_END).any(),
    "post_with_null_products": lambda t: t["posts"]["product_ids"].isna().sum() >= 2,
    "post_with_only_unknown_products": lambda t: not set(
        t["posts"].set_index("post_id").loc[E.POST_UNKNOWN_PRODUCTS, "product_ids"]) & set(
        t["products"]["product_id"]),
    "fan_status_changes_between_click_and_order": _present_fan_switch,
    "refunds_on_posts_of_main": lambda t: ref_post_conversion(t, case("main"))["refunded_orders"].sum() >= 3,
    "unknown_post_id": lambda t: E.POST_UNKNOWN not in set(t["posts"]["post_id"])
    and E.POST_UNKNOWN not in set(t["clicks"]["post_id"]),
    "posts_of_several_content_types_in_main": lambda t: ref_post_conversion(t, case("main"))[
        "content_type"].nunique() >= 4,
}


@pytest.mark.parametrize("name", PRESENT)
def test_posts_edge_case_is_present(tables: Tables, name: str) -> None:
    assert PRESENT[name](tables)

"""A seeded contract dataset full of edge cases (ties, window and day boundaries, NULLs, time zones) for query tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as pads
import pyarrow.parquet as pq
import pytest

from advisor.dataset import TABLES, arrow_schema

TZ = "Asia/Shanghai"
SEED = 20260305
T = dt.datetime
D = dt.date
US = dt.timedelta(microseconds=1)
HOUR, DAY = dt.timedelta(hours=1), dt.timedelta(days=1)

# Random activity lies in [ACTIVITY_START, ACTIVITY_END); planted rows are spelled out below.
ACTIVITY_START, ACTIVITY_END = T(2026, 2, 1), T(2026, 4, 1)
EMPTY_DAYS = (D(2026, 3, 10), D(2026, 3, 11), D(2026, 3, 12))  # no event of any kind on these local days
MAIN_START, MAIN_END = T(2026, 3, 5), T(2026, 3, 21)  # the "main" period's start and (exclusive) end instants
WINDOWS = (HOUR, 7 * DAY, 30 * DAY)

PERIODS: dict[str, tuple[dt.date, dt.date]] = {
    "all": (D(2026, 2, 1), D(2026, 3, 31)),
    "main": (D(2026, 3, 5), D(2026, 3, 20)),
    "gap": (D(2026, 3, 9), D(2026, 3, 14)),  # holds the empty days; ends when the waist influencer dips to tail
    "day_tz": (D(2026, 3, 2), D(2026, 3, 2)),  # the day of the UTC-stored order at 2026-03-01 16:30Z
    "day_quiet": (D(2026, 3, 23), D(2026, 3, 23)),  # influencer QUIET: one attributed order, no click that day
    "empty": (D(2026, 6, 1), D(2026, 6, 3)),  # after every event: fans but no clicks, no orders
}

# Influencers with a role.
HEAD, PLAIN, WAIST, SMALL, NOBODY, QUIET, FANS_ONLY = 1, 2, 3, 4, 5, 6, 7
WAIST_FANS = 100_000  # exactly the waist threshold while nobody has left

# Planted posts: the tie pair belongs to two different influencers, so a wrong tie-break moves an order
# between influencers; MISSING is referenced by clicks but absent from posts.
POST_PLAIN, POST_LOW, POST_HIGH, POST_QUIET, POST_MISSING = 152, 150, 151, 160, 9999
ZERO_IMPRESSION_POSTS = (101, 102)
MISSING_PRODUCT = 11  # in clicks and orders, not in products

# Planted orders (ids above the random ones).
TIE_ORDER, TIE_MISSING_ORDER = 5001, 5002
BOUNDARY_ORDERS = {HOUR: (5010, 5011), 7 * DAY: (5012, 5013), 30 * DAY: (5014, 5015)}  # lag = w, lag = w + 1 µs
SAME_INSTANT_ORDER, CLICK_AFTER_ORDER = 5020, 5021
TZ_ORDER = 5030  # stored as 2026-03-01 16:30Z = local 2026-03-02 00:30
AT_MAIN_START_ORDER, AT_MAIN_END_ORDER, BEFORE_MAIN_ORDER = 5031, 5032, 5033
EARLY_CLICK_ORDER = 5050  # click the evening before the main period, order inside it, refunded
OTHER_USERS_CLICK_ORDER = 5060  # the only click on the product is another user's
QUIET_ORDER = 5070
SUB_MINUTE_ORDER = 5080  # click 10:00:59, order 10:01:00: one second, zero whole minutes
LAST_ORDER, LAST_ORDER_AT = 5100, T(2026, 4, 2, 12)  # after all other activity (a store sale)
FIRST_CLICK = T(2026, 1, 20, 9)  # before all other activity (on the missing post)

# Planted follows of HEAD (fan ids).
FOLLOW_AT_MAIN_START, FOLLOW_AT_MAIN_END = 2001, 2002
UNFOLLOW_AT_DAY_BOUNDARY, UNFOLLOW_AT_MAIN_END, UNFOLLOW_AT_MAIN_START = 2003, 2004, 2005
FOLLOW_UNFOLLOW_SAME_INSTANT, FOLLOW_AT_END_OF_EMPTY_DAY = 2006, 2007
WAIST_LEAVER, WAIST_JOINER = 200_000, 299_999
WAIST_LEAVES_AT = T(2026, 3, 15)  # a day boundary: the waist influencer has 99,999 fans from here ...
WAIST_JOINS_AT = MAIN_END  # ... and 100,000 again from the main period's end instant on

CHANNELS = ("organic", "fan_headline", "passerby_to_fan", "account_recommend", "delegated_headline")


def _seconds(rng: np.random.Generator, start: dt.datetime, end: dt.datetime, n: int) -> pd.Series:
    """n random whole-second instants in [start, end)."""
    span = int((end - start).total_seconds())
    return pd.Series(pd.Timestamp(start) + pd.to_timedelta(rng.integers(0, span, n), unit="s")).astype(
        "datetime64[us]")


def _avoid_empty_days(ts: pd.Series) -> pd.Series:
    """Move instants that fall on an empty day three days later (past the empty stretch)."""
    on_empty = ts.dt.normalize().isin([pd.Timestamp(d) for d in EMPTY_DAYS])
    return ts.where(~on_empty, ts + pd.Timedelta(days=3))


def _choice(rng: np.random.Generator, values: list, n: int, p: list[float] | None = None) -> list:
    idx = rng.choice(len(values), size=n, p=p)
    return [values[i] for i in idx]


def generate(seed: int = SEED) -> dict[str, pd.DataFrame]:
    """The dataset as pandas frames: local wall-clock timestamps (datetime64[us]), money in integer cents."""
    rng = np.random.default_rng(seed)

    influencers = pd.DataFrame({
        "influencer_id": [HEAD, PLAIN, WAIST, SMALL, NOBODY, QUIET, FANS_ONLY],
        "name": ["小美💄", "阿强🐱", "大胃王 Food", "数码君", "空号（无粉丝）", "二次元☆", "只有粉丝"],
        "category": ["beauty", "fashion", "food", "digital", "other", "acg", "新奇特"],
        "tier": ["head", None, None, "tail", None, "waist", None],
        "account_type": ["shop_owner", "guide_blogger", "enterprise", "media", "shop_owner", "guide_blogger", "media"],
        "mcn_id": pd.array([10, None, 11, None, None, 10, None], dtype="Int64"),
        "created_at": pd.to_datetime(["2024-01-01", "2024-06-01", "2023-05-05", "2025-01-01", "2026-01-01",
                                      "2025-07-07", "2025-10-01"]).astype("datetime64[us]"),
    })

    merchants = pd.DataFrame({"merchant_id": [1, 2, 3], "name": ["美妆旗舰店", "潮牌小铺", "Gadget 🛒"],
                              "shop_type": ["tmall", "taobao", "other"]})
    products = pd.DataFrame({
        "product_id": list(range(1, 11)),
        "merchant_id": [1, 1, 1, 1, 2, 2, 2, 3, 3, 4],  # merchant 4 has no merchants row
        "title": [f"商品{i}" for i in range(1, 11)],
        "category": _choice(rng, ["beauty", "fashion", "digital", "food"], 10),
        "price_cents": rng.integers(990, 59_900, 10),
        "commission_rate": np.round(rng.uniform(0.0, 0.5, 10), 3),
    })

    # ---- posts: random ones of HEAD, PLAIN, WAIST, SMALL; planted ones of the tie pair, PLAIN clicks, QUIET
    n_posts = 40
    post_ids = np.arange(101, 101 + n_posts)
    posted = _avoid_empty_days(_seconds(rng, ACTIVITY_START, ACTIVITY_END - 10 * DAY, n_posts))
    impressions = np.where(rng.random(n_posts) < 0.1, 0, rng.integers(100, 100_000, n_posts))
    impressions[np.isin(post_ids, ZERO_IMPRESSION_POSTS)] = 0
    reads = (impressions * rng.uniform(0, 0.5, n_posts)).astype(np.int64)
    product_lists = [None if rng.random() < 0.1 else sorted(rng.choice(np.arange(1, 12), rng.integers(1, 4),
                                                                      replace=False).tolist())
                     for _ in range(n_posts)]
    posts = pd.DataFrame({
        "post_id": post_ids,
        "influencer_id": _choice(rng, [HEAD, PLAIN, WAIST, SMALL], n_posts, [0.4, 0.3, 0.15, 0.15]),
        "posted_at": posted,
        "content_type": _choice(rng, ["text", "image", "long_article", "video", "live"], n_posts),
        "category": _choice(rng, [None, None, "beauty", "food", "新奇特"], n_posts),
        "title": _choice(rng, [None, "新品试色 💄", "开箱", "直播预告"], n_posts),
        "product_ids": product_lists,
        "impressions": impressions,
        "reads": reads,
        "reposts": rng.integers(0, 50, n_posts),
        "comments": rng.integers(0, 80, n_posts),
        "likes": rng.integers(0, 500, n_posts),
    })
    planted_posts = pd.DataFrame({
        "post_id": [POST_LOW, POST_HIGH, POST_PLAIN, POST_QUIET],
        "influencer_id": [PLAIN, SMALL, HEAD, QUIET],
        "posted_at": pd.to_datetime(["2026-02-10 09:00", "2026-02-10 09:00", "2026-02-05 08:00",
                                     "2026-03-01 08:00"]).astype("datetime64[us]"),
        "content_type": ["image", "video", "text", "live"],
        "category": [None, "digital", None, None],
        "title": ["tie low", "tie high", None, "quiet"],
        "product_ids": [[1, 2], [1], list(range(1, 12)), [8]],
        "impressions": [500, 0, 10_000, 300],
        "reads": [50, 0, 900, 30],
        "reposts": [0, 0, 1, 0], "comments": [1, 0, 2, 0], "likes": [3, 0, 4, 0],
    })
    posts = pd.concat([posts, planted_posts], ignore_index=True)

    campaigns = pd.DataFrame({
        "campaign_id": [1, 2, 3, 4],
        "product": ["fan_headline", "delegated_headline", "account_recommend", "passerby_to_fan"],
        "influencer_id": [HEAD, PLAIN, SMALL, WAIST],
        "post_id": pd.array([101, 105, None, 110], dtype="Int64"),
        "buyer_merchant_id": pd.array([None, 1, None, 2], dtype="Int64"),
        "start_at": pd.to_datetime(["2026-02-15", "2026-03-01", "2026-03-05", "2026-03-13"]).astype("datetime64[us]"),
        "end_at": pd.to_datetime(["2026-02-20", "2026-03-08", "2026-03-09", "2026-03-20"]).astype("datetime64[us]"),
        "spend_cents": [500_00, 1200_00, 0, 88_88],
        "impressions": [20_000, 45_000, 0, 7_000],
    })

    # ---- clicks: random ones on the random posts (never on QUIET's), then the planted ones
    n_clicks = 2500
    pick = rng.integers(0, n_posts, n_clicks)
    clicked = posts["posted_at"].to_numpy()[pick] + pd.to_timedelta(rng.integers(0, 20 * 86_400, n_clicks),
                                                                     unit="s").to_numpy()
    clicked = _avoid_empty_days(pd.Series(clicked).astype("datetime64[us]"))
    product_of_post = [lst[rng.integers(len(lst))] if lst else int(rng.integers(1, 12)) for lst in
                       (product_lists[i] for i in pick)]
    channel = _choice(rng, list(CHANNELS), n_clicks, [0.6, 0.15, 0.1, 0.05, 0.1])
    paid = np.array([c != "organic" for c in channel]) & (rng.random(n_clicks) < 0.7)
    clicks = pd.DataFrame({
        "clicked_at": clicked,
        "user_id": rng.integers(1, 401, n_clicks),
        "post_id": post_ids[pick],
        "product_id": product_of_post,
        "channel": channel,
        "campaign_id": pd.array(np.where(paid, rng.integers(1, 5, n_clicks), 0), dtype="Int64"),
        "device": _choice(rng, ["ios", "android", "pc", "other", None], n_clicks),
    })
    clicks.loc[~paid, "campaign_id"] = pd.NA
    clicks = clicks[clicks["clicked_at"] < ACTIVITY_END]
    random_clicks = clicks  # random orders come from these only: planted users keep exactly their planted rows

    def c(at: str, user: int, post: int, product: int, channel: str = "organic", campaign: int | None = None,
          ) -> dict:
        return {"clicked_at": pd.Timestamp(at), "user_id": user, "post_id": post, "product_id": product,
                "channel": channel, "campaign_id": campaign, "device": None}

    planted_clicks = [
        # tie: same user, product and instant, two posts of two influencers -> the higher post_id wins
        c("2026-03-06 10:00:00", 1001, POST_HIGH, 1, "fan_headline", 1),
        c("2026-03-06 10:00:00", 1001, POST_LOW, 1),
        # tie with a post that does not exist (it has the higher id)
        c("2026-03-07 11:00:00", 1002, 101, 2),
        c("2026-03-07 11:00:00", 1002, POST_MISSING, 2),
        c("2026-03-08 09:00:00", 1003, POST_MISSING, 3),
        # window boundaries: one click each, orders at lag = w and w + 1 µs
        c("2026-03-16 10:00:00.250000", 1010, POST_PLAIN, 3),
        c("2026-03-09 08:00:00", 1011, POST_PLAIN, 3),
        c("2026-02-15 12:00:00.500000", 1012, POST_PLAIN, 3, "delegated_headline", 2),
        c("2026-03-18 15:00:00", 1020, POST_PLAIN, 4),  # order at the same instant
        c("2026-03-18 16:00:00.000001", 1021, POST_PLAIN, 4),  # 1 µs after the order: does not count
        c("2026-03-02 00:00:00", 1030, POST_PLAIN, 5),  # 30 min before the UTC-stored order (local time)
        c("2026-03-04 23:30:00", 1031, POST_PLAIN, 5),
        c("2026-03-20 23:30:00", 1032, POST_PLAIN, 5),
        c("2026-03-05 00:00:00", 1040, POST_PLAIN, 6),  # exactly at the main period's start
        c("2026-03-21 00:00:00", 1041, POST_PLAIN, 6),  # exactly at its end (outside)
        c("2026-03-04 20:00:00", 1050, POST_PLAIN, 7),  # before the period, earns an order inside
        c("2026-03-14 09:00:00", 1061, POST_PLAIN, 7),  # another user's click
        c("2026-03-22 18:00:00", 1070, POST_QUIET, 8),
        c("2026-03-19 10:00:59", 1080, POST_PLAIN, 9),
        c("2026-03-16 13:00:00", 1090, POST_PLAIN, MISSING_PRODUCT),
        c(str(FIRST_CLICK), 1101, POST_MISSING, 8),  # the dataset's first activity is this click
    ]
    clicks = pd.concat([clicks, pd.DataFrame(planted_clicks).astype({"clicked_at": "datetime64[us]",
                                                                      "campaign_id": "Int64"})],
                       ignore_index=True)
    # A tie is only meaningful across posts; the same post twice at one instant is not generated.
    clicks = clicks.drop_duplicates(["user_id", "product_id", "clicked_at", "post_id"])
    clicks = clicks.sample(frac=1.0, random_state=seed).reset_index(drop=True)  # file order means nothing

    # ---- orders: from random clicks (lags from minutes to a month), store sales, then the planted ones
    n_from_clicks, n_store = 1200, 300
    src = random_clicks.iloc[rng.choice(len(random_clicks), n_from_clicks, replace=False)]
    lag_s = np.concatenate([rng.integers(0, 3600, n_from_clicks // 2),
                            rng.integers(3600, 7 * 86_400, n_from_clicks // 3),
                            rng.integers(7 * 86_400, 32 * 86_400, n_from_clicks - n_from_clicks // 2
                                         - n_from_clicks // 3)])
    rng.shuffle(lag_s)
    ordered = pd.concat([
        pd.Series(src["clicked_at"].to_numpy() + pd.to_timedelta(lag_s, unit="s").to_numpy()),
        _seconds(rng, ACTIVITY_START, ACTIVITY_END, n_store),
    ], ignore_index=True).astype("datetime64[us]")
    n_orders = n_from_clicks + n_store
    orders = pd.DataFrame({
        "order_id": np.arange(1, n_orders + 1),
        "ordered_at": _avoid_empty_days(ordered),
        "user_id": np.concatenate([src["user_id"].to_numpy(), rng.integers(1, 401, n_store)]),
        "product_id": np.concatenate([src["product_id"].to_numpy(), rng.integers(1, 12, n_store)]),
        "quantity": rng.integers(1, 4, n_orders),
        "amount_cents": rng.integers(100, 99_999, n_orders),
        "status": _choice(rng, ["paid", "refunded"], n_orders, [0.85, 0.15]),
    })
    orders["refunded_at"] = (orders["ordered_at"] + pd.to_timedelta(rng.integers(3600, 5 * 86_400, n_orders),
                                                                      unit="s")).where(
        orders["status"] == "refunded")
    orders = orders[orders["ordered_at"] < ACTIVITY_END]

    def o(order_id: int, at: str | pd.Timestamp, user: int, product: int, cents: int, status: str = "paid") -> dict:
        at = pd.Timestamp(at)
        return {"order_id": order_id, "ordered_at": at, "user_id": user, "product_id": product, "quantity": 1,
                "amount_cents": cents, "status": status,
                "refunded_at": at + pd.Timedelta(days=1) if status == "refunded" else pd.NaT}

    planted_orders = [
        o(TIE_ORDER, "2026-03-06 10:20:00", 1001, 1, 123_45),
        o(TIE_MISSING_ORDER, "2026-03-07 11:30:00", 1002, 2, 66_60),
        o(SAME_INSTANT_ORDER, "2026-03-18 15:00:00", 1020, 4, 10_00),
        o(CLICK_AFTER_ORDER, "2026-03-18 16:00:00", 1021, 4, 20_00),
        o(TZ_ORDER, "2026-03-02 00:30:00", 1030, 5, 88_88),
        o(AT_MAIN_START_ORDER, "2026-03-05 00:00:00", 1031, 5, 30_01),
        o(AT_MAIN_END_ORDER, "2026-03-21 00:00:00", 1032, 5, 30_02),
        o(BEFORE_MAIN_ORDER, "2026-03-04 23:59:59.999999", 1033, 5, 30_03),
        o(EARLY_CLICK_ORDER, "2026-03-05 09:00:00", 1050, 7, 45_00, "refunded"),
        o(OTHER_USERS_CLICK_ORDER, "2026-03-14 10:00:00", 1060, 7, 12_00),
        o(QUIET_ORDER, "2026-03-23 10:00:00", 1070, 8, 77_77),
        o(SUB_MINUTE_ORDER, "2026-03-19 10:01:00", 1080, 9, 9_99),
        o(5090, "2026-03-16 14:00:00", 1090, MISSING_PRODUCT, 5_55, "refunded"),
        o(LAST_ORDER, str(LAST_ORDER_AT), 1100, 8, 1_00),  # the dataset's last activity is this store sale
    ]
    clicked_at = {(r["user_id"], r["product_id"]): r["clicked_at"] for r in planted_clicks}
    for k, (window, (exact, late)) in enumerate(BOUNDARY_ORDERS.items()):
        user = 1010 + k
        at = clicked_at[(user, 3)] + window
        planted_orders += [o(exact, at, user, 3, 100_00 + k), o(late, at + US, user, 3, 200_00 + k, "refunded")]
    orders = pd.concat([orders, pd.DataFrame(planted_orders).astype({"ordered_at": "datetime64[us]",
                                                                       "refunded_at": "datetime64[us]"})],
                       ignore_index=True)
    orders = orders.sample(frac=1.0, random_state=seed + 1).reset_index(drop=True)

    # ---- fans: random follows of HEAD, PLAIN, SMALL, QUIET with NULL profile fields; WAIST's 100,000; planted
    n_fans = 3000
    followed = _avoid_empty_days(_seconds(rng, T(2025, 6, 1), ACTIVITY_END, n_fans))
    leave = rng.random(n_fans) < 0.25
    unfollowed = followed + pd.to_timedelta(rng.integers(60, 40 * 86_400, n_fans), unit="s")
    unfollowed = _avoid_empty_days(unfollowed.where(leave & (unfollowed < ACTIVITY_END)))
    unfollowed = unfollowed.where(unfollowed.isna() | (unfollowed >= followed), followed)
    interests = [None if rng.random() < 0.3 else
                 _choice(rng, ["beauty", "food", "acg", "猫咪", "travel"], int(rng.integers(0, 3)))
                 for _ in range(n_fans)]
    fans = pd.DataFrame({
        "influencer_id": _choice(rng, [HEAD, PLAIN, SMALL, QUIET], n_fans, [0.5, 0.3, 0.19, 0.01]),
        "fan_id": rng.integers(1, 401, n_fans),
        "followed_at": followed,
        "unfollowed_at": unfollowed,
        "gender": _choice(rng, ["f", "m", None], n_fans, [0.5, 0.3, 0.2]),
        "birth_year": pd.array(np.where(rng.random(n_fans) < 0.25, 0, rng.integers(1960, 2012, n_fans)),
                               dtype="Int64"),
        "province": _choice(rng, ["广东", "北京", "新疆", "海外", None], n_fans),
        "city": _choice(rng, ["深圳", "北京", None], n_fans),
        "city_tier": pd.array(rng.integers(0, 6, n_fans), dtype="Int64"),
        "device": _choice(rng, ["ios", "android", "pc", "other", None], n_fans),
        "interests": interests,
        "source": _choice(rng, ["organic", "fan_headline", "passerby_to_fan", "account_recommend", "other"],
                          n_fans),
    })
    fans.loc[fans["birth_year"] == 0, "birth_year"] = pd.NA
    fans.loc[fans["city_tier"] == 0, "city_tier"] = pd.NA

    waist = pd.DataFrame({
        "influencer_id": WAIST,
        "fan_id": np.arange(WAIST_LEAVER, WAIST_LEAVER + WAIST_FANS),
        "followed_at": _seconds(rng, T(2025, 1, 1), T(2026, 1, 1), WAIST_FANS),
        "unfollowed_at": pd.Series(pd.NaT, index=range(WAIST_FANS), dtype="datetime64[us]"),
        "source": "organic",
    })
    waist.loc[0, "unfollowed_at"] = WAIST_LEAVES_AT

    def f(fan: int, followed_at: str, unfollowed_at: str | None = None, influencer: int = HEAD) -> dict:
        return {"influencer_id": influencer, "fan_id": fan, "followed_at": pd.Timestamp(followed_at),
                "unfollowed_at": pd.Timestamp(unfollowed_at) if unfollowed_at else pd.NaT, "source": "organic"}

    planted_fans = pd.DataFrame([
        f(FOLLOW_AT_MAIN_START, "2026-03-05 00:00:00"),
        f(FOLLOW_AT_MAIN_END, "2026-03-21 00:00:00"),
        f(UNFOLLOW_AT_DAY_BOUNDARY, "2026-03-01 10:00:00", "2026-03-08 00:00:00"),
        f(UNFOLLOW_AT_MAIN_END, "2026-02-20 10:00:00", "2026-03-21 00:00:00"),
        f(UNFOLLOW_AT_MAIN_START, "2026-02-20 10:00:00", "2026-03-05 00:00:00"),
        f(FOLLOW_UNFOLLOW_SAME_INSTANT, "2026-03-06 12:00:00", "2026-03-06 12:00:00"),
        f(FOLLOW_AT_END_OF_EMPTY_DAY, "2026-03-13 00:00:00"),
        f(WAIST_JOINER, str(WAIST_JOINS_AT), influencer=WAIST),
        f(3001, "2025-11-03 08:00:00", influencer=FANS_ONLY),  # an influencer with follows and nothing else
        f(3002, "2025-11-20 21:00:00", "2025-12-01 00:00:00", influencer=FANS_ONLY),
    ]).astype({"followed_at": "datetime64[us]", "unfollowed_at": "datetime64[us]"})
    fans = pd.concat([fans, waist, planted_fans], ignore_index=True)
    for col in ("birth_year", "city_tier"):
        fans[col] = fans[col].astype("Int64")

    return {"influencers": influencers, "fans": fans, "posts": posts, "clicks": clicks, "orders": orders,
            "campaigns": campaigns, "products": products, "merchants": merchants}


# ---- writing: the contract's types, or a variant of them --------------------------------------------

VARIANTS = ("us", "ns", "ns_naive")
# us:       arrow_schema types; orders.ordered_at timestamp[us, tz=UTC] (instants), the rest naive
# ns:       nanosecond timestamps (orders.ordered_at timestamp[ns, tz=UTC]), int32 ids, DOUBLE money
# ns_naive: as ns, but orders.ordered_at stays timestamp[us, tz=UTC]; clicks in hive partitions by month,
#           fans in two files
TZ_AWARE = {("orders", "ordered_at")}
MONEY = {("orders", "amount"): "amount_cents", ("campaigns", "spend"): "spend_cents",
         ("products", "price"): "price_cents"}


def _field_type(table: str, column: str, base: pa.DataType, variant: str) -> pa.DataType:
    aware = (table, column) in TZ_AWARE
    if pa.types.is_timestamp(base):
        unit = "us" if variant == "us" or (variant == "ns_naive" and aware) else "ns"
        return pa.timestamp(unit, "UTC" if aware else None)
    if variant == "us":
        return base
    if pa.types.is_int64(base):
        return pa.int32()
    if pa.types.is_decimal(base):
        return pa.float64()
    if pa.types.is_list(base) and pa.types.is_int64(base.value_type):
        return pa.list_(pa.int32())
    return base


def _missing(v: object) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v))


def _column(df: pd.DataFrame, table: str, column: str, typ: pa.DataType) -> pa.Array:
    if (table, column) in MONEY:
        cents = df[MONEY[table, column]].astype("int64").to_numpy()
        if pa.types.is_decimal(typ):
            return pa.array([Decimal(int(x)).scaleb(-2) for x in cents], typ)
        return pa.array(cents / 100.0, typ)
    values = df[column] if column in df else pd.Series([None] * len(df), dtype=object)
    if pa.types.is_timestamp(typ):
        ts = values.astype("datetime64[us]")
        if typ.tz is not None:  # wall-clock time of TZ -> the instant
            ts = ts.dt.tz_localize(TZ).dt.tz_convert("UTC")
        return pa.array(ts, pa.timestamp("us", typ.tz)).cast(typ)
    if pa.types.is_list(typ):
        return pa.array([None if _missing(v) else list(v) for v in values], typ)
    if pa.types.is_integer(typ):
        return pa.array(values.astype("Int64"), pa.int64()).cast(typ)
    return pa.array(values.astype(object).where(values.notna(), None).tolist(), typ)


def arrow_tables(frames: dict[str, pd.DataFrame], variant: str = "us") -> dict[str, pa.Table]:
    out = {}
    for name in TABLES:
        df = frames[name].reset_index(drop=True)
        fields = [pa.field(f.name, _field_type(name, f.name, f.type, variant), f.nullable)
                  for f in arrow_schema(name)]
        out[name] = pa.table([_column(df, name, f.name, f.type) for f in fields], schema=pa.schema(fields))
    return out


def write(path: Path, frames: dict[str, pd.DataFrame], variant: str = "us") -> Path:
    """Write the frames as a dataset folder in one of VARIANTS."""
    path.mkdir(parents=True)
    for name, table in arrow_tables(frames, variant).items():
        if variant == "ns_naive" and name == "clicks":
            month = pa.array(pd.Series(table["clicked_at"].to_pandas()).dt.strftime("%Y-%m"), pa.string())
            for value in sorted(set(month.to_pylist())):
                part = path / name / f"month={value}"
                part.mkdir(parents=True)
                pq.write_table(table.filter(pc.equal(month, value)), part / "part-0.parquet")
        elif variant == "ns_naive" and name == "fans":
            (path / name).mkdir()
            half = table.num_rows // 2
            pq.write_table(table.slice(0, half), path / name / "part-0.parquet")
            pq.write_table(table.slice(half), path / name / "part-1.parquet")
        else:
            pq.write_table(table, path / f"{name}.parquet")
    return path


_built: dict[str, Path] = {}
_frames: list[dict[str, pd.DataFrame]] = []


def dataset_path(factory: pytest.TempPathFactory, variant: str = "us") -> Path:
    """The edge dataset in `variant`, generated once per test session."""
    if not _frames:
        _frames.append(generate())
    if variant not in _built:
        _built[variant] = write(factory.mktemp(f"edge_{variant}") / "ds", _frames[0], variant)
    return _built[variant]


# ---- reading back, independently of DuckDB --------------------------------------------------------

def load(path: Path, tz: str = TZ) -> dict[str, pd.DataFrame]:
    """A dataset folder as pandas frames: timestamps as local wall-clock time of `tz`, money also in cents."""
    out = {}
    for name, table in TABLES.items():
        single, folder = path / f"{name}.parquet", path / name
        cols = [c.name for c in table.columns]
        if single.is_file():
            at = pq.read_table(single)
        elif folder.is_dir():
            at = pads.dataset(folder, format="parquet", partitioning="hive").to_table()
        else:
            at = pa.table({f.name: pa.array([], f.type) for f in arrow_schema(name)})
        at = at.select(cols)
        df = pd.DataFrame(index=range(at.num_rows))
        for col in table.columns:
            arr = at[col.name]
            if pa.types.is_timestamp(arr.type):
                s = pd.Series(arr.to_pandas())
                if arr.type.tz is not None:
                    s = s.dt.tz_convert(tz).dt.tz_localize(None)
                df[col.name] = s.astype("datetime64[us]")
            elif col.kind == "decimal":  # money: exact cents beside the float
                values = arr.cast(pa.float64()).to_pandas()
                df[col.name] = values
                df[f"{col.name}_cents"] = np.round(values * 100).astype("Int64")
            elif col.kind == "double":
                df[col.name] = arr.cast(pa.float64()).to_pandas()
            elif pa.types.is_integer(arr.type):
                df[col.name] = arr.to_pandas(types_mapper=lambda t: pd.Int64Dtype()).astype("Int64")
            else:
                df[col.name] = arr.to_pylist()
        out[name] = df
    return out

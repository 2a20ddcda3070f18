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
# one buyer, two orders of a post: the first at a lag of exactly 7 days, the second (after another click) at 1 hour; a
# window of 1 hour attributes the second only, which is then the buyer's first attributed order of the post, and one
# of 7 days both, the buyer counting once
LONG_LAG_ORDER, SHORT_LAG_ORDER = 5110, 5111
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
        c("2026-03-20 09:00:00", 1071, POST_QUIET, 9),  # QUIET's earlier sale of merchant 3's products
        c("2026-03-19 10:00:59", 1080, POST_PLAIN, 9),
        c("2026-03-16 13:00:00", 1090, POST_PLAIN, MISSING_PRODUCT),
        c("2026-03-06 08:00:00", 1110, POST_PLAIN, 3),
        c("2026-03-13 09:00:00", 1110, POST_PLAIN, 3),
        # a fan who clicks in February and leaves on March 1st after its midnight: engaged in February
        c("2026-02-16 09:00:00", 1120, POST_PLAIN, 3),
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
        # the same buyers' other orders of POST_PLAIN inside main (both fans of HEAD, its author): a pair whose previous
        # order is at the period's start, and a pair with two orders in its last hour and a third at its end
        o(5034, "2026-03-05 00:20:00", 1031, 5, 30_04),
        o(5035, "2026-03-20 23:40:00", 1032, 5, 30_05),
        o(5036, "2026-03-20 23:50:00", 1032, 5, 30_06),
        o(BEFORE_MAIN_ORDER, "2026-03-04 23:59:59.999999", 1033, 5, 30_03),
        o(EARLY_CLICK_ORDER, "2026-03-05 09:00:00", 1050, 7, 45_00, "refunded"),
        o(OTHER_USERS_CLICK_ORDER, "2026-03-14 10:00:00", 1060, 7, 12_00),
        o(QUIET_ORDER, "2026-03-23 10:00:00", 1070, 8, 77_77),
        o(5071, "2026-03-20 11:00:00", 1071, 9, 12_34),
        o(SUB_MINUTE_ORDER, "2026-03-19 10:01:00", 1080, 9, 9_99),
        o(5090, "2026-03-16 14:00:00", 1090, MISSING_PRODUCT, 5_55, "refunded"),
        o(LONG_LAG_ORDER, "2026-03-13 08:00:00", 1110, 3, 41_00),
        o(SHORT_LAG_ORDER, "2026-03-13 10:00:00", 1110, 3, 42_00),
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
        f(1031, "2026-02-01 00:00:00"),  # buyers of POST_PLAIN (HEAD's) at main's start and end
        f(1032, "2026-02-01 00:00:00"),
        # its last change: an unfollow on a day after its last follow (a fan at 2025-12-20 00:00, after every follow)
        f(3003, "2025-11-25 10:00:00", "2025-12-20 12:00:00", influencer=FANS_ONLY),
        f(1120, "2025-12-01 10:00:00", "2026-03-01 10:00:00"),  # a fan at March 1st's midnight, not at the next
    ]).astype({"followed_at": "datetime64[us]", "unfollowed_at": "datetime64[us]"})
    fans = pd.concat([fans, waist, planted_fans], ignore_index=True)
    for col in ("birth_year", "city_tier"):
        fans[col] = fans[col].astype("Int64")

    return _plant_for_screens({"influencers": influencers, "fans": fans, "posts": posts, "clicks": clicks,
                               "orders": orders, "campaigns": campaigns, "products": products,
                               "merchants": merchants})


# ---- planted for the Audience, Posts and Campaigns tests (test_queries_audience/_posts/_campaigns.py) ----

# Audience profiles: fans of SMALL since 2025-11-15 (fans at every period end from then on), one per case.
# Birth years reach exactly 18, 25 and 50 (and one year less) in AGE_YEAR; in AGE_YEAR - 1 they are a year
# younger, so a period whose last day is Dec 31 and one whose last day is Jan 1 band them differently.
AGE_YEAR = 2026
PROFILE_FOLLOWED_AT = T(2025, 11, 15, 10)
PROFILE_FANS: dict[int, dict] = {
    4101: {"interests": ["beauty", "beauty", "food"], "birth_year": 2008, "gender": "f", "province": "广东",
           "city_tier": 1, "device": "ios"},  # a duplicate tag; 18 in 2026
    4102: {"interests": [], "birth_year": 2009, "gender": "m", "city_tier": 5},  # an empty list; 17
    4103: {"interests": [None, "acg"], "birth_year": 2001, "province": "北京"},  # a NULL element; 25
    4104: {"interests": [None], "birth_year": 2002, "device": "pc"},  # only a NULL element; 24
    4105: {"interests": None, "birth_year": 1976, "gender": "f"},  # 50
    4106: {"interests": ["猫咪", "猫咪"], "birth_year": 1977, "city_tier": 3},  # 49
    4107: {"interests": None, "birth_year": None},  # nothing known: an unknown profile
}
UNKNOWN_SOURCE_FAN, UNKNOWN_SOURCE_AT = 4120, T(2026, 3, 16, 9)  # SMALL, source 'weibo_search' (not in the enum)

# A bot burst: PLAIN gains BURST_SIZE follows inside BURST_MINUTE from users without any activity, except
# BURST_ACTIVE (clicks after the follow), BURST_CLICKED_BEFORE (clicked only before it: still a bot) and
# BURST_LEAVER (unfollows before the main period's end). NEAR_BURST_MINUTE holds 9 follows (below the
# threshold of 10), AT_THRESHOLD_MINUTE exactly 10.
BURST_MINUTE, BURST_SIZE = T(2026, 3, 3, 21, 15), 60
BURST_FANS = tuple(range(6001, 6001 + BURST_SIZE))
BURST_ACTIVE, BURST_CLICKED_BEFORE, BURST_LEAVER = 6001, 6002, 6003
NEAR_BURST_MINUTE, NEAR_BURST_FANS = T(2026, 3, 3, 22, 40), tuple(range(6101, 6110))
AT_THRESHOLD_MINUTE, AT_THRESHOLD_FANS = T(2026, 3, 4, 7, 7), tuple(range(6201, 6211))
# FANS_ONLY's follows per minute: 1, 1, five minutes of 3, one of 14, one of 16 -> median 3, threshold 15:
# the 14-follow minute is no burst (it would be under the floor of 10), the 16-follow minute is.
SCALED_MINUTES = {T(2025, 12, 1 + k, 9, 30): tuple(range(7001 + 3 * k, 7004 + 3 * k)) for k in range(5)}
SCALED_BELOW_MINUTE, SCALED_BELOW_FANS = T(2025, 12, 8, 20, 0), tuple(range(7101, 7115))
SCALED_BURST_MINUTE, SCALED_BURST_FANS = T(2025, 12, 9, 20, 0), tuple(range(7201, 7217))

# Dormancy edge for the "empty" period (end 2026-06-04 00:00, 90 days before: 2026-03-06 00:00): fans of HEAD
# whose only activity is a click / an order exactly at that instant (alive) or 1 µs before it (dormant).
DORMANT_EDGE = T(2026, 3, 6)
ALIVE_CLICKER, DORMANT_CLICKER, ALIVE_BUYER, DORMANT_BUYER = 4201, 4202, 4203, 4204

# Posts: one without clicks (reads 0), one without products, one linking only products missing from the
# products table, one with zero impressions and a refunded order, one at each end instant of the main period.
POST_NO_CLICKS, POST_NO_PRODUCTS, POST_UNKNOWN_PRODUCTS, POST_ZERO_IMP = 170, 171, 172, 173
POST_AT_MAIN_START, POST_AT_MAIN_END = 174, 175
UNKNOWN_PRODUCT = 12  # like MISSING_PRODUCT: in clicks and orders, not in products
POST_UNKNOWN = 424_242  # no such post anywhere
# A click from a non-fan who then follows and orders (click: not a fan; order: a fan), and the reverse.
FAN_AFTER_CLICK, FAN_LEFT_BEFORE_ORDER = 4301, 4302
# Purchase-delay band edges: (lag, order at the lag, order 1 µs later) on POST_PLAIN, product 3.
DELAY_EDGES = {6 * HOUR: (5206, 5207), 24 * HOUR: (5224, 5225), 72 * HOUR: (5272, 5273), 336 * HOUR: (5336, 5337)}

# Campaigns: 5 and 6 overlap campaign 2 on post 105; 6 has spend but no impressions; 7 crosses the gap
# period's end; 8 starts exactly at the main period's end; 5 has a paid click on the missing post that
# earns an order.
OVERLAP_CAMPAIGNS, NO_IMPRESSION_CAMPAIGN, CROSSING_CAMPAIGN, AT_MAIN_END_CAMPAIGN = (5, 6), 6, 7, 8
PAID_CLICK_ON_MISSING_POST_ORDER = 5401
# A paid click of campaign 4 and two orders after it, at a lag of exactly 7 days (attributed to the campaign at the
# default window) and 1 µs more (attributed at 30 days only).
PAID_AT_WINDOW_EDGE_ORDERS = (5215, 5216)


def _plant_for_screens(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Add the rows above to the generated frames (after every random draw, so those stay as they were)."""
    def fan(fan_id: int, influencer: int, at: dt.datetime, until: dt.datetime | None = None, source: str = "organic",
            **profile: object) -> dict:
        row = {"influencer_id": influencer, "fan_id": fan_id, "followed_at": at, "unfollowed_at": until,
               "gender": None, "birth_year": None, "province": None, "city": None, "city_tier": None,
               "device": None, "interests": None, "source": source}
        row.update(profile)
        return row

    fans = [fan(i, SMALL, PROFILE_FOLLOWED_AT + (i - 4101) * dt.timedelta(minutes=3), **p)
            for i, p in PROFILE_FANS.items()]
    fans.append(fan(UNKNOWN_SOURCE_FAN, SMALL, UNKNOWN_SOURCE_AT, source="weibo_search", gender="m"))
    # the buyer of PAID_AT_WINDOW_EDGE_ORDERS is a fan of PLAIN, the author of the post it ordered through: a buying
    # fan at the default window by its order at a lag of exactly 7 days
    fans.append(fan(4708, PLAIN, T(2026, 2, 20, 7)))
    for k, user in enumerate(BURST_FANS):
        at = BURST_MINUTE + dt.timedelta(seconds=k) if k < BURST_SIZE - 1 else BURST_MINUTE + dt.timedelta(
            minutes=1) - US
        fans.append(fan(user, PLAIN, at, T(2026, 3, 4, 9) if user == BURST_LEAVER else None))
    fans += [fan(u, PLAIN, NEAR_BURST_MINUTE + dt.timedelta(seconds=5 * k), gender="f")
             for k, u in enumerate(NEAR_BURST_FANS)]
    fans += [fan(u, PLAIN, AT_THRESHOLD_MINUTE + dt.timedelta(seconds=5 * k)) for k, u in enumerate(AT_THRESHOLD_FANS)]
    for minute, users in [*SCALED_MINUTES.items(), (SCALED_BELOW_MINUTE, SCALED_BELOW_FANS),
                          (SCALED_BURST_MINUTE, SCALED_BURST_FANS)]:
        fans += [fan(u, FANS_ONLY, minute + dt.timedelta(seconds=3 * k), province="海外")
                 for k, u in enumerate(users)]
    fans += [fan(u, HEAD, T(2025, 12, 5, 12), gender="m") for u in
             (ALIVE_CLICKER, DORMANT_CLICKER, ALIVE_BUYER, DORMANT_BUYER)]
    fans += [fan(FAN_AFTER_CLICK, HEAD, T(2026, 3, 6, 15), source="passerby_to_fan"),
             fan(FAN_LEFT_BEFORE_ORDER, HEAD, T(2026, 2, 20, 8), T(2026, 3, 7, 9, 30))]
    # campaign new fans: both ends of windows (end_at inclusive), the source mapping, a wrong source
    fans += [fan(4801, HEAD, T(2026, 2, 15), source="fan_headline"),
             fan(4802, HEAD, T(2026, 2, 15) - US, source="fan_headline"),
             fan(4803, HEAD, T(2026, 2, 20), source="fan_headline"),
             fan(4804, HEAD, T(2026, 2, 20) + US, source="fan_headline"),
             fan(4805, PLAIN, T(2026, 3, 5, 12), source="fan_headline"),
             fan(4806, SMALL, T(2026, 3, 13, 14), source="passerby_to_fan"),
             fan(4807, SMALL, T(2026, 3, 16, 12), source="passerby_to_fan"),
             fan(4808, SMALL, T(2026, 3, 16, 12) + US, source="passerby_to_fan"),
             fan(4809, SMALL, T(2026, 3, 14, 8), source="fan_headline"),
             fan(4810, SMALL, T(2026, 3, 6, 8), source="account_recommend"),
             fan(4811, HEAD, T(2026, 3, 22, 10), source="account_recommend")]
    planted_fans = pd.DataFrame(fans).astype({"followed_at": "datetime64[us]", "unfollowed_at": "datetime64[us]",
                                              "birth_year": "Int64", "city_tier": "Int64"})

    posts = pd.DataFrame({
        "post_id": [POST_NO_CLICKS, POST_NO_PRODUCTS, POST_UNKNOWN_PRODUCTS, POST_ZERO_IMP, POST_AT_MAIN_START,
                    POST_AT_MAIN_END],
        "influencer_id": [HEAD, HEAD, PLAIN, SMALL, HEAD, PLAIN],
        "posted_at": pd.Series([T(2026, 3, 8, 10), T(2026, 3, 8, 11), T(2026, 3, 9, 9), T(2026, 3, 14, 18), MAIN_START,
                                MAIN_END]).astype("datetime64[us]"),
        "content_type": ["video", "text", "long_article", "live", "image", "video"],
        "category": [None, None, "新奇特", None, None, None],
        "title": ["no clicks", "no products", "unknown products", "zero impressions", "at start", "at end"],
        "product_ids": [[3], None, [MISSING_PRODUCT, UNKNOWN_PRODUCT], [9], [2, 5], [6]],
        "impressions": [1000, 400, 800, 0, 2000, 700],
        "reads": [0, 40, 80, 0, 300, 70],
        "reposts": [0, 1, 0, 0, 2, 0], "comments": [0, 0, 3, 0, 1, 0], "likes": [5, 2, 0, 0, 9, 1],
    })

    def c(at: dt.datetime, user: int, post: int, product: int, channel: str = "organic",
          campaign: int | None = None) -> dict:
        return {"clicked_at": at, "user_id": user, "post_id": post, "product_id": product, "channel": channel,
                "campaign_id": campaign, "device": "android"}

    def o(order_id: int, at: dt.datetime, user: int, product: int, cents: int, status: str = "paid") -> dict:
        return {"order_id": order_id, "ordered_at": at, "user_id": user, "product_id": product, "quantity": 1,
                "amount_cents": cents, "status": status,
                "refunded_at": at + DAY if status == "refunded" else None}

    clicks = [
        c(T(2026, 3, 16, 20), BURST_ACTIVE, 118, 1),
        c(T(2026, 3, 1, 12), BURST_CLICKED_BEFORE, 126, 1),
        c(DORMANT_EDGE, ALIVE_CLICKER, POST_MISSING, 3),
        c(DORMANT_EDGE - US, DORMANT_CLICKER, 113, 1),
        c(MAIN_START, FOLLOW_AT_MAIN_START, POST_PLAIN, 2),  # a fan from that very instant
        c(MAIN_START, UNFOLLOW_AT_MAIN_START, POST_PLAIN, 2),  # no longer a fan at that instant
        c(MAIN_START - dt.timedelta(seconds=1), UNFOLLOW_AT_MAIN_START, POST_PLAIN, 2),  # still a fan
        c(T(2026, 3, 6, 14), FAN_AFTER_CLICK, POST_PLAIN, 2, "passerby_to_fan"),
        c(T(2026, 3, 7, 9), FAN_LEFT_BEFORE_ORDER, POST_PLAIN, 6, "fan_headline", 1),
        c(T(2026, 3, 9, 10), 4501, POST_UNKNOWN_PRODUCTS, UNKNOWN_PRODUCT),
        c(T(2026, 3, 13, 8), 4502, POST_UNKNOWN_PRODUCTS, MISSING_PRODUCT),
        c(T(2026, 3, 14, 19), 4601, POST_ZERO_IMP, 9),
        c(MAIN_START + dt.timedelta(minutes=5), 4602, POST_AT_MAIN_START, 5),
        # its last click, on the day after main: main's post figures sum its clicks by day, not its totals
        c(MAIN_END + dt.timedelta(hours=2), 4604, POST_AT_MAIN_START, 5),
        c(MAIN_END + dt.timedelta(minutes=30), 4603, POST_AT_MAIN_END, 6),
        # paid clicks of the planted campaigns (one on the missing post), one exactly at the main period's end
        c(T(2026, 3, 3, 20), 4701, 105, 1, "fan_headline", 5),
        c(T(2026, 3, 4, 10), 4702, 105, 3, "fan_headline", 5),
        c(T(2026, 3, 4, 10), 4401, POST_MISSING, 4, "fan_headline", 5),
        c(T(2026, 3, 6, 21), 4703, 105, 4, "delegated_headline", 6),
        c(MAIN_END, 4704, 105, 4, "delegated_headline", 6),
        c(T(2026, 3, 14, 20), 4705, 111, MISSING_PRODUCT, "passerby_to_fan", 7),
        c(T(2026, 3, 22, 9), 4706, POST_PLAIN, 8, "account_recommend", 8),
        c(T(2026, 3, 1, 9), 4708, 105, 3, "passerby_to_fan", 4),
    ]
    orders = [
        o(5201, DORMANT_EDGE, ALIVE_BUYER, 2, 12_00),
        o(5202, DORMANT_EDGE - US, DORMANT_BUYER, 2, 13_00),
        o(5203, T(2026, 3, 6, 16), FAN_AFTER_CLICK, 2, 58_00),
        o(5204, T(2026, 3, 7, 10), FAN_LEFT_BEFORE_ORDER, 6, 61_00),
        o(5205, T(2026, 3, 9, 11), 4501, UNKNOWN_PRODUCT, 19_99),
        o(5208, T(2026, 3, 14, 19, 30), 4601, 9, 25_50, "refunded"),
        o(5209, MAIN_START + dt.timedelta(hours=2), 4602, 5, 70_00),
        o(5210, MAIN_END + dt.timedelta(hours=1), 4603, 6, 71_00),
        o(5211, T(2026, 3, 4, 9), 4701, 1, 88_00),
        o(PAID_CLICK_ON_MISSING_POST_ORDER, T(2026, 3, 4, 12), 4401, 4, 40_00),
        o(5212, T(2026, 3, 7, 8), 4703, 4, 120_00),
        o(5213, MAIN_END + HOUR, 4704, 4, 121_00),
        o(5214, T(2026, 3, 15, 9), 4705, MISSING_PRODUCT, 33_00, "refunded"),
        o(PAID_AT_WINDOW_EDGE_ORDERS[0], T(2026, 3, 8, 9), 4708, 3, 77_00),
        o(PAID_AT_WINDOW_EDGE_ORDERS[1], T(2026, 3, 8, 9) + US, 4708, 3, 78_00, "refunded"),
    ]
    delay_clicks = {6 * HOUR: T(2026, 3, 6, 9), 24 * HOUR: T(2026, 3, 7, 10), 72 * HOUR: T(2026, 3, 5, 11),
                    336 * HOUR: T(2026, 2, 27, 12)}
    for k, (lag, (exact, late)) in enumerate(DELAY_EDGES.items()):
        user = 1014 + k
        clicks.append(c(delay_clicks[lag], user, POST_PLAIN, 3))
        orders += [o(exact, delay_clicks[lag] + lag, user, 3, 50_00 + k),
                   o(late, delay_clicks[lag] + lag + US, user, 3, 60_00 + k)]

    campaigns = pd.DataFrame({
        "campaign_id": [5, 6, 7, 8],
        "product": ["fan_headline", "delegated_headline", "passerby_to_fan", "account_recommend"],
        "influencer_id": [PLAIN, PLAIN, SMALL, HEAD],
        "post_id": pd.array([105, 105, 111, None], dtype="Int64"),
        "buyer_merchant_id": pd.array([None, 2, None, None], dtype="Int64"),
        "start_at": pd.Series([T(2026, 3, 3), T(2026, 3, 5, 10), T(2026, 3, 13, 12), MAIN_END]).astype(
            "datetime64[us]"),
        "end_at": pd.Series([T(2026, 3, 6), T(2026, 3, 9, 22), T(2026, 3, 16, 12), T(2026, 3, 25)]).astype(
            "datetime64[us]"),
        "spend_cents": [300_00, 150_00, 66_66, 10_00],
        "impressions": [9_000, 0, 5_000, 100],
    })

    out = dict(frames)
    out["fans"] = pd.concat([frames["fans"], planted_fans], ignore_index=True)
    for col in ("birth_year", "city_tier"):
        out["fans"][col] = out["fans"][col].astype("Int64")
    out["posts"] = pd.concat([frames["posts"], posts], ignore_index=True)
    out["clicks"] = pd.concat([frames["clicks"], pd.DataFrame(clicks).astype(
        {"clicked_at": "datetime64[us]", "campaign_id": "Int64"})], ignore_index=True)
    out["orders"] = pd.concat([frames["orders"], pd.DataFrame(orders).astype(
        {"ordered_at": "datetime64[us]", "refunded_at": "datetime64[us]"})], ignore_index=True)
    out["campaigns"] = pd.concat([frames["campaigns"], campaigns], ignore_index=True)
    return out


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

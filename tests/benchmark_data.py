"""A contract dataset of category × tier cohorts for the Benchmarks tests: sizes, ties, dominance, fan floors."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from . import edge_data as E

T = dt.datetime
PERIOD = (dt.date(2026, 2, 1), dt.date(2026, 3, 31))  # two whole months: February and March
POST_DAYS = (T(2026, 2, 10, 10), T(2026, 3, 10, 10))  # each influencer posts once a month
FOLLOWED_BEFORE, LOST_AT, NEW_AT = T(2026, 1, 5, 9), T(2026, 2, 15, 12), T(2026, 2, 20, 12)
CAMPAIGN_START = T(2026, 2, 10, 8)  # within the span of the activity (the first post)
MERCHANT_OF_PRODUCT = {1: 1, 2: 1, 3: 2, 4: 2}


@dataclass(frozen=True)
class Account:
    """One influencer's planted totals over the whole period (split over its two posts: first half in February)."""

    influencer_id: int
    category: str
    tier: str | None
    impressions: int = 0
    reads: int = 0
    clicks: int = 0
    orders: int = 0
    order_cents: int = 10_000  # every attributed order of the influencer pays this much
    fans_start: int = 0  # follows since January, active at the period start
    lost: int = 0  # of those, unfollowed on 15 February
    new: int = 0  # followed on 20 February
    engaged: int = 0  # active fans at the end who click (their clicks are part of `clicks`)
    headline: tuple[str, int, int, int | None] | None = None  # (product, spend in cents, paid orders, buyer merchant)
    product: int = 1


# Cohort beauty × waist: eight members; A1 and A2 tie on CTR; A4 sells nothing (no AOV, CVR 0); A8 has no figure.
# Cohort fashion × tail: five members; B1 holds more than half of the impressions (CTR left out) and of the
#   headline spend (headline ROAS left out), and exactly half of the orders (AOV published).
# Cohort food × tail: four members, published only with k ≤ 4.
# Cohort pets × head: five members with 49 fans at the start (fan growth left out) and 50 at the end (engaged-fan
#   rate published).
# Cohort beauty × tail: three exported tails and two without a tier (derived tail from few fans).
# Cohort 新奇特 (an unknown category code) × waist: three members, published only with k = 3.
ACCOUNTS: tuple[Account, ...] = (
    Account(11, "beauty", "waist", 10_000, 3_000, 100, 10, 8_000, 40, 2, 5, 10, ("fan_headline", 500_00, 3, None), 1),
    Account(12, "beauty", "waist", 20_000, 5_000, 200, 12, 9_000, 30, 1, 3, 8, ("delegated_headline", 800_00, 4, 1), 2),
    Account(13, "beauty", "waist", 8_000, 2_000, 120, 6, 15_000, 25, 0, 2, 5, ("fan_headline", 300_00, 2, None), 3),
    Account(14, "beauty", "waist", 15_000, 6_000, 90, 0, 10_000, 35, 3, 0, 0, ("fan_headline", 200_00, 0, None), 4),
    Account(15, "beauty", "waist", 12_000, 2_500, 60, 9, 12_345, 28, 0, 10, 20, ("delegated_headline", 450_00, 5, 2),
            1),
    Account(16, "beauty", "waist", 9_000, 4_000, 150, 15, 6_600, 50, 5, 1, 3, ("fan_headline", 650_00, 6, None), 3),
    Account(17, "beauty", "waist", 11_000, 3_300, 77, 7, 20_000, 22, 2, 4, 6, None, 2),
    Account(18, "beauty", "waist"),
    Account(21, "fashion", "tail", 100_000, 9_000, 20, 4, 5_000, 20, 0, 0, 4, ("fan_headline", 1_000_00, 2, None), 1),
    Account(22, "fashion", "tail", 20_000, 8_000, 20, 1, 7_000, 20, 1, 1, 4, ("fan_headline", 100_00, 1, None), 3),
    Account(23, "fashion", "tail", 20_000, 7_000, 20, 1, 9_000, 20, 2, 2, 2, ("fan_headline", 100_00, 1, None), 2),
    Account(24, "fashion", "tail", 20_000, 6_000, 20, 1, 11_000, 20, 0, 3, 6, ("delegated_headline", 100_00, 0, 2), 4),
    Account(25, "fashion", "tail", 20_000, 5_000, 20, 1, 13_000, 20, 4, 0, 1, ("fan_headline", 100_00, 1, None), 1),
    Account(31, "food", "tail", 5_000, 1_000, 40, 4, 3_000, 30, 0, 2, 5, None, 1),
    Account(32, "food", "tail", 6_000, 1_500, 50, 5, 4_000, 30, 1, 1, 6, None, 2),
    Account(33, "food", "tail", 7_000, 2_000, 60, 6, 5_000, 30, 2, 0, 7, None, 3),
    Account(34, "food", "tail", 8_000, 2_500, 70, 7, 6_000, 30, 3, 3, 8, None, 4),
    Account(41, "pets", "head", 4_000, 1_000, 30, 3, 20_000, 10, 0, 0, 2, None, 1),
    Account(42, "pets", "head", 5_000, 1_200, 35, 2, 25_000, 10, 0, 0, 3, None, 2),
    Account(43, "pets", "head", 6_000, 1_400, 40, 5, 30_000, 10, 0, 0, 4, None, 3),
    Account(44, "pets", "head", 7_000, 1_600, 45, 4, 35_000, 10, 0, 0, 5, None, 4),
    Account(45, "pets", "head", 8_000, 1_800, 50, 6, 40_000, 9, 0, 1, 6, None, 1),
    Account(51, "beauty", "tail", 3_000, 900, 30, 3, 5_500, 15, 1, 2, 3, None, 1),
    Account(52, "beauty", "tail", 3_500, 800, 25, 2, 6_500, 15, 2, 1, 2, None, 2),
    Account(53, "beauty", "tail", 4_000, 700, 20, 1, 7_500, 15, 0, 0, 1, None, 3),
    Account(54, "beauty", None, 4_500, 600, 35, 4, 8_500, 15, 3, 3, 4, None, 4),
    Account(55, "beauty", None, 5_000, 500, 40, 5, 9_500, 15, 0, 5, 5, None, 1),
    Account(61, "新奇特", "waist", 9_000, 3_000, 90, 9, 4_200, 40, 1, 1, 9, None, 2),
    Account(62, "新奇特", "waist", 8_000, 2_000, 80, 8, 4_400, 40, 2, 2, 8, None, 3),
    Account(63, "新奇特", "waist", 7_000, 1_000, 70, 7, 4_600, 40, 3, 3, 7, None, 4),
)
COHORTS = {
    "beauty_waist": (11, 12, 13, 14, 15, 16, 17, 18), "fashion_tail": (21, 22, 23, 24, 25),
    "food_tail": (31, 32, 33, 34), "pets_head": (41, 42, 43, 44, 45), "beauty_tail": (51, 52, 53, 54, 55),
    "novel_waist": (61, 62, 63),
}
NAMES = {11: "小美<b>粗体</b>", 12: "阿强🐱", 21: "潮人 Fashion"}


def _halves(n: int) -> tuple[int, int]:
    return math.ceil(n / 2), n - math.ceil(n / 2)


def generate() -> dict[str, pd.DataFrame]:
    """The dataset as pandas frames in edge_data's layout (local wall-clock timestamps, money in cents)."""
    influencers, posts, clicks, orders, fans, campaigns = [], [], [], [], [], []
    user, fan_user, order_id, post_id = 10_000_000, 1_000_000, 1, 1000

    for a in ACCOUNTS:
        name = NAMES.get(a.influencer_id, f"达人{a.influencer_id}")
        influencers.append({"influencer_id": a.influencer_id, "name": name,
                            "category": a.category, "tier": a.tier, "account_type": "shop_owner", "mcn_id": None,
                            "created_at": T(2024, 1, 1)})
        # follows: fans_start before the period (`lost` of them leave on 15 February), `new` more on 20 February
        active = []
        for j in range(a.fans_start):
            fan_user += 1
            left = LOST_AT if j < a.lost else None
            fans.append({"influencer_id": a.influencer_id, "fan_id": fan_user, "followed_at": FOLLOWED_BEFORE,
                         "unfollowed_at": left, "source": "organic"})
            if left is None:
                active.append(fan_user)
        for _ in range(a.new):
            fan_user += 1
            fans.append({"influencer_id": a.influencer_id, "fan_id": fan_user, "followed_at": NEW_AT,
                         "unfollowed_at": None, "source": "fan_headline"})
            active.append(fan_user)
        engaged = active[:a.engaged]

        campaign_id = None
        if a.headline:
            product, spend, _, buyer = a.headline
            campaign_id = a.influencer_id * 10
        if not a.impressions and not a.clicks:
            continue
        halves = [_halves(x) for x in (a.impressions, a.reads, a.clicks, a.orders)]
        paid_left = a.headline[2] if a.headline else 0
        click_no = 0
        for month, posted_at in enumerate(POST_DAYS):
            post_id += 1
            impressions, reads, n_clicks, n_orders = (h[month] for h in halves)
            posts.append({"post_id": post_id, "influencer_id": a.influencer_id, "posted_at": posted_at,
                          "content_type": "video", "category": None, "title": f"post {post_id}",
                          "product_ids": [a.product], "impressions": impressions, "reads": reads,
                          "reposts": 1, "comments": 2, "likes": 3})
            for j in range(n_clicks):
                # the engaged fans click in February; everyone else is a passer-by with an id of its own
                if month == 0 and click_no < len(engaged):
                    who = engaged[click_no]
                else:
                    user += 1
                    who = user
                click_no += 1
                at = posted_at + dt.timedelta(minutes=j + 1)
                paid = j < n_orders and paid_left > 0
                paid_left -= int(paid)
                clicks.append({"clicked_at": at, "user_id": who, "post_id": post_id, "product_id": a.product,
                               "channel": "fan_headline" if paid else "organic",
                               "campaign_id": campaign_id if paid else None, "device": "ios"})
                if j < n_orders:
                    refunded = order_id % 5 == 0  # a refund still counts in orders and GMV
                    ordered_at = at + dt.timedelta(minutes=30)
                    orders.append({"order_id": order_id, "ordered_at": ordered_at, "user_id": who,
                                   "product_id": a.product, "quantity": 1, "amount_cents": a.order_cents,
                                   "status": "refunded" if refunded else "paid",
                                   "refunded_at": ordered_at + dt.timedelta(days=1) if refunded else None})
                    order_id += 1
        if a.headline:
            campaigns.append({"campaign_id": campaign_id, "product": product, "influencer_id": a.influencer_id,
                              "post_id": post_id - 1, "buyer_merchant_id": buyer, "start_at": CAMPAIGN_START,
                              "end_at": CAMPAIGN_START + dt.timedelta(days=3), "spend_cents": spend,
                              "impressions": 10_000})

    # Campaigns that are not headline ROAS's: another product, and a fan headline started before the period.
    campaigns += [
        {"campaign_id": 9001, "product": "account_recommend", "influencer_id": 11, "post_id": None,
         "buyer_merchant_id": None, "start_at": T(2026, 2, 12), "end_at": T(2026, 2, 14), "spend_cents": 50_00,
         "impressions": 0},
        {"campaign_id": 9002, "product": "fan_headline", "influencer_id": 17, "post_id": None,
         "buyer_merchant_id": None, "start_at": T(2026, 1, 20), "end_at": T(2026, 2, 3), "spend_cents": 999_00,
         "impressions": 100},
    ]
    # A store sale: no click, credited to nobody.
    orders.append({"order_id": order_id, "ordered_at": T(2026, 3, 1, 12), "user_id": 1, "product_id": 1,
                   "quantity": 1, "amount_cents": 123_45, "status": "paid", "refunded_at": None})
    # A post on the day after the period, never clicked: the period, which ends at that day's midnight after every
    # click and order, leaves it out (its sums by day, influencer_post_days, end on the day before).
    posts.append({"post_id": post_id + 1, "influencer_id": 11, "posted_at": T(2026, 4, 1, 10),
                  "content_type": "video", "category": None, "title": "after the period", "product_ids": [1],
                  "impressions": 5_000, "reads": 800, "reposts": 1, "comments": 2, "likes": 3})

    def frame(rows: list[dict], times: tuple[str, ...], ints: tuple[str, ...] = ()) -> pd.DataFrame:
        df = pd.DataFrame(rows)
        for col in times:
            df[col] = pd.to_datetime(df[col]).astype("datetime64[us]")
        for col in ints:
            df[col] = df[col].astype("Int64")
        return df

    fans_df = frame(fans, ("followed_at", "unfollowed_at"))
    for col in ("gender", "province", "city", "device", "interests"):
        fans_df[col] = None
    for col in ("birth_year", "city_tier"):
        fans_df[col] = pd.array([None] * len(fans_df), dtype="Int64")
    return {
        "influencers": frame(influencers, ("created_at",), ("mcn_id",)),
        "merchants": pd.DataFrame({"merchant_id": [1, 2], "name": ["美妆旗舰店", "潮牌小铺"],
                                   "shop_type": ["tmall", "taobao"]}),
        "products": pd.DataFrame({"product_id": list(MERCHANT_OF_PRODUCT),
                                  "merchant_id": list(MERCHANT_OF_PRODUCT.values()),
                                  "title": [f"商品{i}" for i in MERCHANT_OF_PRODUCT], "category": "beauty",
                                  "price_cents": 99_00, "commission_rate": 0.2}),
        "posts": frame(posts, ("posted_at",)),
        "campaigns": frame(campaigns, ("start_at", "end_at"), ("post_id", "buyer_merchant_id")),
        "clicks": frame(clicks, ("clicked_at",), ("campaign_id",)),
        "orders": frame(orders, ("ordered_at", "refunded_at")),
        "fans": fans_df,
    }


_built: dict[str, Path] = {}


def dataset_path(factory: pytest.TempPathFactory) -> Path:
    """The cohort dataset, written once per test session (edge_data's writer: the contract's types)."""
    if "path" not in _built:
        _built["path"] = E.write(factory.mktemp("cohorts") / "ds", generate())
    return _built["path"]

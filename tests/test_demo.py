"""The demo generator writes the contract exactly, keeps its integrity rules and looks like real traffic."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.parquet as pq
import pytest

from advisor import demo

TS, TS_UTC, MONEY = pa.timestamp("us"), pa.timestamp("us", tz="UTC"), pa.decimal128(14, 2)
S, I64, I16 = pa.string(), pa.int64(), pa.int16()
# The contract's columns and the exact Arrow types the generator promises (kept independent of
# advisor.demo.SCHEMAS on purpose: a change there must show up here).
CONTRACT = {
    "influencers": {"influencer_id": I64, "name": S, "category": S, "tier": S, "account_type": S, "mcn_id": I64,
                    "created_at": TS},
    "fans": {"influencer_id": I64, "fan_id": I64, "followed_at": TS, "unfollowed_at": TS, "gender": S,
             "birth_year": I16, "province": S, "city": S, "city_tier": I16, "device": S,
             "interests": pa.list_(S), "source": S},
    "posts": {"post_id": I64, "influencer_id": I64, "posted_at": TS, "content_type": S, "category": S, "title": S,
              "product_ids": pa.list_(I64), "impressions": I64, "reads": I64, "reposts": I64, "comments": I64,
              "likes": I64},
    "clicks": {"clicked_at": TS, "user_id": I64, "post_id": I64, "product_id": I64, "channel": S,
               "campaign_id": I64, "device": S},
    "orders": {"order_id": I64, "ordered_at": TS_UTC, "user_id": I64, "product_id": I64, "quantity": pa.int32(),
               "amount": MONEY, "status": S, "refunded_at": TS_UTC},
    "campaigns": {"campaign_id": I64, "product": S, "influencer_id": I64, "post_id": I64, "buyer_merchant_id": I64,
                  "start_at": TS, "end_at": TS, "spend": MONEY, "impressions": I64},
    "products": {"product_id": I64, "merchant_id": I64, "title": S, "category": S, "price": MONEY,
                 "commission_rate": pa.float64()},
    "merchants": {"merchant_id": I64, "name": S, "shop_type": S},
}
ENUMS = {("influencers", "category"): set(demo.CATEGORIES), ("influencers", "tier"): {"head", "waist", "tail"},
         ("influencers", "account_type"): {"shop_owner", "guide_blogger", "enterprise", "media"},
         ("fans", "gender"): {"f", "m"}, ("fans", "device"): {"ios", "android", "pc", "other"},
         ("fans", "source"): {"organic", "fan_headline", "passerby_to_fan", "account_recommend", "other"},
         ("posts", "content_type"): {"text", "image", "long_article", "video", "live"},
         ("clicks", "channel"): {"organic", "fan_headline", "passerby_to_fan", "account_recommend",
                                 "delegated_headline"},
         ("orders", "status"): {"paid", "refunded"},
         ("campaigns", "product"): {"fan_headline", "passerby_to_fan", "account_recommend", "delegated_headline"},
         ("merchants", "shop_type"): {"taobao", "tmall", "other"}}
LAST_LOCAL = dt.datetime(2026, 10, 31, 23, 59, 59, 999999)
FIRST_LOCAL = dt.datetime(2026, 5, 1)


def files_of(root: Path, table: str) -> list[Path]:
    single = root / f"{table}.parquet"
    return [single] if single.is_file() else sorted((root / table).rglob("*.parquet"))


def read(root: Path, table: str) -> pa.Table:
    files = files_of(root, table)
    if files == [root / f"{table}.parquet"]:
        return pq.read_table(files[0])
    # The hive `month=` key is a folder name, not a column of the contract: leave it out.
    return pads.dataset(root / table, format="parquet").to_table()


def connect(root: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    for table in CONTRACT:
        con.register(table, read(root, table))
    return con


def scalar(con: duckdb.DuckDBPyConnection, sql: str) -> float:
    return con.execute(sql).fetchall()[0][0]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo.generate(tmp_path_factory.mktemp("demo") / "tiny", scale="tiny", seed=0)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny roster with ~8x the rows: enough for stable shares and conversion rates."""
    spec = dataclasses.replace(demo.SCALES["tiny"], follows=30_000, clicks=60_000)
    return demo._generate(tmp_path_factory.mktemp("demo") / "small", spec, seed=3)


@pytest.fixture(scope="module")
def small_db(small: Path) -> duckdb.DuckDBPyConnection:
    return connect(small)


# -- layout and types ---------------------------------------------------------------------------


def test_layout(tiny: Path) -> None:
    for table in CONTRACT:
        if table != "clicks":
            assert (tiny / f"{table}.parquet").is_file(), table
    months = sorted(p.name for p in (tiny / "clicks").iterdir())
    assert months == [f"month=2026-{m:02d}" for m in range(5, 11)]
    assert all((tiny / "clicks" / m / "part-0.parquet").is_file() for m in months)
    for side in ("campaign_lift.parquet", "bot_bursts.parquet", "README.md"):
        assert (tiny / "_truth" / side).is_file()
    assert not list(tiny.parent.glob("tiny.tmp-*")), "the temporary build folder is gone"


def test_contract_columns_and_types(tiny: Path) -> None:
    for table, columns in CONTRACT.items():
        for path in files_of(tiny, table):
            schema = pq.read_schema(path)
            assert {f.name: f.type for f in schema} == columns, path
        assert read(tiny, table).num_rows > 0, table


def test_enums_and_ranges(tiny: Path) -> None:
    for (table, col), allowed in ENUMS.items():
        values = set(read(tiny, table).column(col).drop_null().to_pylist())
        assert values <= allowed, (table, col, values - allowed)
    con = connect(tiny)
    assert scalar(con, "select count(*) from posts where least(impressions, reads, reposts, comments, likes) < 0") == 0
    assert scalar(con, "select count(*) from posts where reads > impressions or likes > reads") == 0
    assert scalar(con, "select count(*) from orders where quantity < 1 or amount <= 0") == 0
    assert scalar(con, "select count(*) from campaigns where spend < 0 or impressions < 0 or end_at < start_at") == 0
    assert scalar(con, "select count(*) from fans where unfollowed_at <= followed_at") == 0
    assert scalar(con, "select count(*) from fans where city_tier not between 1 and 5") == 0
    assert scalar(con, "select count(*) from products where price < 9.9 or price > 2999 "
                       "or commission_rate not between 0.01 and 0.5") == 0
    assert scalar(con, "select count(*) from orders where (status = 'refunded') <> (refunded_at is not null) "
                       "or refunded_at <= ordered_at") == 0


def test_keys_unique_and_references_exist(tiny: Path) -> None:
    con = connect(tiny)
    for table, key in [("influencers", "influencer_id"), ("posts", "post_id"), ("orders", "order_id"),
                       ("campaigns", "campaign_id"), ("products", "product_id"), ("merchants", "merchant_id")]:
        assert scalar(con, f"select count(*) - count(distinct {key}) from {table}") == 0, table
    assert scalar(con, "select count(*) - count(distinct (influencer_id, fan_id)) from fans") == 0
    orphans = {
        "fans.influencer_id": "select count(*) from fans anti join influencers using (influencer_id)",
        "posts.influencer_id": "select count(*) from posts anti join influencers using (influencer_id)",
        "posts.product_ids": "select count(*) from (select unnest(product_ids) product_id from posts) "
                             "anti join products using (product_id)",
        "clicks.post_id": "select count(*) from clicks anti join posts using (post_id)",
        "clicks.product_id": "select count(*) from clicks anti join products using (product_id)",
        "clicks.campaign_id": "select count(*) from clicks where campaign_id is not null "
                              "and campaign_id not in (select campaign_id from campaigns)",
        "orders.product_id": "select count(*) from orders anti join products using (product_id)",
        "campaigns.influencer_id": "select count(*) from campaigns anti join influencers using (influencer_id)",
        "campaigns.post_id": "select count(*) from campaigns where post_id is not null "
                             "and post_id not in (select post_id from posts)",
        "campaigns.buyer_merchant_id": "select count(*) from campaigns where buyer_merchant_id is not null "
                                       "and buyer_merchant_id not in (select merchant_id from merchants)",
        "products.merchant_id": "select count(*) from products anti join merchants using (merchant_id)",
    }
    for what, sql in orphans.items():
        assert scalar(con, sql) == 0, what
    # Click and order users are users of the world: fans of someone, or known non-fan shoppers.
    assert scalar(con, "select count(*) from clicks c join posts p using (post_id) "
                       "where not list_contains(p.product_ids, c.product_id) or c.clicked_at < p.posted_at") == 0


def test_validator_accepts_it(tiny: Path) -> None:
    from advisor import dataset

    report = dataset.validate(tiny)
    assert report.ok, report.errors


# -- determinism and the output folder ------------------------------------------------------


def test_same_seed_same_bytes_other_seed_other_data(tiny: Path, tmp_path: Path) -> None:
    again = demo.generate(tmp_path / "again", scale="tiny", seed=0)
    mine = sorted(p.relative_to(tiny) for p in tiny.rglob("*") if p.is_file())
    assert mine == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    for rel in mine:
        assert (tiny / rel).read_bytes() == (again / rel).read_bytes(), rel
    other = demo.generate(tmp_path / "other", scale="tiny", seed=1)
    for table in ("fans", "posts", "clicks", "orders"):
        assert not read(other, table).equals(read(tiny, table)), table


def test_refuses_a_non_empty_folder_and_reports_progress(tmp_path: Path) -> None:
    full = tmp_path / "full"
    full.mkdir()
    (full / "keep.txt").write_text("mine")
    with pytest.raises(ValueError, match="not empty"):
        demo.generate(full, scale="tiny")
    assert [p.name for p in full.iterdir()] == ["keep.txt"]
    with pytest.raises(ValueError, match="scale"):
        demo.generate(tmp_path / "x", scale="huge")
    empty = tmp_path / "empty"
    empty.mkdir()
    seen: list[tuple[float, str]] = []
    demo.generate(empty, scale="tiny", seed=5, progress=lambda f, m: seen.append((f, m)))
    assert (empty / "fans.parquet").is_file()
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and len(seen) >= 5
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", "full"]


# -- realism ------------------------------------------------------------------------------------


def test_roster_covers_tiers_and_categories(tiny: Path) -> None:
    con = connect(tiny)
    rows = con.execute("""
        select i.tier, count(f.fan_id) filter (where f.unfollowed_at is null) fans_end
        from influencers i left join fans f using (influencer_id) group by i.influencer_id, i.tier""").fetchall()
    tiers = [t for t, _ in rows]
    assert {"head", "waist", "tail"} <= set(tiers)
    assert 0 < tiers.count(None) <= len(tiers) // 3
    # A null tier is derived from the fans at the end; the written rows must agree with that.
    assert all(n < 100_000 for t, n in rows if t is None)
    # Bigger declared tiers have more follow rows.
    mean = {t: np.mean([n for u, n in rows if u == t]) for t in ("head", "waist", "tail")}
    assert mean["head"] > mean["waist"] > mean["tail"]
    assert scalar(con, "select count(distinct category) from influencers") >= 8


def test_audiences_differ_by_category(small_db: duckdb.DuckDBPyConnection) -> None:
    share = dict(small_db.execute("""
        select i.category, avg((f.gender = 'f')::int) from fans f join influencers i using (influencer_id)
        where f.gender is not null group by 1""").fetchall())
    assert share["beauty"] > 0.7 and share["fashion"] > 0.7
    assert 1 - share["military"] > 0.7
    assert share["digital"] < 0.5
    young = dict(small_db.execute("""
        select i.category, avg((2026 - f.birth_year between 18 and 24)::int) from fans f
        join influencers i using (influencer_id) where f.birth_year is not null group by 1""").fetchall())
    assert young["acg"] > 0.6 and young["acg"] > 2 * young["military"]
    parents = scalar(small_db, """
        select avg((2026 - f.birth_year between 25 and 35)::int) from fans f join influencers i using (influencer_id)
        where i.category = 'baby' and f.birth_year is not null""")
    assert parents > 0.7


def test_profiles_unknowns_devices_and_unfollows(small_db: duckdb.DuckDBPyConnection) -> None:
    # A profile belongs to the user: identical on every follow row.
    assert scalar(small_db, """select count(*) from (select fan_id from fans group by 1
        having count(distinct (gender, birth_year, province, city, device)) > 1)""") == 0
    # Audiences overlap within a category (the roster has two beauty and two military accounts), much
    # less across categories.
    for category in ("beauty", "military"):
        shared = scalar(small_db, f"""with f as (select f.influencer_id, f.fan_id from fans f
            join influencers i using (influencer_id) where i.category = '{category}')
            select count(*) filter (where n = 2) from (select fan_id, count(*) n from f group by 1)""")
        smaller = scalar(small_db, f"""select min(n) from (select count(*) n from fans join influencers
            using (influencer_id) where category = '{category}' group by influencer_id)""")
        assert shared / smaller > 0.3, category
    across = scalar(small_db, """select count(*) from (select fan_id from fans join influencers using (influencer_id)
        group by 1 having count(distinct category) > 1)""")
    assert 0 < across < 0.2 * scalar(small_db, "select count(distinct fan_id) from fans")
    for col in ("gender", "birth_year", "province", "city", "city_tier", "device", "interests"):
        unknown = scalar(small_db, f"select avg(({col} is null)::int) from fans")
        assert 0.03 <= unknown <= 0.16, (col, unknown)
    mobile = scalar(small_db, "select avg((device in ('ios', 'android'))::int) from fans where device is not null")
    assert 0.85 <= mobile <= 0.95
    unfollowed = scalar(small_db, "select avg((unfollowed_at is not null)::int) from fans")
    assert 0.10 <= unfollowed <= 0.20
    assert scalar(small_db, "select count(*) from fans where province = '海外'") > 0
    assert scalar(small_db, """select count(*) from fans where city is not null and city_tier is not null
        and (city, city_tier) not in (values ('北京', 1), ('上海', 1), ('广州', 1), ('深圳', 1))
        and city_tier = 1""") == 0


def test_clicks_peak_in_the_evening(tiny: Path) -> None:
    hours = read(tiny, "clicks").column("clicked_at").to_numpy().astype("datetime64[h]").astype(np.int64) % 24
    share = np.bincount(hours, minlength=24) / len(hours)
    evening = share[19:24].sum()
    assert all(evening > share[h:h + 5].sum() for h in range(0, 8))
    assert share[20:23].min() > share[3:7].max() * 3


def test_no_event_outside_the_span(tiny: Path) -> None:
    for table, col in [("posts", "posted_at"), ("clicks", "clicked_at"), ("campaigns", "start_at"),
                       ("campaigns", "end_at"), ("fans", "followed_at"), ("fans", "unfollowed_at")]:
        values = read(tiny, table).column(col).drop_null().to_pylist()
        assert max(values) <= LAST_LOCAL, (table, col)
        if table != "fans":
            assert min(values) >= FIRST_LOCAL, (table, col)
    utc = dt.UTC
    for col in ("ordered_at", "refunded_at"):
        values = read(tiny, "orders").column(col).drop_null().to_pylist()
        assert max(values) <= dt.datetime(2026, 10, 31, 15, 59, 59, 999999, tzinfo=utc), col
        assert min(values) >= dt.datetime(2026, 4, 30, 16, tzinfo=utc), col


def test_orders_are_utc_instants_eight_hours_behind_shanghai(small_db: duckdb.DuckDBPyConnection) -> None:
    # A quick order lands minutes after its click in Shanghai wall-clock time; read the UTC instant
    # as local time and (almost) every order would sit 8 h before its click instead.
    near = """select avg(exists (select 1 from clicks c where c.user_id = o.user_id and c.product_id = o.product_id
                and c.clicked_at between {t} - interval 1 hour and {t})::int) from orders o"""
    local = "(o.ordered_at at time zone 'Asia/Shanghai')"
    naive_utc = "(o.ordered_at at time zone 'UTC')"
    assert scalar(small_db, near.format(t=local)) > 0.3
    assert scalar(small_db, near.format(t=naive_utc)) < 0.05
    hours = small_db.execute(f"select hour({local}) h, count(*) from orders o group by 1").fetchall()
    by_hour = dict(hours)
    assert by_hour.get(21, 0) > 3 * by_hour.get(4, 0)


def test_attribution_windows_and_store_sales(small_db: duckdb.DuckDBPyConnection) -> None:
    small_db.execute("""create or replace temp table att as
        select o.order_id, o.status, o.ordered_at at time zone 'Asia/Shanghai' as t, c.clicked_at, c.post_id
        from orders o asof left join clicks c on o.user_id = c.user_id and o.product_id = c.product_id
        and (o.ordered_at at time zone 'Asia/Shanghai') >= c.clicked_at""")
    share = small_db.execute("""select avg((clicked_at is null)::int),
        avg(coalesce(t - clicked_at <= interval 1 hour, false)::int),
        avg(coalesce(t - clicked_at <= interval 7 day, false)::int),
        avg(coalesce(t - clicked_at <= interval 30 day, false)::int) from att""").fetchall()[0]
    store, h1, d7, d30 = share
    assert 0.10 <= store <= 0.20
    assert 0.2 < h1 < d7 < d30
    refunds = scalar(small_db, "select avg((status = 'refunded')::int) from orders")
    assert 0.05 <= refunds <= 0.15
    cvr = dict(small_db.execute("""
        with o as (select post_id, count(*) n from att where t - clicked_at <= interval 7 day group by 1),
             c as (select post_id, count(*) n from clicks group by 1)
        select p.content_type, sum(o.n) / sum(c.n) from posts p join c using (post_id) left join o using (post_id)
        group by 1""").fetchall())
    assert min(cvr["video"], cvr["live"]) > cvr["text"]
    assert min(cvr["video"], cvr["live"]) > cvr["image"]
    ties = scalar(small_db, """select count(*) from (select user_id, product_id, clicked_at from clicks
        group by all having count(distinct post_id) > 1)""")
    assert ties > 0


def test_bot_bursts_are_planted_and_silent(tiny: Path) -> None:
    con = connect(tiny)
    con.register("bursts", pq.read_table(tiny / "_truth" / "bot_bursts.parquet"))
    assert scalar(con, "select count(*) from bursts") >= 2
    found = con.execute("""
        select b.influencer_id, b.n_fans, count(f.fan_id), epoch(max(b.burst_end) - max(b.burst_start)) / 60,
               (select count(*) from fans g where g.influencer_id = b.influencer_id)
        from bursts b join fans f on f.influencer_id = b.influencer_id
             and f.followed_at between b.burst_start and b.burst_end
        group by all""").fetchall()
    for _, n_fans, in_window, minutes, total in found:
        assert n_fans >= 100 and in_window >= n_fans and 10 <= minutes <= 30
        # Way above the account's usual follow rate over its history.
        assert in_window / minutes > 5 * total / (3 * 365 * 24 * 60)
    # Bots never click or buy: among the window's followers, only the few genuine ones may.
    for table in ("clicks", "orders"):
        active, genuine = con.execute(f"""
            with w as (select f.fan_id, b.n_fans from fans f join bursts b using (influencer_id)
                       where f.followed_at between b.burst_start and b.burst_end)
            select (select count(distinct user_id) from {table} where user_id in (select fan_id from w)),
                   (select count(*) from w) - (select sum(n_fans) from bursts)""").fetchall()[0]
        assert active <= genuine, table


def test_campaigns_paid_clicks_new_fans_and_truth(small: Path, small_db: duckdb.DuckDBPyConnection) -> None:
    con = small_db
    assert {r[0] for r in con.execute("select product from campaigns").fetchall()} == set(ENUMS["campaigns",
                                                                                                "product"])
    assert scalar(con, """select count(*) from campaigns where (product = 'account_recommend') <> (post_id is null)
        or (product = 'delegated_headline') <> (buyer_merchant_id is not null)""") == 0
    assert scalar(con, "select count(*) from campaigns where end_at - start_at > interval 7 day") == 0
    assert scalar(con, "select count(*) from campaigns where spend = 0") > 0
    assert scalar(con, "select count(*) from campaigns where impressions = 0") > 0
    # Paid clicks sit on the campaign's post, inside its window, with its product as channel.
    assert scalar(con, "select count(*) from clicks where campaign_id is not null") > 0
    assert scalar(con, """select count(*) from clicks k join campaigns c using (campaign_id)
        where k.post_id <> c.post_id or k.clicked_at not between c.start_at and c.end_at
        or k.channel <> c.product""") == 0
    assert scalar(con, "select count(*) from clicks where (channel = 'organic') <> (campaign_id is null)") == 0
    # Campaign follows arrive inside the window with the campaign's source.
    assert scalar(con, """select count(*) from fans f where source not in ('organic', 'other') and not exists (
        select 1 from campaigns c where c.influencer_id = f.influencer_id and f.followed_at between c.start_at
        and c.end_at and f.source = case c.product when 'delegated_headline' then 'fan_headline' else c.product end)
        """) == 0
    con.register("lift", pq.read_table(small / "_truth" / "campaign_lift.parquet"))
    assert scalar(con, "select count(*) from lift anti join campaigns using (campaign_id)") == 0
    assert scalar(con, "select count(*) from campaigns anti join lift using (campaign_id)") == 0
    lifts = [r[0] for r in con.execute("select true_incremental_orders from lift").fetchall()]
    assert min(lifts) == 0 and max(lifts) >= 3
    assert scalar(con, """select count(*) from lift join campaigns using (campaign_id)
        where true_incremental_orders > 0 and (product = 'account_recommend' or impressions = 0)""") == 0
    # Incremental orders are a subset of the orders bought through the campaign's clicks.
    assert scalar(con, """select count(*) from lift l where true_incremental_orders >
        (select count(*) from clicks k where k.campaign_id = l.campaign_id)""") == 0


def test_posts_look_like_posts(small_db: duckdb.DuckDBPyConnection) -> None:
    mix = dict(small_db.execute("select content_type, count(*) from posts group by 1").fetchall())
    assert max(mix, key=mix.get) == "image" and set(mix) == set(ENUMS["posts", "content_type"])
    no_links = scalar(small_db, "select avg((product_ids is null or len(product_ids) = 0)::int) from posts")
    assert 0.12 <= no_links <= 0.28
    assert scalar(small_db, "select max(len(product_ids)) from posts") == 3
    assert scalar(small_db, "select avg((category is null)::int) from posts") > 0.7
    assert scalar(small_db, "select count(*) from posts where impressions = 0") > 0
    hours = dict(small_db.execute("select hour(posted_at), count(*) from posts group by 1").fetchall())
    assert hours.get(20, 0) > 5 * hours.get(4, 0)

"""queries/_prepare.sql's fan spans: a user is a fan at t (is_fan_at over any of the pair's follows) exactly when
one span holds t, whatever the follows look like: overlapping, touching, nested, repeated, empty, reversed, open."""

from __future__ import annotations

import math

import duckdb
import pandas as pd
from hypothesis import example, given, settings
from hypothesis import strategies as st

from advisor import db

EPOCH = pd.Timestamp("2026-05-01")
# A follow of one of two influencers by one of two users: start and end in seconds (None: open, or no start).
follows = st.lists(st.tuples(st.integers(1, 2), st.integers(1, 2), st.none() | st.integers(0, 40),
                             st.none() | st.integers(0, 40)), max_size=12)
moments = st.lists(st.integers(-1, 42), min_size=1, max_size=12)


def create_macros(con: duckdb.DuckDBPyConnection, *names: str) -> None:
    """Create the named macros of queries/_prepare.sql, then of queries/_macros.sql, on `con`, each file in its order
    (a macro after those it calls)."""
    for text in (db._prepare_sql(), db._macros_sql()):
        for statement in con.extract_statements(text):
            if any(f"macro {name}(" in statement.query for name in names):
                con.execute(statement.query)


def _ts(seconds: int | None) -> pd.Timestamp | None:
    return None if seconds is None else EPOCH + pd.Timedelta(seconds=seconds)


def spans_of(rows: list[tuple]) -> pd.DataFrame:
    """fan_spans as the preparation script makes it, from these follows (a `fans` table of just its columns)."""
    fans = pd.DataFrame([(i, f, _ts(a), _ts(b)) for i, f, a, b in rows],
                        columns=["influencer_id", "fan_id", "followed_at", "unfollowed_at"]).astype(
        {"influencer_id": "int64", "fan_id": "int64", "followed_at": "datetime64[us]",
         "unfollowed_at": "datetime64[us]"})
    sql = db._prepare_sql()
    con = duckdb.connect()
    try:
        con.register("fans_frame", fans)
        con.execute("create table fans as select * from fans_frame")
        create_macros(con, "is_fan_at")
        con.execute(db._statement(con, sql, "fan_spans"))
        return con.sql("select * from fan_spans").df()
    finally:
        con.close()


@settings(max_examples=150, deadline=None)
@given(follows, moments)
def test_a_span_holds_t_exactly_when_a_follow_does(rows: list[tuple], ts: list[int]) -> None:
    spans = spans_of(rows)
    for influencer in (1, 2):
        for fan in (1, 2):
            mine = spans[(spans.influencer_id == influencer) & (spans.fan_id == fan)]
            for t in map(_ts, ts):
                expected = any(i == influencer and f == fan and a is not None and _ts(a) <= t
                               and (b is None or _ts(b) > t) for i, f, a, b in rows)
                holding = ((mine.followed_at <= t) & (mine.unfollowed_at.isna() | (mine.unfollowed_at > t))).sum()
                assert holding == int(expected), (influencer, fan, t, rows)


def test_touching_and_overlapping_follows_become_one_span() -> None:
    spans = spans_of([(1, 1, 0, 5), (1, 1, 5, 9), (1, 1, 3, 4), (1, 1, 20, None), (1, 1, 25, 30), (1, 1, 12, 12)])
    spans = spans.sort_values("followed_at")
    assert list(spans.followed_at) == [_ts(0), _ts(20)]
    assert spans.unfollowed_at.iloc[0] == _ts(9) and pd.isna(spans.unfollowed_at.iloc[1])


# ---- active_spans: a user is active at t when a click or order lies in [t − 90 days, t) --------------------------

DAY = pd.Timedelta(days=1)
# A click or an order of one of two users, on a day 0..400 plus -1, 0 or +1 microsecond: gaps of exactly 90 days
# and a microsecond either side come up often.
activities = st.lists(st.tuples(st.sampled_from(["click", "order"]), st.integers(1, 2), st.integers(0, 400),
                                st.integers(-1, 1)), max_size=14)
instants = st.lists(st.tuples(st.integers(-1, 500), st.integers(-1, 1)), min_size=1, max_size=12)


def _at(day: int, us: int) -> pd.Timestamp:
    return EPOCH + day * DAY + pd.Timedelta(microseconds=us)


def active_spans_of(rows: list[tuple]) -> pd.DataFrame:
    """active_spans as the preparation script makes it, from these clicks and orders (tables of just the columns
    it reads)."""
    frame = pd.DataFrame([(kind, user, _at(day, us)) for kind, user, day, us in rows],
                         columns=["kind", "user_id", "moment"]).astype({"user_id": "int64", "moment": "datetime64[us]"})
    con = duckdb.connect()
    try:
        con.register("frame", frame)
        con.execute("create table click_facts as "
                    "select user_id, moment as clicked_at from frame where kind = 'click'")
        con.execute("create table order_last_click as "
                    "select user_id, moment as ordered_at from frame where kind = 'order'")
        con.execute(db._statement(con, db._prepare_sql(), "active_spans"))
        return con.sql("select * from active_spans").df()
    finally:
        con.close()


@settings(max_examples=200, deadline=None)
@given(activities, instants)
def test_one_span_holds_t_exactly_when_the_user_was_active_in_the_90_days_before(rows: list[tuple],
                                                                                 ts: list[tuple]) -> None:
    spans = active_spans_of(rows)
    for user in (1, 2):
        mine = spans[spans.user_id == user]
        for t in (_at(day, us) for day, us in ts):
            expected = any(u == user and t - 90 * DAY <= _at(d, us) < t for _, u, d, us in rows)
            holding = ((mine.first_at < t) & (mine.last_at >= t - 90 * DAY)).sum()
            assert holding == int(expected), (user, t, rows)


def test_activities_90_days_apart_make_one_span_and_a_microsecond_more_two() -> None:
    spans = active_spans_of([("click", 1, 0, 0), ("order", 1, 90, 0), ("click", 2, 0, 0), ("click", 2, 90, 1)])
    assert spans[spans.user_id == 1][["first_at", "last_at"]].values.tolist() == [[_at(0, 0), _at(90, 0)]]
    assert sorted(spans[spans.user_id == 2]["first_at"]) == [_at(0, 0), _at(90, 1)]


# ---- daily_clicks: the clicks of whole days, and the users who clicked in them ----------------------------------

# A click of user 1, 2 or none (None) on post 1 (of influencer 1), 2 (not exported) or 3 (exported without an
# influencer), on a day 0..6 plus an instant in it: 0 (midnight), a microsecond either side of it, or noon. Repeats
# make clicks of one user at the same instant. Only post 1's clicks count.
clicks_on_days = st.lists(st.tuples(st.sampled_from([1, 2, None]), st.sampled_from([1, 2, 3]), st.integers(0, 6),
                                    st.sampled_from([0, 1, 12 * 3600 * 10**6, 24 * 3600 * 10**6 - 1])), max_size=14)


def daily_clicks_of(rows: list[tuple]) -> duckdb.DuckDBPyConnection:
    """A connection holding daily_clicks as the preparation script makes it, from these clicks and posts (tables
    `clicks` and `influencer_posts` of just the columns it reads), and the macros that read it."""
    frame = pd.DataFrame([(user, post, EPOCH + day * DAY + pd.Timedelta(microseconds=us))
                          for user, post, day, us in rows],
                         columns=["user_id", "post_id", "clicked_at"]).astype(
        {"user_id": "Int64", "post_id": "Int64", "clicked_at": "datetime64[us]"})
    con = duckdb.connect()
    con.register("frame", frame)
    con.execute("create table clicks as select * from frame")
    con.execute("create table influencer_posts as select * from (values (1, 1), (3, null)) p(post_id, influencer_id)")
    con.execute(db._statement(con, db._prepare_sql(), "daily_clicks"))
    create_macros(con, "at_midnight", "whole_days", "everyone_whole_days", "everyone_clicks_by_day")
    return con


@settings(max_examples=200, deadline=None)
@given(clicks_on_days, st.integers(0, 7), st.integers(0, 7))
def test_the_clickers_of_whole_days_are_the_distinct_users_who_clicked_in_them(rows: list[tuple], first: int,
                                                                              days: int) -> None:
    start, end = EPOCH + first * DAY, EPOCH + (first + days) * DAY
    con = daily_clicks_of(rows)
    try:
        got = con.execute("select coalesce(sum(clicks), 0), coalesce(sum(new_clickers), 0) "
                          "from everyone_clicks_by_day($from, $to, [], null, null)",
                          {"from": start.to_pydatetime(), "to": end.to_pydatetime()}).fetchone()
    finally:
        con.close()
    inside = [(user, EPOCH + day * DAY + pd.Timedelta(microseconds=us)) for user, post, day, us in rows if post == 1]
    inside = [(user, t) for user, t in inside if start <= t < end]
    assert got == (len(inside), len({user for user, _ in inside if user is not None})), rows


def test_a_bound_that_is_not_a_midnight_or_a_narrower_view_has_no_rows_there() -> None:
    con = daily_clicks_of([(1, 1, 0, 1), (2, 1, 1, 0)])
    try:
        def rows(start: pd.Timestamp, end: pd.Timestamp, ids: list[int], influencers: list[int] | None,
                 merchants: list[int] | None) -> int:
            return con.execute("select count(*) from everyone_clicks_by_day($from, $to, $ids, $inf, $mer)",
                               {"from": start.to_pydatetime(), "to": end.to_pydatetime(), "ids": ids,
                                "inf": influencers, "mer": merchants}).fetchone()[0]
        assert rows(EPOCH, EPOCH + 2 * DAY, [], None, None) == 2
        assert rows(EPOCH + pd.Timedelta(hours=1), EPOCH + 2 * DAY, [], None, None) == 0
        assert rows(EPOCH, EPOCH + 2 * DAY - pd.Timedelta(microseconds=1), [], None, None) == 0
        assert rows(EPOCH, EPOCH + 2 * DAY, [1], None, None) == 0
        assert rows(EPOCH, EPOCH + 2 * DAY, [], [1], None) == 0
        assert rows(EPOCH, EPOCH + 2 * DAY, [], None, [1]) == 0
    finally:
        con.close()


# ---- daily_orders: the attributed orders of whole days, and the users who placed them --------------------------

# An order of user 1, 2 or none (None), whose latest click is on a post of influencer 1 or of none (not an existing
# post's), at a lag of none (no click), 0, exactly the summed window (7 days) or a microsecond more, on a day 0..6 plus
# an instant in it, refunded or not. Repeats make orders of one user at the same instant.
WEEK_US = 7 * 24 * 3600 * 10**6
orders_on_days = st.lists(st.tuples(st.sampled_from([1, 2, None]), st.sampled_from([1, None]),
                                    st.sampled_from([None, 0, WEEK_US, WEEK_US + 1]), st.integers(0, 6),
                                    st.sampled_from([0, 1, 12 * 3600 * 10**6, 24 * 3600 * 10**6 - 1]), st.booleans()),
                          max_size=14)


def daily_orders_of(rows: list[tuple]) -> duckdb.DuckDBPyConnection:
    """A connection holding daily_orders as the preparation script makes it, from these orders (order_last_click of
    just the columns it reads; amounts 1, 2, 3, ... in row order), and the macros that read it."""
    frame = pd.DataFrame(
        [(user, influencer, EPOCH + day * DAY + pd.Timedelta(microseconds=us),
          None if lag is None else EPOCH + day * DAY + pd.Timedelta(microseconds=us - lag),
          i + 1, "refunded" if refunded else "paid")
         for i, (user, influencer, lag, day, us, refunded) in enumerate(rows)],
        columns=["user_id", "influencer_id", "ordered_at", "clicked_at", "amount", "status"]).astype(
        {"user_id": "Int64", "influencer_id": "Int64", "ordered_at": "datetime64[us]", "clicked_at": "datetime64[us]",
         "amount": "float64", "status": "object"})
    con = duckdb.connect()
    con.register("frame", frame)
    con.execute("create table order_last_click as select * replace (cast(amount as decimal(18, 2)) as amount) "
                "from frame")
    create_macros(con, "net_of", "summed_window")
    con.execute(db._statement(con, db._prepare_sql(), "daily_orders"))
    create_macros(con, "at_midnight", "whole_days", "everyone_whole_days", "orders_suffice", "everyone_summed_orders",
                  "everyone_orders_by_day")
    return con


@settings(max_examples=200, deadline=None)
@given(orders_on_days, st.integers(0, 7), st.integers(0, 7))
def test_the_buyers_of_whole_days_are_the_distinct_users_who_ordered_in_them(rows: list[tuple], first: int,
                                                                            days: int) -> None:
    start, end = EPOCH + first * DAY, EPOCH + (first + days) * DAY
    con = daily_orders_of(rows)
    try:
        got = con.execute("select coalesce(sum(orders), 0), coalesce(sum(new_buyers), 0), coalesce(sum(gmv), 0), "
                          "coalesce(sum(net_gmv), 0), coalesce(sum(refunded_orders), 0) "
                          "from everyone_orders_by_day($from, $to, interval 7 day, [], null, null)",
                          {"from": start.to_pydatetime(), "to": end.to_pydatetime()}).fetchone()
    finally:
        con.close()
    inside = [(user, i + 1, refunded) for i, (user, influencer, lag, day, us, refunded) in enumerate(rows)
              if influencer is not None and lag is not None and lag <= WEEK_US
              and start <= EPOCH + day * DAY + pd.Timedelta(microseconds=us) < end]
    assert got == (len(inside), len({user for user, _, _ in inside if user is not None}),
                   sum(amount for _, amount, _ in inside),
                   sum(amount for _, amount, refunded in inside if not refunded),
                   sum(1 for *_, refunded in inside if refunded)), rows


def test_orders_of_a_bound_that_is_not_a_midnight_another_window_or_a_narrower_view_have_no_rows_there() -> None:
    con = daily_orders_of([(1, 1, 0, 0, 1, False), (2, 1, WEEK_US, 1, 0, True)])
    try:
        def rows(start: pd.Timestamp, end: pd.Timestamp, window: pd.Timedelta, ids: list[int],
                 influencers: list[int] | None, merchants: list[int] | None) -> int:
            return con.execute("select count(*) from everyone_orders_by_day($from, $to, $win, $ids, $inf, $mer)",
                               {"from": start.to_pydatetime(), "to": end.to_pydatetime(),
                                "win": window.to_pytimedelta(), "ids": ids, "inf": influencers,
                                "mer": merchants}).fetchone()[0]
        week_td = pd.Timedelta(days=7)
        assert rows(EPOCH, EPOCH + 2 * DAY, week_td, [], None, None) == 2
        assert rows(EPOCH + pd.Timedelta(hours=1), EPOCH + 2 * DAY, week_td, [], None, None) == 0
        assert rows(EPOCH, EPOCH + 2 * DAY - pd.Timedelta(microseconds=1), week_td, [], None, None) == 0
        assert rows(EPOCH, EPOCH + 2 * DAY, pd.Timedelta(days=1), [], None, None) == 0
        assert rows(EPOCH, EPOCH + 2 * DAY, week_td, [1], None, None) == 0
        assert rows(EPOCH, EPOCH + 2 * DAY, week_td, [], [1], None) == 0
        assert rows(EPOCH, EPOCH + 2 * DAY, week_td, [], None, [1]) == 0
    finally:
        con.close()


# ---- order_last_click: the click an order starts from, ties at one instant ---------------------------------------

# A click of one user on one product at second 0 or 2, of post 1, 2 or none, campaign none, 1 or 2, channel a, b or
# none (a null post or channel breaks the contract, and is reported, but must not scramble the choice).
tied_clicks = st.lists(st.tuples(st.sampled_from([0, 2]), st.sampled_from([None, 1, 2]), st.sampled_from([None, 1, 2]),
                                 st.sampled_from([None, "a", "b"])), min_size=1, max_size=8)


def _rank(click: tuple) -> tuple:
    """Ties at one instant (_prepare.sql): the higher post, then campaign (none as -1), then channel; nulls lose."""
    _, post, campaign, channel = click
    return (post is not None, post or 0, -1 if campaign is None else campaign, channel is not None, channel or "")


@settings(max_examples=200, deadline=None)
@given(tied_clicks)
def test_an_order_s_latest_click_is_one_click_of_its_instant_the_highest_ranked(rows: list[tuple]) -> None:
    con = duckdb.connect()
    try:
        con.execute("create table clicks as select * from (values " + ", ".join(
            f"(timestamp '2026-05-01' + interval {s} second, 7, {'null' if p is None else p}, 5, "
            f"{'null' if ch is None else repr(ch)}, {'null' if c is None else c})" for s, p, c, ch in rows) +
            ") c(clicked_at, user_id, post_id, product_id, channel, campaign_id)")
        con.execute("create table orders as select * from (values (1, timestamp '2026-05-01 00:00:01'), "
                    "(2, timestamp '2026-05-01 00:00:03')) o(order_id, ordered_at), "
                    "(select 7 as user_id, 5 as product_id, 1 as quantity, 9.9 as amount, 'paid' as status, "
                    "null::timestamp as refunded_at)")
        con.execute("create table influencer_posts as "
                    "select * from (values (1, 10), (2, 20)) p(post_id, influencer_id)")
        con.execute("create table fans (influencer_id bigint, fan_id bigint, followed_at timestamp, "
                    "unfollowed_at timestamp)")
        create_macros(con, "is_fan_at")
        con.execute(db._statement(con, db._prepare_sql(), "order_last_click"))
        got = {order: (post, channel, campaign) for order, post, channel, campaign in con.execute(
            "select order_id, post_id, channel, campaign_id from order_last_click").fetchall()}
    finally:
        con.close()
    for order, at in ((1, 1), (2, 3)):
        before = [r for r in rows if r[0] <= at]
        if not before:
            assert got[order] == (None, None, None)
            continue
        latest = max(r[0] for r in before)
        _, post, campaign, channel = max((r for r in before if r[0] == latest), key=_rank)
        assert got[order] == (post, channel, campaign), (order, rows)


# ---- engaged_days: the fans at a period's end who clicked in it, as sums over the days -------------------------------

# A follow of influencer 1 or 2 by user 1 or 2 and a click of user 1, 2 or none on a post of influencer 1 (post 1) or
# 2 (post 2) or on a missing post (3), each on day 0-6 at midnight, a microsecond after, noon or a microsecond before
# the next midnight; a follow may have no end, or end before or at its start (never a fan).
MOMENTS_IN_A_DAY = [0, 1, 12 * 3600 * 10**6, 24 * 3600 * 10**6 - 1]
day_moments = st.tuples(st.integers(0, 6), st.sampled_from(MOMENTS_IN_A_DAY))
fan_follows_on_days = st.lists(st.tuples(st.integers(1, 2), st.integers(1, 2), day_moments, st.none() | day_moments),
                               max_size=6)
user_clicks_on_days = st.lists(st.tuples(st.sampled_from([1, 2, None]), st.sampled_from([1, 2, 3]), day_moments),
                               max_size=14)
# The periods checked on each example: every [from, to) between midnights of days 0-8 (sums of engaged_days), and
# bounds a microsecond or half a day after a midnight (the clickers semi-joined to the follows).
PERIODS = [((a, 0), (b, 0)) for a in range(9) for b in range(a, 9)] + [
    ((a, x), (b, y)) for a in (0, 2) for b in (3, 5) for x, y in ((1, 0), (0, 1), (0, 12 * 3600 * 10**6))]


def _on(moment: tuple[int, int]) -> pd.Timestamp:
    day, us = moment
    return EPOCH + day * DAY + pd.Timedelta(microseconds=us)


def engaged_of(follow_rows: list[tuple], click_rows: list[tuple]) -> duckdb.DuckDBPyConnection:
    """A connection holding engaged_days as the preparation script makes it (through fan_spans, click_facts and
    click_runs, from tables `fans`, `clicks` and `influencer_posts` of just the columns they read), fan_follows, and
    the macros engaged_fans reads."""
    fans = pd.DataFrame([(i, f, _on(a), None if b is None else _on(b)) for i, f, a, b in follow_rows],
                        columns=["influencer_id", "fan_id", "followed_at", "unfollowed_at"]).astype(
        {"influencer_id": "int64", "fan_id": "int64", "followed_at": "datetime64[us]",
         "unfollowed_at": "datetime64[us]"}).assign(_file="fans.parquet")
    clicks = pd.DataFrame([(user, post, _on(at)) for user, post, at in click_rows],
                          columns=["user_id", "post_id", "clicked_at"]).astype(
        {"user_id": "Int64", "post_id": "int64", "clicked_at": "datetime64[us]"})
    clicks = clicks.assign(product_id=5, channel="feed", campaign_id=pd.Series([None] * len(clicks), dtype="Int64"))
    con = duckdb.connect()
    con.register("fans_frame", fans)
    con.register("clicks_frame", clicks)
    con.execute("create table fans as select * from fans_frame")
    con.execute("create table clicks as select * from clicks_frame")
    con.execute("create table influencer_posts as select * from (values (1, 1), (2, 2)) p(post_id, influencer_id)")
    con.execute("create table products as select 5 as product_id, 1 as merchant_id")
    prepare = db._prepare_sql()
    create_macros(con, "is_fan_at", "ceil_day")
    # no orders: settled_fan_days holds the clicks' steps only
    con.execute("create table buyer_order_spans (influencer_id bigint, ordered_at timestamp, prev_at timestamp, "
                "followed_at timestamp, unfollowed_at timestamp)")
    for table in ("fan_follows", "fan_spans", "click_facts", "click_runs", "engaged_days", "settled_fan_days",
                  "fans_settled"):
        con.execute(db._statement(con, prepare, table))
    create_macros(con, "visible_influencer", "visible_product", "chosen", "chosen_clicks", "chosen_clickers",
                  "at_midnight", "whole_days", "engaged_in", "fans_settled_by", "engaged_fans")
    return con


@settings(max_examples=150, deadline=None)
@given(fan_follows_on_days, user_clicks_on_days)
def test_engaged_fans_are_the_fans_at_the_end_who_clicked_in_the_period(follow_rows: list[tuple],
                                                                      click_rows: list[tuple]) -> None:
    con = engaged_of(follow_rows, click_rows)
    try:
        for start, end in PERIODS:
            start_at, end_at = _on(start), _on(end)
            got = dict(con.execute("select influencer_id, engaged_fans from engaged_fans($from, $to, [], null, null)",
                                   {"from": start_at.to_pydatetime(), "to": end_at.to_pydatetime()}).fetchall())
            expected = {}
            for influencer in (1, 2):
                clickers = {user for user, post, at in click_rows
                            if post == influencer and user is not None and start_at <= _on(at) < end_at}
                fans = {fan for i, fan, a, b in follow_rows
                        if i == influencer and _on(a) <= end_at and (b is None or _on(b) > end_at)}
                if clickers & fans:
                    expected[influencer] = len(clickers & fans)
            assert got == expected, (follow_rows, click_rows, start_at, end_at)
    finally:
        con.close()


def test_engaged_days_holds_the_first_click_days_first_then_in_influencer_and_day_order() -> None:
    """A period from the exports' first day reads the users' first click days only (prev_day null): they come first,
    so the other rows' files are skipped; each part in influencer order, then by day, for one influencer's view."""
    follows = [(i, u, (0, 0), None) for i in (1, 2) for u in (1, 2)]
    clicks = [(u, post, (day, 12 * 3600 * 10**6)) for u in (1, 2) for post in (2, 1) for day in (5, 1, 3)]
    con = engaged_of(follows, clicks)
    try:
        rows = con.execute("select prev_day is not null, influencer_id, day from engaged_days").fetchall()
    finally:
        con.close()
    assert [first for first, _, _ in rows] == [False] * 2 + [True] * 4
    assert rows == sorted(rows)


# ---- dormant_days: the fans at a midnight with no click and no order in the 90 days before it ----------------------

# A follow of influencer 1 by user 1, 2 or none (None: no fan id), starting on day 0-12 and ending on day 0-110 or
# never; an activity (a click or an order) of user 1 or 2 on day 0-12 or 88-104, each at a midnight, just after or
# before one, or at noon: so the 90 days before a midnight begin and end at activities, follows and unfollows.
dormant_follows = st.lists(st.tuples(st.sampled_from([1, 2, None]), day_moments,
                                     st.none() | st.tuples(st.integers(0, 110), st.sampled_from(MOMENTS_IN_A_DAY))),
                           max_size=5)
activities = st.lists(st.tuples(st.sampled_from([1, 2]), st.sampled_from(["click", "order"]),
                                st.tuples(st.sampled_from([*range(13), *range(88, 105)]),
                                          st.sampled_from(MOMENTS_IN_A_DAY))), max_size=8)


@settings(max_examples=150, deadline=None)
@given(dormant_follows, activities)
def test_the_dormant_fans_at_a_midnight_are_the_fans_inactive_in_the_90_days_before(follow_rows: list[tuple],
                                                                                   activity: list[tuple]) -> None:
    fans = pd.DataFrame([(1, fan, _on(a), None if b is None else _on(b)) for fan, a, b in follow_rows],
                        columns=["influencer_id", "fan_id", "followed_at", "unfollowed_at"]).astype(
        {"influencer_id": "int64", "fan_id": "Int64", "followed_at": "datetime64[us]",
         "unfollowed_at": "datetime64[us]"}).assign(_file="fans.parquet")
    acts = pd.DataFrame([(user, kind, _on(at)) for user, kind, at in activity],
                        columns=["user_id", "kind", "active_at"]).astype({"user_id": "int64",
                                                                         "active_at": "datetime64[us]"})
    con = duckdb.connect()
    try:
        con.register("fans_frame", fans)
        con.register("acts", acts)
        con.execute("create table fans as select * from fans_frame")
        con.execute("create table click_facts as "
                    "select user_id, active_at as clicked_at from acts where kind = 'click'")
        con.execute("create table order_last_click as "
                    "select user_id, active_at as ordered_at from acts where kind = 'order'")
        prepare = db._prepare_sql()
        create_macros(con, "is_fan_at", "ceil_day")
        for table in ("fan_follows", "active_spans", "dormant_days"):
            con.execute(db._statement(con, prepare, table))
        rows = con.execute("select first_end, last_end, follows from dormant_days").fetchall()
        # the ranges without an end first (the sidebar presets' period end reads only those), each part in order
        keys = con.execute("select last_end is not null, influencer_id, first_end, coalesce(last_end, first_end) "
                           "from dormant_days").fetchall()
    finally:
        con.close()
    assert keys == sorted(keys)
    for day in range(0, 112):
        t = EPOCH + day * DAY
        got = sum(n for first, last, n in rows
                  if pd.Timestamp(first) <= t and (last is None or pd.Timestamp(last) >= t))
        expected = sum(1 for fan, a, b in follow_rows
                       if _on(a) <= t and (b is None or _on(b) > t)
                       and not any(user == fan and t - 90 * DAY <= _on(at) < t for user, _, at in activity))
        assert got == expected, (day, follow_rows, activity)


def test_the_summed_window_is_the_window_the_screens_open_with() -> None:
    """post_sums and post_order_totals hold the orders attributed within summed_window(): the default view of every
    screen reads them only when its window is that one (another window counts the orders)."""
    from advisor import metrics, ui

    con = duckdb.connect()
    try:
        create_macros(con, "summed_window")
        [(window,)] = con.execute("select summed_window()").fetchall()
    finally:
        con.close()
    assert window == metrics.DEFAULT_WINDOW == ui.WINDOWS[ui.DEFAULT_WINDOW]


# ---- lift_spans: a campaign's own span and its baseline weeks ------------------------------------------------------

HOUR = pd.Timedelta(hours=1)
WEEK = pd.Timedelta(days=7)
# A campaign: its start (hours after EPOCH, which may be before the first click) and length in hours; with a window
# (hours), a period end (hours after the start: may cut the span) and the first click (hours after EPOCH).
lift_campaigns = st.lists(st.tuples(st.integers(0, 24 * 90), st.integers(0, 24 * 30)), min_size=1, max_size=5)


@settings(max_examples=150, deadline=None)
@given(lift_campaigns, st.sampled_from([1, 24 * 7, 24 * 30]), st.none() | st.integers(1, 24 * 60),
       st.integers(0, 24 * 60))
def test_lift_spans_are_the_own_span_and_the_weeks_before_it_from_the_first_click(
        campaigns: list[tuple[int, int]], window: int, cut: int | None, first: int) -> None:
    """campaign_roi's and campaign_hourly's spans (METRICS.md, Incrementality), against the rule spelled out: the
    campaign's own span always, cut at the period end (none: not cut, as campaign_span_orders has them); k = 1..4 moved
    back k times its length rounded up to whole weeks, those starting at or after the first click."""
    frame = pd.DataFrame([(i + 1, EPOCH + start * HOUR, EPOCH + (start + length) * HOUR)
                          for i, (start, length) in enumerate(campaigns)],
                         columns=["campaign_id", "start_at", "end_at"]).astype(
        {"start_at": "datetime64[us]", "end_at": "datetime64[us]"})
    frame["influencer_id"] = 1
    last_start = frame["start_at"].max()
    period_end = pd.Timestamp.max.floor("D") if cut is None else last_start + cut * HOUR
    first_click = EPOCH + first * HOUR
    con = duckdb.connect()
    try:
        con.register("campaigns", frame)
        create_macros(con, "lift_spans")
        params = {"win": (window * HOUR).to_pytimedelta(), "first": first_click.to_pydatetime()}
        if cut is None:  # as campaign_span_orders calls it: not cut
            sql = "select campaign_id, k, b_start, b_end from lift_spans($win, timestamp 'infinity', $first)"
        else:
            sql = "select campaign_id, k, b_start, b_end from lift_spans($win, $end, $first)"
            params["end"] = period_end.to_pydatetime()
        got = con.execute(sql + " order by 1, 2", params).fetchall()
    finally:
        con.close()
    expected = []
    for row in frame.itertuples():
        span_end = min(row.end_at + window * HOUR, period_end)
        shift = WEEK * max(1, math.ceil((span_end - row.start_at) / WEEK))
        expected += [(row.campaign_id, k, row.start_at - k * shift, span_end - k * shift) for k in range(5)
                     if k == 0 or row.start_at - k * shift >= first_click]
    assert [(c, k, pd.Timestamp(a), pd.Timestamp(b)) for c, k, a, b in got] == expected, (campaigns, window, cut)


# ---- settled_fan_days: the engaged and buying fans of a period that ends once the fans are settled ----------------

# engaged_days rows of one of two influencers: day, days back to the previous click day (None: the first), days from
# the day to the range's first end (>= 1), the range's length in days (None: open), fans.
engaged_rows = st.lists(st.tuples(st.integers(1, 2), st.integers(0, 8), st.none() | st.integers(1, 4),
                                  st.integers(1, 3), st.none() | st.integers(0, 3), st.integers(1, 3)), max_size=10)
# buyer_order_spans rows: the order (day, microseconds into it: 0 is a midnight), hours back to the previous order
# (None: the first), the follow (hours before the order; negative: after it) and the unfollow (hours after the
# follow; None: open).
buyer_rows = st.lists(st.tuples(st.integers(1, 2), st.integers(0, 8), st.sampled_from([0, 1, 3600 * 10**6]),
                                st.none() | st.integers(1, 60), st.integers(-30, 60), st.none() | st.integers(1, 90)),
                      max_size=10)


@settings(max_examples=200, deadline=None)
@given(engaged_rows, buyer_rows, st.integers(0, 10), st.integers(0, 2))
# the last event an order at a midnight (not yet before that end), or a follow after the last order
@example([], [(1, 3, 0, None, 5, None)], 0, 0)
@example([], [(1, 3, 1, None, -30, None)], 0, 0)
def test_settled_fans_are_the_engaged_and_buying_fans_of_any_later_end(engaged: list[tuple], bought: list[tuple],
                                                                       first: int, later: int) -> None:
    """From the first midnight at or after fans_settled on, the sums of settled_fan_days from a period's first day
    are its engaged fans as engaged_fans counts engaged_days' rows (engaged_in) and its buying fans as
    audience_summary counts buyer_order_spans' (an order of the period, the pair's first there, the span holding the
    end)."""
    day = lambda n: (EPOCH + n * DAY).date()  # noqa: E731
    e_frame = pd.DataFrame(
        [(i, None if back is None else day(d - back), day(d), day(d + to_first),
          None if length is None else day(d + to_first + length), fans)
         for i, d, back, to_first, length, fans in engaged],
        columns=["influencer_id", "prev_day", "day", "first_end", "last_end", "fans"]).astype(
        {"prev_day": "datetime64[s]", "day": "datetime64[s]", "first_end": "datetime64[s]",
         "last_end": "datetime64[s]"})
    b_frame = pd.DataFrame(
        [(i, EPOCH + d * DAY + pd.Timedelta(microseconds=us),
          None if back is None else EPOCH + d * DAY + pd.Timedelta(microseconds=us) - back * HOUR,
          EPOCH + d * DAY - follow * HOUR, None if length is None else EPOCH + d * DAY - follow * HOUR + length * HOUR)
         for i, d, us, back, follow, length in bought],
        columns=["influencer_id", "ordered_at", "prev_at", "followed_at", "unfollowed_at"]).astype(
        {"ordered_at": "datetime64[us]", "prev_at": "datetime64[us]", "followed_at": "datetime64[us]",
         "unfollowed_at": "datetime64[us]"})
    con = duckdb.connect()
    try:
        con.register("e_frame", e_frame)
        con.register("b_frame", b_frame)
        con.execute("create table engaged_days as select influencer_id, cast(prev_day as date) as prev_day, "
                    "cast(day as date) as day, cast(first_end as date) as first_end, "
                    "cast(last_end as date) as last_end, fans from e_frame")
        con.execute("create table buyer_order_spans as select * from b_frame")
        prepare = db._prepare_sql()
        for table in ("settled_fan_days", "fans_settled"):
            con.execute(db._statement(con, prepare, table))
        [(settled,)] = con.execute("select settled_at from fans_settled").fetchall()
        rows = con.execute("select influencer_id, day, engaged, buyers from settled_fan_days").fetchall()
    finally:
        con.close()
    if settled is None:
        assert engaged == [] and bought == [] and rows == []
        return
    start = EPOCH + first * DAY
    end = pd.Timestamp(settled).ceil("D") + later * DAY
    for influencer in (1, 2):
        got = (sum(n for i, d, n, _ in rows if i == influencer and pd.Timestamp(d) >= start),
               sum(n for i, d, _, n in rows if i == influencer and pd.Timestamp(d) >= start))
        e = e_frame[e_frame["influencer_id"] == influencer]
        b = b_frame[b_frame["influencer_id"] == influencer]
        expected = (
            int(e[(e["prev_day"].isna() | (e["prev_day"] < start)) & (e["day"] >= start) & (e["first_end"] <= end)
                  & (e["last_end"].isna() | (e["last_end"] >= end))]["fans"].sum()),
            int(((b["ordered_at"] >= start) & (b["ordered_at"] < end) & (b["prev_at"].isna() | (b["prev_at"] < start))
                 & (b["followed_at"] <= end) & (b["unfollowed_at"].isna() | (b["unfollowed_at"] > end))).sum()))
        assert got == expected, (influencer, settled, start, end)

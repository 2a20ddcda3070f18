"""queries/_prepare.sql's fan spans: a user is a fan at t (is_fan_at over any of the pair's follows) exactly when
one span holds t, whatever the follows look like: overlapping, touching, nested, repeated, empty, reversed, open."""

from __future__ import annotations

import duckdb
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor import db

EPOCH = pd.Timestamp("2026-05-01")
# A follow of one of two influencers by one of two users: start and end in seconds (None: open, or no start).
follows = st.lists(st.tuples(st.integers(1, 2), st.integers(1, 2), st.none() | st.integers(0, 40),
                             st.none() | st.integers(0, 40)), max_size=12)
moments = st.lists(st.integers(-1, 42), min_size=1, max_size=12)


def _ts(seconds: int | None) -> pd.Timestamp | None:
    return None if seconds is None else EPOCH + pd.Timedelta(seconds=seconds)


def spans_of(rows: list[tuple]) -> pd.DataFrame:
    """fan_spans as the preparation script makes it, from these follows (a `fan_follows` table of just its
    columns)."""
    fans = pd.DataFrame([(i, f, _ts(a), _ts(b)) for i, f, a, b in rows],
                        columns=["influencer_id", "fan_id", "followed_at", "unfollowed_at"]).astype(
        {"influencer_id": "int64", "fan_id": "int64", "followed_at": "datetime64[us]",
         "unfollowed_at": "datetime64[us]"})
    sql = db._prepare_sql()
    con = duckdb.connect()
    try:
        con.register("fans_frame", fans)
        con.execute("create table fan_follows as select * from fans_frame")
        for statement in con.extract_statements(sql):
            if "macro is_fan_at" in statement.query:
                con.execute(statement.query)
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

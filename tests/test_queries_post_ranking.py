"""post_ranking (the Posts screen's table, ranked and cut in SQL) against post_conversion's pandas reference, ranked
and cut in pandas: every metric both ways, the title search, one post, and a limit cutting through a tie."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from advisor import dataset, metrics

from .test_queries import Case, Tables, assert_same
from .test_queries_posts import W1H, W7D, W30D, case, ref_post_conversion

FIGURES = ["post_id", "influencer_id", "posted_at", "content_type", "title", "category", "impressions", "reads",
           "interactions", "clicks", "clickers", "fan_clicks", "orders", "buyers", "gmv", "net_gmv", "refunded_orders",
           "ctr", "read_rate", "cvr", "buyer_rate", "aov", "gmv_per_1k_reads"]


def rank_value(posts: pd.DataFrame, by: str) -> pd.Series:
    """The value ranked: the figure as the query shows it (aov in cents, half away from zero, as a DECIMAL cast)."""
    values = pd.to_numeric(posts[by], errors="coerce").astype("float64")
    if by == "aov":
        values = np.sign(values) * np.floor(values.abs() * 100 + 0.5 + 1e-9) / 100
    return values


_figures: dict[tuple[int, Case], pd.DataFrame] = {}


def post_figures(t: Tables, c: Case) -> pd.DataFrame:
    """ref_post_conversion, once per case (every metric and direction ranks the same figures)."""
    key = (id(t["posts"]), c)
    if key not in _figures:
        _figures[key] = ref_post_conversion(t, c)
    return _figures[key].copy()


def ref_post_ranking(t: Tables, c: Case, by: str, show: str, search: str = "", post: int | None = None,
                     limit: int = metrics.RANK_LIMIT) -> tuple[pd.DataFrame, int]:
    """METRICS.md's post figures, then: the titles holding `search` (case ignored, a plain substring, no title no
    match), `post` alone, a value of `by` unless showing all; best first (worst first for bottom), posts without a
    value last, ties by the lower post id; the first `limit`. Returns the rows and how many were ranked."""
    posts = post_figures(t, c)
    if search:
        titles = posts["title"].astype(object)
        posts = posts[[isinstance(x, str) and search.lower() in x.lower() for x in titles]]
    if post is not None:
        posts = posts[(posts["post_id"] == post).to_numpy(dtype=bool)]
    posts = posts.assign(_value=rank_value(posts, by))
    if show != "all":
        posts = posts[posts["_value"].notna().to_numpy(dtype=bool)]
    ordered = posts.sort_values(["_value", "post_id"], ascending=[show == "bottom", True], na_position="last",
                                kind="stable")
    return ordered.drop(columns="_value").head(limit).reset_index(drop=True), len(ordered)


def ranking_filters(c: Case, **extra: object) -> metrics.Filters:
    return dataclasses.replace(c.filters, extra=tuple(extra.items()))


def check(edge: dataset.Dataset, t: Tables, c: Case, by: str, show: str, search: str = "", post: int | None = None,
          limit: int = metrics.RANK_LIMIT) -> pd.DataFrame:
    actual = metrics.post_ranking(edge, ranking_filters(c, rank_by=by, show=show, search=search, post=post,
                                                        limit=limit), c.viewer)
    expected, ranked = ref_post_ranking(t, c, by, show, search, post, limit)
    assert list(actual.columns) == [*FIGURES, "rank", "ranked_posts"]
    assert list(actual["post_id"]) == list(expected["post_id"]), (by, show, search, limit)
    assert list(actual["rank"]) == list(range(1, len(actual) + 1))
    assert set(actual["ranked_posts"]) <= {ranked}
    assert_same(actual, expected[FIGURES], ["post_id"], money_rounded=("aov",))
    return actual


CASES = [case("all"), case("main", W30D), case("main", W1H), case("all", W7D, (), "merchant_1"),
         case("gap", W1H, (), "inf_4_6_merchant_1_2"), case("empty")]


@pytest.mark.parametrize("c", CASES, ids=str)
@pytest.mark.parametrize("show", metrics.RANK_SHOWS)
@pytest.mark.parametrize("by", metrics.RANK_BY)
def test_post_ranking_matches_reference(edge: dataset.Dataset, tables: Tables, c: Case, by: str, show: str) -> None:
    check(edge, tables, c, by, show, limit=metrics.RANK_LIMIT if show == "all" else 10)


@pytest.mark.parametrize("search", ["TIE", "tie high", "开箱", "💄", "%", "_", "no such title", "'; select 1 --"])
def test_the_title_search_is_a_plain_substring_with_case_ignored(edge: dataset.Dataset, tables: Tables,
                                                                 search: str) -> None:
    for c in (case("all"), case("all", W30D, (), "merchant_1")):
        for show in metrics.RANK_SHOWS:
            check(edge, tables, c, "clicks", show, search=search)
    if search in ("TIE", "开箱"):
        assert len(check(edge, tables, case("all"), "gmv", "all", search=search))  # the edge data holds such titles


def test_a_limit_through_a_tie_keeps_the_lower_post_ids(edge: dataset.Dataset, tables: Tables) -> None:
    """At every cut through a group of equal values, the rows kept are the group's lowest post ids, and the cut
    counts what it left out."""
    boundaries = 0
    for c in (case("all"), case("main", W30D), case("all", W7D, (), "merchant_1")):
        for by in metrics.RANK_BY:
            for show in metrics.RANK_SHOWS:
                full, ranked = ref_post_ranking(tables, c, by, show)
                values = rank_value(full, by).to_numpy(dtype="float64")
                for n in range(1, len(full)):
                    tie = values[n - 1] == values[n] or (np.isnan(values[n - 1]) and np.isnan(values[n]))
                    if tie and full["post_id"].iloc[n - 1] < full["post_id"].iloc[n]:
                        got = check(edge, tables, c, by, show, limit=n)
                        assert len(got) == n and set(got["ranked_posts"]) == {ranked}
                        boundaries += 1
                        break
    assert boundaries >= 20, "the edge data must hold ties to cut through"


def test_one_post_in_the_period_and_scope_or_none(edge: dataset.Dataset, tables: Tables) -> None:
    everything = ref_post_conversion(tables, case("all"))
    for post in [*everything["post_id"].head(5), 987654321]:
        for c in (case("all"), case("main", W30D), case("all", W7D, (), "merchant_1"), case("all", W7D, (), "nobody")):
            got = check(edge, tables, c, "gmv", "all", post=int(post), limit=1)
            assert len(got) <= 1


def test_a_limit_below_one_or_an_unknown_metric_is_refused(edge: dataset.Dataset) -> None:
    c = case("all")
    for extra in ({"limit": 0}, {"rank_by": "post_id; drop table posts"}, {"show": "everything"},
                  {"search": "x" * (metrics.MAX_SEARCH + 1)}):
        with pytest.raises(metrics.ParameterError):
            metrics.post_ranking(edge, ranking_filters(c, **extra))

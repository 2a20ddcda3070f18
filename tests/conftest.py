"""Shared fixtures: isolated caches, the tiny demo, an empty, a minimal and the edge dataset, server and browser."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from advisor import dataset, db, metrics
from advisor.dataset import TABLES, arrow_schema

from . import edge_data as E


@pytest.fixture(autouse=True, scope="session")
def _cache_outside_home(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Derived files of the test run go to a temporary folder, never into a dataset or ~/.cache."""
    mp = pytest.MonkeyPatch()
    mp.setenv("ADVISOR_CACHE", str(tmp_path_factory.mktemp("cache")))
    yield
    mp.undo()


@pytest.fixture(autouse=True)
def _fresh_results() -> None:
    """No test sees a result cached by another."""
    metrics.clear_cache()
    yield
    metrics.clear_cache()


def write_empty_dataset(path: Path) -> Path:
    """Every contract table present with zero rows: valid, and every screen must say there is no data."""
    path.mkdir(parents=True, exist_ok=True)
    for name in TABLES:
        pq.write_table(pa.table({f.name: pa.array([], f.type) for f in arrow_schema(name)}), path / f"{name}.parquet")
    return path


@pytest.fixture(scope="session")
def tiny_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo generator's `tiny` scale, seed 7: realistic shapes, a few thousand rows."""
    from advisor import demo

    return demo.generate(tmp_path_factory.mktemp("tiny") / "ds", scale="tiny", seed=7)


@pytest.fixture(scope="session")
def empty_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_empty_dataset(tmp_path_factory.mktemp("empty") / "ds")


@pytest.fixture(scope="session", autouse=True)
def _close_connections() -> None:
    yield
    db.forget()


@pytest.fixture(scope="session")
def edge_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The edge dataset of tests/edge_data.py: every trap of METRICS.md planted, generated once per session."""
    return E.dataset_path(tmp_path_factory)


@pytest.fixture(scope="session")
def edge(edge_path: Path) -> dataset.Dataset:
    return dataset.open_dataset(edge_path)


@pytest.fixture(scope="session")
def tables(edge_path: Path) -> dict[str, pd.DataFrame]:
    """The edge dataset's tables as pandas frames, for the independent reference computations."""
    return E.load(edge_path)


def write_minimal_dataset(path: Path) -> Path:
    """A small valid dataset written by hand (two influencers, a tie, a refund, a tz-aware column)."""
    import datetime as dt
    from decimal import Decimal

    T = dt.datetime
    path.mkdir(parents=True, exist_ok=True)

    def write(name: str, columns: dict) -> None:
        schema = arrow_schema(name)
        if name == "orders":  # instants: the contract allows time-zone aware columns
            schema = schema.set(schema.get_field_index("ordered_at"), pa.field("ordered_at", pa.timestamp("us", "UTC")))
        pq.write_table(pa.table(columns, schema=schema), path / f"{name}.parquet")

    write("influencers", {"influencer_id": [1, 2], "name": ["小美<b>粗体</b>", "阿强🐱"],
                          "category": ["beauty", "military"], "tier": [None, "tail"],
                          "account_type": ["shop_owner", "media"], "mcn_id": [None, 5],
                          "created_at": [T(2025, 1, 1), T(2025, 1, 1)]})
    write("fans", {"influencer_id": [1, 1, 2], "fan_id": [10, 11, 10],
                   "followed_at": [T(2026, 3, 1), T(2026, 3, 2, 12), T(2026, 2, 1)],
                   "unfollowed_at": [None, T(2026, 3, 3), None], "gender": ["f", None, "f"],
                   "birth_year": [1995, None, 1995], "province": ["广东", None, "广东"], "city": ["深圳", None, "深圳"],
                   "city_tier": [1, None, 1], "device": ["ios", None, "ios"],
                   "interests": [["beauty"], None, ["beauty"]], "source": ["organic", "fan_headline", "organic"]})
    write("posts", {"post_id": [100, 101], "influencer_id": [1, 2],
                    "posted_at": [T(2026, 3, 1, 20), T(2026, 3, 1, 21)], "content_type": ["video", "image"],
                    "category": [None, None], "title": ["新品试色", None], "product_ids": [[7], [7]],
                    "impressions": [1000, 0], "reads": [100, 0], "reposts": [1, 0], "comments": [2, 0],
                    "likes": [3, 0]})
    write("clicks", {"clicked_at": [T(2026, 3, 1, 21), T(2026, 3, 1, 21)], "user_id": [10, 10],
                     "post_id": [100, 101], "product_id": [7, 7], "channel": ["organic", "organic"],
                     "campaign_id": [None, None], "device": ["ios", "ios"]})
    write("orders", {"order_id": [1, 2],
                     "ordered_at": [T(2026, 3, 1, 14, tzinfo=dt.UTC), T(2026, 3, 2, 1, tzinfo=dt.UTC)],
                     "user_id": [10, 10], "product_id": [7, 7], "quantity": [1, 2],
                     "amount": [Decimal("99.90"), Decimal("10.00")], "status": ["paid", "refunded"],
                     "refunded_at": [None, T(2026, 3, 3)]})
    return path


@pytest.fixture
def minimal_dataset(tmp_path: Path) -> Path:
    return write_minimal_dataset(tmp_path / "ds")


@pytest.fixture(scope="session")
def server(tiny_demo: Path, tmp_path_factory: pytest.TempPathFactory):
    """One `streamlit run app.py` on the tiny demo for every browser test of the session."""
    from .browser_kit import skip_without_browser, streamlit_server

    skip_without_browser()
    with streamlit_server(tiny_demo, tmp_path_factory.mktemp("server")) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Python Playwright (no browser download needed)."""
    from .browser_kit import chromium, skip_without_browser

    skip_without_browser()
    with chromium() as b:
        yield b

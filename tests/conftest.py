"""Shared fixtures: isolated caches, a tiny demo dataset and an empty one."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from advisor import db, metrics
from advisor.dataset import TABLES, arrow_schema


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

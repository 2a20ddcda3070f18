"""The lock-down of advisor/db.py: no file outside the dataset, no settings, no writes; run() refuses the unasked."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from advisor import dataset, db, metrics
from advisor.access import Viewer
from advisor.db import QueryError
from advisor.metrics import Filters, Period

from . import edge_data as E

# Every choice a query may need: a dimension, a merchant, a post (campaign 1 was bought for post 101).
MAIN = Filters(Period(*E.PERIODS["main"]), dim="gender", merchant=1, extra=(("post", 101), ("campaign", 2)))


@pytest.fixture(scope="session")
def edge_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return E.dataset_path(tmp_path_factory)


@pytest.fixture(scope="session")
def edge(edge_path: Path) -> dataset.Dataset:
    return dataset.open_dataset(edge_path)


@pytest.fixture
def fresh(edge_path: Path, tmp_path: Path) -> Iterator[dataset.Dataset]:
    """A copy of the edge dataset of its own (own fingerprint, own connection), for tests that may damage it."""
    path = tmp_path / "ds"
    shutil.copytree(edge_path, path)
    ds = dataset.open_dataset(path)
    yield ds
    db.forget(ds)


@pytest.fixture(scope="module")
def spare(edge_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dataset.Dataset]:
    """A copy of the edge dataset shared by tests that must leave it as it is (and check that they do)."""
    path = tmp_path_factory.mktemp("spare") / "ds"
    shutil.copytree(edge_path, path)
    ds = dataset.open_dataset(path)
    yield ds
    db.forget(ds)


@pytest.fixture(scope="session")
def outside(tmp_path_factory: pytest.TempPathFactory, edge_path: Path) -> dict[str, Path]:
    """Parquet files where the connection must not reach: another folder, and siblings of the dataset folder
    (one whose name starts with the dataset folder's name)."""
    other = tmp_path_factory.mktemp("outside") / "x.parquet"
    sibling = edge_path.parent / "sibling" / "x.parquet"
    prefixed = edge_path.parent / (edge_path.name + "2") / "x.parquet"
    for p in (other, sibling, prefixed):
        p.parent.mkdir(exist_ok=True)
        pq.write_table(pa.table({"secret": [42]}), p)
    return {"other": other, "sibling": sibling, "prefixed": prefixed}


def snapshot(path: Path) -> dict[str, tuple[int, int]]:
    """Every file and folder under `path` with its size and modification time."""
    out = {".": (0, path.stat().st_mtime_ns)}
    for dirpath, dirnames, filenames in os.walk(path):
        for n in dirnames + filenames:
            p = Path(dirpath) / n
            st = p.stat()
            out[str(p.relative_to(path))] = (st.st_size if p.is_file() else 0, st.st_mtime_ns)
    return out


def sql(ds: dataset.Dataset, text: str) -> list[tuple]:
    """Run raw SQL on a cursor of the dataset's locked connection (as an attacker with the connection would)."""
    cur = db.connect(ds).cursor()
    try:
        rel = cur.sql(text)
        return rel.fetchall() if rel is not None else []
    finally:
        cur.close()


def refused(ds: dataset.Dataset, text: str) -> None:
    """`text` must fail on the locked connection."""
    try:
        sql(ds, text)
    except duckdb.Error:
        return
    pytest.fail(f"the locked connection of {ds.path} ran: {text}")


# ---- reading ------------------------------------------------------------------------------------

def test_the_dataset_folder_itself_is_readable(edge: dataset.Dataset) -> None:
    """The positive control: the refusals below are about where, not about how the SQL is written."""
    [(n,)] = sql(edge, f"select count(*) from read_parquet('{edge.path / 'orders.parquet'}')")
    assert n > 0


@pytest.mark.parametrize("target", [
    "read_csv('/etc/passwd')", "read_text('/etc/passwd')", "glob('/etc/*')",
    "read_parquet('{other}')", "read_parquet('{ds}/../sibling/x.parquet')", "read_parquet('{sibling}')",
    "read_parquet('{prefixed}')", "read_text('{ds}/../../../../../../../../../../etc/passwd')",
    "read_text('{cache}/../../../../../../../../../../etc/passwd')",
])
def test_reading_outside_the_dataset_folder_fails(edge: dataset.Dataset, outside: dict[str, Path],
                                                  target: str) -> None:
    db.connect(edge)
    where = target.format(ds=edge.path, cache=db.cache_dir() / edge.fingerprint, **outside)
    with pytest.raises(duckdb.Error, match="(?i)permission|disabled|access"):
        sql(edge, f"select * from {where}")


# ---- settings and extensions --------------------------------------------------------------------

@pytest.mark.parametrize("statement", [
    "SET threads = 1", "SET enable_external_access = true", "SET GLOBAL TimeZone = 'UTC'", "SET TimeZone = 'UTC'",
    "SET allowed_directories = ['/']", "RESET allowed_directories", "SET lock_configuration = false",
    "SET memory_limit = '1TB'", "SET max_execution_time = 0", "SET autoload_known_extensions = true",
    "SET parquet_metadata_cache = false",
    "SET autoinstall_known_extensions = true", "SET allow_community_extensions = true",
])
def test_configuration_is_locked(edge: dataset.Dataset, statement: str) -> None:
    with pytest.raises(duckdb.Error, match="(?i)locked|permission|disabled"):
        sql(edge, statement)
    [(tz, external, footers)] = sql(edge, "select current_setting('TimeZone'), "
                                          "current_setting('enable_external_access'), "
                                          "current_setting('parquet_metadata_cache')")
    assert (tz, external, footers) == (edge.tz, False, True)  # Parquet footers are kept once read (fast planning)


@pytest.mark.parametrize("statement", ["INSTALL httpfs", "FORCE INSTALL httpfs", "LOAD httpfs",
                                       "INSTALL spatial FROM community", "LOAD '/tmp/evil.duckdb_extension'"])
def test_extensions_cannot_be_installed_or_loaded(edge: dataset.Dataset, statement: str) -> None:
    with pytest.raises(duckdb.Error):
        sql(edge, statement)


# ---- writing ------------------------------------------------------------------------------------

@pytest.mark.parametrize("where", ["outside", "dataset"])
def test_attach_fails(fresh: dataset.Dataset, tmp_path: Path, where: str) -> None:
    """ATTACH of a database file must fail, above all inside the dataset folder (it would create the file)."""
    folder = {"outside": tmp_path, "dataset": fresh.path}[where]
    target = folder / "attached.db"
    before = snapshot(fresh.path)
    refused(fresh, f"ATTACH '{target}' AS attached")
    assert not target.exists()
    assert snapshot(fresh.path) == before


@pytest.mark.parametrize("where", ["outside", "dataset"])
def test_copy_to_fails(fresh: dataset.Dataset, tmp_path: Path, where: str) -> None:
    """COPY ... TO must fail, above all into the dataset folder: the advisor never writes there (CONTRACT.md)."""
    folder = {"outside": tmp_path, "dataset": fresh.path}[where]
    target = folder / "copied.csv"
    before = snapshot(fresh.path)
    refused(fresh, f"COPY (select 1 as x) TO '{target}'")
    assert not target.exists()
    assert snapshot(fresh.path) == before


@pytest.fixture
def query_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A queries folder of our own: the real preparation and macros, and whatever query files a test writes."""
    folder = tmp_path / "queries"
    folder.mkdir()
    for part in (db.PREPARE, db.MACROS):
        shutil.copy(db.QUERY_DIR / f"{part}.sql", folder)
    monkeypatch.setattr(db, "QUERY_DIR", folder)
    return folder


HEADER = "-- {name}: a test.\n-- grain: one row.  params: none\n-- columns: x\n"


@pytest.mark.parametrize("statement", [
    "copy (select 1 as x) to '{ds}/evil.csv'",
    "select 1 as x; copy (select 1 as x) to '{ds}/evil.csv'",
    "copy (select 1 as x) to '{ds}/evil.csv'; select 1 as x",
    "attach '{ds}/evil.db' as evil",
    "create table evil as select 1 as x",
    "insert into evil values (1)",
    "create or replace view orders as select 1 as x",
    "set threads = 1",
    "pragma version",
    "select 1 as x; select 2 as y",
    "not sql at all",
])
def test_run_refuses_a_query_file_that_is_not_one_select(spare: dataset.Dataset, query_dir: Path,
                                                         statement: str) -> None:
    db.connect(spare)
    before = snapshot(spare.path)
    name = "evil_" + hashlib.sha256(statement.encode()).hexdigest()[:10]
    (query_dir / f"{name}.sql").write_text(HEADER.format(name=name) + statement.format(ds=spare.path) + "\n")
    with pytest.raises(QueryError, match=f"query {name} (must be exactly one SELECT|does not parse)"):
        db.run(spare, name)
    assert snapshot(spare.path) == before
    # the statement never ran: the views are intact and nothing was created
    [(n,)] = sql(spare, "select count(*) from orders")
    assert n > 1
    tables = {name for (name,) in sql(spare, "select table_name from duckdb_tables()")}
    assert tables <= set(db.prepared_tables(db._prepare_sql()))
    assert sql(spare, "select database_name from duckdb_databases() where database_name = 'evil'") == []


def test_run_accepts_one_select_from_the_same_folder(spare: dataset.Dataset, query_dir: Path) -> None:
    """The positive control of the test above: the folder and header work, the statement kind is refused."""
    (query_dir / "fine.sql").write_text(HEADER.format(name="fine") + "select count(*) as x from orders o\n"
                                        "where visible_product(o.product_id, $viewer_merchants)\n"
                                        "  and $viewer_influencers is null\n")
    assert db.run(spare, "fine")["x"].iloc[0] > 1


# ---- run(): names, parameters, row cap ----------------------------------------------------------

@pytest.mark.parametrize("name", ["nope", "../queries/overview_kpis", "_macros", "Overview_KPIs", "overview_kpis.sql",
                                  "overview_kpis; drop view orders", "", "/etc/passwd"])
def test_unknown_query_names_are_refused(edge: dataset.Dataset, name: str) -> None:
    with pytest.raises(QueryError, match=r"unknown query .*; known: .*overview_kpis"):
        db.run(edge, name)


def _kpi_params() -> dict[str, object]:
    return {"from": dt.datetime(2026, 3, 5), "to": dt.datetime(2026, 3, 21), "window": dt.timedelta(days=7),
            "influencers": []}


def test_a_missing_parameter_is_named(edge: dataset.Dataset) -> None:
    params = _kpi_params()
    del params["window"]
    with pytest.raises(QueryError, match=r"overview_kpis: missing parameters \['window'\]"):
        db.run(edge, "overview_kpis", **params)


def test_an_unknown_parameter_is_named(edge: dataset.Dataset) -> None:
    with pytest.raises(QueryError, match=r"overview_kpis: .*unknown \['merchant_id'\]"):
        db.run(edge, "overview_kpis", merchant_id=1, **_kpi_params())


def test_a_parameter_cannot_widen_the_viewer_scope(edge: dataset.Dataset) -> None:
    viewer = Viewer(influencers=(E.SMALL,))
    scoped = db.run(edge, "order_attribution", viewer, **_kpi_params())
    assert not scoped.empty and set(scoped["influencer_id"]) == {E.SMALL}
    try:
        widened = db.run(edge, "order_attribution", viewer, viewer_influencers=None, **_kpi_params())
    except QueryError:
        return  # refusing is as good as ignoring
    pd.testing.assert_frame_equal(widened, scoped)


def test_row_cap(edge: dataset.Dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = len(db.run(edge, "order_attribution", **_kpi_params()))
    assert rows > 5
    monkeypatch.setattr(db, "MAX_ROWS", 5)
    with pytest.raises(QueryError, match="order_attribution returned more than 5 rows"):
        db.run(edge, "order_attribution", **_kpi_params())
    assert len(db.run(edge, "dataset_span")) == 1  # under the cap: fine
    monkeypatch.setattr(db, "MAX_ROWS", rows)
    assert len(db.run(edge, "order_attribution", **_kpi_params())) == rows  # exactly the cap: fine



def test_a_query_over_the_time_limit_is_interrupted(monkeypatch: pytest.MonkeyPatch) -> None:
    """The watch of each query (not DuckDB's global max_execution_time, which would also cut short the builds of
    prepared tables) stops a query running longer than MAX_SECONDS, and only then."""
    monkeypatch.setattr(db, "MAX_SECONDS", 0.2)
    cur = duckdb.connect()
    done = threading.Event()
    watch = threading.Thread(target=db._interrupt_when_late, args=(cur, done))
    watch.start()
    started = time.monotonic()
    try:
        with pytest.raises(duckdb.InterruptException):
            cur.sql("select count(*) from range(100000000000) t(x) where x % 7 = 3").fetchall()
    finally:
        done.set()
        watch.join()
    assert 0.2 <= time.monotonic() - started < 30
    assert cur.sql("select 42").fetchall() == [(42,)], "the next query on the cursor runs"


def test_a_query_interrupted_by_its_watch_says_so(edge: dataset.Dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    db.run(edge, "dataset_span")  # its tables made: no build to wait for
    monkeypatch.setattr(db, "MAX_SECONDS", 0)

    def eager(cur: duckdb.DuckDBPyConnection, done: threading.Event) -> None:
        """The watch with no pause between interrupts: one lands while the query runs (a 10 ms pause let a
        query of a few ms finish between two, once in CI)."""
        while not done.is_set():
            cur.interrupt()

    monkeypatch.setattr(db, "_interrupt_when_late", eager)
    with pytest.raises(QueryError, match="dataset_span took longer than 0 s"):
        db.run(edge, "dataset_span")
    monkeypatch.undo()  # the real watch and limit
    assert len(db.run(edge, "dataset_span")) == 1


# ---- threads, the dataset folder, the cache -----------------------------------------------------

def test_parallel_runs_on_one_connection(fresh: dataset.Dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    """Eight runs at once, each on its own cursor, the first of them opening the connection (and, with the
    record of checked query texts emptied, each checking its query text at the same time)."""
    monkeypatch.setattr(db, "_checked", {})
    jobs = [("order_attribution", _kpi_params()), ("overview_kpis", _kpi_params()),
            ("overview_daily", _kpi_params()), ("dataset_span", {}),
            ("influencer_list", {"at": dt.datetime(2026, 3, 21)})] * 2
    jobs = jobs[:8]
    with ThreadPoolExecutor(max_workers=8) as pool:
        parallel = list(pool.map(lambda job: db.run(fresh, job[0], **job[1]), jobs))
    for (name, params), result in zip(jobs, parallel, strict=True):
        serial = db.run(fresh, name, **params)
        assert not serial.empty
        pd.testing.assert_frame_equal(result, serial, obj=name)


def test_running_every_query_leaves_the_dataset_folder_untouched(fresh: dataset.Dataset) -> None:
    before = snapshot(fresh.path)
    ran = [name for name, query in metrics.QUERIES.items() if query(fresh, MAIN, Viewer(merchants=(1, 2))) is not None]
    assert sorted(ran) == sorted([*db.query_names(), *metrics.DERIVED])
    assert snapshot(fresh.path) == before
    assert not db.cache_dir().resolve().is_relative_to(fresh.path)


def test_the_result_cache_hands_out_copies(edge: dataset.Dataset) -> None:
    first = metrics.overview_kpis(edge, MAIN)
    original = first.copy()
    first.loc[0, "clicks"] = -1
    first["extra"] = 1
    second = metrics.overview_kpis(edge, MAIN)  # a hit
    pd.testing.assert_frame_equal(second, original)
    second.loc[0, "orders"] = -1
    del second["gmv"]
    pd.testing.assert_frame_equal(metrics.overview_kpis(edge, MAIN), original)
    daily = metrics.overview_daily(edge, MAIN)
    daily["clicks"] *= 0
    assert metrics.overview_daily(edge, MAIN)["clicks"].sum() > 0


def test_the_result_cache_keeps_viewers_apart(edge: dataset.Dataset) -> None:
    everyone = metrics.order_attribution(edge, MAIN)
    scoped = metrics.order_attribution(edge, MAIN, Viewer(influencers=(E.SMALL,)))
    assert len(scoped) < len(everyone) and set(scoped["influencer_id"]) == {E.SMALL}
    assert len(metrics.order_attribution(edge, MAIN)) == len(everyone)


def test_a_relative_dataset_path_works(edge: dataset.Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                      ) -> None:
    expected = db.run(edge, "dataset_span")
    moved = tmp_path / "relative"
    shutil.copytree(edge.path, moved)
    monkeypatch.chdir(moved.parent)
    ds = dataset.open_dataset("relative")
    try:
        pd.testing.assert_frame_equal(db.run(ds, "dataset_span"), expected)
    finally:
        db.forget(ds)

"""The persisted preparation (issue 10): same figures with, without and from the cache; stale or damaged: rebuilt;
each table made when a query first needs it."""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from advisor import bench, dataset, db, metrics
from advisor.access import EVERYONE, Viewer
from advisor.metrics import Filters, Period

from . import edge_data as E
from .test_db import snapshot

MAIN = Filters(Period(*E.PERIODS["main"]), dim="gender", merchant=1, extra=(("post", 101), ("campaign", 2)))
# A second view of the same data: the whole span, a 1-hour window, two influencers, another dimension.
OTHER = Filters(Period(*E.PERIODS["all"]), influencers=(1, 2), window=E.WINDOWS[0], dim="age_band", merchant=2,
                extra=(("post", 102), ("campaign", 1)))
VIEWS = [(MAIN, EVERYONE), (MAIN, Viewer(merchants=(1, 2))), (OTHER, EVERYONE), (OTHER, Viewer(influencers=(1,)))]
# The tables queries/_prepare.sql makes, in its order.
PREPARED = ["influencer_posts", "fan_follows", "fan_spans", "click_facts", "click_extremes", "daily_clicks",
            "post_click_days", "post_click_totals", "merchant_click_days", "merchant_clicker_days",
            "campaign_click_days", "order_last_click", "post_orders", "daily_orders", "everyone_order_lags",
            "post_sums", "post_cards", "post_months", "post_order_totals", "post_event_totals", "everyone_post_days",
            "everyone_event_days", "influencer_post_days", "campaign_order_sums", "campaign_span_orders",
            "merchant_order_days", "merchant_first_orders", "fan_interests", "campaign_follows", "buyer_spans",
            "buyer_order_spans", "click_runs", "engaged_days", "engaged_months", "settled_fan_days", "fans_settled",
            "everyone_fan_hours", "active_spans", "dormant_days", "busy_minutes", "burst_follows", "follow_days",
            "everyone_follow_days", "listed_follow_days", "follow_months", "follow_days_by_day", "follow_extremes",
            "repeat_follows", "profile_days", "everyone_profile_days", "final_follow_counts", "final_profiles",
            "final_segment_fans"]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder of the test's own, the persisted cache on."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("ADVISOR_CACHE", str(folder))
    monkeypatch.delenv(db.CACHE_ENV, raising=False)
    return folder


@pytest.fixture
def ds(edge_path: Path, tmp_path: Path, cache: Path) -> Iterator[dataset.Dataset]:
    """A copy of the edge dataset of the test's own (it may be touched or rewritten)."""
    path = tmp_path / "ds"
    shutil.copytree(edge_path, path)
    opened = dataset.open_dataset(path)
    yield opened
    db.forget()


# Queries reading most prepared tables, for the tests about the cache's life rather than every figure.
SOME = ("overview_kpis", "order_attribution", "post_conversion", "audience_summary", "campaign_roi")


def some_queries(ds: dataset.Dataset) -> dict[tuple, pd.DataFrame]:
    return every_query(ds, per_query={name: MAIN for name in SOME})


def every_query(ds: dataset.Dataset, views: list[tuple[Filters, Viewer]] = VIEWS,
                per_query: dict[str, Filters] | None = None) -> dict[tuple, pd.DataFrame]:
    """Every named query under every view (or each under its own filters), on a fresh connection, no result cache."""
    db.forget(ds)
    metrics.clear_cache()
    out = {}
    if per_query is not None:
        for name, f in per_query.items():
            out[(name, 0)] = metrics.QUERIES[name](ds, f, EVERYONE)
    else:
        for i, (f, viewer) in enumerate(views):
            for name, query in metrics.QUERIES.items():
                out[(name, i)] = query(ds, f, viewer)
        assert sorted({name for name, _ in out}) == sorted([*db.query_names(), *metrics.DERIVED])
    return out


def assert_same(a: dict[tuple, pd.DataFrame], b: dict[tuple, pd.DataFrame]) -> None:
    """Equal frames, every value exactly (campaign_roi's baseline variance is summed in integers for this)."""
    assert a.keys() == b.keys()
    for key in a:
        pd.testing.assert_frame_equal(a[key], b[key], check_exact=True, obj=str(key))


def folders(cache: Path, pattern: str) -> list[Path]:
    return sorted(cache.glob(f"*/{pattern}"))


def entry_file(ds: dataset.Dataset, name: str) -> Path:
    """The file the cache folder's entry for prepared table `name` names."""
    folder = db.prepared_dir(ds)
    return folder / json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))["file"]


def loose_files(ds: dataset.Dataset) -> list[str]:
    """Files of the prepared folder that no entry names (half-written, or left by a failed write)."""
    folder = db.prepared_dir(ds)
    named = {json.loads(p.read_text(encoding="utf-8"))["file"] for p in folder.glob("*.json")}
    return sorted(p.name for p in folder.iterdir() if p.suffix == ".parquet" and p.name not in named)


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The prepared tables built from the dataset (not read from the cache), in order."""
    built: list[str] = []
    statement = db._statement

    def spy(con: duckdb.DuckDBPyConnection, sql: str, table: str) -> str:
        built.append(table)
        return statement(con, sql, table)

    monkeypatch.setattr(db, "_statement", spy)
    return built


# ---- (a) the same figures with, without and from the cache ----------------------------------------

@pytest.fixture(params=["tables", "views"])
def read_as(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Cached files copied into memory (small data, as the test data is) or read through views (large data)."""
    if request.param == "views":
        monkeypatch.setattr(db, "MATERIALISE_ROWS", 0)
    return request.param


def test_every_query_is_the_same_with_without_and_from_the_cache(ds: dataset.Dataset, cache: Path, read_as: str,
                                                                 monkeypatch: pytest.MonkeyPatch,
                                                                 builds: list[str]) -> None:
    monkeypatch.setenv(db.CACHE_ENV, "0")
    without = every_query(ds)
    read = sorted(builds)  # those the queries read under these views (a few serve other views only)
    assert len(read) == len(set(read)) and set(read) <= set(PREPARED), "each table built once, when first read"
    assert not folders(cache, "prepared-*") and not folders(cache, "integrity-*"), "the switch writes nothing"
    db.forget(ds)
    assert not db.is_prepared(ds)

    monkeypatch.setenv(db.CACHE_ENV, "1")
    first = every_query(ds)  # builds, writes the files and reads them from then on
    assert sorted(builds) == sorted(read * 2)
    assert [p.name for p in folders(cache, "prepared-*")] == [db.prepared_dir(ds).name]
    db.forget(ds)
    assert all(db._read_entry(db.prepared_dir(ds), name, verify=True) for name in read)

    again = every_query(ds)  # a fresh connection reading the cached files
    assert len(builds) == 2 * len(read), "the second connection rebuilt tables"
    assert_same(without, first)
    assert_same(without, again)


@pytest.mark.parametrize("reopen", [False, True])
def test_the_cached_tables_are_copies_or_views_by_size(ds: dataset.Dataset, read_as: str, reopen: bool) -> None:
    db.prepare(ds)  # builds and writes
    if reopen:
        db.forget(ds)  # reads the files
    cur = db.prepare(ds).cursor()
    try:
        views = dict(cur.sql("select view_name, sql from duckdb_views() where not internal").fetchall())
        tables = sorted(name for (name,) in cur.sql("select table_name from duckdb_tables()").fetchall())
    finally:
        cur.close()
    # a table read by ranges of its sort key, or whole, stays its file, however small (db.READ_FROM_FILE)
    as_files = set(PREPARED) if read_as == "views" else set(db.READ_FROM_FILE)
    assert tables == sorted(set(PREPARED) - as_files) and not (set(PREPARED) - as_files) & set(views)
    for name in as_files:
        assert str(entry_file(ds, name)) in views[name]


def test_the_same_figures_on_the_tiny_demo(tiny_demo: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Realistic shapes: each query with the choices its screen makes by default (the bench's)."""
    ds = dataset.open_dataset(tiny_demo)
    picks = bench.find_picks(ds)
    chosen = {name: bench.QUERY_FILTERS.get(name, bench._base)(picks) for name in metrics.QUERIES}
    chosen = {name: f for name, f in chosen.items() if f is not None}
    assert len(chosen) == len(metrics.QUERIES)
    monkeypatch.setenv(db.CACHE_ENV, "0")
    without = every_query(ds, per_query=chosen)
    monkeypatch.setenv(db.CACHE_ENV, "1")
    first = every_query(ds, per_query=chosen)
    again = every_query(ds, per_query=chosen)
    db.forget(ds)
    assert_same(without, first)
    assert_same(without, again)


def test_integrity_findings_are_the_same_and_read_from_the_cache(ds: dataset.Dataset, cache: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(db.CACHE_ENV, "0")
    without = db.check_integrity(ds)
    assert without, "the edge dataset breaks rules on purpose"
    assert not db.integrity_file(ds).exists()
    db.forget(ds)
    monkeypatch.setenv(db.CACHE_ENV, "1")
    assert db.check_integrity(ds) == without
    assert db.integrity_file(ds).is_file()
    db.forget(ds)

    def fail(_ds: dataset.Dataset) -> list:
        raise AssertionError("the rules ran again")

    monkeypatch.setattr(db, "_check_rules", fail)
    assert db.check_integrity(ds) == without


def test_the_findings_are_the_same_from_one_scan_or_one_per_rule(ds: dataset.Dataset,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Small tables have their rules checked in one scan, large ones (over db.SCAN_ONCE_ROWS) one scan per rule."""
    monkeypatch.setattr(db, "SCAN_ONCE_ROWS", 10**12)
    once = db._check_rules(ds)
    monkeypatch.setattr(db, "SCAN_ONCE_ROWS", 0)
    per_rule = db._check_rules(ds)
    assert once == per_rule
    assert len({p.table for p in once if p.code not in ("duplicate_key", "unknown_reference")}) >= 2, \
        "the edge dataset breaks rules of several tables"


def test_damaged_integrity_findings_are_computed_again(ds: dataset.Dataset) -> None:
    expected = db.check_integrity(ds)
    db.forget(ds)
    db.integrity_file(ds).write_text('[{"code": "x", "nonsense": 1}', encoding="utf-8")
    assert db.check_integrity(ds) == expected
    db.forget(ds)
    assert db.check_integrity(ds) == expected  # and written afresh


def test_the_integrity_file_is_keyed_by_the_rules(ds: dataset.Dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    before = db.integrity_file(ds)
    monkeypatch.setattr(db, "RULES", db.RULES[:-1])
    assert db.integrity_file(ds) != before
    assert db.integrity_file(ds).parent == before.parent


# ---- (b) a changed dataset is a new fingerprint, prepared afresh -----------------------------------

def test_touching_a_file_changes_the_fingerprint_and_rebuilds(ds: dataset.Dataset, builds: list[str]) -> None:
    db.prepare(ds)
    old = db.prepared_dir(ds)
    assert db.is_prepared(ds) and len(builds) == len(PREPARED)
    target = ds.path / "orders.parquet"
    st = target.stat()
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    touched = dataset.open_dataset(ds.path)
    assert touched.fingerprint != ds.fingerprint
    assert db.prepared_dir(touched) != old and not db.is_prepared(touched)
    db.prepare(touched)
    assert len(builds) == 2 * len(PREPARED) and db.is_prepared(touched)


def test_a_rewritten_file_gives_the_new_figures(ds: dataset.Dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    before = some_queries(ds)
    orders = pq.read_table(ds.path / "orders.parquet")
    pq.write_table(orders.slice(0, orders.num_rows // 2), ds.path / "orders.parquet")
    rewritten = dataset.open_dataset(ds.path)
    after = some_queries(rewritten)
    assert not after[("overview_kpis", 0)].equals(before[("overview_kpis", 0)])
    monkeypatch.setenv(db.CACHE_ENV, "0")
    assert_same(after, some_queries(rewritten))


# ---- (c) the dataset folder is never written to ------------------------------------------------------

def test_nothing_is_written_inside_the_dataset_folder(ds: dataset.Dataset, cache: Path) -> None:
    before = snapshot(ds.path)
    some_queries(ds)  # builds and writes the cache
    db.check_integrity(ds)
    some_queries(ds)  # reads it
    assert snapshot(ds.path) == before
    assert db.prepared_dir(ds).is_relative_to(cache) and not cache.resolve().is_relative_to(ds.path)


# ---- (d) a half-written or damaged table in the cache folder is ignored and rebuilt -----------------

def _corrupt_in_place(path: Path) -> None:
    """Overwrite bytes in the middle of the file: same size, footer intact."""
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 64] = bytes(b ^ 0xFF for b in data[middle:middle + 64])
    path.write_bytes(bytes(data))


def _entry(folder: Path, name: str) -> Path:
    return folder / f"{name}.json"


def _file(folder: Path, name: str) -> Path:
    return folder / json.loads(_entry(folder, name).read_text(encoding="utf-8"))["file"]


# Each damage, and the table it touches.
DAMAGE = {
    "no entry": ("order_last_click", lambda folder: _entry(folder, "order_last_click").unlink()),
    "entry cut short": ("order_last_click", lambda folder: _entry(folder, "order_last_click").write_text(
        _entry(folder, "order_last_click").read_text()[:20])),
    "a file missing": ("order_last_click", lambda folder: _file(folder, "order_last_click").unlink()),
    "a file cut short": ("click_facts", lambda folder: _file(folder, "click_facts").write_bytes(
        _file(folder, "click_facts").read_bytes()[:1000])),
    "a file of garbage": ("click_facts", lambda folder: _file(folder, "click_facts").write_bytes(
        b"not parquet" * 1000)),
    "bytes flipped inside a file": ("order_last_click",
                                    lambda folder: _corrupt_in_place(_file(folder, "order_last_click"))),
    "another file of the same size and rows": ("click_facts",
                                               lambda folder: _swap_for_other_rows(_file(folder, "click_facts"))),
}


def _swap_for_other_rows(path: Path) -> None:
    """A valid Parquet file with the same row count but other values (a stale file of another build)."""
    table = pq.read_table(path)
    column = table.column("user_id")
    shifted = pa.array([None if v is None else v + 1 for v in column.to_pylist()], column.type)
    pq.write_table(table.set_column(table.schema.get_field_index("user_id"), "user_id", shifted), path)


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_table_in_the_cache_folder_is_ignored_and_rebuilt(ds: dataset.Dataset, damage: str,
                                                                   read_as: str, builds: list[str]) -> None:
    expected = some_queries(ds)
    first = len(builds)
    folder = db.prepared_dir(ds)
    table, harm = DAMAGE[damage]
    harm(folder)
    db.forget(ds)
    assert db._read_entry(folder, table) is None or damage in ("bytes flipped inside a file",
                                                               "another file of the same size and rows"), \
        "a cheap check sees everything but damage inside a file (the full check on reading it does)"
    got = some_queries(ds)
    assert builds[first:] == [table], "only the damaged table is built again"
    assert_same(expected, got)
    assert db._read_entry(folder, table, verify=True), "the table was not written again"


def test_a_leftover_file_of_a_crashed_writer_is_harmless(ds: dataset.Dataset, builds: list[str]) -> None:
    folder = db.prepared_dir(ds)
    folder.mkdir(parents=True)
    (folder / ".click_facts.99999-deadbeef.parquet").write_bytes(b"half")
    (folder / "click_facts-0123456789ab.parquet").write_bytes(b"renamed, its entry never written")
    some_queries(ds)
    some_queries(ds)
    assert builds and len(builds) == len(set(builds)), "each table built once"
    assert db._read_entry(folder, "click_facts", verify=True)


def test_files_that_fail_to_read_are_rebuilt(ds: dataset.Dataset, monkeypatch: pytest.MonkeyPatch,
                                             builds: list[str]) -> None:
    expected = some_queries(ds)
    first = len(builds)
    attach = db._attach_prepared
    failed: list[str] = []

    def flaky(con: duckdb.DuckDBPyConnection, name: str, path: Path, rows: int) -> None:
        if not failed:
            failed.append(name)
            raise duckdb.IOException("simulated read failure")
        attach(con, name, path, rows)

    monkeypatch.setattr(db, "_attach_prepared", flaky)
    assert_same(expected, some_queries(ds))
    assert failed and builds[first:] == failed, "the table that did not read was built again, and only it"


def test_racing_builds_of_a_table_leave_an_intact_entry(ds: dataset.Dataset, monkeypatch: pytest.MonkeyPatch,
                                                        cache: Path) -> None:
    """Another process builds the same table meanwhile and writes its entry first: ours replaces it, both files
    are intact, and theirs (which their process reads) is deleted only a day later."""
    expected = some_queries(ds)
    db.forget(ds)
    folder = db.prepared_dir(ds)
    theirs = folder / "click_facts-theirs00000.parquet"
    shutil.copy(_file(folder, "click_facts"), theirs)
    their_entry = dict(json.loads(_entry(folder, "click_facts").read_text(encoding="utf-8")), file=theirs.name)
    _entry(folder, "click_facts").unlink()  # so that we build it again
    write = db._write_json

    def racing(path: Path, value: object) -> None:
        if path == _entry(folder, "click_facts"):
            write(path, their_entry)  # they finish just before us
        write(path, value)

    monkeypatch.setattr(db, "_write_json", racing)
    assert_same(expected, some_queries(ds))
    assert db._read_entry(folder, "click_facts", verify=True)["file"] != theirs.name
    assert theirs.is_file(), "their process may still read it"
    monkeypatch.setattr(db, "_write_json", write)
    _age(theirs, 2)
    db.forget(ds)
    db.connect(ds)
    assert not theirs.exists(), "named by no entry a day later: deleted"
    assert db._read_entry(folder, "click_facts", verify=True)


def test_an_unwritable_cache_still_opens(ds: dataset.Dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = some_queries(ds)
    shutil.rmtree(db.prepared_dir(ds))

    def full(*_args: object, **_kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(db, "_write_json", full)
    assert_same(expected, some_queries(ds))
    folder = db.prepared_dir(ds)
    assert not folder.exists() or not list(folder.iterdir()), "a file was left behind"


def test_a_cache_that_fills_up_midway_still_opens(ds: dataset.Dataset, monkeypatch: pytest.MonkeyPatch,
                                                  builds: list[str]) -> None:
    """The disk fills while the second table is written: the first, already read from its file, stays, and the
    others are built in memory; the same figures, nothing half-written left behind."""
    expected = some_queries(ds)
    shutil.rmtree(db.prepared_dir(ds))
    digest = db._digest
    calls: list[Path] = []

    def filling(path: Path) -> str:
        calls.append(path)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return digest(path)

    monkeypatch.setattr(db, "_digest", filling)
    builds.clear()
    assert_same(expected, some_queries(ds))
    assert builds[1] == builds[2] and len(builds) == len(set(builds)) + 1, \
        "the second table built again in memory when its file failed, then each once, in memory"
    folder = db.prepared_dir(ds)
    assert [p.name for p in folder.glob("*.json")] == [f"{builds[0]}.json"]
    assert loose_files(ds) == [], "a half-written file was left behind"


# ---- (e) the folder names what it was made from -----------------------------------------------------

def test_the_prepared_tables_are_found_in_the_sql() -> None:
    sql = (db.QUERY_DIR / f"{db.PREPARE}.sql").read_text(encoding="utf-8")
    assert db.prepared_tables(sql) == PREPARED
    assert db.prepared_tables("-- create table x as select 1\nselect 1") == []


def test_the_hash_changes_with_the_text() -> None:
    assert db.short_hash("select 1") == db.short_hash("select 1")
    assert db.short_hash("select 1") != db.short_hash("select 1 ")
    assert db.short_hash("a", "b") != db.short_hash("ab")
    assert len(db.short_hash("x")) == 12


def test_editing_the_prepare_sql_leads_to_another_folder(ds: dataset.Dataset, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch, builds: list[str]) -> None:
    db.prepare(ds)
    old = db.prepared_dir(ds)
    db.forget(ds)
    folder = tmp_path / "queries"
    shutil.copytree(db.QUERY_DIR, folder)
    sql = folder / f"{db.PREPARE}.sql"
    sql.write_text(sql.read_text(encoding="utf-8") + "\n-- edited\n", encoding="utf-8")
    monkeypatch.setattr(db, "QUERY_DIR", folder)
    new = db.prepared_dir(ds)
    assert new != old and new.parent == old.parent and new.name.startswith("prepared-")
    assert not db.is_prepared(ds)
    db.prepare(ds)
    assert len(builds) == 2 * len(PREPARED) and new.is_dir()
    assert not old.exists(), "the folder of the older SQL is never read again: deleted"


# ---- what nobody reads again is deleted ------------------------------------------------------------

def _age(path: Path, days: float) -> None:
    then = time.time() - days * 86400
    os.utime(path, (then, then))


def _touch_a_file(ds: dataset.Dataset) -> dataset.Dataset:
    target = ds.path / "orders.parquet"
    st = target.stat()
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    return dataset.open_dataset(ds.path)


def test_an_earlier_version_of_the_dataset_goes_a_day_after_its_last_use(ds: dataset.Dataset, cache: Path) -> None:
    db.connect(ds)
    earlier = cache / ds.fingerprint
    assert json.loads((earlier / db.SOURCE).read_text(encoding="utf-8")) == {"path": str(ds.path), "tz": ds.tz}
    _age(earlier / db.SOURCE, 0.5)
    db.connect(_touch_a_file(ds))
    assert earlier.is_dir(), "used half a day ago: another process may still read it"
    _age(earlier / db.SOURCE, 2)
    latest = _touch_a_file(ds)
    db.connect(latest)
    assert not earlier.exists()
    assert (cache / latest.fingerprint / db.SOURCE).is_file()


def test_other_datasets_and_recent_loose_files_are_kept(ds: dataset.Dataset, edge: dataset.Dataset,
                                                         cache: Path) -> None:
    db.prepare(edge)
    _age(cache / edge.fingerprint / db.SOURCE, 30)
    folder = db.prepared_dir(ds)
    folder.mkdir(parents=True)
    recent, stale = folder / ".click_facts.1-recent.parquet", folder / ".click_facts.2-stale.parquet"
    unnamed = folder / "click_facts-000000000000.parquet"
    for path in (recent, stale, unnamed):
        path.write_bytes(b"half")
    _age(stale, 2)
    _age(unnamed, 2)
    older = folder.with_name("prepared-000000000000")  # of older SQL: never read again
    older.mkdir()
    db.connect(ds)
    assert db.is_prepared(edge), "another dataset folder's cache, however old, is not this dataset's to delete"
    assert recent.is_file(), "a writer may be busy with it"
    assert not stale.exists() and not unnamed.exists() and not older.exists()


def test_findings_of_older_rules_are_deleted(ds: dataset.Dataset, cache: Path) -> None:
    db.check_integrity(ds)
    current = db.integrity_file(ds)
    older = current.with_name("integrity-000000000000.json")
    older.write_text("[]", encoding="utf-8")
    db.forget(ds)
    db.connect(ds)
    assert current.is_file() and not older.exists()


# ---- each table made when a query first needs it; progress and other users ---------------------------

def test_opening_builds_nothing_and_a_query_builds_what_it_reads(ds: dataset.Dataset, builds: list[str]) -> None:
    """Every influencer over whole days: the Overview's figures are sums of rollups by day, so the clicks and the
    follows in influencer order (click_facts, fan_follows: minutes at the large scale) are not built, though the
    branch for any other view, which the query's text holds too, reads click_facts. One influencer's view takes
    that branch and builds it."""
    everyone = Filters(Period(*E.PERIODS["main"]))
    db.connect(ds)
    assert builds == []
    metrics.QUERIES["overview_kpis"](ds, everyone, EVERYONE)
    needs = db._needs(db.read_query("overview_kpis"), db._prepare_sql(), db._macros_sql())
    assert builds and set(builds) < set(needs) and "daily_clicks" in builds
    assert "click_facts" not in builds and "fan_follows" not in builds
    assert len(builds) == len(set(builds)) and set(builds) == db._state(ds).made, "each once; none read from a file"
    made = list(builds)
    db.forget(ds)  # a fresh connection: the same figures from the tables in the cache folder, nothing built
    metrics.clear_cache()
    metrics.QUERIES["overview_kpis"](ds, everyone, EVERYONE)
    assert builds == made
    metrics.QUERIES["overview_kpis"](ds, replace(everyone, influencers=(1,)), EVERYONE)
    assert "click_facts" in builds[len(made):], "the branch of one influencer's view reads the clicks"


def test_a_table_still_unmade_after_making_it_fails_the_query(ds: dataset.Dataset,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Should a placeholder stay in place once its table is made, the query fails naming it: no loop. (Which of
    dataset_span's tables is read first varies, so each may be asked for, once.)"""
    calls: list[tuple[str, ...]] = []

    def make_nothing(_ds: dataset.Dataset, _con: object, tables: tuple[str, ...], *args: object,
                     **kwargs: object) -> int:
        calls.append(tables)
        assert len(calls) <= len(PREPARED), "made again and again"
        return 0

    monkeypatch.setattr(db, "_ensure", make_nothing)
    with pytest.raises(db.QueryError, match="read before it is made"):
        db.run(ds, "dataset_span")
    assert calls and len(calls) == len(set(calls)), "each table asked for once"


def test_a_table_named_only_in_a_macro_is_needed() -> None:
    """post_ranking names neither: post_figures (a macro of _macros.sql) reads post_click_days, made from
    click_facts."""
    needs = db._needs(db.read_query("post_ranking"), db._prepare_sql(), db._macros_sql())
    assert {"post_click_days", "click_facts", "fan_spans", "influencer_posts"} <= set(needs)
    assert list(needs) == [t for t in PREPARED if t in needs]
    assert db._needs("select 1 -- from click_facts", db._prepare_sql(), db._macros_sql()) == ()


def test_a_table_read_before_it_is_made_fails_rather_than_reads_empty(ds: dataset.Dataset) -> None:
    cur = db.connect(ds).cursor()
    try:
        with pytest.raises(duckdb.Error, match="click_facts is read before it is made"):
            cur.sql("select count(*) from click_facts").fetchall()
        assert [c for c, *_ in cur.sql("describe click_facts").fetchall()][:2] == ["clicked_at", "user_id"]
    finally:
        cur.close()


def test_each_query_alone_makes_every_table_it_reads(ds: dataset.Dataset) -> None:
    """On a connection of its own, each query finds what it reads made (a table its needs missed would fail it:
    test above), under two views; the same figures as on one connection for all."""
    together = every_query(ds, views=VIEWS[:2])
    for (name, i), frame in together.items():
        f, viewer = VIEWS[i]
        db.forget(ds)
        metrics.clear_cache()
        pd.testing.assert_frame_equal(metrics.QUERIES[name](ds, f, viewer), frame, check_exact=True,
                                      obj=f"{name} alone")


def test_progress_is_reported_before_each_table_built(ds: dataset.Dataset) -> None:
    seen: list[tuple[float, str]] = []
    db.prepare(ds, progress=lambda fraction, step: seen.append((fraction, step)))
    assert [s for _, s in seen] == [*PREPARED, "done"]
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[0] == 0 and fractions[-1] == 1
    seen.clear()
    db.prepare(ds, progress=lambda fraction, step: seen.append((fraction, step)))
    db.forget(ds)
    db.prepare(ds, progress=lambda fraction, step: seen.append((fraction, step)))
    assert seen == [], "nothing to report when the tables are made or read from the cache"


def test_a_query_reports_to_its_thread_s_reporter(ds: dataset.Dataset, builds: list[str]) -> None:
    """Each table a query builds, one bar for all of them (the Overview's figures read several tables, each made
    when read): fractions that only grow, out of the tables it may build (its text names click_facts, which it does
    not read), and "done" once, at the end."""
    seen: list[tuple[float, str]] = []
    db.report_progress_to(lambda fraction, step: seen.append((fraction, step)))
    try:
        metrics.QUERIES["overview_kpis"](ds, Filters(Period(*E.PERIODS["main"])), EVERYONE)
    finally:
        db.report_progress_to(None)
    assert [step for _, step in seen] == [*builds, "done"]
    fractions = [fraction for fraction, _ in seen]
    assert fractions == sorted(fractions) and fractions[0] == 0 and fractions[-2] < 1 == fractions[-1]
    planned = db._needs(db.read_query("overview_kpis"), db._prepare_sql(), db._macros_sql())
    assert len(planned) > len(builds) and fractions[-2] == (len(builds) - 1) / len(planned)


def test_opening_one_dataset_does_not_block_another(ds: dataset.Dataset, edge: dataset.Dataset,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    db.connect(edge)
    started, release = threading.Event(), threading.Event()
    opened: list[str] = []
    real_open = db._open

    def slow_open(d: dataset.Dataset, *texts: str) -> duckdb.DuckDBPyConnection:
        opened.append(d.fingerprint)
        if d.fingerprint == ds.fingerprint:
            started.set()
            assert release.wait(30)
        return real_open(d, *texts)

    monkeypatch.setattr(db, "_open", slow_open)
    db.forget(edge)
    with ThreadPoolExecutor(max_workers=3) as pool:
        try:
            first = pool.submit(db.connect, ds)
            assert started.wait(30)
            second = pool.submit(db.connect, ds)  # the same dataset: waits for the first, never opens again
            other = pool.submit(db.run, edge, "dataset_span")  # another dataset: served meanwhile
            assert not other.result(timeout=20).empty
            assert not first.done() and not second.done()
        finally:
            release.set()
        assert first.result(timeout=60) is second.result(timeout=60)
    assert opened.count(ds.fingerprint) == 1


def _blocking_make(monkeypatch: pytest.MonkeyPatch, table: str) -> tuple[threading.Event, threading.Event]:
    """_make that stops before making `table` until released."""
    reached, release = threading.Event(), threading.Event()
    make = db._make

    def slow(con: duckdb.DuckDBPyConnection, state: object, name: str) -> None:
        if name == table:
            reached.set()
            assert release.wait(30)
        make(con, state, name)

    monkeypatch.setattr(db, "_make", slow)
    return reached, release


def test_a_query_whose_tables_are_made_runs_while_others_are_built(ds: dataset.Dataset,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    db.run(ds, "dataset_span")
    reached, release = _blocking_make(monkeypatch, "profile_days")
    with ThreadPoolExecutor(max_workers=2) as pool:
        try:
            building = pool.submit(db.prepare, ds)
            assert reached.wait(30)
            assert not pool.submit(db.run, ds, "dataset_span").result(timeout=20).empty
            assert not building.done()
        finally:
            release.set()
        building.result(timeout=60)
    assert db.is_prepared(ds)


def test_a_session_waiting_for_a_build_sees_its_progress(ds: dataset.Dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    """A second session needing a table another is building shows how far that build is (its bar would otherwise
    stay at 0 for minutes at the large scale), and goes on once it is done."""
    reached, release = _blocking_make(monkeypatch, "click_facts")
    monkeypatch.setattr(db, "WAIT_POLL_SECONDS", 0.01)
    mine: list[tuple[float, str]] = []
    theirs: list[tuple[float, str]] = []
    with ThreadPoolExecutor(max_workers=2) as pool:
        try:
            first = pool.submit(db.prepare, ds, None, lambda fraction, step: mine.append((fraction, step)))
            assert reached.wait(30)
            second = pool.submit(db.prepare, ds, ["click_facts"],
                                 lambda fraction, step: theirs.append((fraction, step)))
            deadline = time.monotonic() + 20
            while not theirs and time.monotonic() < deadline:
                time.sleep(0.01)
            step = PREPARED.index("click_facts")
            assert theirs and set(theirs) == {(step / len(PREPARED), "click_facts")}, "the build's step"
            assert not second.done()
        finally:
            release.set()
        first.result(timeout=60)
        second.result(timeout=60)
    assert mine[-1] == (1.0, "done") and theirs[-1][0] < 1, "the waiting session built nothing"
    assert db._progress == {}, "nothing is left of a build once it is done"


def test_a_query_waiting_for_another_s_build_shows_it_then_clears_its_bar(ds: dataset.Dataset,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A reader whose query needs a table another reader is building: its bar shows that build's progress, then
    goes once its own query is done (it built nothing itself)."""
    reads = db._needs(db.read_query("dataset_span"), db._prepare_sql(), db._macros_sql())
    db.prepare(ds, [t for t in reads if t != "order_last_click"])  # the reader waits for that one only
    reached, release = _blocking_make(monkeypatch, "order_last_click")
    monkeypatch.setattr(db, "WAIT_POLL_SECONDS", 0.01)
    theirs: list[tuple[float, str]] = []

    def waiting_reader() -> pd.DataFrame:
        db.report_progress_to(lambda fraction, step: theirs.append((fraction, step)))
        try:
            return db.run(ds, "dataset_span")
        finally:
            db.report_progress_to(None)

    with ThreadPoolExecutor(max_workers=2) as pool:
        try:
            first = pool.submit(db.prepare, ds, ["order_last_click"])
            assert reached.wait(30)
            second = pool.submit(waiting_reader)
            deadline = time.monotonic() + 20
            while not theirs and time.monotonic() < deadline:
                time.sleep(0.01)
            assert theirs and {step for _, step in theirs} == {"order_last_click"}, "the build under way"
            assert not second.done()
        finally:
            release.set()
        first.result(timeout=60)
        assert not second.result(timeout=60).empty
    assert theirs[-1] == (1.0, "done"), "the bar goes"
    assert {step for _, step in theirs} == {"order_last_click", "done"}, "the reader built nothing itself"


def test_forget_keeps_the_files(ds: dataset.Dataset) -> None:
    db.prepare(ds)
    db.check_integrity(ds)
    db.forget()
    assert db.is_prepared(ds) and db.integrity_file(ds).is_file()


def test_each_entry_is_written_after_its_file_and_names_it(ds: dataset.Dataset) -> None:
    db.prepare(ds)
    folder = db.prepared_dir(ds)
    assert sorted(p.stem for p in folder.glob("*.json")) == sorted(PREPARED)
    for name in PREPARED:
        entry = json.loads(_entry(folder, name).read_text(encoding="utf-8"))
        path = folder / entry["file"]
        assert path.name == f"{name}-{entry['sha256'][:12]}.parquet"
        assert path.stat().st_size == entry["bytes"] and pq.read_metadata(path).num_rows == entry["rows"]
        assert path.stat().st_mtime_ns <= _entry(folder, name).stat().st_mtime_ns

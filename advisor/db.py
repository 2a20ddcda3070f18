"""The only place SQL runs: a locked-down DuckDB per dataset and run(name, **params) over queries/*.sql."""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import datetime as dt
import functools
import hashlib
import inspect
import json
import os
import re
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from advisor.access import Viewer
from advisor.dataset import KEYS, REFERENCES, ROW_LABEL, RULES, TABLES, Dataset, Problem

QUERY_DIR = Path(__file__).resolve().parent.parent / "queries"
MACROS = "_macros"
PREPARE = "_prepare"
NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
PARAM_RE = re.compile(r"\$([a-z_][a-z0-9_]*)")

MAX_ROWS = 1_000_000
MAX_SECONDS = float(os.environ.get("ADVISOR_MAX_SECONDS", "120"))
# DuckDB's own memory (it spills to the cache folder beyond it). 3.5 GB (3.26 GiB) keeps the whole app process under
# 4 GiB at the large scale (101 M clicks): peak RSS 3,504 MiB there, against 4,021 MiB at 4 GB (docs/benchmarks.md).
MEMORY_LIMIT = os.environ.get("ADVISOR_MEMORY_LIMIT", "3.5GB")
THREADS = int(os.environ.get("ADVISOR_THREADS", str(max(1, min(4, os.cpu_count() or 1)))))


class QueryError(Exception):
    """A query could not run; the message is fit for the user."""


class TooManyRows(QueryError):
    """A result longer than MAX_ROWS: the reader narrows the period or the influencers."""

    def __init__(self, name: str, limit: int) -> None:
        super().__init__(f"query {name} returned more than {limit:,} rows; narrow the filters")
        self.name, self.limit = name, limit


# The row cap keeps a screen from pulling a result it cannot show into memory; the command line writes whole results
# (`query post_conversion` at 1.6 M posts), so it runs its queries inside uncapped().
_uncapped: contextvars.ContextVar[bool] = contextvars.ContextVar("uncapped", default=False)


@contextlib.contextmanager
def uncapped() -> Iterator[None]:
    """Lift MAX_ROWS for the queries run inside (in this thread or task only): the command line's whole results."""
    token = _uncapped.set(True)
    try:
        yield
    finally:
        _uncapped.reset(token)


class NotPermitted(QueryError):
    """The viewer's role may not run this query (a merchant asking for full audience profiles)."""

    def __init__(self, name: str) -> None:
        super().__init__(f"query {name} shows full audience profiles, which this viewer is not granted")
        self.name = name


# The queries of full audience profiles (the Audience screen): a viewer without `profiles` (a merchant, unless the
# access file grants it) sees audiences only as the match and overlap figures of the Merchants screen.
PROFILE_QUERIES = frozenset({"audience_summary", "audience_breakdown", "audience_daily", "audience_tgi",
                             "audience_active_hours", "audience_quality"})
# Cohort- and platform-level queries, the same for every viewer: figures over every influencer of a category and
# tier, published only under the privacy rules of category_benchmark (k influencers, no one dominant), and the
# segment values held by at least k users. Every other named query takes the viewer scope (tests/test_sql_files.py
# checks this list against the SQL). category_benchmark is cut from benchmark_rows (metrics.DERIVED), whose cohort
# rows take no scope; tests/test_access_queries.py checks it is the same for every viewer.
COHORT_QUERIES = frozenset({"category_benchmark", "benchmark_trend", "segment_values"})


def scope(ds: Dataset, viewer: Viewer | None = None) -> Viewer:
    """The scope a query through `ds` runs under: the handle's own, narrowed by `viewer` when given."""
    return ds.viewer if viewer is None else ds.viewer.narrow(viewer)


def cache_dir() -> Path:
    """Where derived files live: never inside a dataset folder."""
    base = os.environ.get("ADVISOR_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "social-commerce-advisor")
    return Path(base)


def query_names() -> list[str]:
    """The named queries: every queries/*.sql not starting with an underscore."""
    return sorted(p.stem for p in QUERY_DIR.glob("*.sql") if not p.stem.startswith("_"))


def read_query(name: str) -> str:
    if not NAME_RE.match(name) or name not in query_names():
        raise QueryError(f"unknown query {name!r}; known: {', '.join(query_names())}")
    return (QUERY_DIR / f"{name}.sql").read_text(encoding="utf-8")


def query_params(name: str) -> set[str]:
    """The $named parameters a query uses (comments excluded)."""
    body = "\n".join(line.split("--", 1)[0] for line in read_query(name).splitlines())
    return set(PARAM_RE.findall(body))


# ---- the persisted preparation (issue 10): queries/_prepare.sql's tables as Parquet in the cache folder ----

CACHE_ENV = "ADVISOR_PREPARED_CACHE"
MANIFEST = "manifest.json"
CACHE_FORMAT = 1  # bump when the layout of a prepared folder or the integrity file changes
# The tables _prepare.sql creates; the identifier comes from our own SQL file, never from a user.
_CREATE_TABLE = re.compile(r"^\s*create\s+(?:or\s+replace\s+)?table\s+([a-z_][a-z0-9_]*)\b", re.I | re.M)
_CREATE_TABLE_AS = re.compile(_CREATE_TABLE.pattern + r"\s+as\b", re.I | re.M)

# A prepared table of at most this many rows is copied into memory when read from the cache; a larger one is
# read through a view over its file. Measured at the demo scale (1 M clicks, docs/benchmarks.md): in memory,
# a bare scan takes half the time and the Overview screen about 30% less, for ~60-100 MiB more and ~0.1 s more
# to open; at the large scale (101 M clicks) the copy would not fit the memory limit.
MATERIALISE_ROWS = 10_000_000

Progress = Callable[[float, str], None]


def persisted_cache_enabled() -> bool:
    """False when ADVISOR_PREPARED_CACHE is 0/false/no/off (read at each call): prepare in memory, as before."""
    return os.environ.get(CACHE_ENV, "1").strip().lower() not in ("0", "false", "no", "off")


def short_hash(*parts: str) -> str:
    """12 hex digits of SHA-256 over the parts: names a cache entry after what it was made from."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()[:12]


def _views_signature(ds: Dataset) -> str:
    """How the contract views read the files (casts, tz handling): a change there must rebuild derived files."""
    return "\n".join(f"{name}: " + (ds.select_list(name) if ds.has(name) else "empty") for name in TABLES)


def _prepare_sql() -> str:
    return (QUERY_DIR / f"{PREPARE}.sql").read_text(encoding="utf-8")


def prepared_tables(sql: str) -> list[str]:
    """The tables a preparation script creates, in order."""
    return _CREATE_TABLE.findall(sql)


def prepared_dir(ds: Dataset, sql: str | None = None) -> Path:
    """<cache>/<fingerprint>/prepared-<hash of the _prepare.sql text and the views>: editing the SQL rebuilds."""
    sql = _prepare_sql() if sql is None else sql
    return cache_dir() / ds.fingerprint / f"prepared-{short_hash(str(CACHE_FORMAT), sql, _views_signature(ds))}"


def _digest(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _read_manifest(folder: Path, tables: list[str], verify: bool = False) -> dict[str, dict] | None:
    """The manifest of a complete prepared folder, or None when it is missing, partial or damaged: the manifest
    is written last, and each file must still have the size and footer row count it names (and, with `verify`,
    the same SHA-256)."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        entries = manifest["tables"]
        if manifest.get("format") != CACHE_FORMAT or sorted(entries) != sorted(tables):
            return None
        for entry in entries.values():
            path = folder / entry["file"]
            if path.parent != folder or path.stat().st_size != entry["bytes"]:
                return None
            if pq.read_metadata(path).num_rows != entry["rows"]:
                return None
            if verify and _digest(path) != entry["sha256"]:
                return None  # damaged inside: a flipped byte could otherwise read as a wrong figure
        return entries
    except (OSError, ValueError, KeyError, TypeError, AttributeError, pa.ArrowException):
        return None


def is_prepared(ds: Dataset) -> bool:
    """True when opening `ds` needs no preparation: its connection is open, or its prepared files are on disk."""
    with _lock:
        if ds.fingerprint in _connections:
            return True
    if not persisted_cache_enabled():
        return False
    sql = _prepare_sql()
    return _read_manifest(prepared_dir(ds, sql), prepared_tables(sql)) is not None


def is_open(fingerprint: str) -> bool:
    """True when a connection for this dataset fingerprint is open in this process."""
    with _lock:
        return fingerprint in _connections


_connections: dict[str, duckdb.DuckDBPyConnection] = {}
_lock = threading.Lock()  # guards the dicts only; never held while preparing
_preparing: dict[str, threading.Lock] = {}  # one per fingerprint: a dataset is prepared once, others meanwhile
# The preparations under way: fingerprint -> the latest (fraction, step) reported, so that the sessions waiting for
# one show how far it is rather than a bar stuck at 0 (at the large scale the first open takes minutes).
_progress: dict[str, tuple[float, str]] = {}
WAIT_POLL_SECONDS = 0.5  # how often a session waiting for another's preparation passes its progress on


def connect(ds: Dataset, progress: Progress | None = None) -> duckdb.DuckDBPyConnection:
    """One locked-down in-memory connection per dataset fingerprint, with a view per contract table.

    `progress(fraction, step)` is called between the steps of a preparation (not when the connection is open
    or read from the cache). Only the dataset being prepared waits: other datasets are served meanwhile. A caller
    waiting for another's preparation of the same dataset gets that preparation's progress, every
    WAIT_POLL_SECONDS."""
    report = progress or (lambda _fraction, _step: None)
    with _lock:
        con = _connections.get(ds.fingerprint)
        if con is not None:
            return con
        lock = _preparing.setdefault(ds.fingerprint, threading.Lock())
    while not lock.acquire(timeout=WAIT_POLL_SECONDS):
        with _lock:
            under_way = _progress.get(ds.fingerprint)
        if under_way is not None:
            report(*under_way)
    try:
        with _lock:
            con = _connections.get(ds.fingerprint)
            if con is not None:  # another session prepared it while this one waited
                return con

        def shared(fraction: float, step: str) -> None:
            with _lock:
                _progress[ds.fingerprint] = (fraction, step)
            report(fraction, step)

        con = _open(ds, shared)
        with _lock:
            _connections[ds.fingerprint] = con
            _preparing.pop(ds.fingerprint, None)
        return con
    finally:
        with _lock:
            _progress.pop(ds.fingerprint, None)
        lock.release()


def _open(ds: Dataset, progress: Progress | None = None, use_cached: bool = True) -> duckdb.DuckDBPyConnection:
    report = progress or (lambda _fraction, _step: None)
    cache = cache_dir() / ds.fingerprint
    (cache / "tmp").mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(":memory:", config={
        "threads": THREADS,
        "memory_limit": MEMORY_LIMIT,
        "temp_directory": str(cache / "tmp"),
        "max_temp_directory_size": "20GB",
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
    })
    # A progress bar would draw on the terminal of the app or the command line (cursors inherit this).
    con.execute("SET enable_progress_bar = false")
    # Each query reads the footers of the Parquet files it names (the large prepared tables and the exports, read
    # through views) when it is planned: kept once read, planning one account's query at the large scale no longer
    # costs 20-50 ms (docs/benchmarks.md). A file changed in place is read again (the cache checks that the file is
    # unchanged); the prepared files never are. (Not a connect() option: the Parquet reader registers it.)
    con.execute("SET GLOBAL parquet_metadata_cache = true")
    # TIMESTAMPTZ -> TIMESTAMP casts in the views yield wall-clock time of the dataset's zone.
    con.execute("SET GLOBAL TimeZone = $tz", {"tz": ds.tz})
    # The exports' own files, by name, are all it may read of the dataset folder: a directory grant
    # would let a statement create files there. Only single SELECTs run (see run), so nothing writes.
    con.execute("SET allowed_paths = $files", {"files": [str(p) for paths in ds.files.values() for p in paths]})
    con.execute("SET allowed_directories = $dirs", {"dirs": [str(cache) + "/"]})
    con.execute("SET enable_external_access = false")
    for name in TABLES:
        if ds.has(name):
            # `_file` names the Parquet file of each row, so problems can point at it.
            rel = con.sql("select * from read_parquet($files, hive_partitioning = $hive, union_by_name = true, "
                          "filename = '_file')",
                          params={"files": [str(p) for p in ds.files[name]], "hive": ds.hive[name]})
            rel.project(ds.select_list(name) + ", _file").create_view(name)
        else:
            # A missing optional table reads as empty, so every query can name it.
            con.sql("select " + ds.empty_select_list(name) + ", cast(null as varchar) as _file where false"
                    ).create_view(name)
    sql = _prepare_sql()
    tables = prepared_tables(sql)
    persisted = persisted_cache_enabled()
    folder = prepared_dir(ds, sql)
    entries = _read_manifest(folder, tables, verify=True) if persisted and use_cached else None
    if entries is not None:
        try:
            _run_prepare(con, sql, lambda name: _attach_prepared(con, name, folder / entries[name]["file"],
                                                                 entries[name]["rows"]))
        except duckdb.Error:
            # Files that passed the manifest check but do not read (damaged inside): build afresh and replace them.
            con.close()
            return _open(ds, progress, use_cached=False)
    else:
        # Steps: the views (already made, lazily), then each table (built, and written when the cache is on).
        report(0.0, "views")

        def step(name: str) -> None:
            report((tables.index(name) + 1) / (len(tables) + 1), name)

        # After files that would not read (use_cached False), the folder is replaced whatever it looks like.
        if not (persisted and _build_into_cache(con, sql, tables, folder, step, replace=not use_cached)):
            def build(name: str) -> None:
                step(name)
                con.execute(_statement(con, sql, name))

            _run_prepare(con, sql, build)
        report(1.0, "done")
    if persisted:
        _mark_and_prune(ds, folder)
    con.execute((QUERY_DIR / f"{MACROS}.sql").read_text(encoding="utf-8"))
    con.execute("SET max_execution_time = $ms", {"ms": int(MAX_SECONDS * 1000)})
    con.execute("SET lock_configuration = true")
    return con


def _statement(con: duckdb.DuckDBPyConnection, sql: str, table: str) -> str:
    """The statement of the preparation script that creates `table`."""
    for statement in con.extract_statements(sql):
        if prepared_tables(statement.query) == [table]:
            return statement.query
    raise QueryError(f"{PREPARE}.sql does not create {table}")


def _run_prepare(con: duckdb.DuckDBPyConnection, sql: str, make_table: Callable[[str], object]) -> None:
    """Run the preparation script statement by statement; each table is made by `make_table(name)`."""
    for statement in con.extract_statements(sql):
        created = prepared_tables(statement.query)
        if created:
            make_table(created[0])
        else:
            con.execute(statement.query)


# Prepared tables read by ranges of their sort key (follow_days_by_day: the days since a month start), or by
# influencer or whole (post_click_days, product_click_days): their files' row-group statistics skip the rest as well as
# a copy in memory would, and a whole scan takes as long, so they stay files however few their rows (at the large
# scale a copy of follow_days_by_day held ~360 MB, of post_click_days ~490 MB; the Posts screen took as long either
# way, docs/benchmarks.md).
READ_FROM_FILE = frozenset({"follow_days_by_day", "post_click_days", "product_click_days"})


def _read_from_file(name: str, rows: int) -> bool:
    return rows > MATERIALISE_ROWS or name in READ_FROM_FILE


def _attach_prepared(con: duckdb.DuckDBPyConnection, name: str, path: Path, rows: int) -> None:
    """Make prepared table `name` from its cached file: a copy in memory, or a view when it is large (or read by
    ranges: READ_FROM_FILE)."""
    rel = con.read_parquet(str(path))
    if _read_from_file(name, rows):
        rel.create_view(name)
    else:
        rel.create(name)


def _build_into_cache(con: duckdb.DuckDBPyConnection, sql: str, tables: list[str], folder: Path,
                      step: Callable[[str], object], replace: bool = False) -> bool:
    """Build each prepared table straight into its Parquet file, in a uniquely named sibling of `folder`, and read
    it from there (a table is never held whole in memory: at the large scale one is bigger than the memory limit,
    and building it in memory first spilled it to disk and back). The manifest is written last and the folder
    renamed into place; the large tables, read through views, then read the folder in place (ours, or a racing
    process's when it won); the small ones stay the copies made while building. An existing folder is kept when it
    is complete and intact, unless `replace`. False when the files could not be written (disk full, read-only):
    the tables made so far are dropped, so the caller builds them in memory."""
    part = folder.with_name(f".{folder.name}.part-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    entries: dict[str, dict] = {}

    def build(name: str) -> None:
        step(name)
        path = part / f"{name}.parquet"
        con.sql(_select_of(_statement(con, sql, name))).write_parquet(str(path))
        rows = pq.read_metadata(path).num_rows
        entries[name] = {"file": path.name, "rows": rows, "bytes": path.stat().st_size, "sha256": _digest(path)}
        _attach_prepared(con, name, path, rows)  # the later tables of the script read it

    try:
        part.mkdir(parents=True)
        _run_prepare(con, sql, build)
        _write_json(part / MANIFEST, {"format": CACHE_FORMAT, "tables": entries})
        try:
            os.rename(part, folder)
        except OSError:
            # The folder exists: a racing process won (use its files), or it is damaged (replace it).
            if replace or _read_manifest(folder, tables, verify=True) is None:
                aside = folder.with_name(f".{folder.name}.old-{uuid.uuid4().hex[:8]}")
                os.rename(folder, aside)
                os.rename(part, folder)
                shutil.rmtree(aside, ignore_errors=True)
        placed = _read_manifest(folder, tables)
        if placed is None:
            raise OSError(f"{folder} is not complete after writing")
        for name in tables:
            if _read_from_file(name, placed[name]["rows"]):  # a view names its file: point it at the folder in place
                _detach_prepared(con, name)
                _attach_prepared(con, name, folder / placed[name]["file"], placed[name]["rows"])
        return True
    except (OSError, duckdb.IOException, duckdb.PermissionException):
        for name in tables:
            _detach_prepared(con, name)
        return False
    finally:
        shutil.rmtree(part, ignore_errors=True)


def _select_of(statement: str) -> str:
    """The query of a `create [or replace] table name as <query>;` statement of the preparation script (whose
    text, as DuckDB splits the script, runs on to the comment lines before the next statement)."""
    match = _CREATE_TABLE_AS.search(statement)
    if match is None:
        raise QueryError(f"{PREPARE}.sql: a table must be made by `create table name as <query>`")
    lines = statement[match.end():].splitlines()
    while lines and (not lines[-1].strip() or lines[-1].lstrip().startswith("--")):
        lines.pop()
    return "\n".join(lines).rstrip().removesuffix(";")


def _detach_prepared(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Drop prepared table `name`, whether it was made a view (over a large file) or a table; nothing if absent."""
    kinds = con.execute("select table_type from information_schema.tables where table_name = $name",
                        {"name": name}).fetchall()
    for (kind,) in kinds:
        con.execute(("drop view " if kind == "VIEW" else "drop table ") + name)


SOURCE = "source.json"  # in each fingerprint folder: which dataset folder it was made from; its mtime, last use
KEEP_SECONDS = 24 * 3600  # a superseded version of a dataset is deleted a day after its last use


def _mark_and_prune(ds: Dataset, folder: Path) -> None:
    """Note that this version of the dataset is in use, and delete what nobody will read again: the prepared
    folders of older SQL and the integrity findings of older rules under this fingerprint, half-written folders a
    day old, and the folders of earlier
    versions of the same dataset folder (same path and time zone) unused for a day. Large data would otherwise
    leave gigabytes behind at every update. Never fails the open."""
    home = cache_dir() / ds.fingerprint
    stamp = home / SOURCE
    source = {"path": str(ds.path), "tz": ds.tz}
    now = time.time()
    try:
        if stamp.exists():
            os.utime(stamp)
        else:
            _write_json(stamp, source)
        findings = integrity_file(ds).name
        for entry in home.iterdir():
            stale_part = entry.name.startswith(".prepared-") and now - entry.stat().st_mtime > KEEP_SECONDS
            older_sql = entry.name.startswith("prepared-") and entry.name != folder.name
            if entry.is_dir() and (stale_part or older_sql):
                shutil.rmtree(entry, ignore_errors=True)
            elif entry.is_file() and entry.name.startswith("integrity-") and entry.name != findings:
                entry.unlink(missing_ok=True)  # findings of older rules or code: never read again
        for other in cache_dir().iterdir():
            other_stamp = other / SOURCE
            if other == home or not other_stamp.is_file():
                continue
            if (json.loads(other_stamp.read_text(encoding="utf-8")) == source
                    and now - other_stamp.stat().st_mtime > KEEP_SECONDS):
                shutil.rmtree(other, ignore_errors=True)
    except (OSError, ValueError):
        pass  # a cache that cannot be tidied now is tidied at a later open


def _write_json(path: Path, value: object) -> None:
    """Write a JSON file whole or not at all (a unique temporary name, then a rename)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}")
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(value, f, ensure_ascii=False)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def forget(ds: Dataset | None = None) -> None:
    """Close cached connections (all, or one dataset's) and forget their integrity findings held in memory.
    Files in the cache folder stay: the next connection reads them."""
    with _lock:
        keys = list(_connections) if ds is None else [ds.fingerprint]
        for key in keys:
            con = _connections.pop(key, None)
            if con is not None:
                con.close()
            _integrity.pop(key, None)


# The floors of `python -m advisor bench`: bare scans of the rows a query reads, to set its time against.
FLOORS = ("_bench_floor_raw", "_bench_floor_prepared")


def floor_scan(ds: Dataset, name: str) -> list[tuple]:
    """Run one floor scan (queries/<name>.sql, one of FLOORS: a single SELECT without parameters)."""
    if name not in FLOORS:
        raise QueryError(f"unknown floor {name!r}; known: {', '.join(FLOORS)}")
    con = connect(ds)
    sql = (QUERY_DIR / f"{name}.sql").read_text(encoding="utf-8")
    statements = con.extract_statements(sql)
    if len(statements) != 1 or statements[0].type != duckdb.StatementType.SELECT:
        raise QueryError(f"floor {name} must be exactly one SELECT statement")
    cur = con.cursor()
    try:
        return cur.sql(sql).fetchall()
    except duckdb.Error as exc:
        raise QueryError(f"floor {name} failed: {str(exc).splitlines()[0]}") from None
    finally:
        cur.close()


_checked: dict[str, str] = {}


def _checked_sql(con: duckdb.DuckDBPyConnection, name: str) -> str:
    """The query text, once shown to be a single SELECT: nothing run here can write or configure."""
    sql = read_query(name)
    if _checked.get(name) != sql:
        try:
            statements = con.extract_statements(sql)
        except duckdb.Error as exc:
            raise QueryError(f"query {name} does not parse: {str(exc).splitlines()[0]}") from None
        if len(statements) != 1 or statements[0].type != duckdb.StatementType.SELECT:
            raise QueryError(f"query {name} must be exactly one SELECT statement")
        _checked[name] = sql
    return sql


def _param_value(value: object) -> object:
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime.combine(value, dt.time())
    return value


def run(ds: Dataset, name: str, viewer: Viewer | None = None, **params: object) -> pd.DataFrame:
    """Run named query `name` with `$named` params under the viewer scope of `ds` (narrowed by `viewer`, never
    widened); at most MAX_ROWS rows (unless inside uncapped()). The scope is set last, so no parameter can replace
    it."""
    seen = scope(ds, viewer)
    if name in PROFILE_QUERIES and not seen.profiles:
        raise NotPermitted(name)
    if any(k.startswith("viewer_") for k in params):
        raise QueryError(f"query {name}: the viewer scope comes from the viewer, never from a parameter")
    con = connect(ds)
    sql = _checked_sql(con, name)
    values = {k: _param_value(v) for k, v in params.items()}
    values.update(seen.params())
    wanted = query_params(name)
    missing, extra = wanted - set(values), set(params) - wanted
    if missing or extra:
        raise QueryError(f"query {name}: missing parameters {sorted(missing)}, unknown {sorted(extra)}")
    cur = con.cursor()
    try:
        reader = cur.sql(sql, params={k: values[k] for k in wanted}).to_arrow_reader(65_536)
        batches, rows = [], 0
        for batch in reader:
            batches.append(batch)
            rows += batch.num_rows
            if rows > MAX_ROWS and not _uncapped.get():
                raise TooManyRows(name, MAX_ROWS)
        table = pa.Table.from_batches(batches, schema=reader.schema)
    except duckdb.InterruptException:
        raise QueryError(f"query {name} took longer than {MAX_SECONDS:.0f} s") from None
    except duckdb.Error as exc:
        raise QueryError(f"query {name} failed: {str(exc).splitlines()[0]}") from None
    finally:
        cur.close()
    return _to_pandas(table)


def _to_pandas(table: pa.Table) -> pd.DataFrame:
    # Money arrives as DECIMAL with 2 places, sums of counts as DECIMAL(38,0): screens, charts and
    # exports want plain numbers.
    for i, f in enumerate(table.schema):
        if pa.types.is_decimal(f.type):
            column = table.column(i)
            # Through text, so 19.99 becomes the double nearest 19.99 (a direct cast can land one ulp off).
            column = column.cast(pa.int64()) if f.type.scale == 0 else column.cast(pa.string()).cast(pa.float64())
            table = table.set_column(i, f.name, column)
    # Counts stay integers when a NULL is among them (pandas' nullable Int64), never floats.
    return table.to_pandas(types_mapper=lambda t: pd.Int64Dtype() if pa.types.is_integer(t) else None)


# ---- integrity (CONTRACT.md, Integrity rules) ------------------------------------------------------

_integrity: dict[str, list[Problem]] = {}


def integrity_file(ds: Dataset) -> Path:
    """<cache>/<fingerprint>/integrity-<hash of the rules, the code applying them and the views>.json."""
    rules = repr((RULES, KEYS, REFERENCES, ROW_LABEL))
    code = _integrity_source()
    return cache_dir() / ds.fingerprint / (
        f"integrity-{short_hash(str(CACHE_FORMAT), rules, code, _views_signature(ds), duckdb.__version__)}.json")


def _load_findings(path: Path) -> list[Problem] | None:
    try:
        return [Problem(**item) for item in json.loads(path.read_text(encoding="utf-8"))]
    except (OSError, ValueError, TypeError):
        return None  # missing or damaged: the rules run again


def check_integrity(ds: Dataset) -> list[Problem]:
    """Every integrity rule of the contract over the dataset's views; cached per dataset fingerprint, in memory
    and (unless ADVISOR_PREPARED_CACHE=0) on disk."""
    with _lock:
        if ds.fingerprint in _integrity:
            return list(_integrity[ds.fingerprint])
    persisted = persisted_cache_enabled()
    path = integrity_file(ds)
    problems = _load_findings(path) if persisted else None
    if problems is None:
        problems = _check_rules(ds)
        # A failed scan (cast_failed: also out of memory, a timeout) may not recur: never persisted.
        if persisted and not any(p.code == "cast_failed" for p in problems):
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                _write_json(path, [dataclasses.asdict(p) for p in problems])
            except OSError:
                pass  # no cache this time; the findings stand
    with _lock:
        _integrity[ds.fingerprint] = problems
    return list(problems)


def _check_rules(ds: Dataset) -> list[Problem]:
    cur = connect(ds).cursor()
    problems: list[Problem] = []
    try:
        for rule in RULES:
            if ds.has(rule.table):
                shown = rule.column if rule.code == "unknown_enum" else ROW_LABEL[rule.table]
                rel = cur.table(rule.table).filter(rule.violates)
                problems += _findings(ds, rel, shown, rule.code, rule.severity, rule.table, rule.column, rule.detail)
        for table, key in KEYS.items():
            if ds.has(table):
                rel = (cur.table(table).filter(key + " is not null")
                       .aggregate(key + ", count(*) as n, min(_file) as _file", key).filter("n > 1"))
                problems += _findings(ds, rel, key, "duplicate_key", "error", table, key)
        for (table, column), (parent, key) in REFERENCES.items():
            if ds.has(table) and ds.has(parent):
                known = cur.table(parent).filter(key + " is not null").project(key + " as _known")
                rel = cur.table(table).filter(column + " is not null").join(known, column + " = _known", how="anti")
                problems += _findings(ds, rel, column, "unknown_reference", "warning", table, column,
                                      parent + "." + key)
    except duckdb.Error as exc:
        # A value that cannot be cast to the contract's type surfaces here first.
        problems.append(Problem("cast_failed", "error", detail=str(exc).splitlines()[0][:300]))
    finally:
        cur.close()
    return problems


def _findings(ds: Dataset, rel: duckdb.DuckDBPyRelation, shown: str, code: str, severity: str, table: str,
              column: str, detail: str = "") -> list[Problem]:
    """Count the rows of `rel` and describe up to five of them; nothing when there are none."""
    [(n, examples, files)] = rel.aggregate(
        "count(*), list(distinct coalesce(cast(" + shown + " as varchar), 'null'))[1:5], list(distinct _file)[1:3]"
    ).fetchall()
    if not n:
        return []
    root = str(ds.path) + os.sep
    names = ", ".join(f.removeprefix(root) for f in files if f) or table
    shown_examples = ", ".join(examples) if code == "unknown_enum" else ", ".join(shown + "=" + e for e in examples)
    return [Problem(code, severity, table=table, file=names, column=column, count=int(n), examples=shown_examples,
                    detail=detail)]


_INTEGRITY_CODE = (_check_rules, _findings)  # the functions as defined here, whatever a test patches later


@functools.cache
def _integrity_source() -> str:
    """The code that turns rules into findings: a change to it invalidates the cached findings."""
    return "".join(inspect.getsource(fn) for fn in _INTEGRITY_CODE)

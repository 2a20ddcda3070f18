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
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from advisor.access import Viewer
from advisor.dataset import KEYS, REFERENCES, ROW_LABEL, RULES, TABLES, Dataset, Problem, Rule

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


class PrepareError(QueryError):
    """A prepared table a query needs could not be made (out of memory or disk, a file that stopped reading)."""


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
# Bump when the layout of a prepared folder or the integrity file changes. 2: one file and one entry (<table>.json)
# per table, each made when a query first needs it (1: every table at the first open, one manifest).
CACHE_FORMAT = 2
# The tables _prepare.sql creates; the identifier comes from our own SQL file, never from a user.
_CREATE_TABLE = re.compile(r"^\s*create\s+(?:or\s+replace\s+)?table\s+([a-z_][a-z0-9_]*)\b", re.I | re.M)
_CREATE_TABLE_AS = re.compile(_CREATE_TABLE.pattern + r"\s+as\b", re.I | re.M)
_CREATE_MACRO = re.compile(r"^\s*create\s+(?:or\s+replace\s+)?macro\s+([a-z_][a-z0-9_]*)\b", re.I | re.M)
_WORD = re.compile(r"[a-z_][a-z0-9_]*", re.I)

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


def _macros_sql() -> str:
    return (QUERY_DIR / f"{MACROS}.sql").read_text(encoding="utf-8")


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


def _words(sql: str) -> set[str]:
    """The identifiers of a SQL text, its comments left out."""
    return {w.lower() for w in _WORD.findall("\n".join(line.split("--", 1)[0] for line in sql.splitlines()))}


@functools.lru_cache(maxsize=256)
def _needs(sql: str, prepare: str, macros: str) -> tuple[str, ...]:
    """The prepared tables a statement may read, in the preparation's order: those it names, those the macros it
    calls name (_macros.sql and _prepare.sql's own), and the tables those are made from, all the way down. Read from
    the words of the texts, so a name in a branch the statement does not take counts too: what making a table needs
    first (its own statement takes no branch), and an upper bound of what a query may build (_reading)."""
    con = duckdb.connect()
    try:
        bodies: dict[str, str] = {}
        for text in (prepare, macros):
            for statement in con.extract_statements(text):
                name = (prepared_tables(statement.query) or _CREATE_MACRO.findall(statement.query) or [None])[0]
                if name is not None:
                    bodies[name.lower()] = statement.query
    finally:
        con.close()
    order = prepared_tables(prepare)
    seen: set[str] = set()
    todo = [w for w in _words(sql) if w in bodies]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo += [w for w in _words(bodies[name]) if w in bodies and w not in seen]
    return tuple(t for t in order if t in seen)


def _entry_path(folder: Path, name: str) -> Path:
    return folder / f"{name}.json"


def _read_entry(folder: Path, name: str, verify: bool = False) -> dict | None:
    """The entry of prepared table `name` in `folder`, or None when it is missing or damaged: the entry is written
    after its file, and the file must still have the size and footer row count it names (and, with `verify`, the
    same SHA-256)."""
    try:
        entry = json.loads(_entry_path(folder, name).read_text(encoding="utf-8"))
        path = folder / entry["file"]
        if path.parent != folder or path.stat().st_size != entry["bytes"]:
            return None
        if pq.read_metadata(path).num_rows != entry["rows"]:
            return None
        if verify and _digest(path) != entry["sha256"]:
            return None  # damaged inside: a flipped byte could otherwise read as a wrong figure
        return entry
    except (OSError, ValueError, KeyError, TypeError, AttributeError, pa.ArrowException):
        return None


def is_prepared(ds: Dataset) -> bool:
    """True when no query on `ds` has a table left to build: all are made in its open connection, or all are on disk
    in the cache folder."""
    sql = _prepare_sql()
    tables = prepared_tables(sql)
    with _lock:
        state = _states.get(ds.fingerprint)
    if state is not None and state.made >= set(tables):
        return True
    if not persisted_cache_enabled():
        return False
    folder = prepared_dir(ds, sql)
    return all(_read_entry(folder, name) is not None for name in tables)


def is_open(fingerprint: str) -> bool:
    """True when a connection for this dataset fingerprint is open in this process."""
    with _lock:
        return fingerprint in _connections


@dataclasses.dataclass
class _State:
    """What a connection has made of the preparation: the texts it was opened with (_prepare.sql, _macros.sql: what
    each query needs is read from them, not from the files again), the tables made so far, where their files go
    (None: in memory, the cache being off or unwritable), and one lock so that each table is built once."""

    sql: str
    macros: str
    folder: Path | None
    made: set[str] = dataclasses.field(default_factory=set)
    building: threading.Lock = dataclasses.field(default_factory=threading.Lock)


_connections: dict[str, duckdb.DuckDBPyConnection] = {}
_states: dict[str, _State] = {}
_lock = threading.Lock()  # guards the dicts only; never held while opening or building
_opening: dict[str, threading.Lock] = {}  # one per fingerprint: a dataset is opened once, others meanwhile
# The builds under way: fingerprint -> the latest (fraction, step) reported, so that the sessions waiting for one
# show how far it is rather than a bar stuck at 0 (at the large scale a screen's first tables take minutes).
_progress: dict[str, tuple[float, str]] = {}
WAIT_POLL_SECONDS = 0.5  # how often a session waiting for another's build passes its progress on
# Where the queries of this thread (or task) report the tables they build first: the app's page draws a bar.
_reporter: contextvars.ContextVar[Progress | None] = contextvars.ContextVar("reporter", default=None)


def report_progress_to(progress: Progress | None) -> None:
    """From now on in this thread (or task), a query that must first build prepared tables calls
    `progress(fraction, step)` before each (the step is the table's name) and `progress(1.0, "done")` after."""
    _reporter.set(progress)


def connect(ds: Dataset) -> duckdb.DuckDBPyConnection:
    """One locked-down in-memory connection per dataset fingerprint, with a view per contract table. Opening it is
    quick: each prepared table is made (read from the cache folder, or built and written there) when a query first
    reads it (_reading). Only the dataset being opened waits: other datasets are served meanwhile."""
    with _lock:
        con = _connections.get(ds.fingerprint)
        if con is not None:
            return con
        lock = _opening.setdefault(ds.fingerprint, threading.Lock())
    with lock:
        with _lock:
            con = _connections.get(ds.fingerprint)
            if con is not None:  # another session opened it while this one waited
                return con
        sql, macros = _prepare_sql(), _macros_sql()
        con = _open(ds, sql, macros)
        state = _State(sql, macros, prepared_dir(ds, sql) if persisted_cache_enabled() else None)
        if state.folder is not None:
            _mark_and_prune(ds, state.folder)
        with _lock:
            _connections[ds.fingerprint] = con
            _states[ds.fingerprint] = state
            _opening.pop(ds.fingerprint, None)
        return con


def prepare(ds: Dataset, tables: Iterable[str] | None = None,
            progress: Progress | None = None) -> duckdb.DuckDBPyConnection:
    """The connection of `ds` with prepared `tables` made (all of them by default), and what they are made from;
    `progress(fraction, step)` as in report_progress_to."""
    con = connect(ds)
    state = _state(ds)
    wanted = prepared_tables(state.sql) if tables is None else list(tables)
    _ensure(ds, con, _needs(" ".join(wanted), state.sql, state.macros), progress)
    return con


def _state(ds: Dataset) -> _State:
    with _lock:
        return _states[ds.fingerprint]


def _ensure(ds: Dataset, con: duckdb.DuckDBPyConnection, tables: Sequence[str],
            progress: Progress | None = None, *, before: int = 0, planned: int = 0, finish: bool = True) -> int:
    """Make the prepared `tables` (in the preparation's order, each after what it is made from) that are not made
    yet; the number built (not read from the cache folder). One build at a time per dataset: a caller that needs a
    table another is building waits for it, and gets that build's progress every WAIT_POLL_SECONDS. The fraction
    reported before each table counts the `before` tables the caller built already, out of the `planned` it may
    build in all (at least those); `finish`: report (1.0, "done") after."""
    state = _state(ds)
    if state.made.issuperset(tables):
        return 0
    report = progress or _reporter.get() or (lambda _fraction, _step: None)
    while not state.building.acquire(timeout=WAIT_POLL_SECONDS):
        with _lock:
            under_way = _progress.get(ds.fingerprint)
        if under_way is not None:
            report(*under_way)
    missing = [name for name in tables if name not in state.made]
    # Only the tables to build are reported: reading one from the cache folder takes a moment.
    built = _to_build(state, missing)
    try:
        for name in missing:
            if name in built:
                step = ((before + built.index(name)) / max(planned, before + len(built)), name)
                with _lock:
                    _progress[ds.fingerprint] = step  # for the sessions waiting for this build
                report(*step)
            _make(con, state, name)
            state.made.add(name)
    finally:
        with _lock:
            _progress.pop(ds.fingerprint, None)
        state.building.release()
        if built and finish:
            report(1.0, "done")  # also when a build failed: the bar goes, the query's error is shown
    return len(built)


def _to_build(state: _State, tables: Sequence[str]) -> list[str]:
    """Those of `tables` neither made nor in the cache folder: what making them builds (a read is quick)."""
    return [name for name in tables
            if name not in state.made and (state.folder is None or _read_entry(state.folder, name) is None)]


# What a placeholder's error says (_placeholder): the prepared table a query read before it was made.
_UNMADE = re.compile(r"prepared table ([a-z_][a-z0-9_]*) is read before it is made")
T = TypeVar("T")


def _reading(ds: Dataset, con: duckdb.DuckDBPyConnection, sql: str, attempt: Callable[[], T]) -> T:
    """attempt(), which runs statement `sql` on a cursor of its own, with the prepared tables it reads made: when it
    reads a placeholder, that table and what it is made from are made (read from the cache folder, else built) and
    it runs again. So a query makes the tables of the branch its parameters take, not every table its text and
    macros name (_needs): the Overview of every influencer over whole days reads rollups by day, and its branch that
    reads click_facts, not taken, would cost 84 s at the large scale. Progress goes to the thread's reporter, out of
    the tables `sql` names that are neither made nor in the cache folder (all it may build). A failure to make a
    table is a PrepareError."""
    state = _state(ds)
    reporter = _reporter.get()
    shown = False

    def report(fraction: float, step: str) -> None:
        nonlocal shown
        shown = True
        if reporter is not None:
            reporter(fraction, step)

    asked: set[str] = set()  # the tables this query made (or waited for): one reading each
    planned: int | None = None
    built = 0
    try:
        while True:
            try:
                return attempt()
            except duckdb.Error as exc:
                unmade = _UNMADE.search(str(exc))
                if unmade is None or unmade.group(1) in asked:
                    raise
                table = unmade.group(1)
            asked.add(table)
            if planned is None:
                planned = len(_to_build(state, _needs(sql, state.sql, state.macros)))
            try:
                built += _ensure(ds, con, _needs(table, state.sql, state.macros), report, before=built,
                                 planned=planned, finish=False)
            except duckdb.Error as exc:
                raise PrepareError((str(exc).splitlines() or [type(exc).__name__])[0][:300]) from None
    finally:
        if shown:
            report(1.0, "done")  # also when a build failed: the bar goes, the query's error is shown


def _open(ds: Dataset, sql: str, macros: str) -> duckdb.DuckDBPyConnection:
    """The locked-down connection of `ds`: its views, and the preparation `sql` (_prepare.sql: its macros, a
    placeholder per table) and `macros` (_macros.sql)."""
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
    # The preparation's macros, and a placeholder for each of its tables, so that _macros.sql's macros can name
    # them (DuckDB binds a macro when it is created); each is replaced by the table when a query first needs it.
    for statement in con.extract_statements(sql):
        created = prepared_tables(statement.query)
        if created:
            _placeholder(con, created[0], _select_of(statement.query))
        else:
            con.execute(statement.query)
    con.execute(macros)
    con.execute("SET lock_configuration = true")
    return con


def _placeholder(con: duckdb.DuckDBPyConnection, name: str, select: str) -> None:
    """A view standing in for prepared table `name` until it is made: its columns, and an error as soon as it is
    read: a query reading it fails, and _reading makes the table and runs it again (a query never reads one empty).
    Typed error columns rather than its query, so that binding the next placeholder does not expand every one before
    it."""
    rel = con.sql(select)
    failure = "error('prepared table " + name + " is read before it is made')"
    columns = ", ".join("cast(" + failure + " as " + str(kind) + ") as " + '"' + column.replace('"', '""') + '"'
                        for column, kind in zip(rel.columns, rel.types, strict=True))
    con.sql("select " + columns).filter(failure + " is null").create_view(name)


def _make(con: duckdb.DuckDBPyConnection, state: _State, name: str) -> None:
    """Make prepared table `name` in place of its placeholder: from its file in the cache folder when that is
    intact and reads, else built (and written there, when the cache is on and writable; in memory otherwise)."""
    cur = con.cursor()
    try:
        if state.folder is not None:
            entry = _read_entry(state.folder, name, verify=True)
            if entry is not None:
                try:
                    _attach_prepared(cur, name, state.folder / entry["file"], entry["rows"])
                    return
                except duckdb.Error:
                    pass  # a file that passed the checks but does not read (damaged inside): built afresh below
            try:
                _build_into_cache(cur, state, name)
                return
            except (OSError, duckdb.IOException, duckdb.PermissionException):
                state.folder = None  # disk full or read-only: this and the later tables are built in memory
        _swap(cur, name, lambda: cur.execute(_statement(cur, state.sql, name)))
    finally:
        cur.close()


def _statement(con: duckdb.DuckDBPyConnection, sql: str, table: str) -> str:
    """The statement of the preparation script that creates `table`."""
    for statement in con.extract_statements(sql):
        if prepared_tables(statement.query) == [table]:
            return statement.query
    raise QueryError(f"{PREPARE}.sql does not create {table}")


def _swap(cur: duckdb.DuckDBPyConnection, name: str, create: Callable[[], object]) -> None:
    """Replace the placeholder view `name` by what `create()` makes, in one transaction: a query running meanwhile
    sees one or the other."""
    cur.begin()
    try:
        cur.execute(f"drop view {name}")
        create()
        cur.commit()
    except BaseException:
        cur.rollback()
        raise


# Prepared tables read by ranges of their sort key (follow_days_by_day: the days since a month start;
# influencer_post_days: a period's days), or by influencer, merchant or whole (post_click_days, merchant_click_days,
# merchant_order_days, merchant_first_orders, post_click_totals, post_order_totals, post_event_totals, post_sums,
# buyer_order_spans): their files' row-group statistics skip the rest as well as a copy in memory would, and a whole
# scan takes about as long, so they stay files however few their rows (at the large scale a copy of
# follow_days_by_day held ~360 MB, of post_click_days ~490 MB, of the two totals ~230 MB; the Posts screen took as
# long either way, or 2 % longer for the totals, docs/benchmarks.md). post_cards too: a copy (~325 MiB there) would
# make the Posts screen's ranking 0.1 s instead of 0.18 s, for memory the app does not have to spare under its 4 GiB
# (peak RSS 3,904 MiB instead of 3,644).
READ_FROM_FILE = frozenset({"follow_days_by_day", "post_click_days", "merchant_click_days", "merchant_order_days",
                            "merchant_first_orders", "post_click_totals", "post_order_totals", "post_event_totals",
                            "post_sums", "post_cards", "buyer_order_spans", "influencer_post_days"})


def _read_from_file(name: str, rows: int) -> bool:
    return rows > MATERIALISE_ROWS or name in READ_FROM_FILE


def _attach_prepared(con: duckdb.DuckDBPyConnection, name: str, path: Path, rows: int) -> None:
    """Make prepared table `name` from its cached file, in place of its placeholder: a copy in memory, or a view
    when it is large (or read by ranges: READ_FROM_FILE)."""
    rel = con.read_parquet(str(path))
    if _read_from_file(name, rows):
        rel.create_view(name, replace=True)
    else:
        _swap(con, name, lambda: rel.create(name))


def _build_into_cache(cur: duckdb.DuckDBPyConnection, state: _State, name: str) -> None:
    """Build prepared table `name` straight into its Parquet file in the cache folder and read it from there (a
    table is never held whole in memory: at the large scale one is bigger than the memory limit). Written under a
    unique temporary name, renamed to a name of its SHA-256, then its entry (<name>.json) is written: a process
    racing to build the same table writes its own file, and whichever entry comes last names an intact file; the
    other file, read by its process, is deleted a day later (_mark_and_prune)."""
    folder = state.folder
    assert folder is not None
    tmp = folder / f".{name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.parquet"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        cur.sql(_select_of(_statement(cur, state.sql, name))).write_parquet(str(tmp))
        rows = pq.read_metadata(tmp).num_rows
        sha = _digest(tmp)
        path = folder / f"{name}-{sha[:12]}.parquet"
        ours = not path.exists()  # else the same bytes, of an earlier or a racing build
        os.replace(tmp, path)
        try:
            _write_json(_entry_path(folder, name), {"file": path.name, "rows": rows, "bytes": path.stat().st_size,
                                                    "sha256": sha})
        except OSError:
            if ours:
                path.unlink(missing_ok=True)
            raise
    finally:
        tmp.unlink(missing_ok=True)
    _attach_prepared(cur, name, path, rows)


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


SOURCE = "source.json"  # in each fingerprint folder: which dataset folder it was made from; its mtime, last use
KEEP_SECONDS = 24 * 3600  # a superseded version of a dataset is deleted a day after its last use


def _mark_and_prune(ds: Dataset, folder: Path) -> None:
    """Note that this version of the dataset is in use, and delete what nobody will read again: the prepared
    folders of older SQL and the integrity findings of older rules under this fingerprint, files of this folder
    that no entry names (half-written, or a racing build's) a day old, and the folders of earlier versions of
    the same dataset folder (same path and time zone) unused for a day. Large data would otherwise leave gigabytes
    behind at every update. Never fails the open."""
    home = cache_dir() / ds.fingerprint
    stamp = home / SOURCE
    source = {"path": str(ds.path), "tz": ds.tz}
    now = time.time()
    try:
        home.mkdir(parents=True, exist_ok=True)
        if stamp.exists():
            os.utime(stamp)
        else:
            _write_json(stamp, source)
        findings = integrity_file(ds).name
        for entry in home.iterdir():
            older_sql = entry.name.startswith(("prepared-", ".prepared-")) and entry.name != folder.name
            if entry.is_dir() and older_sql:
                shutil.rmtree(entry, ignore_errors=True)
            elif entry.is_file() and entry.name.startswith("integrity-") and entry.name != findings:
                entry.unlink(missing_ok=True)  # findings of older rules or code: never read again
        if folder.is_dir():
            named = set()
            for path in folder.glob("*.json"):
                with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
                    named.add(json.loads(path.read_text(encoding="utf-8"))["file"])
            for path in folder.glob("*.parquet"):
                if path.name not in named and now - path.stat().st_mtime > KEEP_SECONDS:
                    path.unlink(missing_ok=True)
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
            _states.pop(key, None)
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

    def attempt() -> list[tuple]:
        cur = con.cursor()
        try:
            return cur.sql(sql).fetchall()
        finally:
            cur.close()

    try:
        return _reading(ds, con, sql, attempt)
    except duckdb.Error as exc:
        raise QueryError(f"floor {name} failed: {str(exc).splitlines()[0]}") from None


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

    def attempt() -> pa.Table:
        cur = con.cursor()
        done = threading.Event()
        watchdog = threading.Thread(target=_interrupt_when_late, args=(cur, done), daemon=True)
        watchdog.start()
        try:
            reader = cur.sql(sql, params={k: values[k] for k in wanted}).to_arrow_reader(65_536)
            batches, rows = [], 0
            for batch in reader:
                batches.append(batch)
                rows += batch.num_rows
                if rows > MAX_ROWS and not _uncapped.get():
                    raise TooManyRows(name, MAX_ROWS)
            return pa.Table.from_batches(batches, schema=reader.schema)
        finally:
            done.set()
            watchdog.join()
            cur.close()

    try:
        table = _reading(ds, con, sql, attempt)
    except duckdb.InterruptException:
        raise QueryError(f"query {name} took longer than {MAX_SECONDS:.0f} s") from None
    except duckdb.Error as exc:
        raise QueryError(f"query {name} failed: {str(exc).splitlines()[0]}") from None
    return _to_pandas(table)


def _interrupt_when_late(cur: duckdb.DuckDBPyConnection, done: threading.Event) -> None:
    """Interrupt the query on `cur` once it has run MAX_SECONDS, and again every 10 ms until it stops (an interrupt
    that lands before the query starts is lost). A watch per query, not DuckDB's max_execution_time: that setting is
    global, and would cut short the builds of prepared tables, which take minutes at the large scale."""
    if done.wait(MAX_SECONDS):
        return
    while not done.is_set():
        try:
            cur.interrupt()
        except duckdb.Error:
            return
        done.wait(0.01)


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
        # Every rule of a table in one scan of it (one query per rule took 0.6 s at the demo scale, 74 of them).
        found: dict[int, list[Problem]] = {}
        for table in dict.fromkeys(rule.table for rule in RULES):
            if ds.has(table):
                numbered = [(i, rule) for i, rule in enumerate(RULES) if rule.table == table]
                found.update(zip([i for i, _ in numbered], _table_findings(ds, cur, [r for _, r in numbered]),
                                 strict=True))
        problems += [problem for i in sorted(found) for problem in found[i]]
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


def _shown(rule: Rule) -> str:
    """What a finding of `rule` names as its examples: the values of an enum, else the rows' labels."""
    return rule.column if rule.code == "unknown_enum" else ROW_LABEL[rule.table]


# A table of at most this many rows has its rules checked in one scan; a larger one in one scan per rule, each skipping
# the row groups whose statistics rule it out (measured per table: one scan takes 5-15 ms against 20-80 ms for a
# small table's rules, but 4.3 s against 0.2 s for 101 M clicks and 1.5 s against 0.5 s for 21 M follows).
SCAN_ONCE_ROWS = 100_000


def _table_findings(ds: Dataset, cur: duckdb.DuckDBPyConnection, rules: list[Rule]) -> list[list[Problem]]:
    """The findings of each of `rules` (all of one table): the rows breaking each counted, and up to five of them
    described."""
    table = cur.table(rules[0].table)
    try:
        small = sum(pq.read_metadata(path).num_rows for path in ds.files[rules[0].table]) <= SCAN_ONCE_ROWS
    except (OSError, pa.ArrowException):
        small = False  # the scans say what is wrong with the file
    if small:
        [counts] = table.aggregate(", ".join("count(*) filter (where " + rule.violates + ")" for rule in rules)
                                   ).fetchall()
    else:
        counts = [None] * len(rules)  # counted rule by rule below
    return [_findings(ds, table.filter(rule.violates), _shown(rule), rule.code, rule.severity, rule.table,
                      rule.column, rule.detail) if n is None or n else []
            for n, rule in zip(counts, rules, strict=True)]


def _findings(ds: Dataset, rel: duckdb.DuckDBPyRelation, shown: str, code: str, severity: str, table: str,
              column: str, detail: str = "") -> list[Problem]:
    """Count the rows of `rel` and describe up to five of them; nothing when there are none."""
    [(n, examples, files)] = rel.aggregate(
        "count(*), list(distinct coalesce(cast(" + shown + " as varchar), 'null'))[1:5], list(distinct _file)[1:3]"
    ).fetchall()
    return _described(ds, n, examples, files, shown, code, severity, table, column, detail)


def _described(ds: Dataset, n: int, examples: list[str] | None, files: list[str] | None, shown: str, code: str,
               severity: str, table: str, column: str, detail: str = "") -> list[Problem]:
    """A finding of `n` rows (none when 0), with up to five examples and the files they are in."""
    examples, files = examples or [], files or []
    if not n:
        return []
    root = str(ds.path) + os.sep
    names = ", ".join(f.removeprefix(root) for f in files if f) or table
    shown_examples = ", ".join(examples) if code == "unknown_enum" else ", ".join(shown + "=" + e for e in examples)
    return [Problem(code, severity, table=table, file=names, column=column, count=int(n), examples=shown_examples,
                    detail=detail)]


# The functions as defined here, whatever a test patches later.
_INTEGRITY_CODE = (_check_rules, _shown, _table_findings, _findings, _described)


@functools.cache
def _integrity_source() -> str:
    """The code that turns rules into findings: a change to it invalidates the cached findings."""
    return "".join(inspect.getsource(fn) for fn in _INTEGRITY_CODE)

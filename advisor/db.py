"""The only place SQL runs: a locked-down DuckDB per dataset and run(name, **params) over queries/*.sql."""

from __future__ import annotations

import datetime as dt
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from advisor.dataset import KEYS, REFERENCES, ROW_LABEL, RULES, TABLES, Dataset, Problem

QUERY_DIR = Path(__file__).resolve().parent.parent / "queries"
MACROS = "_macros"
PREPARE = "_prepare"
NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
PARAM_RE = re.compile(r"\$([a-z_][a-z0-9_]*)")

MAX_ROWS = 1_000_000
MAX_SECONDS = float(os.environ.get("ADVISOR_MAX_SECONDS", "120"))
MEMORY_LIMIT = os.environ.get("ADVISOR_MEMORY_LIMIT", "4GB")
THREADS = int(os.environ.get("ADVISOR_THREADS", str(max(1, min(4, os.cpu_count() or 1)))))


class QueryError(Exception):
    """A query could not run; the message is fit for the user."""


@dataclass(frozen=True)
class Viewer:
    """Who is asking: the influencers and merchants they may see; None means every one."""

    influencers: tuple[int, ...] | None = None
    merchants: tuple[int, ...] | None = None

    def params(self) -> dict[str, object]:
        return {
            "viewer_influencers": None if self.influencers is None else list(self.influencers),
            "viewer_merchants": None if self.merchants is None else list(self.merchants),
        }


EVERYONE = Viewer()


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


_connections: dict[str, duckdb.DuckDBPyConnection] = {}
_lock = threading.Lock()


def connect(ds: Dataset) -> duckdb.DuckDBPyConnection:
    """One locked-down in-memory connection per dataset fingerprint, with a view per contract table."""
    with _lock:
        con = _connections.get(ds.fingerprint)
        if con is None:
            con = _open(ds)
            _connections[ds.fingerprint] = con
        return con


def _open(ds: Dataset) -> duckdb.DuckDBPyConnection:
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
    for part in (PREPARE, MACROS):
        con.execute((QUERY_DIR / f"{part}.sql").read_text(encoding="utf-8"))
    con.execute("SET max_execution_time = $ms", {"ms": int(MAX_SECONDS * 1000)})
    con.execute("SET lock_configuration = true")
    return con


def forget(ds: Dataset | None = None) -> None:
    """Close cached connections (all, or one dataset's) and forget their integrity findings."""
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


def run(ds: Dataset, name: str, viewer: Viewer = EVERYONE, **params: object) -> pd.DataFrame:
    """Run named query `name` with `$named` params under the viewer's scope; at most MAX_ROWS rows."""
    con = connect(ds)
    sql = _checked_sql(con, name)
    values = {k: _param_value(v) for k, v in params.items()}
    values.update(viewer.params())
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
            if rows > MAX_ROWS:
                raise QueryError(f"query {name} returned more than {MAX_ROWS:,} rows; narrow the filters")
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


def check_integrity(ds: Dataset) -> list[Problem]:
    """Every integrity rule of the contract over the dataset's views; cached per dataset fingerprint."""
    with _lock:
        if ds.fingerprint in _integrity:
            return list(_integrity[ds.fingerprint])
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
    with _lock:
        _integrity[ds.fingerprint] = problems
    return list(problems)


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

"""Hygiene of queries/*.sql: a truthful header, one SELECT under the viewer scope, no file access; SQL only in db.py."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import duckdb
import pytest

from advisor import dataset, db, metrics

ROOT = Path(__file__).resolve().parent.parent
QUERY_FILES = sorted(p for p in (ROOT / "queries").glob("*.sql") if not p.name.startswith("_"))
NAMES = [p.stem for p in QUERY_FILES]
LABELS = ("grain", "params", "columns")
PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")
IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")

# What a query must never do: reach files, change settings, load code or write (checked outside comments).
FORBIDDEN = {
    "file-reading function": re.compile(r"\b(read_(parquet|csv|csv_auto|json|json_auto|ndjson|text|blob|xlsx)|"
                                        r"parquet_(scan|metadata|schema)|glob|sniff_csv)\s*\(", re.I),
    "copy": re.compile(r"\bcopy\b", re.I),
    "attach": re.compile(r"\b(attach|detach)\b", re.I),
    "install/load": re.compile(r"\b(install|load)\b", re.I),
    "set/reset/pragma": re.compile(r"\b(set|reset|pragma)\s", re.I),
    "export/import database": re.compile(r"\b(export|import)\s+database\b", re.I),
    # Literals taken in pairs of quotes from the start, so the text between two literals (a division, say) is not one.
    "file path in a string": re.compile(r"^(?:[^']*'[^']*')*?[^']*'[^']*(/|\\|\.parquet|\.csv|\.json|\.db)[^']*'",
                                        re.I),
}

# A value for every parameter a query may take, to run each one (a new parameter needs a sample here).
SAMPLES: dict[str, object] = {
    "from": dt.datetime(2026, 3, 5), "to": dt.datetime(2026, 3, 21), "at": dt.datetime(2026, 3, 21),
    "window": dt.timedelta(days=7), "influencers": [], "dim": "gender", "dims": ["gender", "interest"], "merchant": 1,
    "k": 5, "post": 101, "campaign": 2,
    "seg_gender": ["f"], "seg_age_band": ["25-29", "30-34"], "seg_city_tier": [1, 2], "seg_interest": ["beauty"],
    "seg_province": [],
    "rank_by": "cvr", "show": "top", "search": "", "limit": 10, "combine": False, "category": None,
}
VIEWER_PARAMS = {"viewer_influencers", "viewer_merchants"}


def header(sql: str) -> list[str]:
    """The leading comment block."""
    lines = []
    for line in sql.splitlines():
        if not line.startswith("--"):
            break
        lines.append(line)
    return lines


def body(sql: str) -> str:
    """The SQL without comments (the queries hold no '--' inside string literals)."""
    return "\n".join(line.split("--", 1)[0] for line in sql.splitlines())


def section(lines: list[str], label: str) -> str | None:
    """The text after `label:` in the header, with its continuation lines (indented `--   ...`)."""
    start = next((i for i, line in enumerate(lines) if re.search(rf"\b{label}:", line)), None)
    if start is None:
        return None
    parts = [re.split(rf"\b{label}:", lines[start], maxsplit=1)[1]]
    for line in lines[start + 1:]:
        if not re.match(r"^--\s{2,}\S", line):
            break
        parts.append(line[2:])
    text = " ".join(parts)
    others = [m.start() for m in re.finditer(rf"\b({'|'.join(x for x in LABELS if x != label)}):", text)]
    return text[:min(others)] if others else text


def header_columns(lines: list[str]) -> list[str]:
    text = section(lines, "columns") or ""
    while re.search(r"\([^()]*\)", text):  # explanations in parentheses, nested ones too
        text = re.sub(r"\([^()]*\)", "", text)
    return [c.strip() for c in text.split(",") if c.strip()]


def test_there_are_named_queries() -> None:
    assert {"overview_kpis", "overview_daily", "order_attribution", "influencer_list", "dataset_span"} <= set(NAMES)


@pytest.mark.parametrize("path", QUERY_FILES, ids=NAMES)
def test_header_names_the_query_and_states_grain_params_columns(path: Path) -> None:
    lines = header(path.read_text(encoding="utf-8"))
    assert lines and re.match(rf"^-- {path.stem}: \S", lines[0]), f"{path.name}: first line must be '-- {path.stem}: …'"
    for label in LABELS:
        text = section(lines, label)
        assert text is not None and text.strip(), f"{path.name}: header has no '{label}:' line"
    columns = header_columns(lines)
    assert columns and all(IDENT.match(c) for c in columns), f"{path.name}: unreadable columns line {columns}"


@pytest.mark.parametrize("path", QUERY_FILES, ids=NAMES)
def test_header_params_equal_the_params_used(path: Path) -> None:
    sql = path.read_text(encoding="utf-8")
    declared = set(PARAM.findall(section(header(sql), "params") or ""))
    used = set(PARAM.findall(body(sql)))
    assert declared == used, (
        f"{path.name}: declared only {sorted(declared - used)}, used only {sorted(used - declared)}")
    assert used == db.query_params(path.stem)


@pytest.mark.parametrize("path", QUERY_FILES, ids=NAMES)
def test_query_applies_the_viewer_scope(path: Path) -> None:
    """Every named query takes the viewer scope, but the cohort-level ones, which take none of it (issue 11)."""
    used = set(PARAM.findall(body(path.read_text(encoding="utf-8"))))
    if path.stem in db.COHORT_QUERIES:
        assert not VIEWER_PARAMS & used, f"{path.name} is cohort-level: the same figures for every viewer"
    else:
        assert VIEWER_PARAMS <= used, f"{path.name} ignores {sorted(VIEWER_PARAMS - used)}"


@pytest.mark.parametrize("path", QUERY_FILES, ids=NAMES)
def test_file_is_exactly_one_select(path: Path) -> None:
    statements = duckdb.connect().extract_statements(path.read_text(encoding="utf-8"))
    assert len(statements) == 1
    assert statements[0].type == duckdb.StatementType.SELECT


def test_macros_file_only_creates_macros() -> None:
    sql = (ROOT / "queries" / "_macros.sql").read_text(encoding="utf-8")
    statements = duckdb.connect().extract_statements(sql)
    assert statements and all(s.type == duckdb.StatementType.CREATE for s in statements)
    assert all(re.match(r"\s*create\s+or\s+replace\s+macro\b", s.query, re.I) for s in statements)
    for what, pattern in FORBIDDEN.items():
        assert not pattern.search(body(sql)), f"_macros.sql: {what}: {pattern.search(body(sql)).group(0)!r}"


@pytest.mark.parametrize("path", QUERY_FILES, ids=NAMES)
def test_query_text_reaches_no_file_and_changes_no_setting(path: Path) -> None:
    text = body(path.read_text(encoding="utf-8"))
    for what, pattern in FORBIDDEN.items():
        found = pattern.search(text)
        assert not found, f"{path.name}: {what}: {found.group(0)!r}"


@pytest.mark.parametrize("name", NAMES)
def test_header_columns_equal_the_columns_returned(edge: dataset.Dataset, name: str) -> None:
    params = db.query_params(name) - VIEWER_PARAMS
    unknown = params - set(SAMPLES)
    assert not unknown, f"give {sorted(unknown)} a sample value in tests/test_sql_files.py"
    result = db.run(edge, name, **{p: SAMPLES[p] for p in params})
    expected = header_columns(header(db.read_query(name)))
    assert list(result.columns) == expected


def test_every_query_has_a_file_and_every_file_a_query() -> None:
    """Each of metrics.QUERIES has its file, but those derived from another named query's result (metrics.DERIVED)."""
    assert set(metrics.QUERIES) == set(NAMES) | set(metrics.DERIVED)
    assert not set(metrics.DERIVED) & set(NAMES), "a derived query has no SQL file of its own"
    assert set(metrics.DERIVED.values()) <= set(NAMES)
    assert db.query_names() == NAMES


# ---- SQL runs in advisor/db.py only -------------------------------------------------------------

# advisor/db.py is the one place SQL runs. advisor/demo.py is exempt: it is a generator that may use
# DuckDB to write the demo dataset's files, and it never runs on a user's dataset or inside the app.
EXEMPT = {"advisor/db.py", "advisor/demo.py"}
SQL_CALLS = {"execute", "executemany", "sql"}


def python_files() -> list[Path]:
    files = [ROOT / "app.py", *(ROOT / "pages").rglob("*.py"), *(ROOT / "advisor").rglob("*.py")]
    return sorted(p for p in files if p.is_file() and p.relative_to(ROOT).as_posix() not in EXEMPT)


def sql_uses(path: Path) -> list[str]:
    """Imports of duckdb and `.execute(` / `.sql(` calls in a Python file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [f"import {a.name}" for a in node.names if a.name.split(".")[0] == "duckdb"]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "duckdb":
            found.append(f"from {node.module} import …")
        elif isinstance(node, ast.Call):
            if isinstance(node.func, ast.Attribute) and node.func.attr in SQL_CALLS:
                found.append(f".{node.func.attr}( at line {node.lineno}")
            if any(isinstance(a, ast.Constant) and a.value == "duckdb" for a in node.args):
                found.append(f"dynamic import of duckdb at line {node.lineno}")
    return found


def test_python_files_are_scanned() -> None:
    scanned = {p.relative_to(ROOT).as_posix() for p in python_files()}
    assert {"advisor/dataset.py", "advisor/metrics.py"} <= scanned
    assert not scanned & EXEMPT
    assert sql_uses(ROOT / "advisor" / "db.py"), "the scanner finds db.py's SQL, so it would find others'"


@pytest.mark.parametrize("path", python_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_sql_outside_db(path: Path) -> None:
    assert sql_uses(path) == []


@pytest.mark.parametrize("bad", [
    "select * from read_parquet($files)", "select * from READ_CSV_AUTO('x')", "select * from glob('*')",
    "copy (select 1) to 'x'", "attach 'x' as y", "install httpfs", "load httpfs", "set threads = 1",
    "select 1 from t where name = '/etc/passwd'", "select 'orders.parquet'", "pragma version",
])
def test_the_forbidden_patterns_catch_what_they_should(bad: str) -> None:
    assert any(p.search(bad) for p in FORBIDDEN.values())

"""The data contract as code: find a dataset's Parquet exports, check their schemas, describe their views."""

from __future__ import annotations

import hashlib
import os
import zoneinfo
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from advisor.access import EVERYONE, Viewer

DEFAULT_TZ = "Asia/Shanghai"

# A Parquet footer is tiny, so its declared row count is all we know before reading; a file that
# declares far more rows than its bytes could hold is refused rather than read.
MAX_ROWS_PER_BYTE = 10_000


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # bigint, smallint, integer, varchar, timestamp, decimal, double, list_varchar, list_bigint
    nullable: bool = False


@dataclass(frozen=True)
class Table:
    name: str
    required: bool
    columns: tuple[Column, ...]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _cols(spec: str) -> tuple[Column, ...]:
    """Parse 'name kind[?]' items; '?' marks a nullable column."""
    out = []
    for item in spec.split(","):
        name, kind = item.split()
        out.append(Column(name, kind.rstrip("?"), kind.endswith("?")))
    return tuple(out)


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table("influencers", True, _cols(
            "influencer_id bigint, name varchar, category varchar, tier varchar?, account_type varchar,"
            "mcn_id bigint?, created_at timestamp")),
        Table("fans", True, _cols(
            "influencer_id bigint, fan_id bigint, followed_at timestamp, unfollowed_at timestamp?,"
            "gender varchar?, birth_year smallint?, province varchar?, city varchar?, city_tier smallint?,"
            "device varchar?, interests list_varchar?, source varchar")),
        Table("posts", True, _cols(
            "post_id bigint, influencer_id bigint, posted_at timestamp, content_type varchar, category varchar?,"
            "title varchar?, product_ids list_bigint?, impressions bigint, reads bigint, reposts bigint,"
            "comments bigint, likes bigint")),
        Table("clicks", True, _cols(
            "clicked_at timestamp, user_id bigint, post_id bigint, product_id bigint, channel varchar,"
            "campaign_id bigint?, device varchar?")),
        Table("orders", True, _cols(
            "order_id bigint, ordered_at timestamp, user_id bigint, product_id bigint, quantity integer,"
            "amount decimal, status varchar, refunded_at timestamp?")),
        Table("campaigns", False, _cols(
            "campaign_id bigint, product varchar, influencer_id bigint, post_id bigint?, buyer_merchant_id bigint?,"
            "start_at timestamp, end_at timestamp, spend decimal, impressions bigint")),
        Table("products", False, _cols(
            "product_id bigint, merchant_id bigint, title varchar, category varchar, price decimal,"
            "commission_rate double")),
        Table("merchants", False, _cols("merchant_id bigint, name varchar, shop_type varchar")),
    )
}

# Known codes of enum columns; other values are kept and reported as a warning.
ENUMS: dict[tuple[str, str], tuple[str, ...]] = {
    ("influencers", "category"): ("fashion", "beauty", "acg", "baby", "pets", "military", "food", "fitness",
                                  "travel", "emotion", "digital", "other"),
    ("influencers", "tier"): ("head", "waist", "tail"),
    ("influencers", "account_type"): ("shop_owner", "guide_blogger", "enterprise", "media"),
    ("fans", "gender"): ("f", "m"),
    ("fans", "device"): ("ios", "android", "pc", "other"),
    ("fans", "source"): ("organic", "fan_headline", "passerby_to_fan", "account_recommend", "other"),
    ("posts", "content_type"): ("text", "image", "long_article", "video", "live"),
    ("clicks", "channel"): ("organic", "fan_headline", "passerby_to_fan", "account_recommend",
                            "delegated_headline"),
    ("clicks", "device"): ("ios", "android", "pc", "other"),
    ("orders", "status"): ("paid", "refunded"),
    ("campaigns", "product"): ("fan_headline", "passerby_to_fan", "account_recommend", "delegated_headline"),
    ("merchants", "shop_type"): ("taobao", "tmall", "other"),
}

# The SQL type each kind is presented as in the views the queries read.
SQL_TYPES = {
    "bigint": "BIGINT", "smallint": "SMALLINT", "integer": "INTEGER", "varchar": "VARCHAR",
    "timestamp": "TIMESTAMP", "decimal": "DECIMAL(18,2)", "double": "DOUBLE",
    "list_varchar": "VARCHAR[]", "list_bigint": "BIGINT[]",
}

EXPECTED = {
    "bigint": "BIGINT (any integer width)", "smallint": "SMALLINT (any integer width)",
    "integer": "INTEGER (any integer width)", "varchar": "VARCHAR (string)",
    "timestamp": "TIMESTAMP (naive or time-zone aware)", "decimal": "DECIMAL or DOUBLE",
    "double": "DOUBLE or DECIMAL", "list_varchar": "LIST(VARCHAR)", "list_bigint": "LIST(BIGINT)",
}


ARROW_TYPES = {
    "bigint": pa.int64(), "smallint": pa.int16(), "integer": pa.int32(), "varchar": pa.string(),
    "timestamp": pa.timestamp("us"), "decimal": pa.decimal128(14, 2), "double": pa.float64(),
    "list_varchar": pa.list_(pa.string()), "list_bigint": pa.list_(pa.int64()),
}


def arrow_schema(table: str) -> pa.Schema:
    """The contract's columns of `table` as an Arrow schema (naive timestamps), for writers and tests."""
    return pa.schema([pa.field(c.name, ARROW_TYPES[c.kind], c.nullable) for c in TABLES[table].columns])


@dataclass(frozen=True)
class Problem:
    """One finding about a dataset; `code` selects the sentence in the i18n catalogue."""

    code: str
    severity: str  # error | warning
    table: str = ""
    file: str = ""
    column: str = ""
    expected: str = ""
    found: str = ""
    count: int = 0
    examples: str = ""
    detail: str = ""

    def params(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if k not in ("code", "severity")}


class DatasetError(Exception):
    """The dataset cannot be opened; `problems` says why in words."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.code for p in problems))
        self.problems = problems


@dataclass
class Dataset:
    """A dataset folder whose schemas passed the contract check, ready to be registered as views."""

    path: Path
    tz: str
    files: dict[str, list[Path]]
    hive: dict[str, bool]
    tz_aware: dict[tuple[str, str], bool]
    warnings: list[Problem] = field(default_factory=list)
    fingerprint: str = ""
    # Whom this handle answers: every query through it runs under this scope (advisor/db.py, run).
    viewer: Viewer = EVERYONE

    @property
    def name(self) -> str:
        return self.path.name

    def scoped(self, viewer: Viewer) -> Dataset:
        """The same dataset for a narrower viewer: the scope can only shrink (Viewer.narrow)."""
        return replace(self, viewer=self.viewer.narrow(viewer))

    def has(self, table: str) -> bool:
        return bool(self.files.get(table))

    def select_list(self, table: str) -> str:
        """Projection from raw Parquet columns to the contract's names and types (identifiers from TABLES only)."""
        # Time-zone aware columns become wall-clock time of the dataset's zone through the
        # connection's TimeZone setting (db.py), so the zone never appears in SQL text; the detour
        # through TIMESTAMPTZ also covers nanosecond instants, which have no direct cast.
        items = []
        for c in TABLES[table].columns:
            source = c.name
            if c.kind == "timestamp" and self.tz_aware.get((table, c.name)):
                source = "cast(" + c.name + " as TIMESTAMPTZ)"
            items.append(f"cast({source} as {SQL_TYPES[c.kind]}) as {c.name}")
        return ", ".join(items)

    def empty_select_list(self, table: str) -> str:
        return ", ".join(f"cast(null as {SQL_TYPES[c.kind]}) as {c.name}" for c in TABLES[table].columns)


def _is_int(t: pa.DataType) -> bool:
    return pa.types.is_integer(t)


def _kind_accepts(kind: str, t: pa.DataType, nullable: bool) -> bool:
    """Whether Arrow type `t` casts losslessly to the contract kind."""
    if pa.types.is_null(t):
        return nullable  # an all-null column written without a type
    if pa.types.is_dictionary(t):
        t = t.value_type
    if kind in ("bigint", "smallint", "integer"):
        return _is_int(t) and not (pa.types.is_uint64(t))
    if kind == "varchar":
        return pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t)
    if kind == "timestamp":
        return pa.types.is_timestamp(t)
    if kind in ("decimal", "double"):
        return pa.types.is_decimal(t) or pa.types.is_floating(t) or _is_int(t)
    if kind.startswith("list_"):
        if not (pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_list_view(t)):
            return False
        return _kind_accepts(kind[5:], t.value_type, True)
    return False


INT_RANGES = {"smallint": (-(2**15), 2**15 - 1), "integer": (-(2**31), 2**31 - 1)}


def _out_of_range(meta: pq.FileMetaData, column: str, low: int, high: int) -> int | None:
    """A value outside [low, high] according to the row groups' statistics, if any."""
    leaves = [meta.schema.column(i).path for i in range(meta.num_columns)]
    if column not in leaves:
        return None
    index = leaves.index(column)
    for g in range(meta.num_row_groups):
        stats = meta.row_group(g).column(index).statistics
        if stats is None or not stats.has_min_max:
            continue
        if stats.min < low:
            return stats.min
        if stats.max > high:
            return stats.max
    return None


def _display_type(t: pa.DataType) -> str:
    return str(t)


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def find_exports(root: Path) -> tuple[dict[str, list[Path]], dict[str, bool], list[Problem]]:
    """Locate `<table>.parquet` or `<table>/` (hive partitions allowed) for every contract table."""
    files: dict[str, list[Path]] = {}
    hive: dict[str, bool] = {}
    problems: list[Problem] = []
    for name, table in TABLES.items():
        single, folder = root / f"{name}.parquet", root / name
        if single.is_file() and folder.is_dir():
            problems.append(Problem("export_twice", "error", table=name, file=f"{name}.parquet, {name}/"))
            continue
        if single.is_file():
            files[name], hive[name] = [single], False
        elif folder.is_dir():
            found, other = [], []
            for dirpath, dirnames, filenames in os.walk(folder):
                # Hidden and underscore entries (_SUCCESS, .crc) are writer by-products, not data.
                dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "_")))
                for fn in sorted(filenames):
                    if fn.startswith((".", "_")):
                        continue
                    (found if fn.endswith(".parquet") or fn.endswith(".parq") else other).append(Path(dirpath) / fn)
            for p in other:
                problems.append(Problem("not_parquet", "warning", table=name, file=_rel(p, root)))
            files[name] = found
            hive[name] = any("=" in part for p in found for part in p.relative_to(folder).parts[:-1])
            if not found:
                # An empty folder is an empty table: valid, its pages say there is no data.
                problems.append(Problem("empty_folder", "warning", table=name, file=f"{name}/"))
        elif table.required:
            problems.append(Problem("missing_table", "error", table=name, file=f"{name}.parquet"))
    return files, hive, problems


def check_schemas(root: Path, files: dict[str, list[Path]]) -> tuple[dict[tuple[str, str], bool], list[Problem]]:
    """Read every file's footer and check columns and types against the contract."""
    problems: list[Problem] = []
    tz_aware: dict[tuple[str, str], bool] = {}
    for name, paths in files.items():
        table = TABLES[name]
        for path in paths:
            rel = _rel(path, root)
            try:
                meta = pq.read_metadata(path)
                schema = meta.schema.to_arrow_schema()
            except Exception as exc:  # any reader failure means the same thing to the user
                problems.append(Problem("unreadable", "error", table=name, file=rel, detail=str(exc)[:200]))
                continue
            size = max(path.stat().st_size, 1)
            if meta.num_rows > size * MAX_ROWS_PER_BYTE:
                problems.append(Problem("implausible_rows", "error", table=name, file=rel, count=meta.num_rows))
                continue
            names = {n.lower(): n for n in schema.names}
            for col in table.columns:
                if col.name not in schema.names:
                    if col.name in names:
                        found = f"column named {names[col.name]}"
                        problems.append(Problem("column_case", "error", table=name, file=rel, column=col.name,
                                                found=found))
                    else:
                        problems.append(Problem("missing_column", "error", table=name, file=rel, column=col.name,
                                                expected=EXPECTED[col.kind]))
                    continue
                t = schema.field(col.name).type
                if not _kind_accepts(col.kind, t, col.nullable):
                    problems.append(Problem("wrong_type", "error", table=name, file=rel, column=col.name,
                                            expected=EXPECTED[col.kind], found=_display_type(t)))
                    continue
                if col.kind in INT_RANGES and _is_int(t):
                    bad = _out_of_range(meta, col.name, *INT_RANGES[col.kind])
                    if bad is not None:
                        problems.append(Problem("cast_failed", "error", table=name, file=rel, column=col.name,
                                                expected=SQL_TYPES[col.kind], detail=f"value {bad}"))
                if col.kind == "timestamp" and not pa.types.is_null(t):
                    aware = t.tz is not None
                    key = (name, col.name)
                    if key in tz_aware and tz_aware[key] != aware:
                        problems.append(Problem("mixed_tz", "error", table=name, file=rel, column=col.name))
                    tz_aware.setdefault(key, aware)
    return tz_aware, problems


def fingerprint(root: Path, files: dict[str, list[Path]], tz: str) -> str:
    """Changes whenever a file of the dataset is added, removed, rewritten or touched."""
    h = hashlib.sha256(f"{root.resolve()}|{tz}".encode())
    for name in sorted(files):
        for p in files[name]:
            st = p.stat()
            h.update(f"{_rel(p, root)}|{st.st_size}|{st.st_mtime_ns}".encode())
    return h.hexdigest()[:16]


def open_dataset(path: str | Path, tz: str = DEFAULT_TZ) -> Dataset:
    """Check a dataset folder against the contract; raise DatasetError naming every problem."""
    root = Path(path)
    if not root.exists():
        raise DatasetError([Problem("no_folder", "error", file=str(root))])
    if not root.is_dir():
        raise DatasetError([Problem("not_folder", "error", file=str(root))])
    if tz not in zoneinfo.available_timezones():
        raise DatasetError([Problem("bad_tz", "error", detail=tz)])
    files, hive, problems = find_exports(root)
    tz_aware, schema_problems = check_schemas(root, files)
    problems += schema_problems
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise DatasetError(problems)
    ds = Dataset(path=root.resolve(), tz=tz, files=files, hive=hive, tz_aware=tz_aware, warnings=problems)
    ds.fingerprint = fingerprint(root, files, tz)
    return ds


# ---- integrity rules (CONTRACT.md, Integrity rules); run by db.check_integrity ---------------------

@dataclass(frozen=True)
class Rule:
    """Rows of `table` for which `violates` (a predicate over contract columns) holds break the rule."""

    code: str
    severity: str
    table: str
    column: str
    violates: str
    detail: str = ""


# What identifies a row of each table in an example.
ROW_LABEL = {"influencers": "influencer_id", "fans": "fan_id", "posts": "post_id", "clicks": "user_id",
             "orders": "order_id", "campaigns": "campaign_id", "products": "product_id",
             "merchants": "merchant_id"}

KEYS = {"influencers": "influencer_id", "posts": "post_id", "orders": "order_id", "campaigns": "campaign_id",
        "products": "product_id", "merchants": "merchant_id"}

# (table, column) -> (referenced table, its key); a dangling id is reported and left out of figures.
REFERENCES = {
    ("fans", "influencer_id"): ("influencers", "influencer_id"),
    ("posts", "influencer_id"): ("influencers", "influencer_id"),
    ("clicks", "post_id"): ("posts", "post_id"),
    ("clicks", "product_id"): ("products", "product_id"),
    ("orders", "product_id"): ("products", "product_id"),
    ("campaigns", "influencer_id"): ("influencers", "influencer_id"),
    ("campaigns", "post_id"): ("posts", "post_id"),
    ("campaigns", "buyer_merchant_id"): ("merchants", "merchant_id"),
    ("products", "merchant_id"): ("merchants", "merchant_id"),
}

NON_NEGATIVE = {"posts": ("impressions", "reads", "reposts", "comments", "likes"), "orders": ("amount",),
                "campaigns": ("spend", "impressions"), "products": ("price",)}


def _rules() -> list[Rule]:
    rules = [Rule("null_required", "error", t.name, c.name, c.name + " is null")
             for t in TABLES.values() for c in t.columns if not c.nullable]
    rules += [Rule("negative", "error", t, c, c + " < 0") for t, cols in NON_NEGATIVE.items() for c in cols]
    rules += [
        Rule("out_of_range", "error", "orders", "quantity", "quantity < 1", "quantity ≥ 1"),
        Rule("out_of_range", "error", "fans", "unfollowed_at", "unfollowed_at < followed_at",
             "unfollowed_at ≥ followed_at"),
        Rule("out_of_range", "error", "campaigns", "end_at", "end_at < start_at", "end_at ≥ start_at"),
        Rule("out_of_range", "error", "products", "commission_rate", "commission_rate not between 0 and 0.9",
             "0 … 0.9"),
        Rule("out_of_range", "warning", "orders", "refunded_at", "refunded_at < ordered_at",
             "refunded_at ≥ ordered_at"),
        Rule("out_of_range", "warning", "fans", "city_tier", "city_tier not between 1 and 5", "1 … 5"),
        Rule("out_of_range", "warning", "fans", "birth_year", "birth_year not between 1900 and 2030",
             "1900 … 2030"),
    ]
    for (table, column), known in ENUMS.items():
        listed = ", ".join("'" + v + "'" for v in known)
        rules.append(Rule("unknown_enum", "warning", table, column, column + " not in (" + listed + ")"))
    return rules


RULES: tuple[Rule, ...] = tuple(_rules())


@dataclass
class Report:
    """What validate found: the opened dataset (None when it could not be opened) and every problem."""

    dataset: Dataset | None
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors


def validate(path: str | Path, tz: str = DEFAULT_TZ) -> Report:
    """The whole contract: exports and schemas, then the integrity rules over the data itself."""
    from advisor import db  # db builds on this module; the rules run there, where SQL runs

    try:
        ds = open_dataset(path, tz)
    except DatasetError as exc:
        return Report(None, exc.problems)
    return Report(ds, ds.warnings + db.check_integrity(ds))

"""Every bad input of CONTRACT.md gets a message naming table, file and column; the dataset is never written."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from advisor import dataset, metrics
from advisor.i18n import problem_text

from .conftest import write_minimal_dataset


def _texts(path: Path, lang: str = "en") -> tuple[list[str], list[str]]:
    report = dataset.validate(path)
    return ([problem_text(p, lang) for p in report.errors], [problem_text(p, lang) for p in report.warnings])


def _rewrite(path: Path, table: str, **columns: pa.Array) -> None:
    """Replace (or add) columns of a table's single file."""
    t = pq.read_table(path / f"{table}.parquet")
    for name, values in columns.items():
        if name in t.column_names:
            t = t.set_column(t.column_names.index(name), name, values)
        else:
            t = t.append_column(name, values)
    pq.write_table(t, path / f"{table}.parquet")


def test_minimal_dataset_is_valid(minimal_dataset: Path) -> None:
    assert _texts(minimal_dataset) == ([], [])


def test_missing_required_table_is_named(minimal_dataset: Path) -> None:
    (minimal_dataset / "fans.parquet").unlink()
    errors, _ = _texts(minimal_dataset)
    assert errors == ["Required table fans is missing: expected fans.parquet or a folder fans/."]
    zh, _ = _texts(minimal_dataset, "zh-CN")
    assert "缺少必需的表 fans" in zh[0]


def test_missing_optional_tables_are_fine(minimal_dataset: Path) -> None:
    ds = dataset.open_dataset(minimal_dataset)
    assert not ds.has("campaigns") and not ds.has("products")


def test_missing_column_names_table_file_column_and_type(minimal_dataset: Path) -> None:
    t = pq.read_table(minimal_dataset / "orders.parquet").drop_columns(["amount"])
    pq.write_table(t, minimal_dataset / "orders.parquet")
    errors, _ = _texts(minimal_dataset)
    assert errors == ["Table orders: file orders.parquet has no column amount (expected DECIMAL or DOUBLE)."]


def test_wrong_type_names_expected_and_found(minimal_dataset: Path) -> None:
    _rewrite(minimal_dataset, "orders", amount=pa.array(["99.90", "10.00"]))
    errors, _ = _texts(minimal_dataset)
    assert errors == ["Table orders: file orders.parquet, column amount: expected DECIMAL or DOUBLE, found string."]


def test_float_ids_are_not_lossless(minimal_dataset: Path) -> None:
    _rewrite(minimal_dataset, "clicks", campaign_id=pa.array([None, 1.5]))
    errors, _ = _texts(minimal_dataset)
    assert "column campaign_id: expected BIGINT (any integer width), found double" in errors[0]


def test_upper_case_column_is_named(minimal_dataset: Path) -> None:
    t = pq.read_table(minimal_dataset / "posts.parquet").rename_columns(
        ["POST_ID" if c == "post_id" else c for c in pq.read_schema(minimal_dataset / "posts.parquet").names])
    pq.write_table(t, minimal_dataset / "posts.parquet")
    errors, _ = _texts(minimal_dataset)
    assert "file posts.parquet has column post_id in the wrong case (column named POST_ID)" in errors[0]


def test_unreadable_file_is_named(minimal_dataset: Path) -> None:
    (minimal_dataset / "clicks.parquet").write_bytes(b"this is not parquet at all")
    errors, _ = _texts(minimal_dataset)
    assert len(errors) == 1 and errors[0].startswith("Table clicks: file clicks.parquet cannot be read as Parquet")


def test_non_parquet_file_in_a_table_folder_is_named_and_ignored(minimal_dataset: Path) -> None:
    folder = minimal_dataset / "clicks" / "month=2026-03"
    folder.mkdir(parents=True)
    shutil.move(minimal_dataset / "clicks.parquet", folder / "part-0.parquet")
    (folder / "notes.csv").write_text("a,b\n")
    (folder / "_SUCCESS").write_text("")
    errors, warnings = _texts(minimal_dataset)
    assert errors == []
    assert warnings == ["Table clicks: file clicks/month=2026-03/notes.csv is not a Parquet file and was ignored."]


def test_table_exported_twice(minimal_dataset: Path) -> None:
    (minimal_dataset / "posts").mkdir()
    errors, _ = _texts(minimal_dataset)
    assert errors == ["Table posts is exported twice (posts.parquet, posts/); keep one of the two."]


def test_value_out_of_smallint_range(minimal_dataset: Path) -> None:
    _rewrite(minimal_dataset, "fans", birth_year=pa.array([1995, None, 70000], pa.int64()))
    errors, _ = _texts(minimal_dataset)
    assert errors == ["Table fans, column birth_year: a value cannot be cast losslessly to SMALLINT (value 70000)."]


@pytest.mark.parametrize(("table", "column", "values", "expected"), [
    ("posts", "reads", pa.array([-5, 0]),
     "Table posts, column reads: 1 rows are negative, e.g. post_id=100 (file posts.parquet)."),
    ("orders", "quantity", pa.array([0, 2], pa.int32()),
     "Table orders, column quantity: 1 rows out of range (quantity ≥ 1), e.g. order_id=1 (file orders.parquet)."),
    ("fans", "unfollowed_at", pa.array([dt.datetime(2026, 2, 1), dt.datetime(2026, 3, 3), None]),
     "Table fans, column unfollowed_at: 1 rows out of range (unfollowed_at ≥ followed_at), e.g. fan_id=10 "
     "(file fans.parquet)."),
    ("influencers", "influencer_id", pa.array([1, 1]),
     "Table influencers: key influencer_id has 1 duplicate values, e.g. influencer_id=1 (file influencers.parquet)."),
    ("orders", "user_id", pa.array([None, 10], pa.int64()),
     "Table orders: required column user_id is null in 1 rows, e.g. order_id=1 (file orders.parquet)."),
])
def test_integrity_errors_name_the_rule_count_and_examples(minimal_dataset: Path, table: str, column: str,
                                                          values: pa.Array, expected: str) -> None:
    _rewrite(minimal_dataset, table, **{column: values})
    errors, _ = _texts(minimal_dataset)
    assert expected in errors


def test_warnings_keep_the_dataset_valid(minimal_dataset: Path) -> None:
    _rewrite(minimal_dataset, "clicks", post_id=pa.array([999, 101]), channel=pa.array(["weird", "organic"]))
    report = dataset.validate(minimal_dataset)
    assert report.ok
    texts = [problem_text(p, "en") for p in report.warnings]
    assert "Table clicks, column channel: unknown values weird (1 rows), shown as they are." in texts
    assert ("Table clicks, column post_id: 1 rows reference a posts.post_id that does not exist, e.g. post_id=999 "
            "(file clicks.parquet); they are left out of those figures.") in texts


def test_accepted_variants_any_int_width_ns_timestamps_double_money(minimal_dataset: Path) -> None:
    before = metrics.overview_kpis(dataset.open_dataset(minimal_dataset),
                                   metrics.Filters(metrics.Period(dt.date(2026, 3, 1), dt.date(2026, 3, 3))))
    t = pq.read_table(minimal_dataset / "orders.parquet")
    t = t.cast(pa.schema([
        pa.field("order_id", pa.int8()), pa.field("ordered_at", pa.timestamp("ns", "Asia/Tokyo")),
        pa.field("user_id", pa.uint32()), pa.field("product_id", pa.int16()), pa.field("quantity", pa.int64()),
        pa.field("amount", pa.float64()), pa.field("status", pa.string()), pa.field("refunded_at", pa.timestamp("ns")),
    ]))
    pq.write_table(t, minimal_dataset / "orders.parquet")
    ds = dataset.open_dataset(minimal_dataset)
    after = metrics.overview_kpis(ds, metrics.Filters(metrics.Period(dt.date(2026, 3, 1), dt.date(2026, 3, 3))))
    assert dataset.validate(minimal_dataset).problems == []
    assert before.to_dict("records") == after.to_dict("records")


def test_empty_tables_are_valid(empty_dataset: Path) -> None:
    assert dataset.validate(empty_dataset).problems == []
    ds = dataset.open_dataset(empty_dataset)
    assert metrics.span_period(ds) is None


def test_the_dataset_folder_is_never_written(tmp_path: Path) -> None:
    path = write_minimal_dataset(tmp_path / "ro")
    before = {p: (p.stat().st_mtime_ns, p.stat().st_size) for p in path.rglob("*")}
    os.chmod(path, 0o555)  # a read-only folder must be enough
    try:
        ds = dataset.open_dataset(path)
        dataset.validate(path)
        f = metrics.Filters(metrics.span_period(ds), dim="gender", merchant=1, extra=(("post", 100), ("campaign", 1)))
        for query in metrics.QUERIES.values():
            query(ds, f)
    finally:
        os.chmod(path, 0o755)
    assert {p: (p.stat().st_mtime_ns, p.stat().st_size) for p in path.rglob("*")} == before


def test_unknown_time_zone_is_named(minimal_dataset: Path) -> None:
    report = dataset.validate(minimal_dataset, "Mars/Olympus")
    assert [problem_text(p, "en") for p in report.errors] == ["Unknown time zone Mars/Olympus (e.g. Asia/Shanghai)."]

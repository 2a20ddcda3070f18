"""zh-CN and English catalogues, t() and the number formats of each language (万/亿 in Chinese)."""

from __future__ import annotations

import math
from collections.abc import Mapping

LANGS = ("zh-CN", "en")
DEFAULT_LANG = "zh-CN"
DASH = "—"  # a ratio with a zero denominator, or a figure that does not exist

# key -> (zh-CN, en). Placeholders are str.format fields.
CATALOGUE: dict[str, tuple[str, str]] = {
    # ---- dataset problems (advisor/dataset.py and validate) --------------------------------------
    "problem.no_folder": ("找不到数据集文件夹 {file}。", "Dataset folder {file} does not exist."),
    "problem.not_folder": ("{file} 不是文件夹:数据集应是一个包含 Parquet 导出的文件夹。",
                           "{file} is not a folder: a dataset is a folder of Parquet exports."),
    "problem.bad_tz": ("未知时区 {detail}(例如 Asia/Shanghai)。", "Unknown time zone {detail} (e.g. Asia/Shanghai)."),
    "problem.missing_table": ("缺少必需的表 {table}:应有 {file} 或文件夹 {table}/。",
                              "Required table {table} is missing: expected {file} or a folder {table}/."),
    "problem.export_twice": ("表 {table} 同时存在 {file},只能保留一种形式。",
                             "Table {table} is exported twice ({file}); keep one of the two."),
    "problem.empty_folder": ("表 {table} 的文件夹 {file} 中没有 Parquet 文件,按空表处理。",
                             "Table {table}: folder {file} holds no Parquet file; read as an empty table."),
    "problem.not_parquet": ("表 {table}:文件 {file} 不是 Parquet 文件,已忽略。",
                            "Table {table}: file {file} is not a Parquet file and was ignored."),
    "problem.unreadable": ("表 {table}:文件 {file} 无法作为 Parquet 读取({detail})。",
                           "Table {table}: file {file} cannot be read as Parquet ({detail})."),
    "problem.implausible_rows": ("表 {table}:文件 {file} 声明了 {count} 行,与文件大小不符,拒绝读取。",
                                 "Table {table}: file {file} declares {count} rows, implausible for its size; "
                                 "refused."),
    "problem.missing_column": ("表 {table}:文件 {file} 缺少列 {column}(应为 {expected})。",
                               "Table {table}: file {file} has no column {column} (expected {expected})."),
    "problem.column_case": ("表 {table}:文件 {file} 的列 {column} 大小写不符(发现 {found});列名须为小写。",
                            "Table {table}: file {file} has column {column} in the wrong case ({found}); "
                            "column names are lower-case."),
    "problem.wrong_type": ("表 {table}:文件 {file} 的列 {column} 类型应为 {expected},实际为 {found}。",
                           "Table {table}: file {file}, column {column}: expected {expected}, found {found}."),
    "problem.mixed_tz": ("表 {table}:文件 {file} 的列 {column} 与其他文件时区属性不同(有的带时区,有的不带)。",
                         "Table {table}: file {file}, column {column} mixes time-zone aware and naive "
                         "timestamps across files."),
    "problem.cast_failed": ("表 {table}:列 {column} 有值无法无损转换为 {expected}({detail})。",
                            "Table {table}, column {column}: a value cannot be cast losslessly to {expected} "
                            "({detail})."),
    "problem.duplicate_key": ("表 {table}:键 {column} 有 {count} 个重复值,例如 {examples}(文件 {file})。",
                              "Table {table}: key {column} has {count} duplicate values, e.g. {examples} "
                              "(file {file})."),
    "problem.unknown_reference": ("表 {table}:列 {column} 有 {count} 行引用了不存在的 {detail},例如 {examples}"
                                  "(文件 {file});这些行不计入相关的内容指标。",
                                  "Table {table}, column {column}: {count} rows reference a {detail} that does "
                                  "not exist, e.g. {examples} (file {file}); they are left out of those "
                                  "figures."),
    "problem.negative": ("表 {table}:列 {column} 有 {count} 行为负数,例如 {examples}(文件 {file})。",
                         "Table {table}, column {column}: {count} rows are negative, e.g. {examples} (file {file})."),
    "problem.out_of_range": ("表 {table}:列 {column} 有 {count} 行超出范围({detail}),例如 {examples}(文件 {file})。",
                             "Table {table}, column {column}: {count} rows out of range ({detail}), e.g. "
                             "{examples} (file {file})."),
    "problem.unknown_enum": ("表 {table}:列 {column} 有未知取值 {examples}(共 {count} 行),将原样显示。",
                             "Table {table}, column {column}: unknown values {examples} ({count} rows), shown as "
                             "they are."),
    "problem.null_required": ("表 {table}:必填列 {column} 有 {count} 行为空,例如 {examples}(文件 {file})。",
                              "Table {table}: required column {column} is null in {count} rows, e.g. {examples} "
                              "(file {file})."),
    "problem.error": ("错误", "error"),
    "problem.warning": ("警告", "warning"),
}


def t(key: str, lang: str = DEFAULT_LANG, /, **fields: object) -> str:
    """The text of `key` in `lang`, with `fields` filled in; an unknown key shows itself."""
    pair = CATALOGUE.get(key)
    if pair is None:
        return key
    text = pair[0] if lang == "zh-CN" else pair[1]
    return text.format(**fields) if fields else text


def problem_text(problem: object, lang: str = DEFAULT_LANG) -> str:
    """One dataset problem (advisor.dataset.Problem) as a sentence."""
    fields: Mapping[str, object] = problem.params()  # type: ignore[attr-defined]
    return t(f"problem.{problem.code}", lang, **fields)  # type: ignore[attr-defined]


# ---- numbers -------------------------------------------------------------------------------------

def _missing(x: object) -> bool:
    if x is None:
        return True
    try:
        return bool(math.isnan(x))  # type: ignore[arg-type]
    except TypeError:
        return str(x) in ("<NA>", "NaT")


def fmt_int(x: object, lang: str = DEFAULT_LANG) -> str:
    """A count, grouped: 12,345."""
    return DASH if _missing(x) else f"{int(x):,}"  # type: ignore[call-overload]


def fmt_compact(x: object, lang: str = DEFAULT_LANG, digits: int = 1) -> str:
    """A large number as people read it: 1.2万 / 3.4亿 in Chinese, 12.3K / 4.5M in English."""
    if _missing(x):
        return DASH
    v = float(x)  # type: ignore[arg-type]
    a = abs(v)
    if lang == "zh-CN":
        for size, unit in ((1e8, "亿"), (1e4, "万")):
            if a >= size:
                return f"{v / size:.{digits}f}{unit}"
    else:
        for size, unit in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
            if a >= size:
                return f"{v / size:.{digits}f}{unit}"
    return f"{v:,.0f}" if v == int(v) else f"{v:,.2f}"


def fmt_money(x: object, lang: str = DEFAULT_LANG, compact: bool = True) -> str:
    """CNY: ¥1.23万 (zh) / ¥12.3K (en) when compact, else ¥12,345.67."""
    if _missing(x):
        return DASH
    v = float(x)  # type: ignore[arg-type]
    if compact and abs(v) >= 1e4:
        return "¥" + fmt_compact(v, lang, 2)
    return f"¥{v:,.2f}"


def fmt_pct(x: object, lang: str = DEFAULT_LANG, digits: int = 1) -> str:
    """A ratio as a percentage: 0.1234 -> 12.3%."""
    return DASH if _missing(x) else f"{float(x) * 100:.{digits}f}%"  # type: ignore[arg-type]


def fmt_change(x: object, lang: str = DEFAULT_LANG) -> str:
    """A relative change with its sign: +12.3% / −4.0%; none without a base."""
    if _missing(x):
        return DASH
    v = float(x) * 100  # type: ignore[arg-type]
    return f"{'+' if v >= 0 else '−'}{abs(v):.1f}%"

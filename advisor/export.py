"""File formats of every table and chart (CSV, XLSX, Parquet, PNG, SVG, HTML), the page report, and each screen's
tables and charts for `python -m advisor export`; no Streamlit here."""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import functools
import html
import io
import math
import numbers
import os
import re
import shutil
import threading
import time
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from advisor.i18n import CATALOGUE, DASH, label, t

ROOT = Path(__file__).resolve().parent.parent
TABLE_FORMATS = ("csv", "xlsx", "parquet")
CHART_FORMATS = ("png", "svg", "html")
MIME = {"csv": "text/csv", "parquet": "application/vnd.apache.parquet", "png": "image/png", "svg": "image/svg+xml",
        "html": "text/html", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


class ExportError(RuntimeError):
    """A file that cannot be made; the message says why and what to do."""


class ChromiumMissing(ExportError):
    """PNG and SVG are drawn by kaleido in a Chromium; there is none here."""


# ---- tables ------------------------------------------------------------------------------------------

# Spreadsheets run a cell that starts with one of these as a formula (=HYPERLINK(...), -cmd|...).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def _is_text_column(series: pd.Series) -> bool:
    return series.dtype == object or pd.api.types.is_string_dtype(series.dtype)


def neutralise_cell(value: object) -> object:
    """A text cell a spreadsheet would run as a formula, prefixed with ' so it is shown as written; numbers (also
    "-12.5" written as text) and everything else are left alone."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _NUMBER_RE.match(value):
        return "'" + value
    return value


def neutralise(df: pd.DataFrame) -> pd.DataFrame:
    """`df` with every text cell that starts with = + - @ (or a tab or CR) neutralised; number columns untouched."""
    out = df.copy()
    for i in range(df.shape[1]):
        series = df.iloc[:, i]
        if _is_text_column(series):
            out.iloc[:, i] = series.map(neutralise_cell)
    headers = [neutralise_cell(c) for c in df.columns]
    out.columns = headers
    return out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """CSV that Excel opens with Chinese intact (UTF-8 with a byte-order mark) and that cannot run formulas. Lines
    end in CRLF (RFC 4180), which also makes a cell holding a bare CR quoted rather than a broken row."""
    return neutralise(df).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def _arrow_column(series: pd.Series) -> object:
    """A column pyarrow can store: a text column mixing numbers and text ("<5" beside counts) becomes text."""
    import pyarrow as pa

    try:
        return pa.array(series, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError):
        return pa.array([None if _missing(v) else str(v) for v in series], type=pa.string())


def to_parquet_bytes(df: pd.DataFrame) -> bytes:
    """Parquet of the table as it is (headers as shown, values unformatted)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    names = _unique_names([str(c) for c in df.columns])
    table = pa.table({name: _arrow_column(df.iloc[:, i]) for i, name in enumerate(names)})
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


def _unique_names(names: Sequence[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        n = seen.get(name, 0)
        seen[name] = n + 1
        out.append(name if n == 0 else f"{name} ({n + 1})")
    return out


# How a column reads, from its query column name: number formats in XLSX and in the report.
_MONEY = {"aov", "commission", "commission_cost", "cost_per_new_fan", "cost_per_order", "cpa", "cpc", "cpm", "gmv",
          "gmv_per_1k_reads", "headline_spend", "incremental_gmv", "influencer_earnings", "median_cost_per_new_fan",
          "net_gmv", "price", "spend", "total_cost", "amount"}
_PCT = {"ctr", "cvr", "read_rate", "buyer_rate", "refund_rate", "share", "jaccard", "fan_buyer_rate", "net_growth",
        "percentile", "profit_roi", "step_rate", "overall_rate", "commission_rate", "fan_growth", "engaged_fan_rate",
        "cumulative_share", "audience_match", "influencer_share"}
_RATIO = {"roas", "iroas", "median_roas", "headline_roas", "tgi", "quality_score"}
_IDS = {"influencer_a", "influencer_b"}
NUMBER_FORMATS = {"money": '"¥"#,##0.00', "pct": "0.00%", "ratio": "0.00", "estimate": "#,##0.0", "count": "#,##0",
                  "id": "0", "float": "General", "date": "yyyy-mm-dd", "time": "yyyy-mm-dd hh:mm"}


def kind_of_name(name: str) -> str | None:
    """The kind of a query column (money, pct, ratio, estimate, id), None when its name does not say."""
    if name in _MONEY or name.endswith(("_gmv", "_spend", "_earnings")):
        return "money"
    if name in _PCT or name.endswith(("_share", "_rate")) or (name.endswith("_match") and name != "matched_fans"):
        return "pct"
    if name in _RATIO:
        return "ratio"
    if name.startswith(("baseline_", "incremental_orders")) and not name.endswith(("_min", "_max", "_weeks")):
        return "estimate"
    if name == "id" or name.endswith("_id") or name in _IDS:
        return "id"
    return None


@functools.cache
def _header_names() -> dict[str, frozenset[str]]:
    """Shown header (either language) -> the query column names it translates (catalogue `<screen>.col.<name>` and
    `metric.<name>`)."""
    out: dict[str, set[str]] = {}
    for key, texts in CATALOGUE.items():
        m = re.match(r"^(?:metric|[a-z_]+\.col)\.([a-z0-9_]+)$", key)
        if m:
            for text in texts:
                out.setdefault(text, set()).add(m.group(1))
    return {k: frozenset(v) for k, v in out.items()}


def column_kinds(df: pd.DataFrame) -> list[str]:
    """The kind of every column of a table (raw query names or translated headers): from its name where that says,
    else from its values (count, float, date, time, text)."""
    kinds = []
    for i, col in enumerate(df.columns):
        names = {str(col)} | set(_header_names().get(str(col), ()))
        known = {k for k in (kind_of_name(n) for n in names) if k}
        series = df.iloc[:, i]
        if len(known) == 1:
            kinds.append(known.pop())
        elif pd.api.types.is_bool_dtype(series.dtype):
            kinds.append("text")
        elif pd.api.types.is_integer_dtype(series.dtype):
            kinds.append("count")
        elif pd.api.types.is_float_dtype(series.dtype):
            kinds.append("float")
        elif pd.api.types.is_datetime64_any_dtype(series.dtype):
            kinds.append("time")
        else:
            sample = series.dropna().head(50)
            if len(sample) and all(isinstance(v, dt.datetime) for v in sample):
                kinds.append("time")
            elif len(sample) and all(isinstance(v, dt.date) for v in sample):
                kinds.append("date")
            elif any(_is_int(v) for v in sample) and all(_is_int(v) or isinstance(v, str) for v in sample):
                kinds.append("count")  # a masked count column: ints and "<5"
            else:
                kinds.append("text")
    return kinds


def _is_int(value: object) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _missing(value: object) -> bool:
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    try:
        return bool(isinstance(value, float) and math.isnan(value))
    except TypeError:
        return False


def _cell(value: object) -> object:
    """A value as a spreadsheet cell holds it: a number, text, a naive datetime or date, a boolean, or None."""
    if _missing(value):
        return None
    if isinstance(value, bool | str | int | dt.date):
        if isinstance(value, pd.Timestamp):
            value = value.tz_localize(None) if value.tzinfo else value
            return value.to_pydatetime()
        if isinstance(value, dt.datetime) and value.tzinfo:
            return value.replace(tzinfo=None)
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, decimal.Decimal):
        return float(value)
    if hasattr(value, "item"):  # numpy scalars
        return _cell(value.item())
    if isinstance(value, list | tuple | set):
        return ", ".join(str(v) for v in value)
    return str(value)


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _sheet_title(name: str) -> str:
    return (re.sub(r"[\[\]:*?/\\]", "_", name).strip("'") or "data")[:31]


# XLSX is written directly as SpreadsheetML: openpyxl took ~50 s for the demo's table of 33,000 posts (23 columns),
# this writer ~5 s on the same (slow, shared) machine. The tests read every file back with openpyxl.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_MAX_CELL_TEXT = 32_767  # characters Excel keeps in one cell


def _xml_text(text: str) -> str:
    return _XML_ILLEGAL.sub("", text).translate(_XML_ESCAPES)


def _column_letter(n: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _serial(value: dt.date) -> float:
    """An Excel date-time serial number (days since 1899-12-30, time as the fraction)."""
    if isinstance(value, dt.datetime):
        return (value.replace(tzinfo=None) - _EXCEL_EPOCH).total_seconds() / 86_400
    return float((value - _EXCEL_EPOCH.date()).days)


_XLSX_FORMATS = ("money", "pct", "ratio", "estimate", "count", "id", "date", "time")  # cell style 2 + index


def _styles_xml() -> str:
    codes = "".join(f'<numFmt numFmtId="{164 + i}" formatCode="{_xml_text(NUMBER_FORMATS[k])}"/>'
                    for i, k in enumerate(_XLSX_FORMATS))
    xfs = "".join(f'<xf numFmtId="{164 + i}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
                  for i in range(len(_XLSX_FORMATS)))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'<numFmts count="{len(_XLSX_FORMATS)}">{codes}</numFmts>'
            '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
            '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
            '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
            '</fill><fill><patternFill patternType="solid"><fgColor rgb="FFF2F3F5"/><bgColor indexed="64"/>'
            '</patternFill></fill></fills>'
            '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border><border><left/><right/>'
            '<top/><bottom style="thin"><color rgb="FFC9CBD1"/></bottom><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="{2 + len(_XLSX_FORMATS)}"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
            '<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" '
            'applyBorder="1" applyAlignment="1"><alignment vertical="center" wrapText="1"/></xf>'
            f"{xfs}</cellXfs>"
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')


_XLSX_STYLE = {k: 2 + i for i, k in enumerate(_XLSX_FORMATS)}


def _xlsx_cell(ref: str, value: object, kind: str) -> str:
    """One <c> element; text is always an inline string, so nothing a cell holds is ever run as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float) and kind == "id":
        value = str(value)  # ids run to 16 digits; Excel keeps 15 of a number
    if isinstance(value, str):
        text = _xml_text(value[:_MAX_CELL_TEXT])
        space = ' xml:space="preserve"' if text != text.strip() else ""
        return f'<c r="{ref}" t="inlineStr"><is><t{space}>{text}</t></is></c>'
    if isinstance(value, dt.date):
        fmt = "time" if isinstance(value, dt.datetime) else "date"
        return f'<c r="{ref}" s="{_XLSX_STYLE[fmt]}"><v>{_serial(value)!r}</v></c>'
    style = _XLSX_STYLE.get(kind)
    return f'<c r="{ref}"{f" s={chr(34)}{style}{chr(34)}" if style else ""}><v>{value!r}</v></c>'


def _cells(series: pd.Series) -> list[object]:
    """_cell of every value, the common types first (a table may hold a million cells)."""
    out: list[object] = []
    for v in series.tolist():
        kind = type(v)
        if kind is int or kind is str:
            out.append(v)
        elif kind is float:
            out.append(v if math.isfinite(v) else None)
        else:
            out.append(_cell(v))
    return out


def _xlsx_column(letter: str, values: list[object], kind: str) -> list[str]:
    """The <c> elements of one column from row 2 on; numbers take the fast path."""
    style = _XLSX_STYLE.get(kind)
    attr = f' s="{style}"' if style else ""
    if kind == "id":
        return [_xlsx_cell(f"{letter}{n}", v, kind) for n, v in enumerate(values, 2)]
    return [f'<c r="{letter}{n}"{attr}><v>{v!r}</v></c>' if type(v) is int or type(v) is float
            else _xlsx_cell(f"{letter}{n}", v, kind) for n, v in enumerate(values, 2)]


def to_xlsx_bytes(df: pd.DataFrame, sheet: str = "data") -> bytes:
    """An Excel workbook of the table: bold header row, frozen, with a filter; money, percent, count and date
    number formats where the column is known; widths fitted to the content. Text is always text: a cell starting
    with = is never a formula."""
    import zipfile

    kinds = column_kinds(df)
    headers = [str(c) for c in df.columns]
    ncols, nrows = len(headers), len(df)
    letters = [_column_letter(i + 1) for i in range(ncols)]
    columns = [_cells(df.iloc[:, i]) for i in range(ncols)]
    widths = []
    for i, (header, kind) in enumerate(zip(headers, kinds, strict=True)):
        sample = [v for v in columns[i][:500] if v is not None]
        shown = [len(f"{v:,.2f}") + 1 if isinstance(v, float) else _display_width(str(v)) for v in sample]
        if kind in ("time", "date"):
            shown = [16 if kind == "time" else 10]
        widths.append(min(max([_display_width(header) + 2, *shown, 6]) + 2, 60))
    last = f"{letters[-1]}{nrows + 1}" if ncols else "A1"
    rows = ['<row r="1">' + "".join(
        f'<c r="{letters[c]}1" t="inlineStr" s="1"><is><t>{_xml_text(h)}</t></is></c>' for c, h in enumerate(headers))
        + "</row>"]
    encoded = [_xlsx_column(letters[c], columns[c], kinds[c]) for c in range(ncols)]
    rows += [f'<row r="{n}">{"".join(parts)}</row>' for n, parts in enumerate(zip(*encoded, strict=True), 2)]
    cols = "".join(f'<col min="{i + 1}" max="{i + 1}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths))
    title = _xml_text(_sheet_title(sheet))
    sheet_xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                 f'<dimension ref="A1:{last}"/>'
                 '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
                 'state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
                 '<sheetFormatPr defaultRowHeight="15"/>'
                 + (f"<cols>{cols}</cols>" if cols else "")
                 + f'<sheetData>{"".join(rows)}</sheetData>'
                 + (f'<autoFilter ref="A1:{last}"/>' if ncols else "") + "</worksheet>")
    quoted = title.replace("'", "''")
    defined = (f'<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
               f"'{quoted}'!$A$1:${letters[-1]}${nrows + 1}</definedName></definedNames>" if ncols else "")
    workbook = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                f'<sheets><sheet name="{title}" sheetId="1" r:id="rId1"/></sheets>{defined}</workbook>')
    files = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>'),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": workbook,
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            'Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
            'Target="styles.xml"/></Relationships>'),
        "xl/styles.xml": _styles_xml(),
        "xl/worksheets/sheet1.xml": sheet_xml,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in files.items():
            zf.writestr(name, text.encode("utf-8"))
    return buffer.getvalue()


def table_bytes(df: pd.DataFrame, fmt: str, sheet: str = "data") -> bytes:
    """The table in one of TABLE_FORMATS."""
    if fmt == "csv":
        return to_csv_bytes(df)
    if fmt == "xlsx":
        return to_xlsx_bytes(df, sheet)
    if fmt == "parquet":
        return to_parquet_bytes(df)
    raise ValueError(f"not a table format: {fmt!r}; one of {', '.join(TABLE_FORMATS)}")


# ---- charts ------------------------------------------------------------------------------------------

DEFAULT_WIDTH, DEFAULT_HEIGHT = 1100, 500  # px of an image whose figure leaves them to the page
PNG_SCALE = 2
# Debian's launcher with background networking off: without it, renders stalled 5-6 s at random (NOTES.md).
CHROMIUM_WRAPPER = ROOT / "scripts" / "chromium-kaleido.sh"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")

_kaleido_lock = threading.Lock()
_kaleido_started = False


def chromium_path() -> str | None:
    """The browser kaleido will draw in: BROWSER_PATH, else the first Chromium or Chrome on PATH."""
    given = os.environ.get("BROWSER_PATH")
    if given:
        return given if Path(given).is_file() else None
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def images_available() -> bool:
    """True when PNG and SVG can be drawn here: kaleido installed and a Chromium found."""
    try:
        import kaleido  # noqa: F401
    except ImportError:
        return False
    return chromium_path() is not None


def images_hint(lang: str = "en") -> str:
    """How to get PNG and SVG where they cannot be drawn."""
    try:
        import kaleido  # noqa: F401
    except ImportError:
        return t("export.no_kaleido", lang)
    return t("export.no_chromium", lang)


def _launch_path(found: str) -> str:
    if (not os.environ.get("BROWSER_PATH") and found == shutil.which("chromium") and CHROMIUM_WRAPPER.is_file()
            and os.access(CHROMIUM_WRAPPER, os.X_OK)):
        return str(CHROMIUM_WRAPPER)
    return found


def figure_size(fig: object) -> tuple[int, int]:
    """Width and height in px of a figure's image: its own where it sets them."""
    layout = fig.layout  # type: ignore[attr-defined]
    return int(layout.width or DEFAULT_WIDTH), int(layout.height or DEFAULT_HEIGHT)


def _render(fig: object, fmt: str, scale: float) -> bytes:
    """One image through kaleido's one shared Chromium, started on first use and kept for the next images (a
    cold start takes seconds, a warm image a fraction of one). One image at a time: kaleido's sync server is not
    safe for calls from several threads."""
    global _kaleido_started
    found = chromium_path()
    try:
        import kaleido
    except ImportError:
        raise ChromiumMissing(images_hint("en")) from None
    if found is None:
        raise ChromiumMissing(images_hint("en"))
    fig = _printable(fig)
    width, height = figure_size(fig)
    with _kaleido_lock:
        if not _kaleido_started:
            # No MathJax: kaleido would fetch it from a CDN, and the app often runs offline.
            kaleido.start_sync_server(path=_launch_path(found), mathjax=False, timeout=120, silence_warnings=True)
            _kaleido_started = True
        try:
            data = kaleido.calc_fig_sync(fig, opts={"format": fmt, "width": width, "height": height, "scale": scale})
        except Exception as exc:
            # A crashed browser is started afresh on the next image.
            kaleido.stop_sync_server(silence_warnings=True)
            _kaleido_started = False
            raise ExportError(f"{fmt.upper()} export failed: {type(exc).__name__}: "
                              f"{(str(exc).splitlines() or [''])[0]}") from exc
    return data if isinstance(data, bytes) else str(data).encode("utf-8")


PRINT_PAD = 16  # px of white around an image: on screen the charts sit flush with the page's headings


def _printable(fig: object) -> object:
    """A copy of the figure with some white around it, for images that stand on their own."""
    import plotly.graph_objects as go

    out = go.Figure(fig)
    margin = out.layout.margin
    out.update_layout(margin=dict(l=(margin.l if margin.l is not None else 8) + PRINT_PAD,
                                  r=(margin.r if margin.r is not None else 8) + PRINT_PAD,
                                  b=(margin.b if margin.b is not None else 8) + PRINT_PAD // 2),
                      title_pad_l=PRINT_PAD)
    return out


def stop_images() -> None:
    """Close the Chromium kept for images (the command line, when done)."""
    global _kaleido_started
    with _kaleido_lock:
        if _kaleido_started:
            import kaleido

            kaleido.stop_sync_server(silence_warnings=True)
            _kaleido_started = False


def figure_to_png(fig: object, scale: float = PNG_SCALE) -> bytes:
    """PNG at `scale` times the figure's size (2: sharp on high-density screens and in print)."""
    return _render(fig, "png", scale)


def figure_to_svg(fig: object) -> bytes:
    """SVG: text stays text (searchable, Chinese included), lines stay sharp at any size."""
    return _render(fig, "svg", 1)


def _figure_div(fig: object, include_plotlyjs: bool) -> str:
    import plotly.io as pio

    _, height = figure_size(fig)
    return pio.to_html(fig, full_html=False, include_plotlyjs=include_plotlyjs, include_mathjax=False,
                       config={"displaylogo": False, "responsive": True}, default_width="100%",
                       default_height=f"{height}px")


def figure_to_html(fig: object, title: str | None = None, lang: str = "zh-CN") -> bytes:
    """One self-contained HTML file: plotly.js inside, so the chart opens, zooms and hovers offline."""
    name = title or figure_title(fig) or "chart"
    body = _figure_div(fig, include_plotlyjs=True)
    return (f'<!DOCTYPE html>\n<html lang="{html.escape(lang)}"><head><meta charset="utf-8">'
            f"<title>{html.escape(name)}</title></head><body>{body}</body></html>\n").encode()


def figure_bytes(fig: object, fmt: str, lang: str = "zh-CN") -> bytes:
    """The figure in one of CHART_FORMATS."""
    if fmt == "png":
        return figure_to_png(fig)
    if fmt == "svg":
        return figure_to_svg(fig)
    if fmt == "html":
        return figure_to_html(fig, lang=lang)
    raise ValueError(f"not a chart format: {fmt!r}; one of {', '.join(CHART_FORMATS)}")


def figure_title(fig: object) -> str:
    """The figure's title as plain text (plotly titles may hold <br> and <b>)."""
    try:
        text = fig.layout.title.text or ""  # type: ignore[attr-defined]
    except AttributeError:
        return ""
    return html.unescape(re.sub(r"<[^>]+>", " ", str(text))).strip()


# ---- the page report: one HTML file with every chart and table of a screen ---------------------------

@dataclass
class Item:
    """A table or a chart of a screen, in the order drawn. `data` is a DataFrame (or a callable making one) for a
    table, a plotly Figure for a chart."""

    kind: str  # "table" or "chart"
    title: str
    stem: str
    data: object


REPORT_MAX_ROWS = 5_000  # rows of one table in the report; the table's own download has them all

_REPORT_CSS = """
body{font-family:"Noto Sans CJK SC","Noto Sans SC","PingFang SC","Microsoft YaHei","Source Sans Pro",sans-serif;
color:#262730;margin:24px auto;max-width:1240px;padding:0 16px;line-height:1.5}
h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:32px 0 8px;border-bottom:1px solid #ececf0;padding-bottom:4px}
.facts{border-collapse:collapse;margin:12px 0 8px}.facts th{text-align:left;color:#6b6f76;font-weight:500;
padding:2px 16px 2px 0;vertical-align:top}.facts td{padding:2px 0;word-break:break-all}
.table-wrap{overflow:auto;max-height:560px;border:1px solid #ececf0}
table.data{border-collapse:collapse;font-size:13px;white-space:nowrap}
table.data th{position:sticky;top:0;background:#f2f3f5;font-weight:600;text-align:left;padding:4px 10px;
border-bottom:1px solid #c9cbd1}table.data td{padding:3px 10px;border-bottom:1px solid #f0f0f3}
table.data td.num{text-align:right;font-variant-numeric:tabular-nums}.note{color:#6b6f76;font-size:13px}
.chart{margin:8px 0 24px}footer{color:#6b6f76;font-size:12px;margin-top:40px}
"""


def _fmt_value(value: object, kind: str) -> tuple[str, bool]:
    """A cell of the report's tables as text, and whether it is a number (right-aligned)."""
    if _missing(value):
        return DASH, False
    if isinstance(value, str):
        return value, False
    if isinstance(value, bool):
        return ("✓" if value else ""), False
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M"), False
    if isinstance(value, dt.date):
        return value.isoformat(), False
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value), False
    if kind == "money":
        return f"¥{number:,.2f}", True
    if kind == "pct":
        return f"{number * 100:.2f}%", True
    if kind == "ratio":
        return f"{number:,.2f}", True
    if kind == "estimate":
        return f"{number:,.1f}", True
    if kind == "id":
        return f"{number:.0f}", True
    if kind == "count" and number == int(number):
        return f"{number:,.0f}", True
    return (f"{number:,.4g}" if abs(number) < 1 else f"{number:,.2f}"), True


def table_html(df: pd.DataFrame, lang: str, max_rows: int = REPORT_MAX_ROWS) -> str:
    """A table for the report: escaped text, numbers formatted by column kind, at most `max_rows` rows."""
    kinds = column_kinds(df)
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    rows = []
    for values in df.head(max_rows).itertuples(index=False, name=None):
        cells = []
        for value, kind in zip(values, kinds, strict=True):
            text, numeric = _fmt_value(value, kind)
            cells.append(f'<td class="num">{html.escape(text)}</td>' if numeric else f"<td>{html.escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    note = ""
    if len(df) > max_rows:
        cut = t("export.report.rows_cut", lang, shown=f"{max_rows:,}", total=f"{len(df):,}")
        note = f'<p class="note">{html.escape(cut)}</p>'
    if df.empty:
        return f'<p class="note">{html.escape(t("export.report.no_rows", lang))}</p>'
    return (f'<div class="table-wrap"><table class="data"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}'
            f"</tbody></table></div>{note}")


def page_report(title: str, facts: Sequence[tuple[str, str]], items: Sequence[Item], lang: str,
                link: str | None = None) -> bytes:
    """One HTML file with a screen's filters (`facts`: label, value), then each of its tables and charts in the order
    drawn; plotly.js inside, so it opens offline. A table drawn twice (the same frame) is written once."""
    import plotly.offline

    parts: list[str] = []
    seen: set[int] = set()
    charts = 0
    for item in items:
        if item.kind == "chart":
            charts += 1
            parts.append(f'<div class="chart">{_figure_div(item.data, include_plotlyjs=False)}</div>')
            continue
        if id(item.data) in seen:
            continue
        seen.add(id(item.data))
        frame = item.data() if callable(item.data) else item.data
        if not isinstance(frame, pd.DataFrame):
            continue
        heading = item.title or t("export.report.chart_data", lang)
        parts.append(f"<h2>{html.escape(heading)}</h2>{table_html(frame, lang)}")
    if not parts:
        parts.append(f'<p class="note">{html.escape(t("export.report.empty", lang))}</p>')
    rows = [(name, value) for name, value in facts]
    if link:
        rows.append((t("export.report.link", lang), link))
    fact_rows = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in rows)
    # plotly.js once, in the head: every chart of the report uses it, and nothing is fetched from the network.
    script = f'<script type="text/javascript">{plotly.offline.get_plotlyjs()}</script>' if charts else ""
    footer = html.escape(t("export.report.footer", lang, app=t("app.title", lang)))
    doc = (f'<!DOCTYPE html>\n<html lang="{html.escape(lang)}"><head><meta charset="utf-8">'
           f'<meta name="viewport" content="width=device-width, initial-scale=1">'
           f"<title>{html.escape(title)}</title><style>{_REPORT_CSS}</style>{script}</head><body>"
           f'<h1>{html.escape(title)}</h1><table class="facts">{fact_rows}</table>{"".join(parts)}'
           f"<footer>{footer}</footer></body></html>\n")
    return doc.encode("utf-8")


def report_title(page: str, lang: str) -> str:
    return t("export.report.title", lang, page=t(f"page.{page}", lang), app=t("app.title", lang))


def report_facts(lang: str, dataset: str, span: tuple[dt.date, dt.date] | None, period: tuple[dt.date, dt.date],
                 influencers: Sequence[str], window: str, choices: Mapping[str, str], tz: str) -> list[tuple[str, str]]:
    """The filters and the data's date as (label, value) rows, for the report's head."""
    start, end = period
    now = dt.datetime.now(dt.UTC)
    try:
        import zoneinfo

        now = now.astimezone(zoneinfo.ZoneInfo(tz))
    except (KeyError, ValueError, ImportError):
        pass
    rows = [(t("export.report.dataset", lang), dataset),
            (t("export.report.data_span", lang),
             t("sidebar.span", lang, start=span[0].isoformat(), end=span[1].isoformat()) if span
             else t("sidebar.no_activity", lang)),
            (t("sidebar.period", lang), t("scope.period", lang, start=start.isoformat(), end=end.isoformat(),
                                          days=(end - start).days + 1)),
            (t("sidebar.influencers", lang), "、".join(influencers) if lang == "zh-CN" and influencers
             else ", ".join(influencers) if influencers else t("scope.all_influencers", lang)),
            (t("sidebar.window", lang), window),
            (t("export.report.language", lang), t(f"lang.{lang}", lang))]
    if choices:
        rows.append((t("export.report.choices", lang), " · ".join(f"{k}={v}" for k, v in choices.items())))
    rows.append((t("export.report.generated", lang), f"{now:%Y-%m-%d %H:%M} ({tz})"))
    return rows


# The attribution windows the screens offer (advisor/ui.py, WINDOWS), by their catalogue code.
_WINDOW_CODES = {dt.timedelta(hours=h): code for code, h in (("1h", 1), ("6h", 6), ("12h", 12), ("1d", 24),
                                                             ("3d", 72), ("7d", 168), ("14d", 336), ("30d", 720))}


def window_label(window: dt.timedelta, lang: str) -> str:
    """The attribution window as the screens write it (7 天 / 7 days); another length in hours or days."""
    code = _WINDOW_CODES.get(window)
    if code:
        return t(f"window.{code}", lang)
    hours = window.total_seconds() / 3600
    if hours < 24:
        return f"{hours:g} 小时" if lang == "zh-CN" else f"{hours:g} hours"
    return f"{hours / 24:g} 天" if lang == "zh-CN" else f"{hours / 24:g} days"


def cli_facts(ds: object, f: object, span: object, lang: str, window: str, options: Options) -> list[tuple[str, str]]:
    """report_facts for the command line: the filters given, and the screen options that differ from defaults."""
    from advisor import metrics

    names: list[str] = []
    if f.influencers:  # type: ignore[attr-defined]
        roster = metrics.influencer_list(ds, f)  # type: ignore[arg-type]
        known = {int(i): str(n) for i, n in zip(roster["influencer_id"], roster["name"], strict=True)}
        names = [known.get(int(i), str(i)) for i in f.influencers]  # type: ignore[attr-defined]
    defaults = dataclasses.asdict(Options())
    choices = {k: ",".join(map(str, v)) if isinstance(v, tuple) else str(v)
               for k, v in dataclasses.asdict(options).items() if v != defaults[k]}
    if f.merchant is not None:  # type: ignore[attr-defined]
        choices["merchant"] = str(f.merchant)  # type: ignore[attr-defined]
    segment = metrics.segment(f)  # type: ignore[arg-type]
    if not segment.empty:
        choices["seg"] = segment.to_param() or ""
    period = f.period  # type: ignore[attr-defined]
    return report_facts(lang, ds.name, (span.start, span.end) if span else None,  # type: ignore[attr-defined]
                        (period.start, period.end), names, window, choices, ds.tz)  # type: ignore[attr-defined]


# ---- the screens' tables and charts, for the command line -------------------------------------------------

PAGES = ("overview", "audience", "posts", "campaigns", "benchmarks", "merchants")
# Query columns whose codes are shown in words, and the label() kind of each.
_CODES = {"category": "category", "tier": "tier", "content_type": "content_type", "channel": "channel",
          "source": "source", "gender": "gender", "device": "device", "status": "status", "shop_type": "shop_type",
          "account_type": "account_type", "product": "campaign_product"}


@dataclass(frozen=True)
class Options:
    """The screen choices the command line can make beside the filters (each screen's own URL parameters)."""

    metric: str = "ctr"  # benchmarks
    focus: int | None = None  # benchmarks: the influencer of "where I stand"
    post: int | None = None  # posts: the post in detail
    campaign: int | None = None  # campaigns: the campaign hour by hour
    shortlist: tuple[int, ...] = ()  # merchants


def present(df: pd.DataFrame, prefix: str, lang: str, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """A result as a screen shows it: headers from the catalogue (`<prefix>.<col>`, else `metric.<col>`, else the
    column name), codes in words, days as dates."""
    cols = [c for c in (columns or df.columns) if c in df.columns]
    out: dict[str, object] = {}
    for col in cols:
        values = df[col]
        kind = _CODES.get(col)
        if kind is not None and _is_text_column(values):
            words = {code: label(kind, code, lang) for code in values.dropna().unique()}
            values = values.map(words).where(values.notna(), label(kind, None, lang))
        elif col == "day" and pd.api.types.is_datetime64_any_dtype(values.dtype):
            values = values.dt.date
        key = next((k for k in (f"{prefix}.{col}", f"metric.{col}") if k in CATALOGUE), None)
        out[t(key, lang) if key else col] = values
    return pd.DataFrame(out).reset_index(drop=True)


class Screen:
    """What one screen draws from the command line: its items in order, with the page's own figure builders."""

    def __init__(self, ds: object, f: object, lang: str, window_label: str, options: Options) -> None:
        self.ds, self.f, self.lang, self.wl, self.options = ds, f, lang, window_label, options
        self.items: list[Item] = []

    def table(self, stem: str, title: str, frame: pd.DataFrame) -> None:
        self.items.append(Item("table", title, stem, frame))

    def chart(self, stem: str, fig: object) -> None:
        if fig is not None:
            self.items.append(Item("chart", figure_title(fig), stem, fig))


def _overview(s: Screen) -> None:
    from advisor import charts, metrics

    s.table("kpis", t("export.title.kpis", s.lang), present(metrics.overview_kpis(s.ds, s.f), "metric", s.lang))
    daily = metrics.overview_daily(s.ds, s.f)
    s.chart("daily_trend", charts.daily_trend(daily, s.lang, s.wl))
    s.table("daily", t("overview.table", s.lang), present(daily, "metric", s.lang))


def _audience(s: Screen) -> None:
    from advisor import charts, metrics

    lang, f = s.lang, s.f
    roster = metrics.influencer_list(s.ds, f)
    chosen = f.influencers
    mode = metrics.audience_mode(len(chosen))
    combined = mode == "combined"
    names: dict[object, str] = ({None: t("audience.combined_n", lang, n=len(chosen)) if chosen
                                 else t("audience.combined", lang)} if combined else {})
    names.update({int(i): str(n) for i, n in zip(roster["influencer_id"], roster["name"], strict=True)})
    summary = metrics.audience_summary(s.ds, f)
    kpis = metrics.audience_kpis(summary, combine=combined)
    previous = metrics.audience_kpis(metrics.audience_summary(s.ds, f.with_period(f.period.previous())), combined)
    s.table("kpis", t("audience.kpis", lang),
            charts.audience_table(metrics.audience_kpi_rows(kpis, previous), lang, names)[0])
    as_one = metrics.as_one_audience(f, combined)  # combined: days, buckets and hours summed in the database
    daily = metrics.audience_daily(s.ds, as_one)
    s.table("daily", t("audience.growth", lang), charts.audience_table(daily, lang, names)[0])
    s.chart("growth", charts.audience_growth(daily, metrics.campaign_roi(s.ds, f), lang, names))
    if mode == "compare":
        s.chart("new_fans_by_source", charts.new_fans_by_source(daily, lang, names))
    size = int(kpis["fans_end"].sum())

    def breakdown(dim: str) -> pd.DataFrame:
        rows = metrics.audience_breakdown(s.ds, replace(as_one, dim=dim))
        return metrics.mask_small_cells(rows, {"fans": ["share"]})

    if size:
        for dim in ("gender", "age_band", "city_tier", "device", "source", "interest"):
            rows = breakdown(dim)
            s.table(f"profile_{dim}", t(f"audience.dim.{dim}", lang), charts.audience_table(rows, lang, names)[0])
            s.chart(f"profile_{dim}", charts.profile_bars(rows, dim, lang, names,
                                                          top=10 if dim == "interest" else None))
        provinces = breakdown("province")
        if mode == "compare":
            provinces = provinces[provinces["influencer_id"] == chosen[0]]
        s.table("provinces", t("audience.province_list", lang),
                charts.audience_table(provinces, lang, names, columns=["bucket", "fans", "share"])[0])
        s.chart("province_map", charts.province_map(provinces, lang))
        if not combined:
            tgi = metrics.mask_small_cells(metrics.audience_tgi(s.ds, replace(f, dim="interest")),
                                           {"fans": ["share", "tgi"], "category_fans": ["category_share", "tgi"]})
            s.table("tgi_interest", t("audience.tgi_of", lang, dim=t("audience.dim.interest", lang)),
                    charts.audience_table(tgi, lang, names)[0])
            s.chart("tgi_interest", charts.tgi_bars(tgi, "interest", lang, names, top=20 if mode == "single" else 12))
    hours = metrics.mask_small_cells(metrics.audience_active_hours(s.ds, as_one), {"fans": ["fan_clicks"]})
    s.table("active_hours", t("audience.hours", lang), charts.audience_table(hours, lang, names)[0])
    if not hours.empty:
        s.chart("active_hours", charts.active_hours_heatmap(hours, lang, names, s.ds.tz))
    quality = metrics.audience_quality(s.ds, f)
    ranked = quality.sort_values(["quality_score", "influencer_id"], na_position="last")
    s.table("quality", t("audience.quality", lang), charts.audience_table(ranked if combined else quality, lang,
                                                                          names)[0])
    if size:
        shown = pd.concat([metrics.combine_quality(quality), ranked.head(9)], ignore_index=True) if combined \
            else quality
        s.chart("quality", charts.quality_bars(shown, lang, names))


def _posts(s: Screen) -> None:
    from advisor import charts, metrics

    lang, f, wl = s.lang, s.f, s.wl
    # As the screen's default table: best first by GMV, at most RANK_LIMIT posts, cut in SQL (any scale).
    posts = metrics.post_ranking(s.ds, f)
    names = metrics.influencer_list(s.ds, f).set_index("influencer_id")["name"]
    posts = posts.assign(title=posts["title"].fillna(t("posts.untitled", lang)),
                         influencer=posts["influencer_id"].map(names))
    columns = ("posted_at", "title", "influencer", "content_type", "impressions", "reads", "interactions", "clicks",
               "orders", "gmv", "net_gmv", "ctr", "cvr", "aov", "gmv_per_1k_reads", "post_id")
    cut = len(posts) and int(posts["ranked_posts"].iloc[0]) > len(posts)
    title = t("posts.table.title_top", lang, n=f"{len(posts):,}", metric=t("posts.col.gmv", lang)) if cut \
        else t("posts.table.title", lang)
    s.table("posts", title, present(posts, "posts.col", lang, columns))
    funnel = metrics.posts_funnel(s.ds, f)
    s.chart("funnel", charts.posts_funnel(funnel, lang, wl))
    s.table("funnel", t("export.report.chart_data", lang),
            present(funnel.assign(step=[t(f"posts.step.{c}", lang) for c in funnel["step"]]), "posts.col", lang))
    split = metrics.posts_channel_split(s.ds, f)
    s.chart("channel_split", charts.posts_channel_split(split, lang, wl))
    s.table("channel_split", t("export.report.chart_data", lang), present(split, "posts.col", lang))
    formats = metrics.content_type_summary(s.ds, f)
    s.chart("formats", charts.posts_formats(formats, lang, wl))
    s.table("formats", t("export.report.chart_data", lang), present(formats, "posts.col", lang))
    delay = metrics.purchase_delay(s.ds, f)
    hours = f.window.total_seconds() / 3600
    s.chart("purchase_delay", charts.purchase_delay(delay, lang, wl, hours))
    s.table("purchase_delay", t("export.report.chart_data", lang),
            present(delay.assign(band=[t(f"posts.band.{c}", lang) for c in delay["band"]]), "posts.col", lang))
    post = s.options.post
    if post is not None:
        one = replace(f, extra=(("post", post),))
        hourly = metrics.post_hourly(s.ds, one)
        s.chart(f"post_{post}_hourly", charts.post_hourly(hourly, lang, wl))
        s.table(f"post_{post}_hourly", t("export.report.chart_data", lang), present(hourly, "posts.col", lang))
        products = metrics.post_products(s.ds, one).rename(columns={"title": "product_title"})
        s.table(f"post_{post}_products", t("posts.products.title", lang), present(products, "posts.col", lang))
        campaigns = metrics.post_campaigns(s.ds, one).rename(columns={"impressions": "paid_impressions"})
        s.table(f"post_{post}_campaigns", t("posts.campaigns.title", lang), present(campaigns, "posts.col", lang))


def _campaigns(s: Screen) -> None:
    from advisor import charts, metrics

    lang, f, wl = s.lang, s.f, s.wl
    if not s.ds.has("campaigns"):
        raise ExportError("the dataset has no campaigns export: the Campaigns screen has nothing to write")
    table = metrics.campaign_table(s.ds, replace(f, extra=(("cps", metrics.DEFAULT_CPS_SPLIT),)))
    table = table.assign(buyer=charts.campaign_buyers(table, lang), post_title=charts.campaign_posts(table, lang))
    s.table("campaigns", t("campaigns.table.title", lang),
            present(table.drop(columns=["buyer_name"], errors="ignore"), "campaigns.col", lang))
    if table.empty:
        return
    s.chart("lift", charts.campaign_lift(table, lang, wl))
    busiest = table.sort_values(["paid_clicks", "spend", "campaign_id"], ascending=[False, False, True])
    chosen = s.options.campaign if s.options.campaign is not None else int(busiest["campaign_id"].iloc[0])
    hourly = metrics.campaign_hourly(s.ds, replace(f, extra=(("campaign", chosen),)))
    s.table(f"campaign_{chosen}_hourly", t("campaigns.hourly.title", lang), present(hourly, "campaigns.col", lang))
    match = table[table["campaign_id"] == chosen]
    if not hourly.empty and not match.empty:
        name = charts.campaign_names(table, lang)[table["campaign_id"] == chosen].iloc[0]
        s.chart(f"campaign_{chosen}_hourly", charts.campaign_hourly(hourly, lang, wl, name, cumulative=False))
    s.chart("spend_gmv", charts.campaign_spend_gmv(table, lang, wl))
    s.chart("roas_over_time", charts.campaign_roas_over_time(table, lang, wl))
    products = metrics.campaign_products(s.ds, f)
    s.table("products", t("campaigns.products.table", lang), present(products, "campaigns.col", lang))
    s.chart("products", charts.campaign_products(products, lang, wl))


def _benchmarks(s: Screen) -> None:
    from advisor import charts, metrics

    lang, f, wl, metric = s.lang, s.f, s.wl, s.options.metric
    if metric not in metrics.BENCHMARK_METRICS:
        raise metrics.ParameterError(f"--metric is one of {', '.join(metrics.BENCHMARK_METRICS)}; got {metric!r}")
    table = metrics.benchmark_table(s.ds, f, metric)
    published = table[table["published"].astype(bool)]
    name = t(f"benchmarks.metric.{metric}", lang)
    s.table(f"benchmarks_{metric}", t("benchmarks.table.title", lang, metric=name),
            present(table, "benchmarks.col", lang))
    if not published.empty:
        s.chart(f"distribution_{metric}", charts.benchmark_distribution(
            published, metric, lang, wl, hidden=int((~table["published"].astype(bool)).sum())))
    members = metrics.influencer_list(s.ds, f)
    if members.empty:
        return
    options = [i for i in f.influencers if i in set(members["influencer_id"])] or \
        [int(i) for i in members["influencer_id"]]
    compared = metrics.benchmarked_influencers(s.ds, f)
    focus = s.options.focus if s.options.focus is not None else next((i for i in options if i in compared),
                                                                     options[0])
    if focus not in set(members["influencer_id"]):
        raise metrics.ParameterError(f"--focus {focus} is not an influencer of this dataset that you may see")
    me = members.set_index("influencer_id").loc[focus]
    if s.ds.viewer.merchants is None:  # a merchant has no standing to see (pages/benchmarks.py)
        rows = metrics.standing(s.ds, f, focus)
        s.table(f"standing_{focus}", t("benchmarks.stand.title", lang),
                present(rows.assign(metric=[t(f"benchmarks.metric.{m}", lang) for m in rows["metric"]]),
                        "benchmarks.col", lang))
        s.chart(f"standing_{focus}", charts.benchmark_standing(rows, lang, str(me["name"]), wl))
    trend = metrics.cohort_trend(s.ds, f, me["category"], metric)
    s.table(f"trend_{metric}", t("benchmarks.trend.title", lang), present(trend, "benchmarks.col", lang))
    if not trend.empty:
        s.chart(f"trend_{metric}", charts.benchmark_trend_chart(trend, metric, lang, me["category"], me["tier"], wl))


def _merchants(s: Screen) -> None:
    from advisor import charts, metrics

    lang, f, wl = s.lang, s.f, s.wl
    if not s.ds.has("products"):
        raise ExportError("the dataset has no products export: the Merchants screen has nothing to write")
    merchants = metrics.merchant_list(s.ds, f)
    if merchants.empty:
        raise ExportError("no merchant has products in the dataset")
    merchant = f.merchant if f.merchant is not None else int(merchants["merchant_id"].iloc[0])
    segment = metrics.segment(f)
    compare = replace(f, merchant=merchant, extra=(("segment", segment), ("cps", metrics.DEFAULT_CPS_SPLIT)))
    table = metrics.merchant_table(s.ds, compare)
    names = dict(zip((int(i) for i in table["influencer_id"]), charts.merchant_names(table, lang), strict=True))
    table = table.assign(name=list(names.values()))
    s.table("influencers", t("merchants.table.title", lang), present(table, "merchants.col", lang))
    if table.empty:
        return
    shortlist = tuple(i for i in s.options.shortlist if i in names) or tuple(list(names)[:3])
    s.chart("cost_gmv", charts.merchant_bubbles(table, lang, wl, shortlist))
    if not segment.empty:
        match = metrics.audience_match(s.ds, replace(compare, influencers=tuple(names)))
        match = match.assign(name=match["influencer_id"].map(lambda i: names.get(int(i), str(i))))
        s.table("audience_match", t("merchants.match.title", lang), present(match, "merchants.col", lang))
        dims = [d for d in metrics.SEGMENT_DIMS if getattr(segment, d)]
        s.chart("audience_match", charts.audience_match_chart(match, names, dims if len(dims) > 1 else [], lang,
                                                              order=list(names)))
    if len(shortlist) >= 2:
        chosen = replace(f, influencers=shortlist)
        overlap = metrics.audience_overlap(s.ds, chosen)
        overlap = overlap.assign(name_a=overlap["influencer_a"].map(lambda i: names[int(i)]),
                                 name_b=overlap["influencer_b"].map(lambda i: names[int(i)]))
        s.table("shortlist_overlap", t("merchants.overlap.title", lang), present(overlap, "merchants.col", lang))
        s.chart("shortlist_overlap", charts.overlap_heatmap(overlap, shortlist, names, "shared_fans", lang))
        reach = metrics.shortlist_reach(s.ds, chosen)
        reach = reach.assign(name=reach["influencer_id"].map(lambda i: names[int(i)]))
        s.table("shortlist_reach", t("merchants.reach.title", lang), present(reach, "merchants.col", lang))
        s.chart("shortlist_reach", charts.shortlist_reach_chart(reach, names, lang))


SCREENS: dict[str, Callable[[Screen], None]] = {
    "overview": _overview, "audience": _audience, "posts": _posts, "campaigns": _campaigns,
    "benchmarks": _benchmarks, "merchants": _merchants,
}
# What each screen writes, for --help.
SCREEN_CONTENTS = {
    "overview": "key figures, daily figures + daily trend chart",
    "audience": "KPIs, daily growth + chart, six profile breakdowns + bars, provinces + map, interest TGI + bars "
                "(one to four influencers), active hours + heatmap, quality + bars",
    "posts": "post table; funnel, channel split, formats, purchase delay (chart + data each); with --post ID its "
             "hourly chart, products and campaigns",
    "campaigns": "campaign table, incrementality chart, one campaign hour by hour (--campaign ID, default the "
                 "busiest), spend vs GMV, ROAS over time, products table + chart",
    "benchmarks": "cohort table of --metric, percentile bands, where one influencer stands (--focus ID), "
                  "monthly trend",
    "merchants": "influencer comparison for --merchant (default the first), cost vs GMV bubbles, audience match "
                 "(with --segment), shortlist overlap and reach (--shortlist ID ..., default the first three)",
}


def screen_items(page: str, ds: object, f: object, lang: str, window_label: str,
                 options: Options = Options()) -> list[Item]:  # noqa: B008 - a frozen default
    """The tables and charts of a screen for these filters, in the screen's order, from the same queries and
    figure builders the screen uses."""
    if page not in SCREENS:
        raise ValueError(f"unknown screen {page!r}; one of {', '.join(PAGES)}")
    screen = Screen(ds, f, lang, window_label, options)
    SCREENS[page](screen)
    return screen.items


@dataclass
class Written:
    path: Path
    seconds: float


def write_items(items: Sequence[Item], formats: Sequence[str], out: Path, prefix: str, suffix: str,
                lang: str, report: tuple[str, Sequence[tuple[str, str]]] | None = None) -> list[Written]:
    """Write every table in the table formats and every chart in the chart formats of `formats` into `out` as
    `<prefix>_<stem>_<suffix>.<ext>`; with `report` (title, facts) and "report" in `formats`, the page report."""
    out.mkdir(parents=True, exist_ok=True)
    done: list[Written] = []
    used: dict[str, int] = {}

    def name(stem: str, ext: str) -> Path:
        base = f"{prefix}_{stem}_{suffix}"
        n = used.get(f"{base}.{ext}", 0)
        used[f"{base}.{ext}"] = n + 1
        return out / (f"{base}.{ext}" if n == 0 else f"{base}_{n + 1}.{ext}")

    def write(path: Path, make: Callable[[], bytes]) -> None:
        start = time.perf_counter()
        data = make()
        path.write_bytes(data)
        done.append(Written(path, time.perf_counter() - start))

    for item in items:
        for fmt in formats:
            if item.kind == "table" and fmt in TABLE_FORMATS:
                frame = item.data() if callable(item.data) else item.data
                write(name(item.stem, fmt), lambda fr=frame, fm=fmt, st=item.stem: table_bytes(fr, fm, st))
            elif item.kind == "chart" and fmt in CHART_FORMATS:
                write(name(item.stem, fmt), lambda fg=item.data, fm=fmt: figure_bytes(fg, fm, lang))
    if report is not None and "report" in formats:
        title, facts = report
        write(out / f"{prefix}_report_{suffix}.html", lambda: page_report(title, facts, items, lang))
    return done



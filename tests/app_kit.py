"""Driving the app in AppTest, shared by the screens' tests: open a screen with URL parameters, read its text,
compare shown numbers."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

TEXT_KINDS = ("title", "header", "subheader", "caption", "markdown", "info", "error", "warning", "text")


def app(data: Path, monkeypatch: pytest.MonkeyPatch, **params: str) -> AppTest:
    """The app on `data` with `params` in the URL, not run yet. A generous timeout: the first queries are cold."""
    monkeypatch.setenv("ADVISOR_DATA", str(data))
    monkeypatch.delenv("ADVISOR_TZ", raising=False)
    at = AppTest.from_file("../app.py", default_timeout=120)  # resolved from this folder
    for key, value in params.items():
        at.query_params[key] = value
    return at


def screen(data: Path, monkeypatch: pytest.MonkeyPatch, slug: str, **params: str) -> AppTest:
    """The screen `pages/<slug>.py` opened through the app's navigation, with the URL's parameters."""
    at = app(data, monkeypatch, **params)
    at.run()
    at.switch_page(f"pages/{slug}.py").run()
    assert not at.exception, at.exception
    return at


def lang_params(lang: str) -> dict[str, str]:
    """The URL parameter of a language (Chinese is the default and needs none)."""
    return {"lang": "en"} if lang == "en" else {}


def texts(at: AppTest, tiles: bool = False, unescape: bool = True) -> str:
    """Everything a reader can read on the screen in one string: with the KPI tiles if asked, and without the
    markdown escapes of ui.md_escape unless asked to keep them."""
    parts = [str(e.value) for kind in TEXT_KINDS for e in at.get(kind)]
    if tiles:
        parts += [f"{m.label} {m.value}" for m in at.metric]
    text = "\n".join(parts)
    return re.sub(r"\\(.)", r"\1", text) if unescape else text


def same(shown: pd.Series, expected: pd.Series) -> bool:
    """Equal values, nulls in the same places (a ratio without a denominator is null, never 0)."""
    a = pd.to_numeric(pd.Series(list(shown)), errors="coerce").astype("float64")
    b = pd.to_numeric(pd.Series(list(expected)), errors="coerce").astype("float64")
    return len(a) == len(b) and bool(((a - b).abs().lt(1e-9) | (a.isna() & b.isna())).all())

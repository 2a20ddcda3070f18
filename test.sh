#!/usr/bin/env bash
# Install what the tests need (.venv, Chromium and CJK fonts where possible) and run the whole suite.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/venv.sh requirements-test.txt
scripts/system-packages.sh
.venv/bin/python -m ruff check .
.venv/bin/python -m pytest -q "$@"

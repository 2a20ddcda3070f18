#!/usr/bin/env bash
# Install what the app needs into .venv (when missing or outdated) and open it on the demo dataset.
# Extra arguments go to the app, e.g. ./run.sh --data /path/to/exports
set -euo pipefail
cd "$(dirname "$0")"
source scripts/venv.sh requirements.txt
if [ "$#" -gt 0 ]; then
  exec .venv/bin/python -m streamlit run app.py -- "$@"
fi
exec .venv/bin/python -m streamlit run app.py

# Sourced by run.sh and test.sh: create .venv when missing and install the given requirements file
# when it (or what it includes) changed since the last install.
req="$1"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv || { echo "error: could not create .venv (needs Python 3.11+ with venv: apt-get install python3-venv)" >&2; exit 1; }
fi
stamp=".venv/.installed-$(basename "$req")"
digest=$(cat requirements*.txt | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$digest" ]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check -r "$req"
  echo "$digest" > "$stamp"
fi

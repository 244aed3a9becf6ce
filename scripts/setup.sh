#!/usr/bin/env bash
# Shared set-up for scripts/serve and scripts/test: a virtual environment with the project
# installed, and compiled translations. Safe to run again: it only does what is missing.
#   scripts/setup.sh          what serving needs (pip install -e .)
#   scripts/setup.sh test     that and the test tools (pip install -e '.[test]')
set -euo pipefail
cd "$(dirname "$0")/.."

extras="${1:-}"
PYTHON="${PYTHON:-python3}"
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "DIP needs Python 3.11 or newer (found: $("$PYTHON" --version 2>&1))." >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  echo "== Making a virtual environment in .venv"
  if ! "$PYTHON" -m venv .venv 2>/dev/null; then
    rm -rf .venv
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      echo "== Installing Debian's python3-venv"
      apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
      "$PYTHON" -m venv .venv
    else
      echo "Cannot create a virtual environment. On Debian/Ubuntu: sudo apt-get install python3-venv" >&2
      exit 1
    fi
  fi
fi
# One stamp per set of dependencies and extras: serving after testing installs nothing again.
hash=$(sha256sum pyproject.toml | cut -c1-12)
stamp=".venv/.installed-${extras:-serve}-$hash"
if [ ! -f "$stamp" ] && [ -z "$extras" ] && [ -f ".venv/.installed-test-$hash" ]; then
  touch "$stamp"  # the test set-up already installed everything serving needs
fi
if [ ! -f "$stamp" ]; then
  target="."
  [ -n "$extras" ] && target=".[$extras]"
  echo "== Installing the DIP Platform and its dependencies ($target): the first time takes a minute or two"
  .venv/bin/python -m pip install -q --upgrade pip 2>&1 | { grep -E "^ERROR" || true; }
  # Each package as pip collects, downloads and installs it, so a slow connection shows
  # progress; and any error.
  .venv/bin/python -m pip install -e "$target" 2>&1 \
    | { grep -E -i "^(Collecting|  Downloading|Downloading|Installing collected|Successfully installed|ERROR|error:)" || true; }
  if ! .venv/bin/python -c "import dip, flask, gunicorn" 2>/dev/null; then
    echo "The installation did not finish; run this again to retry." >&2
    exit 1
  fi
  rm -f ".venv/.installed-${extras:-serve}-"* && touch "$stamp"
  echo "== Installed"
fi
.venv/bin/pybabel -q compile -d translations

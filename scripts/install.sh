#!/usr/bin/env bash
# Install karyab into ./.venv (Python 3.11). torch's CPU build goes in first: an unpinned
# torch would pull a multi-GB CUDA build. Pass --dev to add the test and lint tools.
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-}
if [ -z "$python" ]; then
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      python=$candidate
      break
    fi
  done
fi
if [ -z "$python" ]; then
  echo "karyab needs Python 3.11 (set PYTHON=/path/to/python3.11)" >&2
  exit 2
fi

[ -x .venv/bin/python ] || "$python" -m venv .venv
pip() { .venv/bin/python -m pip --disable-pip-version-check -q "$@"; }
pip install torch==2.13.0
if [ "${1:-}" = "--dev" ]; then
  pip install -e ".[dev]"
else
  pip install -e .
fi

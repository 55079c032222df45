#!/usr/bin/env bash
# Create the virtual environment (.venv) if it is missing or stale and install
# the package with the PyPI DOLFINx wheel.  Needs Python >= 3.12: it searches
# $RASHBA_PYTHON, python3.13, python3.12, python3 on PATH, then pyenv's
# versions, and stops with a clear message if none is found.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv="${RASHBA_VENV:-$root/.venv}"

is_ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }

find_python() {
  local cand p
  for cand in "${RASHBA_PYTHON:-}" python3.13 python3.12 python3; do
    [ -n "$cand" ] || continue
    p=$(command -v "$cand" 2>/dev/null) || continue
    if is_ok "$p"; then echo "$p"; return 0; fi
  done
  for p in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[2-9]*/bin/python3 /usr/local/bin/python3.1[2-9] /usr/bin/python3.1[2-9]; do
    [ -x "$p" ] && is_ok "$p" && { echo "$p"; return 0; }
  done
  return 1
}

stamp="$venv/.rashba-installed-$(cat "$root/pyproject.toml" | cksum | cut -d' ' -f1)"
if [ ! -f "$stamp" ]; then
  if [ ! -x "$venv/bin/python" ] || ! is_ok "$venv/bin/python"; then
    py=$(find_python) || {
      echo "rashba_diffusion needs Python >= 3.12 (the DOLFINx wheel is cp312-abi3)." >&2
      echo "None found on PATH or under pyenv. Install one (e.g. 'pyenv install 3.12') or set RASHBA_PYTHON=/path/to/python3.12." >&2
      exit 1
    }
    echo "bootstrap: creating $venv with $py ($("$py" --version 2>&1))" >&2
    rm -rf "$venv"
    "$py" -m venv "$venv"
  fi
  echo "bootstrap: installing rashba_diffusion (with dolfinx-solver-real) and the test tools into $venv" >&2
  "$venv/bin/python" -m pip install --quiet --upgrade pip >&2
  "$venv/bin/python" -m pip install --quiet -e "$root[test]" >&2
  rm -f "$venv"/.rashba-installed-*
  touch "$stamp"
fi

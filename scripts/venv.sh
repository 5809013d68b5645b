# Sourced by run-app.sh and run-tests.sh: make .venv (once) and install a
# requirements file into it. Usage: ensure_venv requirements.txt
ensure_venv() {
  local python=${PYTHON:-python3}
  if ! command -v "$python" >/dev/null 2>&1; then
    echo "BackCare needs Python 3.11 or newer: '$python' was not found." >&2
    exit 1
  fi
  if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "BackCare needs Python 3.11 or newer; '$python' is $("$python" -V 2>&1)." >&2
    echo "Set PYTHON to a newer one, for example: PYTHON=python3.12 bash $0" >&2
    exit 1
  fi
  if [ ! -x .venv/bin/python ]; then
    if ! "$python" -m venv .venv 2>/dev/null; then
      rm -rf .venv
      # Debian and Ubuntu ship the venv module separately (python3-venv).
      if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing Python's venv module (python3-venv)..."
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null) || true
      fi
      if ! "$python" -m venv .venv; then
        rm -rf .venv
        echo "Could not create .venv. On Debian or Ubuntu: sudo apt install python3-venv" >&2
        exit 1
      fi
    fi
  fi
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$1"
}

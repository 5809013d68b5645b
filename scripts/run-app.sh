#!/usr/bin/env bash
# Install the runtime packages into .venv and start BackCare in your browser.
#   bash scripts/run-app.sh
# Only this computer can reach it (127.0.0.1). Arguments are passed on to
# Streamlit and win over ours; to serve to other devices on purpose, see
# docs/security.md ("Serving to a network").
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/venv.sh
ensure_venv requirements.txt
exec .venv/bin/python scripts/serve.py "$@"

#!/usr/bin/env bash
# Install the runtime packages into .venv and start BackCare in your browser.
#   bash scripts/run-app.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/venv.sh
ensure_venv requirements.txt
exec .venv/bin/python -m streamlit run app.py "$@"

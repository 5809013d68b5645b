#!/usr/bin/env bash
# Install everything the tests need, then run the whole suite (unit, property,
# page and real-browser tests) plus the linter.
#
#   bash scripts/run-tests.sh            # the README's test command
#   bash scripts/run-tests.sh -k triage  # extra arguments go to pytest
#
# It makes .venv if needed. Browser tests need Debian's chromium: when it is
# missing and we are root, it is installed with apt-get; otherwise the browser
# tests are skipped with a printed reason (under CI=true they fail instead).
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/venv.sh
ensure_venv requirements-dev.txt

CHROMIUM=${BACKCARE_CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Chromium is missing: installing Debian's chromium for the browser tests..."
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
      || echo "Could not install chromium; browser tests will report why they did not run."
  else
    echo "Chromium is missing and this is not root: browser tests will be skipped (install Debian's 'chromium' to run them)."
  fi
fi

echo "== ruff check"
.venv/bin/ruff check .
echo "== ruff format --check"
.venv/bin/ruff format --check .
echo "== pytest"
# Two workers (the machine has 2 cores); a test file stays on one worker, so the
# browser tests share their server per module.
exec .venv/bin/python -m pytest -n 2 --dist loadfile "$@"

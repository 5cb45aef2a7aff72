#!/usr/bin/env bash
# Sets everything up, then runs the linter and the whole test suite. Fails when anything fails.
set -euo pipefail
cd "$(dirname "$0")"
scripts/bootstrap.sh
.venv/bin/ruff check .
exec .venv/bin/python -m pytest "$@"

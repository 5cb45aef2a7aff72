#!/usr/bin/env bash
# Sets everything up, then starts the kiosk. With no configuration it runs the embedded demo.
set -euo pipefail
cd "$(dirname "$0")"
scripts/bootstrap.sh
exec .venv/bin/kiosk demo "$@"

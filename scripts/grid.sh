#!/usr/bin/env bash
# A local grid from a fresh clone: installs npm dependencies and builds when needed, then runs
# `gridplane up` (controller on SQLite, 8 simulated hosts). Arguments go to `gridplane up`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --minimal >&2
exec node apps/cli/bin/gridplane.js up "$@"

#!/usr/bin/env bash
# The whole test suite, as CI runs it on a fresh machine: install, build, lint, format, tests.
# Skips that would hide a missing part are failures here (GRIDPLANE_STRICT=1).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export GRIDPLANE_STRICT=1
export GRIDPLANE_TEST_POSTGRES="${GRIDPLANE_TEST_POSTGRES:-postgres://postgres:postgres@127.0.0.1:5432/postgres}"
echo '== lint'
npm run lint
echo '== format'
npm run format:check
echo '== tests'
npm test

#!/usr/bin/env bash
# Runs training/crs-scores.ts (compiled to $CACHE/build) with the e2e harness's Apache + CRS 4.
# Usage: bash training/crs-scores.sh --pl 2 [--only heldout|train] [--concurrency 6]
# The harness finds plugin/ next to its compiled files and CRS 4 through CRS_ML_CRS4_DIR.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cache="${CRS_ML_CACHE:-/work/cache-models}"
build="$cache/build"
npx tsc -p "$repo/training/tsconfig.json" --outDir "$build"
ln -sfn "$repo/plugin" "$build/plugin"
export CRS_ML_CRS4_DIR="${CRS_ML_CRS4_DIR:-$(cd "$repo/../shared/crs" && pwd)}"
exec nice node "$build/training/crs-scores.js" --cache "$cache" "$@"

#!/usr/bin/env bash
# Build Zappa archives offline from a clean virtual environment holding only the
# run-time dependencies, and fail when one is over the size limit.
# Usage: scripts/package_lambda.sh [STAGE...]   (default: every stage)
# Environment: LAMBDA_VENV (default .venv-lambda), OUT_DIR (default build), MAX_MIB (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
LAMBDA_VENV=${LAMBDA_VENV:-.venv-lambda}
OUT_DIR=${OUT_DIR:-build}
MAX_MIB=${MAX_MIB:-10}
PYTHON=${PYTHON:-python3}
stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(directory charter reports)

if [ ! -x "$LAMBDA_VENV/bin/zappa" ]; then
    "$PYTHON" -m venv "$LAMBDA_VENV"
    # Only what the functions import at run time, plus Zappa itself (its handler ships in the archive).
    mapfile -t deps < <("$PYTHON" -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]))')
    "$LAMBDA_VENV/bin/pip" install --quiet --disable-pip-version-check zappa setuptools "${deps[@]}"
fi

mkdir -p "$OUT_DIR"
export VIRTUAL_ENV
VIRTUAL_ENV=$(cd "$LAMBDA_VENV" && pwd)
export PATH="$VIRTUAL_ENV/bin:$PATH"
# Zappa caches wheels under TMPDIR; keep that out of the system's /tmp root.
export TMPDIR
TMPDIR=$(mktemp -d)
trap 'rm -rf "$TMPDIR"' EXIT
limit=$((MAX_MIB * 1024 * 1024))
status=0
for stage in "${stages[@]}"; do
    archive="$OUT_DIR/$stage.zip"
    rm -f "$archive"
    zappa package "$stage" --output "$archive" >"$TMPDIR/$stage.log" 2>&1 || { cat "$TMPDIR/$stage.log"; exit 1; }
    size=$(stat -c %s "$archive")
    awk -v s="$stage" -v b="$size" -v m="$MAX_MIB" 'BEGIN { printf "%s: %d bytes (%.1f MiB zipped, limit %d MiB)\n", s, b, b / 1048576, m }'
    [ "$size" -le "$limit" ] || { echo "$stage is over the limit"; status=1; }
done
exit $status

#!/usr/bin/env bash
# Build Zappa archives offline from a clean virtual environment holding only the
# run-time dependencies, add the bytecode of what a cold start imports
# (scripts/compile_archive.py), and fail when one is over the size limit.
# Usage: scripts/package_lambda.sh [STAGE...]   (default: every stage)
# Environment: LAMBDA_VENV (default .venv-lambda), OUT_DIR (default build), MAX_MIB (default 10 for the
# API stages; the publisher, which carries MkDocs and its theme, is held to 45, under Lambda's 50 MiB;
# the einvoice stage, which carries factur-x, lxml, pypdf and the official XSDs, to 20).
set -euo pipefail
cd "$(dirname "$0")/.."
LAMBDA_VENV=${LAMBDA_VENV:-.venv-lambda}
OUT_DIR=${OUT_DIR:-build}
PYTHON=${PYTHON:-python3}
stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(directory charter reports einvoice publisher)

make_venv() {  # make_venv DIR [EXTRA_REQUIREMENT...]
    local venv=$1
    shift
    [ -x "$venv/bin/zappa" ] && return
    "$PYTHON" -m venv "$venv"
    # Only what the functions import at run time, plus Zappa itself (its handler ships in the archive).
    mapfile -t deps < <("$PYTHON" -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]))')
    "$venv/bin/pip" install --quiet --disable-pip-version-check zappa setuptools "${deps[@]}" "$@"
}

mkdir -p "$OUT_DIR"
OUT_DIR=$(cd "$OUT_DIR" && pwd)
# Zappa caches wheels under TMPDIR; keep that out of the system's /tmp root.
export TMPDIR
TMPDIR=$(mktemp -d)
trap 'rm -rf "$TMPDIR"' EXIT
status=0
for stage in "${stages[@]}"; do
    venv=$LAMBDA_VENV max_mib=${MAX_MIB:-10}
    if [ "$stage" = publisher ]; then
        mapfile -t site_deps < <("$PYTHON" -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["site"]))')
        venv=$LAMBDA_VENV-publisher max_mib=${PUBLISHER_MAX_MIB:-45}
        make_venv "$venv" "${site_deps[@]}"
    elif [ "$stage" = einvoice ]; then
        mapfile -t einvoice_deps < <("$PYTHON" -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["einvoice"]))')
        venv=$LAMBDA_VENV-einvoice max_mib=${EINVOICE_MAX_MIB:-20}
        make_venv "$venv" "${einvoice_deps[@]}"
    else
        make_venv "$venv"
    fi
    archive="$OUT_DIR/$stage.zip"
    rm -f "$archive"
    (
        VIRTUAL_ENV=$(cd "$venv" && pwd)
        export VIRTUAL_ENV PATH="$VIRTUAL_ENV/bin:$PATH"
        zappa package "$stage" --output "$archive" >"$TMPDIR/$stage.log" 2>&1
        # The bytecode of what a cold start imports (Zappa leaves every .pyc out), within the size limit.
        python scripts/compile_archive.py "$archive" --stage "$stage" --max-mib "$max_mib" >>"$TMPDIR/$stage.log" 2>&1
    ) || { cat "$TMPDIR/$stage.log"; exit 1; }
    tail -n 1 "$TMPDIR/$stage.log"
    size=$(stat -c %s "$archive")
    awk -v s="$stage" -v b="$size" -v m="$max_mib" 'BEGIN { printf "%s: %d bytes (%.1f MiB zipped, limit %d MiB)\n", s, b, b / 1048576, m }'
    [ "$size" -le $((max_mib * 1024 * 1024)) ] || { echo "$stage is over the limit"; status=1; }
done
exit $status

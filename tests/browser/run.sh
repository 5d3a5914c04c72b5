#!/usr/bin/env bash
# The browser test of gridsweep serve: installs Debian's chromium,
# chromium-driver and python3-selenium if missing (scripts/deps browser), then
# runs explorer.py. Skipped (exit 77), never passed, when they cannot be had.
#   tests/browser/run.sh GRIDSWEEP OUTDIR
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if ! bash "$here/../../scripts/deps" browser >&2; then
    echo "SKIP: chromium, chromium-driver and python3-selenium cannot be installed here"
    echo "0 passed, 0 failed, 1 skipped"
    exit 77
fi
exec /usr/bin/python3 "$here/explorer.py" "$@"

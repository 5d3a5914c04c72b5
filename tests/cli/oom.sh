#!/usr/bin/env bash
# Out of memory in the middle of a sweep is its own error: one message that
# says so, exit 1 (not the 130 of an interruption), the .part kept for
# --resume, and never a made-up row (the judge used to write the cell as
# "diverged"). The memory is cut with `ulimit -v` just below what the
# judge's 12 MB evaluation grid needs on top of the start-up; the limit that
# does this depends on the build, so it is searched for, and the test is
# skipped where no limit does it (sanitizer builds). The range reaches 120 MB:
# libnetcdf (and the HDF5, curl and ICU libraries it brings) maps ~70 MB at
# start-up.
GS=${1:?usage: oom.sh /path/to/gridsweep}
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1

run=(--res 1 --steps 10 --eval-points 1048576 --threads 1 --quiet)
"$GS" "${run[@]}" -o ref.csv
found=
for kb in $(seq 8000 2000 120000); do
    rm -f m.csv m.csv.part
    (ulimit -v "$kb" && exec "$GS" "${run[@]}" -o m.csv) 2> m.err
    rc=$?
    if [ "$rc" -eq 0 ]; then
        # Enough memory from here on; a map written short of memory must
        # still be the true one.
        same "the first map the memory limit lets through ($kb KB)" ref.csv m.csv
        break
    fi
    if grep -qx 'gridsweep: out of memory' m.err; then
        found=$kb
        break
    fi
done
if [ -z "$found" ]; then
    skip "out of memory in the judge" "no memory limit reaches it in this build"
else
    check "out of memory: exit 1 (got $rc)" [ "$rc" -eq 1 ]
    check "out of memory: not reported as an interruption" [ -z "$(grep interrupted m.err)" ]
    check "out of memory: says how many cells are in the .part" \
        grep -qx "gridsweep: stopped: 0 of 1 cells are in 'm.csv.part'" m.err
    check "out of memory: names --resume" grep -q -- '--resume m.csv.part' m.err
    check "out of memory: no final file" [ ! -e m.csv ]
    check "out of memory: the .part is the header alone, no row" \
        [ "$(grep -vc '^#' m.csv.part)" -eq 1 ]
    "$GS" "${run[@]}" --resume m.csv.part 2> /dev/null
    same "out of memory, then --resume: the true map" ref.csv m.csv
fi

# The trace judges its end point the same way: out of memory there is one
# line, exit 1, and no trace file (a trace has no --resume to finish it).
trace=(trace --steps 10 --eval-points 1048576 --curve-points 2)
found=
for kb in $(seq 8000 2000 120000); do
    rm -f t.csv t.csv.part
    (ulimit -v "$kb" && exec "$GS" "${trace[@]}" -o t.csv) 2> t.err
    rc=$?
    [ "$rc" -eq 0 ] && break
    if grep -qx 'gridsweep: trace: out of memory' t.err; then
        found=$kb
        break
    fi
done
if [ -z "$found" ]; then
    skip "out of memory in the trace's judge" "no memory limit reaches it in this build"
else
    check "trace out of memory: exit 1 (got $rc)" [ "$rc" -eq 1 ]
    check "trace out of memory: one line" [ "$(wc -l < t.err)" -eq 1 ]
    check "trace out of memory: no trace file" [ ! -e t.csv ]
    check "trace out of memory: no .part left" [ ! -e t.csv.part ]
fi

finish

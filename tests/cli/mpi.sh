#!/usr/bin/env bash
# The sweep over MPI: maps from 1, 2 and 3 ranks (oversubscribed on this
# host) are byte-identical to the single-process run; bad input exits 2 on
# every rank and writes nothing; resume of an MPI-written partial map with
# another rank count; a rank killed with -9 leaves a valid, resumable file;
# Ctrl-C ends a job of long cells within seconds.
# usage: mpi.sh /path/to/gridsweep   (built with -Dmpi=enabled)
# The last line is "N passed, N failed"; exit status 77 when mpirun is missing.
set -u
GS=${1:?usage: mpi.sh /path/to/gridsweep}
command -v mpirun >/dev/null || { echo "mpi.sh: no mpirun; skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok: $*"; }
fail() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }

# Containers: no network (shared memory and self only), root, 2 cores for 3
# ranks; no single-copy (CMA needs ptrace rights that containers often lack).
export OMPI_MCA_btl=self,vader OMPI_MCA_btl_vader_single_copy_mechanism=none
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_hwloc_base_binding_policy=none
# libgomp spins at barriers; with more threads than cores that costs 10x.
export OMP_NUM_THREADS=1 OMP_WAIT_POLICY=passive
# A hung job fails its check instead of the whole CI run.
mpi() {
    local n=$1
    shift
    timeout -k 5 300 mpirun --oversubscribe --allow-run-as-root -n "$n" "$GS" "$@"
}

SMALL=(--res 32 --steps 200 --quiet)
# The reference: the same binary run directly never initialises MPI.
"$GS" "${SMALL[@]}" -o ref.csv || fail "single-process reference"
mkdir ref3 && "$GS" --act relu,selu,tanh --res 24,20 --steps 150 --quiet -o ref3/ ||
    fail "single-process reference (three maps)"
"$GS" "${SMALL[@]}" --tile 2/3 -o reftile.csv || fail "single-process reference (tile)"

for n in 1 2 3; do
    mpi "$n" "${SMALL[@]}" -o "r$n.csv"
    check "$n rank(s): exit 0 and the same bytes" cmp -s ref.csv "r$n.csv"
    # Tiny chunks and a tiny window: results arrive out of order and the
    # window stops the hand-out; the file must not change.
    GRIDSWEEP_MPI_CHUNK=7 GRIDSWEEP_MPI_WINDOW=3 mpi "$n" "${SMALL[@]}" -o "w$n.csv"
    check "$n rank(s), chunks of 7 in a window of 3: the same bytes" cmp -s ref.csv "w$n.csv"
done

# float64 (issue 12): the same rows, 17 digits, from 2 and 3 ranks.
"$GS" "${SMALL[@]}" --precision f64 --at a=1,c=0.123456789012345,lr=0.1 \
    --x b:0.1:0.100000000001 -o ref64.csv || fail "single-process reference (f64)"
for n in 2 3; do
    mpi "$n" "${SMALL[@]}" --precision f64 --at a=1,c=0.123456789012345,lr=0.1 \
        --x b:0.1:0.100000000001 -o "r64_$n.csv"
    check "$n ranks, --precision f64: the same bytes" cmp -s ref64.csv "r64_$n.csv"
done
"$GS" --res 9,7 --steps 80 --seeds 3 --precision f64 --quiet -o refe64.csv ||
    fail "single-process reference (f64 ensemble)"
for n in 2 3; do
    GRIDSWEEP_MPI_CHUNK=7 mpi "$n" --res 9,7 --steps 80 --seeds 3 --precision f64 --quiet \
        -o "re64_$n.csv"
    check "$n ranks, an f64 seed ensemble: the same bytes" cmp -s refe64.csv "re64_$n.csv"
done

mkdir m3
GRIDSWEEP_MPI_CHUNK=50 mpi 3 --act relu,selu,tanh --res 24,20 --steps 150 --quiet -o m3/
same_dirs() {
    [ "$(ls ref3 | wc -l)" -eq 3 ] || return 1
    for f in ref3/*; do cmp -s "$f" "m3/${f#ref3/}" || return 1; done
}
check "3 ranks, three --act maps into a directory: the same files" same_dirs

GRIDSWEEP_MPI_CHUNK=40 mpi 3 "${SMALL[@]}" --tile 2/3 -o tile.csv
check "3 ranks, --tile 2/3: the same band" cmp -s reftile.csv tile.csv
# A seed ensemble: every rank plans every seed; the rows are the local run's.
"$GS" "${SMALL[@]}" --seeds 3 -o refens.csv || fail "single-process reference (--seeds 3)"
GRIDSWEEP_MPI_CHUNK=7 mpi 3 "${SMALL[@]}" --seeds 3 -o ens3.csv
check "3 ranks, --seeds 3: the same bytes" cmp -s refens.csv ens3.csv
GRIDSWEEP_MPI_CHUNK=64 mpi 2 "${SMALL[@]}" -o - >stdout.csv
check "2 ranks, -o -: the same rows on stdout" cmp -s ref.csv stdout.csv
GRIDSWEEP_MPI_ROOT_WORKS=0 GRIDSWEEP_MPI_CHUNK=100 mpi 3 "${SMALL[@]}" -o coord.csv
check "3 ranks, rank 0 only coordinating: the same bytes" cmp -s ref.csv coord.csv

# Progress and the closing note come from rank 0 only.
mpi 3 --res 32 --steps 200 -o loud.csv 2>loud.err
check "3 ranks without --quiet: one 'wrote' line" \
    test "$(grep -c '^gridsweep: wrote loud.csv' loud.err)" -eq 1

# Bad input: status 2 from every rank, one message, no file.
mpi 3 --act nope --res 32 -o bad.csv >bad.out 2>bad.err
rc=$?
check "bad --act: exit 2" test "$rc" -eq 2
check "bad --act: one message (rank 0's)" test "$(grep -c '^gridsweep: --act' bad.err)" -eq 1
check "bad --act: nothing written" test ! -e bad.csv -a ! -e bad.csv.part
mpi 2 "${SMALL[@]}" -o r2.csv 2>exists.err
rc=$?
check "existing output without --force: exit 2, one message" \
    test "$rc" -eq 2 -a "$(grep -c "exists (use --force" exists.err)" -eq 1
mpi 2 "${SMALL[@]}" -o r2.csv --force
check "--force over an existing map" cmp -s ref.csv r2.csv

# Resume with another rank count: a 3-rank map cut after 300 rows and half a
# line, finished by 2 ranks, then by the plain run.
header=$(grep -c '^#' r3.csv)
cut_map() {
    head -n $((header + 1 + 300)) r3.csv >"$1.part"
    sed -n "$((header + 1 + 301))p" r3.csv | head -c 25 >>"$1.part"
}
cut_map res2.csv
GRIDSWEEP_MPI_CHUNK=33 mpi 2 "${SMALL[@]}" --resume res2.csv 2>resume.err
check "resume of a 3-rank partial map on 2 ranks" cmp -s ref.csv res2.csv
check "resume: it counted the 300 whole rows" grep -q "after 300 cells" resume.err
cut_map res1.csv
"$GS" "${SMALL[@]}" --resume res1.csv.part
check "resume of a 3-rank partial map without MPI" cmp -s ref.csv res1.csv

# A rank killed with -9 mid-sweep: mpirun ends the job, rank 0 keeps whole
# rows in FILE.part, and a resume (any rank count) completes the same map.
LONG=(--act selu --res 128 --steps 6000)
"$GS" "${LONG[@]}" --quiet -o longref.csv || fail "single-process reference (long)"
mpirun --oversubscribe --allow-run-as-root -n 3 "$GS" "${LONG[@]}" --quiet -o killed.csv \
    >kill.out 2>&1 &
mp=$!
killed=
for _ in $(seq 600); do   # wait for rows, then kill rank 1
    sleep 0.1
    [ -s killed.csv.part ] && [ "$(wc -l <killed.csv.part)" -gt 100 ] || continue
    for p in $(pgrep -P "$mp"); do
        r=$(tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | sed -n 's/^OMPI_COMM_WORLD_RANK=//p')
        [ "$r" = 1 ] && kill -9 "$p" && killed=$p
    done
    break
done
wait "$mp"
rc=$?
if [ -z "$killed" ] || [ -e killed.csv ]; then
    fail "kill -9 of rank 1: the sweep ended before the kill (rc $rc); make LONG longer"
else
    check "killed rank: mpirun fails" test "$rc" -ne 0
    check "killed rank: the partial map is kept" test -s killed.csv.part
    check "killed rank: rank 0 explains and names the resume" \
        grep -q -- "--resume killed.csv.part" kill.out
    check "killed rank: rank 0 names the lost rank" \
        grep -qE "^gridsweep: rank 1 (failed|stopped)" kill.out
    GRIDSWEEP_MPI_CHUNK=500 mpi 2 "${LONG[@]}" --quiet --resume killed.csv.part \
        2>kres.err
    check "killed rank: resume on 2 ranks gives the same map" cmp -s longref.csv killed.csv
fi

# Ctrl-C on mpirun (it sends SIGTERM to every rank): whole rows, resumable.
mpirun --oversubscribe --allow-run-as-root -n 2 "$GS" "${LONG[@]}" --quiet -o int.csv \
    >int.out 2>&1 &
mp=$!
for _ in $(seq 600); do
    sleep 0.1
    [ -s int.csv.part ] && [ "$(wc -l <int.csv.part)" -gt 100 ] && break
done
kill -INT "$mp"
wait "$mp"
if [ -e int.csv ]; then
    fail "Ctrl-C: the sweep ended before the signal; make LONG longer"
else
    check "Ctrl-C: rank 0 reports the interruption" grep -q "gridsweep: interrupted:" int.out
    "$GS" "${LONG[@]}" --quiet --resume int.csv
    check "Ctrl-C: the plain resume gives the same map" cmp -s longref.csv int.csv
fi

# Ctrl-C while every rank trains one cell of ten million steps: the ranks
# look at the stop between segments, so the job ends within seconds, not
# when the cells are done.
mpirun --oversubscribe --allow-run-as-root -n 2 "$GS" --res 4,1 --steps 10000000 \
    --sampling grid --quiet -o slow.csv >slow.out 2>&1 &
mp=$!
for _ in $(seq 600); do   # wait until both ranks train (rank 0 has opened the file)
    sleep 0.1
    [ -e slow.csv.part ] && break
done
sleep 1
t0=$(date +%s)
kill -INT "$mp"
wait "$mp"
check "Ctrl-C on long cells: the job ends within 15 s (loose for a busy machine)" test $(($(date +%s) - t0)) -le 15
check "Ctrl-C on long cells: rank 0 reports the interruption" \
    grep -q "gridsweep: interrupted: 0 of 4 cells" slow.out
check "Ctrl-C on long cells: the .part is the header alone" \
    test "$(grep -vc '^#' slow.csv.part)" -eq 1

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

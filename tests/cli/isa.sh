#!/usr/bin/env bash
# The kernel set: --isa and the GRIDSWEEP_ISA environment variable both force
# one through the kernel mask; every set this CPU runs gives the same bytes.
# usage: bash tests/cli/isa.sh /path/to/gridsweep
GS=$(realpath "${1:?usage: isa.sh /path/to/gridsweep}")
. "$(dirname "$0")/lib.sh"
unset GRIDSWEEP_ISA

small=(--res 8,6 --steps 20 --batch 9 --quiet)
tr_small=(--steps 30 --batch 7 --every 4 --curve-points 5)

# --- bad values: one line, exit 2, nothing written ----------------------------
for cmd in "--version" "sweep ${small[*]}" "trace ${tr_small[*]}"; do
    # shellcheck disable=SC2086
    expect_error "GRIDSWEEP_ISA=sse9 $cmd" env GRIDSWEEP_ISA=sse9 "$GS" $cmd
    grep -q '^gridsweep: GRIDSWEEP_ISA=sse9: unknown kernel set (valid: scalar, avx2, avx512, neon)$' \
        "$tmp/stderr" && ok || fail "GRIDSWEEP_ISA=sse9 $cmd: message: $(cat "$tmp/stderr")"
    for isa in scalar avx2 avx512 neon; do
        supported_isas | grep -qx "$isa" && continue
        # shellcheck disable=SC2086
        expect_error "GRIDSWEEP_ISA=$isa (unsupported) $cmd" env GRIDSWEEP_ISA="$isa" "$GS" $cmd
        grep -q "^gridsweep: GRIDSWEEP_ISA=$isa: this CPU or build cannot run it" "$tmp/stderr" \
            && ok || fail "GRIDSWEEP_ISA=$isa $cmd: message: $(cat "$tmp/stderr")"
    done
done
expect_error "GRIDSWEEP_ISA=AVX2 (names are lower case)" env GRIDSWEEP_ISA=AVX2 "$GS" --version

# --- which set runs, and who picked it -----------------------------------------
best=$("$GS" --version | sed -n 's/^kernels: \([a-z0-9]*\) (picked for this CPU;.*/\1/p')
check "--version names the set it picked" test -n "$best"
empty=$(GRIDSWEEP_ISA= "$GS" --version | sed -n 's/^kernels: \([a-z0-9]*\) .*/\1/p')
check "an empty GRIDSWEEP_ISA is unset" test "$empty" = "$best"
"$GS" trace "${tr_small[@]}" -o "$tmp/trace-best.csv" || fail "trace (best set)"
"$GS" "${small[@]}" -o "$tmp/map-best.csv" || fail "sweep (best set)"
for isa in $(supported_isas); do
    line=$(GRIDSWEEP_ISA=$isa "$GS" --version | grep '^kernels:')
    check "GRIDSWEEP_ISA=$isa: $line" test "${line#kernels: $isa (forced with GRIDSWEEP_ISA;}" != "$line"
    # --isa wins over the environment.
    line=$(GRIDSWEEP_ISA=sse9 "$GS" --version --isa "$isa" | grep '^kernels:')
    check "--isa $isa over GRIDSWEEP_ISA: $line" test "${line#kernels: $isa (forced with --isa;}" != "$line"
    GRIDSWEEP_ISA=$isa "$GS" trace "${tr_small[@]}" -o "$tmp/trace-$isa.csv" \
        || fail "GRIDSWEEP_ISA=$isa trace"
    same "trace with GRIDSWEEP_ISA=$isa" "$tmp/trace-best.csv" "$tmp/trace-$isa.csv"
    GRIDSWEEP_ISA=$isa "$GS" "${small[@]}" -o "$tmp/map-$isa.csv" || fail "GRIDSWEEP_ISA=$isa sweep"
    same "sweep with GRIDSWEEP_ISA=$isa" "$tmp/map-best.csv" "$tmp/map-$isa.csv"
done

# --- commands that run no kernels ignore it ------------------------------------
GRIDSWEEP_ISA=sse9 "$GS" stats "$tmp/map-best.csv" > /dev/null 2>&1
check "stats ignores GRIDSWEEP_ISA" test $? -eq 0

finish

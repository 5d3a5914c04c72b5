#!/usr/bin/env bash
# Every bad input to the sweep, trace and merge: one line, exit 2, nothing written.
GS=${1:?usage: errors.sh /path/to/gridsweep}
. "$(dirname "$0")/lib.sh"

small=(--res 4 --steps 5 --batch 8 --quiet)
expect_error "unknown command" "$GS" frobnicate
expect_error "unknown option" "$GS" --frobnicate
expect_error "unknown activation" "$GS" --act swish "${small[@]}"
grep -q 'valid: identity, relu' "$tmp/stderr" && ok || fail "unknown activation lists the valid ones"
expect_error "duplicate activation" "$GS" --act relu,relu "${small[@]}"
expect_error "unknown kernel set" "$GS" --isa sse9 "${small[@]}"
grep -q 'valid: scalar, avx2, avx512, neon' "$tmp/stderr" && ok || fail "unknown isa lists the valid ones"
for isa in scalar avx2 avx512 neon; do
    supported_isas | grep -qx "$isa" || expect_error "unsupported kernel set $isa" "$GS" --isa "$isa" "${small[@]}"
done
expect_error "unknown axis parameter" "$GS" --x q:0:1 "${small[@]}"
expect_error "LO >= HI" "$GS" --x b:2:-2 "${small[@]}"
expect_error "LO == HI" "$GS" --x b:1:1 "${small[@]}"
expect_error "axis not a number" "$GS" --x b:zero:1 "${small[@]}"
expect_error "axis inf" "$GS" --x b:-inf:1 "${small[@]}"
expect_error "axis bad suffix" "$GS" --x b:1:2:ln "${small[@]}"
expect_error "log axis reaching 0" "$GS" --x c:0:2:log "${small[@]}"
expect_error "log axis below 0" "$GS" --x c:-1:2:log "${small[@]}"
expect_error "lr axis below 0" "$GS" --x lr:-0.1:1 "${small[@]}"
expect_error "duplicate axes" "$GS" --x b:-1:1 --y b:0:1 "${small[@]}"
expect_error "--at names an axis" "$GS" --at b=1 "${small[@]}"
expect_error "--at unknown parameter" "$GS" --at q=1 "${small[@]}"
expect_error "--at not a number" "$GS" --at a=x "${small[@]}"
expect_error "--at twice" "$GS" --at a=1,a=2 "${small[@]}"
expect_error "--lr and --at lr" "$GS" --at lr=0.2 --lr 0.1 "${small[@]}"
expect_error "--lr with an lr axis" "$GS" --x lr:0.01:1:log --lr 0.1 "${small[@]}"
expect_error "res 0" "$GS" --res 0 --steps 5 --quiet
expect_error "res negative" "$GS" --res -3 --steps 5 --quiet
expect_error "res absurd" "$GS" --res 1000000 --steps 5 --quiet
expect_error "res too many cells" "$GS" --res 65536,65536 --steps 5 --quiet
expect_error "res not a number" "$GS" --res big --steps 5 --quiet
expect_error "tile 0/3" "$GS" --tile 0/3 "${small[@]}"
expect_error "tile 4/3" "$GS" --tile 4/3 "${small[@]}"
expect_error "tile 1/0" "$GS" --tile 1/0 "${small[@]}"
expect_error "tile more bands than rows" "$GS" --tile 1/5 "${small[@]}"
expect_error "tile garbage" "$GS" --tile half "${small[@]}"
expect_error "threads 0" "$GS" --threads 0 "${small[@]}"
expect_error "steps 0" "$GS" --steps 0 --res 4 --quiet
expect_error "steps negative" "$GS" --steps -1 --res 4 --quiet
expect_error "batch 0" "$GS" --batch 0 --res 4 --quiet
expect_error "lr 0" "$GS" --lr 0 "${small[@]}"
expect_error "lr negative" "$GS" --lr -0.1 "${small[@]}"
expect_error "lr nan" "$GS" --lr nan "${small[@]}"
expect_error "empty data range" "$GS" --data 0.5:-0.5 "${small[@]}"
expect_error "unknown loss" "$GS" --loss hinge "${small[@]}"
expect_error "unknown optimizer" "$GS" --opt lbfgs "${small[@]}"
expect_error "unknown sampling" "$GS" --sampling sobol "${small[@]}"
expect_error "option twice" "$GS" --steps 5 --steps 6 --res 4 --quiet
expect_error "missing value" "$GS" --res
# Numbers are the whole word: no leading space or sign, nothing beyond the type.
expect_error "seed with a leading space and sign" "$GS" --seed " -1" "${small[@]}"
grep -q "' -1' is not a non-negative integer" "$tmp/stderr" && ok || fail "seed ' -1': $(cat "$tmp/stderr")"
expect_error "seed negative" "$GS" --seed -1 "${small[@]}"
expect_error "seed beyond 64 bits" "$GS" --seed 18446744073709551616 "${small[@]}"
grep -q "is too large" "$tmp/stderr" && ok || fail "seed 2^64: $(cat "$tmp/stderr")"
expect_error "steps with a plus" "$GS" --steps +5 --res 4 --quiet
expect_error "steps beyond int" "$GS" --steps 99999999999 --res 4 --quiet
grep -q "'99999999999' is too large" "$tmp/stderr" && ok || fail "steps 99999999999: $(cat "$tmp/stderr")"
expect_error "res with a leading space" "$GS" --res " 4" --steps 5 --quiet
expect_error "lr in hexadecimal" "$GS" --lr 0x1p-3 "${small[@]}"
expect_error "lr beyond float32" "$GS" --lr 1e39 "${small[@]}"
grep -q "'1e39' is too large for float32" "$tmp/stderr" && ok || fail "lr 1e39: $(cat "$tmp/stderr")"
expect_error "lr that is 0 in float32" "$GS" --lr 1e-50 "${small[@]}"
grep -q "got 1e-50, which is 0 in float32" "$tmp/stderr" && ok || fail "lr 1e-50 names the value as typed: $(cat "$tmp/stderr")"
expect_error "--at lr that is 0 in float32" "$GS" --at lr=1e-50 "${small[@]}"
grep -q "got 1e-50, which is 0 in float32" "$tmp/stderr" && ok || fail "--at lr=1e-50: $(cat "$tmp/stderr")"
expect_error "tile beyond int" "$GS" --tile 1/99999999999 "${small[@]}"
grep -q "99999999999 is too large" "$tmp/stderr" && ok || fail "tile 1/99999999999 names the number: $(cat "$tmp/stderr")"
expect_error "tile with trailing text" "$GS" --tile 1/2x "${small[@]}"
expect_error "tile with a space" "$GS" --tile "1/ 2" "${small[@]}"
# Two names of one option count as the option given twice.
expect_error "-o and --output" "$GS" "${small[@]}" -o a.csv --output b.csv
grep -q -- "-o and --output" "$tmp/stderr" && ok || fail "-o and --output: $(cat "$tmp/stderr")"
expect_error "trace: -o and --output" "$GS" trace --steps 5 -o a.csv --output b.csv
expect_error "unwritable output dir" "$GS" "${small[@]}" -o /nonexistent/dir/map.csv
expect_error "several acts, -o a file" "$GS" --act relu,selu "${small[@]}" -o map.csv

# An existing output is refused and left alone.
mkdir -p "$tmp/keep"
echo precious > "$tmp/keep/map.csv"
(cd "$tmp/keep" && "$GS" "${small[@]}" -o map.csv) 2> "$tmp/stderr"
rc=$?
check "existing output refused (exit 2)" [ "$rc" -eq 2 ]
check "existing output untouched" [ "$(cat "$tmp/keep/map.csv")" = precious ]
check "existing output: one line" [ "$(wc -l < "$tmp/stderr")" -eq 1 ]

# --resume of things that are not this map.
printf 'a,b\n1,2\n' > "$tmp/keep/other.csv.part"
(cd "$tmp/keep" && "$GS" "${small[@]}" --resume other.csv) 2> "$tmp/stderr"
check "resume of a non-map: exit 2" [ $? -eq 2 ]
check "resume of a non-map: one line" [ "$(wc -l < "$tmp/stderr")" -eq 1 ]
(cd "$tmp/keep" && "$GS" "${small[@]}" --resume missing.csv) 2> "$tmp/stderr"
check "resume of a missing file: exit 2" [ $? -eq 2 ]

# merge and trace.
expect_error "merge without bands" "$GS" merge -o m.csv
expect_error "merge without -o" "$GS" merge a.csv
expect_error "merge of a missing band" "$GS" merge nothere.csv -o m.csv
expect_error "trace: init count" "$GS" trace --init 1,2,3
expect_error "trace: init nan" "$GS" trace --init 1,nan,1,0
expect_error "trace: init inf" "$GS" trace --init 1,inf,1,0
expect_error "trace: init word" "$GS" trace --init 1,x,1,0
expect_error "trace: snapshot past the end" "$GS" trace --steps 10 --snapshots 0,20
# Per-layer rates, targets and data distributions (issue 14).
expect_error "lr-in 0" "$GS" --lr-in 0 "${small[@]}"
expect_error "lr-out negative" "$GS" --lr-out -0.5 "${small[@]}"
expect_error "lr-in 0 in float32" "$GS" --lr-in 1e-50 "${small[@]}"
expect_error "lr-in not a number" "$GS" --lr-in fast "${small[@]}"
expect_error "--lr-in and --at lr_in" "$GS" --lr-in 0.1 --at lr_in=0.2 "${small[@]}"
expect_error "--lr-out with an lr_out axis" "$GS" --y lr_out:0.01:1:log --lr-out 0.1 "${small[@]}"
expect_error "lr_in axis below 0" "$GS" --x lr_in:-1:1 "${small[@]}"
expect_error "--at lr_out=0" "$GS" --at lr_out=0 "${small[@]}"
expect_error "unknown target" "$GS" --target swish "${small[@]}"
grep -q 'valid: identity, relu' "$tmp/stderr" && ok || fail "unknown target lists the valid ones"
expect_error "unknown distribution" "$GS" --data-dist cauchy "${small[@]}"
grep -q 'valid: uniform | normal:MEAN,STD' "$tmp/stderr" && ok || fail "unknown distribution lists the valid ones"
expect_error "normal without STD" "$GS" --data-dist normal:0 "${small[@]}"
expect_error "normal with three fields" "$GS" --data-dist normal:0,1,2 "${small[@]}"
expect_error "normal with STD 0" "$GS" --data-dist normal:0,0 "${small[@]}"
expect_error "laplace with a negative scale" "$GS" --data-dist laplace:0,-1 "${small[@]}"
expect_error "student-t with nu 0" "$GS" --data-dist student-t:0,1 "${small[@]}"
grep -q 'nu must be a positive finite number, got 0' "$tmp/stderr" && ok || fail "nu 0: $(cat "$tmp/stderr")"
expect_error "student-t with nu negative" "$GS" --data-dist student-t:-1,1 "${small[@]}"
expect_error "student-t with nan" "$GS" --data-dist student-t:nan,1 "${small[@]}"
expect_error "uniform with parameters" "$GS" --data-dist uniform:0,1 "${small[@]}"
expect_error "trace: bad distribution" "$GS" trace --steps 5 --data-dist laplace:1
expect_error "samples: bad distribution" "$GS" samples --steps 1 --data-dist student-t:1,0
expect_error "samples: unknown target" "$GS" samples --steps 1 --target nope
finish

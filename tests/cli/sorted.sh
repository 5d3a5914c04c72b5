#!/usr/bin/env bash
# --method sorted (issue 13): the header records it, every kernel set and
# thread count give the same bytes, a 64x64 plane of each piecewise-linear
# activation agrees cell by cell with --method direct on the outcome (at
# least 99% of the cells), the discussion's starts end as the direct method
# has them, and what it cannot do is one line, exit 2, nothing written.
GS=${1:?usage: sorted.sh /path/to/gridsweep}
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1

rows() { grep -v '^#' "$1"; }

# The header: a method line only when sorted, so direct maps keep their bytes.
"$GS" --res 4 --steps 20 --batch 16 --quiet -o plain.csv
"$GS" --res 4 --steps 20 --batch 16 --quiet --method direct -o direct.csv
same "--method direct is the map without it" plain.csv direct.csv
grep -q '^# method:' plain.csv && fail "a direct map has no method line" || ok
"$GS" --res 4 --steps 20 --batch 16 --quiet --method sorted -o sorted.csv
grep -q '^# method: sorted$' sorted.csv && ok || fail "the header records the method"
grep -q '^# command: .* --method sorted ' sorted.csv && ok || fail "the command has --method"
"$GS" trace --method sorted --steps 20 --batch 16 -o trace.csv
grep -q '^# method: sorted$' trace.csv && ok || fail "trace's header records the method"
grep -q '^# command: gridsweep trace .* --method sorted ' trace.csv && ok ||
    fail "trace's command has --method"

# The same bytes for every kernel set and thread count, every loss, grid too.
small=(--res 9,7 --steps 60 --batch 50 --quiet --method sorted)
for loss in mae mse huber; do
    for act in relu hardtanh; do
        "$GS" "${small[@]}" --act "$act" --loss "$loss" --threads 1 --isa scalar -o "ref.csv"
        for isa in $(supported_isas); do
            for threads in 1 2 3; do
                "$GS" "${small[@]}" --act "$act" --loss "$loss" --threads "$threads" --isa "$isa" \
                    -o "$isa-$threads.csv"
                same "$act $loss: $isa, $threads threads = scalar, 1 thread" ref.csv "$isa-$threads.csv"
            done
        done
    done
done
"$GS" "${small[@]}" --sampling grid --act leaky_relu --isa scalar --threads 1 -o g1.csv
"$GS" "${small[@]}" --sampling grid --act leaky_relu --threads 2 -o g2.csv
same "grid sampling: every set and thread count" g1.csv g2.csv

# A 64x64 plane of each activation: the outcome of each cell by both methods.
agree() {   # agree NAME DIRECT SORTED: the fraction of cells with the same outcome
    python3 - "$@" <<'PY'
import csv, sys
def outcomes(path):
    rows = csv.DictReader(l for l in open(path) if not l.startswith("#"))
    return {(r["ix"], r["iy"]): r["outcome"] for r in rows}
d, s = outcomes(sys.argv[2]), outcomes(sys.argv[3])
assert d.keys() == s.keys()
same = sum(d[k] == s[k] for k in d)
print(f"{sys.argv[1]}: {same} of {len(d)} cells ({100 * same / len(d):.2f}%) agree")
sys.exit(0 if same >= 0.99 * len(d) else 1)
PY
}
for act in relu leaky_relu hardtanh identity; do
    for m in direct sorted; do
        "$GS" --act "$act" --res 64 --quiet --method "$m" -o "$act-$m.csv"
    done
    agree "$act" "$act-direct.csv" "$act-sorted.csv" && ok || fail "$act: under 99% agree"
done

# The discussion's starts: as the direct method ends them (README).
outcome() { "$GS" trace "$@" -o - | sed -n 's/^# outcome: //p'; }
escape() { "$GS" trace "$@" -o - | sed -n 's/^# t_escape: //p'; }
for sampling in shared grid; do
    for init in 1,0.5,1,-0.5 1,0.5,1,0; do
        want=$(outcome --init "$init" --sampling "$sampling")
        got=$(outcome --init "$init" --sampling "$sampling" --method sorted)
        check "relu from $init, $sampling: $got, direct $want" [ "$got" = "$want" ]
    done
done
check "relu from (1,0.5,1,-0.5), grid: linear" \
    [ "$(outcome --init 1,0.5,1,-0.5 --sampling grid --method sorted)" = linear ]
check "relu from (1,0.5,1,0): converged" \
    [ "$(outcome --init 1,0.5,1,0 --method sorted)" = converged ]
check "relu from (1,0.5,1,-0.5), shared: leaves the plateau when direct does" \
    [ "$(escape --init 1,0.5,1,-0.5 --method sorted)" = "$(escape --init 1,0.5,1,-0.5)" ]

# What it cannot do.
expect_error "independent sampling" "$GS" --res 2 --method sorted --sampling independent
refused "independent sampling names it" "--sampling" \
    "$GS" --res 2 --method sorted --sampling independent -o x.csv
expect_error "a curved activation" "$GS" --res 2 --method sorted --act elu
expect_error "one curved activation of a list" "$GS" --res 2 --method sorted --act relu,tanh -o ./
expect_error "a curved target" "$GS" --res 2 --method sorted --target softplus
expect_error "trace: independent" "$GS" trace --method sorted --sampling independent -o t.csv
expect_error "trace: a curved activation" "$GS" trace --method sorted --act selu -o t.csv
expect_error "tables too large" "$GS" --res 2 --method sorted --steps 1000000 --batch 256
expect_error "an unknown method" "$GS" --res 2 --method fast
refused "float64 names it" "--precision f64" \
    "$GS" --res 2 --method sorted --precision f64 -o x.csv
expect_error "trace: float64" "$GS" trace --method sorted --precision f64 -o t.csv
finish

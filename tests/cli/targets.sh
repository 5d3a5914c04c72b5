#!/usr/bin/env bash
# Per-layer learning rates, targets and data distributions (issue 14): equal
# rates are --lr byte for byte, the new settings leave the maps made without
# them untouched, a header's command reproduces its map, and every kernel set
# and resume agree under them.
GS=${1:?usage: targets.sh /path/to/gridsweep}
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1

small=(--res 6 --steps 40 --batch 16 --quiet)
rows() { grep -v '^#' "$1"; }

# --lr-in X --lr-out X is --lr X, row for row, for every optimizer.
for opt in adam sgd momentum rmsprop; do
    "$GS" --act elu --opt "$opt" "${small[@]}" --lr 0.05 -o "lr-$opt.csv"
    "$GS" --act elu --opt "$opt" "${small[@]}" --lr 0.05 --lr-in 0.05 --lr-out 0.05 \
        -o "rates-$opt.csv"
    check "$opt: --lr-in X --lr-out X rows = --lr X rows" \
        cmp -s <(rows "lr-$opt.csv") <(rows "rates-$opt.csv")
done
grep -q '^# at: a=1,c=1,lr=0.05,lr_in=0.05,lr_out=0.05$' rates-adam.csv && ok ||
    fail "the rates are in the header's at"
# Rates that differ change the run.
"$GS" --act elu "${small[@]}" --lr 0.05 --lr-out 0.2 -o out.csv
cmp -s <(rows lr-adam.csv) <(rows out.csv) && fail "--lr-out changes the rows" || ok

# Given at their defaults, the new settings leave a map's bytes alone.
"$GS" --act selu "${small[@]}" -o plain.csv
"$GS" --act selu "${small[@]}" --target relu --data-dist uniform --lr-in lr --lr-out lr \
    -o explicit.csv
same "defaults given explicitly" plain.csv explicit.csv
grep -qE '^# (lr_in|lr_out|target|data_dist):' plain.csv && fail "no new header line by default" || ok

# A header's command reproduces its map, rates on the axes and a target and
# a distribution included.
"$GS" --act gelu --target selu --data-dist student-t:2.5,0.5 --x lr_in:0.001:1:log \
    --y lr_out:0.001:1:log --res 5,4 --steps 30 --batch 16 --quiet -o axes.csv
grep -q '^# data_dist: student-t:2.5,0.5$' axes.csv && ok || fail "data_dist in the header"
grep -q '^# target: selu$' axes.csv && ok || fail "target in the header"
cmd=$(sed -n 's/^# command: gridsweep //p' axes.csv)
# shellcheck disable=SC2086
"$GS" $cmd --quiet -o again.csv
same "the header's command gives the map again" axes.csv again.csv
# Resume a map with rate axes from a cut .part.
lines=$(wc -l < axes.csv)
head -n $((lines - 7)) axes.csv > cut.csv.part
# shellcheck disable=SC2086
"$GS" $cmd --quiet --resume cut.csv.part 2> resume.err
same "--resume of a rate-axis map" axes.csv cut.csv

# Every kernel set, every sampling mode, under a long-tailed distribution.
for sampling in shared independent grid; do
    for isa in $(supported_isas); do
        "$GS" --act softplus --target tanh --data-dist laplace:0.1,0.4 --sampling "$sampling" \
            --lr-in 0.02 "${small[@]}" --isa "$isa" -o "isa-$sampling-$isa.csv"
        same "$sampling: --isa $isa = scalar" "isa-$sampling-scalar.csv" "isa-$sampling-$isa.csv"
    done
done

# trace: the settings reach its header only when given, and its curve's y is
# the target.
"$GS" trace --steps 5 --every 5 --snapshots 5 --curve-points 3 > t-plain.csv
grep -qE '^# (lr_in|lr_out|target|data_dist):' t-plain.csv &&
    fail "trace: no new header line by default" || ok
"$GS" trace --steps 5 --every 5 --snapshots 5 --curve-points 3 --target tanh --lr-in 0.01 \
    --data-dist normal:0,2 > t.csv
grep -q '^# lr_in: 0.01$' t.csv && ok || fail "trace: lr_in in the header"
grep -q '^# data_dist: normal:0,2$' t.csv && ok || fail "trace: data_dist in the header"
python3 - t.csv <<'PY' && ok || fail "trace: curve y = tanh(x) on the central 99%"
import math, sys
rows = [l.split(",") for l in open(sys.argv[1]) if l.startswith("curve,")]
xs = [float(r[7]) for r in rows]
assert all(abs(float(r[9]) - math.tanh(float(r[7]))) < 1e-6 for r in rows), rows
assert abs(xs[0] + 2 * 2.5758293035489 * 2 / 3) < 1e-5, xs   # the quantile 0.005 of N(0, 2)
PY

# samples: x and y; y is the target.
"$GS" samples --steps 2 --batch 8 --sampling independent --point 4 --target selu \
    --data-dist normal:0,1 > s.csv
python3 - s.csv <<'PY' && ok || fail "samples: y = selu(x)"
import math, sys
l, a = 1.0507009873554805, 1.6732632423543772
selu = lambda x: l * x if x > 0 else l * a * math.expm1(x)
rows = [l.split(",") for l in open(sys.argv[1]).read().split()[1:]]
assert len(rows) == 16
assert all(abs(float(r[3]) - selu(float(r[2]))) < 1e-6 for r in rows), rows
PY
finish

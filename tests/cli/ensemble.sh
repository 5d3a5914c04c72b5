#!/usr/bin/env bash
# Seed ensembles (--seeds N): the map equals `gridsweep ensemble` of N
# single-seed maps byte for byte, for any thread count and kernel set, in
# tiles and after a resume; its shares equal the shares over the single-seed
# maps cell by cell; stats reports the spread over seeds; bad input refused.
GS=${1:?usage: ensemble.sh /path/to/gridsweep}
ROOT=${SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1

base=(--act elu --res 9,7 --steps 120 --batch 16 --quiet)
"$GS" "${base[@]}" -o one.csv
"$GS" "${base[@]}" --seeds 1 -o seeds1.csv
same "--seeds 1 is the single-seed map" one.csv seeds1.csv
check "--seeds 1 writes no seeds line" bash -c "! grep -q '^# seeds:' seeds1.csv"

"$GS" "${base[@]}" --seed 5 --seeds 3 -o ens.csv
for s in 5 6 7; do "$GS" "${base[@]}" --seed $s -o s$s.csv; done
"$GS" ensemble s7.csv s5.csv s6.csv -o combined.csv
same "ensemble of 3 single-seed maps = --seeds 3" ens.csv combined.csv
check "the header says seeds 3" grep -q '^# seeds: 3$' ens.csv
check "the canonical command has --seeds 3" grep -q '^# command: .* --seeds 3' ens.csv
check "column line = --list ensemble_columns" \
    [ "$(grep -v '^#' ens.csv | head -1)" = "$("$GS" --list ensemble_columns | paste -sd,)" ]

# Other settings ride along: a rate axis, another target, a data distribution.
more=(--act selu --res 6,5 --steps 80 --batch 16 --quiet --x lr_in:0.01:1:log --target gelu
      --data-dist normal:0,0.5)
"$GS" "${more[@]}" --seeds 2 -o more.csv
for s in 0 1; do "$GS" "${more[@]}" --seed $s -o more$s.csv; done
"$GS" ensemble more1.csv more0.csv -o morec.csv
same "ensemble with a rate axis, a target and a distribution" more.csv morec.csv

for t in 1 3; do
    for isa in $(supported_isas); do
        "$GS" "${base[@]}" --seed 5 --seeds 3 --threads $t --isa "$isa" -o "e-$t-$isa.csv"
        same "--threads $t --isa $isa" ens.csv "e-$t-$isa.csv"
    done
done
for k in 1 2 3; do "$GS" "${base[@]}" --seed 5 --seeds 3 --tile $k/3 -o band$k.csv; done
"$GS" merge band3.csv band1.csv band2.csv -o merged.csv
same "merged ensemble bands" ens.csv merged.csv
for s in 5 6 7; do "$GS" "${base[@]}" --seed $s --tile 2/3 -o b$s.csv; done
"$GS" ensemble b5.csv b6.csv b7.csv -o bandens.csv
same "ensemble of single-seed bands = the ensemble's band" band2.csv bandens.csv
head -c 2600 ens.csv > res.csv.part
"$GS" "${base[@]}" --seed 5 --seeds 3 --resume res.csv 2> /dev/null
same "resumed ensemble" ens.csv res.csv
head -n 40 ens.csv | awk -F, -v OFS=, 'NR == 40 { $14 = $14 "0" } { print }' > edit.csv.part
head -n 41 ens.csv | tail -n 1 >> edit.csv.part
expect_error "resume refuses an edited ensemble row" "$GS" "${base[@]}" --seed 5 --seeds 3 \
    --resume "$tmp/edit.csv"

# Cell by cell: the shares, the mode (a tie to the lowest code), the mean and
# the population std, from the single-seed maps.
python3 - ens.csv s5.csv s6.csv s7.csv "$("$GS" --list outcomes | paste -sd,)" \
    "$("$GS" --list columns --json)" <<'PY' && ok || fail "shares and moments cell by cell"
import csv, json, math, struct, sys
def f32(x):
    return struct.unpack("f", struct.pack("f", x))[0]
def rows(p):
    return list(csv.DictReader(l for l in open(p) if not l.startswith("#")))
ens, singles = rows(sys.argv[1]), [rows(p) for p in sys.argv[2:5]]
outcomes, cols = sys.argv[5].split(","), json.loads(sys.argv[6])
n = len(singles)
for i, e in enumerate(ens):
    seeds = [s[i] for s in singles]
    got = [x["outcome"] for x in seeds]
    for o in outcomes:
        assert f32(float(e["p_" + o])) == f32(got.count(o) / n), (i, o)
    mode = max(outcomes, key=lambda o: (got.count(o), -outcomes.index(o)))
    assert e["outcome"] == mode, (i, e["outcome"], mode)
    assert e["seed_outcomes"] == "".join(str(outcomes.index(o)) for o in got)
    for c in cols:
        name = c["name"]
        if c["type"] == "outcome":
            continue   # the mode, checked above
        if name + "_mean" not in e:
            assert e[name] == seeds[0][name], (i, name)   # a column of the cell
            continue
        v = [float(x[name]) for x in seeds]
        m = sum(v) / n
        sd = math.sqrt(sum((x - m) ** 2 for x in v) / n)
        for key, want in ((name + "_mean", m), (name + "_std", sd)):
            g = float(e[key])
            assert (math.isnan(g) and math.isnan(want)) or abs(g - want) <= 1e-6 * max(1, abs(want)), (i, key, g, want)
PY

# stats: the per-seed fractions, their mean and population std.
"$GS" stats ens.csv --json > ens.json
for s in 5 6 7; do "$GS" stats s$s.csv --json > s$s.json; done
python3 - ens.json s5.json s6.json s7.json <<'PY' && ok || fail "stats: the spread over seeds"
import json, math, sys
e = json.load(open(sys.argv[1]))
singles = [json.load(open(p))["fractions"] for p in sys.argv[2:]]
assert e["seeds"] == 3
for o, f in e["seed_fractions"].items():
    v = [s[o] for s in singles]
    m = sum(v) / 3
    assert abs(f["mean"] - m) < 1e-8 and abs(f["std"] - math.sqrt(sum((x - m) ** 2 for x in v) / 3)) < 1e-8, o
PY
"$GS" stats ens.csv > ens.txt
check "stats text: the spread over seeds" grep -q "over the 3 seeds" ens.txt
"$GS" diff ens.csv one.csv > /dev/null
check "diff reads an ensemble (its mode)" [ $? -eq 0 ]

# The figures (scripts/plot-scan, plot-diff, heatmap of an ensemble), where a
# Python with numpy and matplotlib is found.
if py=$(bash "$ROOT/scripts/find-python" 2>/dev/null); then
    export GRIDSWEEP_PYTHON=$py GRIDSWEEP_BIN=$GS
    "$ROOT/scripts/heatmap" ens.csv -o ens.png && is_png ens.png && ok ||
        fail "heatmap of an ensemble map"
    sed '$d' ens.csv > torn.csv
    script_error "heatmap of an incomplete ensemble" heatmap "$tmp/torn.csv" -o x.png
else
    skip "heatmap of an ensemble" "no Python 3 with numpy and matplotlib"
fi

# Bad input: one line, exit 2, nothing written.
expect_error "--seeds 0" "$GS" "${base[@]}" --seeds 0
expect_error "--seeds 65" "$GS" "${base[@]}" --seeds 65
expect_error "--seeds x" "$GS" "${base[@]}" --seeds x
expect_error "--seed past the last seed" "$GS" "${base[@]}" --seeds 2 --seed 18446744073709551615
expect_error "trace --seeds 2" "$GS" trace --seeds 2
expect_error "resume with other seeds" "$GS" "${base[@]}" --seed 5 --seeds 2 --resume "$tmp/ens.csv"
expect_error "ensemble: one map" "$GS" ensemble "$tmp/s5.csv" -o e.csv
expect_error "ensemble: a missing seed" "$GS" ensemble "$tmp/s5.csv" "$tmp/s7.csv" -o e.csv
expect_error "ensemble: a seed twice" "$GS" ensemble "$tmp/s5.csv" "$tmp/s5.csv" -o e.csv
expect_error "ensemble: an ensemble" "$GS" ensemble "$tmp/ens.csv" "$tmp/s6.csv" -o e.csv
"$GS" --act elu --res 9,7 --steps 121 --batch 16 --quiet --seed 6 -o other6.csv
expect_error "ensemble: other settings" "$GS" ensemble "$tmp/s5.csv" "$tmp/other6.csv" -o e.csv
head -n -2 s6.csv > cut6.csv
expect_error "ensemble: an incomplete map" "$GS" ensemble "$tmp/s5.csv" "$tmp/cut6.csv" -o e.csv
expect_error "ensemble: no -o" "$GS" ensemble "$tmp/s5.csv" "$tmp/s6.csv"
expect_error "ensemble: existing output" "$GS" ensemble "$tmp/s5.csv" "$tmp/s6.csv" -o "$tmp/ens.csv"
sed 's/^# seeds: 3$/# seeds: 4/' ens.csv > badseeds.csv
expect_error "stats: seeds line disagrees with seed_outcomes" "$GS" stats "$tmp/badseeds.csv"
grep -v '^# seeds:' ens.csv > noseeds.csv
expect_error "stats: ensemble columns without a seeds line" "$GS" stats "$tmp/noseeds.csv"
awk -F, -v OFS=, '!/^#/ && NR > 40 && !done { $8 = "0.5"; done = 1 } { print }' ens.csv > badp.csv
expect_error "stats: shares that disagree with seed_outcomes" "$GS" stats "$tmp/badp.csv"
finish

#!/usr/bin/env bash
# --precision f64 (issue 12): a window 1e-12 wide around a boundary point has
# 64x64 distinct starts (distinct b0 and d0 columns as written, 17 digits)
# and both outcomes, where float32 has one start; the header says f64 (and
# an f32 map has no precision line); f64 maps are byte-identical for any
# thread count and kernel set; an interrupted f64 sweep resumes to the same
# bytes; seed ensembles in f64 likewise (17 digits, exact moments, tiles,
# resume, `gridsweep ensemble`); maps of two precisions, ensembles or not,
# are refused by merge, diff, --resume and ensemble (one line, exit 2).
GS=${1:?usage: precision.sh /path/to/gridsweep}
ROOT=${SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1

# The boundary point: tanh, 200 steps of 32, on d = -0.125 the converged
# cells of b end near 0.152011559871413 (bisected with `trace --precision
# f64` to 1e-14); the window is 1e-12 wide on both axes around it.
run=(--act tanh --steps 200 --batch 32 --quiet)
win=(--x b:0.1520115598709:0.1520115598719 --y d:-0.1250000000005:-0.1249999999995 --res 64)
"$GS" "${run[@]}" "${win[@]}" --precision f64 -o w64.csv
check "f64 window: exit 0" [ $? -eq 0 ]
"$GS" "${run[@]}" "${win[@]}" -o w32.csv 2> w32.err
columns() { grep -v '^#' "$1" | tail -n +2 | cut -d, -f"$2" | sort -u | wc -l; }
check "f64: 4096 distinct starts" [ "$(columns w64.csv 3-6)" -eq 4096 ]
check "f64: 64 distinct b0 as written" [ "$(columns w64.csv 4)" -eq 64 ]
check "f64: 64 distinct d0 as written" [ "$(columns w64.csv 6)" -eq 64 ]
check "f64: more than one outcome" [ "$(columns w64.csv 16)" -gt 1 ]
check "f32: one start over the window" [ "$(columns w32.csv 3-6)" -eq 1 ]
check "f32: one outcome" [ "$(columns w32.csv 16)" -eq 1 ]
check "f32: the warning names --precision f64" \
    grep -q "float32 holds only 1 distinct value of b over these 64 cells.*(--precision f64 tells them apart)" w32.err
check "f64 header: precision f64" grep -qx '# precision: f64' w64.csv
check "f64 header: in the command" grep -q '^# command: .* --precision f64 ' w64.csv
check "f32 header: no precision line" [ "$(grep -c '^# precision' w32.csv)" -eq 0 ]
check "f64 values: 17 significant digits" grep -q ',0.15201155987090781,' w64.csv

# Byte-identical for any thread count and kernel set.
"$GS" --act selu --res 9,7 --steps 80 --precision f64 --isa scalar --threads 1 --quiet -o ref.csv
for isa in scalar avx2 avx512 neon; do
    for th in 1 2; do
        if "$GS" --act selu --res 9,7 --steps 80 --precision f64 --isa "$isa" --threads "$th" \
            --quiet -o "$isa-$th.csv" 2> /dev/null; then
            same "f64 $isa, $th threads = scalar, 1 thread" ref.csv "$isa-$th.csv"
        fi
    done
done

# Interrupted and resumed: the bytes of an uninterrupted run.
long=(--act gelu --res 48,32 --steps 2000 --batch 64 --threads 2 --precision f64 --quiet)
"$GS" "${long[@]}" -o whole.csv
"$GS" "${long[@]}" -o int.csv 2> /dev/null &
pid=$!
for i in $(seq 3000); do
    [ -e int.csv.part ] && [ "$(grep -vc '^#' int.csv.part)" -ge 2 ] && break
    [ -e int.csv ] && break
    sleep 0.02
done
kill -INT "$pid" 2> /dev/null
wait "$pid"
if [ -e int.csv.part ]; then
    "$GS" "${long[@]}" --resume int.csv.part 2> /dev/null
    check "f64 Ctrl-C: the .part held fewer rows" true
fi
same "f64 interrupted then --resume = uninterrupted" whole.csv int.csv

# Bands merged, NetCDF (double variables), stats and diff of f64 maps.
"$GS" --act relu --res 6,4 --steps 30 --precision f64 --quiet -o whole64.csv
"$GS" --act relu --res 6,4 --steps 30 --precision f64 --quiet --tile 1/2 -o t1.csv
"$GS" --act relu --res 6,4 --steps 30 --precision f64 --quiet --tile 2/2 -o t2.csv
"$GS" merge t2.csv t1.csv -o tm.csv
same "f64 bands merged = the whole f64 map" whole64.csv tm.csv
if "$GS" --act relu --res 6,4 --steps 30 --precision f64 --quiet -o whole64.nc 2> /dev/null; then
    if command -v ncdump > /dev/null; then
        check "f64 NetCDF: double variables" grep -q 'double final_loss' <(ncdump -h whole64.nc)
    fi
    "$GS" diff whole64.csv whole64.nc > nc.diff
    check "f64 NetCDF = its CSV, cell by cell" grep -q 'changed: 0 of 24' nc.diff
    check "stats of the f64 NetCDF = of the CSV" \
        [ "$("$GS" stats whole64.nc --json | sed 's/"file": "[^"]*"//')" = \
          "$("$GS" stats whole64.csv --json | sed 's/"file": "[^"]*"//')" ]
fi

# Two precisions never mix.
"$GS" --act relu --res 4 --steps 30 --tile 1/2 --quiet -o b1.csv
"$GS" --act relu --res 4 --steps 30 --tile 2/2 --precision f64 --quiet -o b2.csv
refused "merge of an f32 and an f64 band" "not bands of the same map" \
    "$GS" merge b1.csv b2.csv -o merged.csv
check "merge refused: nothing written" [ ! -e merged.csv ]
"$GS" --act relu --res 4 --steps 30 --quiet -o a32.csv
"$GS" --act relu --res 4 --steps 30 --precision f64 --quiet -o a64.csv
refused "diff of an f32 and an f64 map" "a32.csv is an f32 map and a64.csv an f64 map" \
    "$GS" diff a32.csv a64.csv
"$GS" diff a64.csv a64.csv > /dev/null
check "diff of two f64 maps: exit 0" [ $? -eq 0 ]
"$GS" stats a64.csv > /dev/null
check "stats of an f64 map: exit 0" [ $? -eq 0 ]
head -n 40 a32.csv > r.csv.part
refused "--resume of an f32 map with --precision f64" "this command has '# precision: f64'" \
    "$GS" --act relu --res 4 --steps 30 --precision f64 --quiet --resume r.csv.part
expect_error "--precision f16" "$GS" --precision f16 --res 2 --steps 3 -o m.csv

# Seed ensembles in f64: byte-identical for any thread count and kernel set,
# the shares, means and spreads in 17 digits (exactly the doubles of the
# seeds' rows, summed in seed order), `gridsweep ensemble` of the single-seed
# f64 maps gives the same bytes, so do bands merged and a resume; stats and
# diff read them.
ens=(--act selu --res 9,7 --steps 80 --batch 16 --seed 4 --seeds 3 --precision f64 --quiet)
"$GS" "${ens[@]}" --isa scalar --threads 1 -o e64.csv
check "f64 ensemble: exit 0" [ $? -eq 0 ]
check "f64 ensemble header: precision f64" grep -qx '# precision: f64' e64.csv
check "f64 ensemble header: seeds 3" grep -qx '# seeds: 3' e64.csv
for isa in $(supported_isas); do
    for th in 1 2; do
        "$GS" "${ens[@]}" --isa "$isa" --threads "$th" -o "e64-$isa-$th.csv"
        same "f64 ensemble: $isa, $th threads = scalar, 1 thread" e64.csv "e64-$isa-$th.csv"
    done
done
one=(--act selu --res 9,7 --steps 80 --batch 16 --precision f64 --quiet)
for s in 4 5 6; do "$GS" "${one[@]}" --seed $s -o s64_$s.csv; done
"$GS" ensemble s64_6.csv s64_4.csv s64_5.csv -o c64.csv
same "f64: ensemble of 3 single-seed maps = --seeds 3" e64.csv c64.csv
python3 - e64.csv s64_4.csv s64_5.csv s64_6.csv "$("$GS" --list outcomes | paste -sd,)" \
    "$("$GS" --list columns --json)" <<'PY' && ok || fail "f64 ensemble: 17 digits, exact moments"
import csv, json, math, sys
def rows(p):
    return list(csv.DictReader(l for l in open(p) if not l.startswith("#")))
ens, singles = rows(sys.argv[1]), [rows(p) for p in sys.argv[2:5]]
outcomes, cols = sys.argv[5].split(","), json.loads(sys.argv[6])
n, long_values = len(singles), 0
for i, e in enumerate(ens):
    seeds = [s[i] for s in singles]
    got = [x["outcome"] for x in seeds]
    for o in outcomes:
        assert float(e["p_" + o]) == got.count(o) / n, (i, o)   # the double, not float32's
    for c in cols:
        name = c["name"]
        if c["type"] == "outcome":
            continue
        if name + "_mean" not in e:
            assert e[name] == seeds[0][name], (i, name)   # a column of the cell, as written
            continue
        v = [float(x[name]) for x in seeds]
        m = 0.0
        for x in v:
            m += x
        m /= n
        ss = 0.0
        for x in v:
            ss += (x - m) * (x - m)
        for key, want in ((name + "_mean", m), (name + "_std", math.sqrt(ss / n))):
            g = float(e[key])
            assert (math.isnan(g) and math.isnan(want)) or g == want, (i, key, g, want)
            long_values += len(e[key].lstrip("-").replace(".", "").lstrip("0")) == 17
assert long_values > 100, long_values
PY
for k in 1 2 3; do "$GS" "${ens[@]}" --tile $k/3 -o eb$k.csv; done
"$GS" merge eb3.csv eb1.csv eb2.csv -o ebm.csv
same "f64 ensemble bands merged = the whole map" e64.csv ebm.csv
head -c 5000 e64.csv > er.csv.part
"$GS" "${ens[@]}" --resume er.csv 2> /dev/null
same "f64 ensemble: a torn .part resumed = the whole map" e64.csv er.csv
lens=(--act gelu --res 24,16 --steps 2000 --batch 64 --threads 2 --precision f64 --seeds 3 --quiet)
"$GS" "${lens[@]}" -o ewhole.csv
"$GS" "${lens[@]}" -o eint.csv 2> /dev/null &
pid=$!
for i in $(seq 3000); do
    [ -e eint.csv.part ] && [ "$(grep -vc '^#' eint.csv.part)" -ge 2 ] && break
    [ -e eint.csv ] && break
    sleep 0.02
done
kill -INT "$pid" 2> /dev/null
wait "$pid"
[ -e eint.csv.part ] && "$GS" "${lens[@]}" --resume eint.csv.part 2> /dev/null
same "f64 ensemble interrupted then --resume = uninterrupted" ewhole.csv eint.csv
"$GS" stats e64.csv --json > e64.json
check "stats of an f64 ensemble: the spread over 3 seeds" grep -q '"seeds": 3' e64.json
"$GS" diff e64.csv s64_4.csv > /dev/null
check "diff of an f64 ensemble and an f64 map: exit 0" [ $? -eq 0 ]

# Two precisions never mix, in ensembles either.
e32=(--act selu --res 9,7 --steps 80 --batch 16 --seed 4 --seeds 3 --quiet)
"$GS" "${e32[@]}" -o e32.csv
refused "diff of an f32 and an f64 ensemble" "e32.csv is an f32 map and e64.csv an f64 map" \
    "$GS" diff e32.csv e64.csv
"$GS" "${e32[@]}" --tile 1/3 -o f1.csv
refused "merge of an f32 and an f64 ensemble band" "not bands of the same map" \
    "$GS" merge f1.csv eb2.csv eb3.csv -o fm.csv
check "merge refused: nothing written" [ ! -e fm.csv ]
head -c 5000 e32.csv > e32r.csv.part
refused "--resume of an f32 ensemble with --precision f64" "this command has '# precision: f64'" \
    "$GS" "${ens[@]}" --resume e32r.csv.part
"$GS" --act selu --res 9,7 --steps 80 --batch 16 --seed 5 --quiet -o s32_5.csv
refused "ensemble of an f32 and an f64 map" "s64_4.csv' is an f64 map and 's32_5.csv' an f32 map" \
    "$GS" ensemble s64_4.csv s32_5.csv -o mixed.csv
check "ensemble refused: nothing written" [ ! -e mixed.csv ]

# The scripts: a heatmap of an f64 ensemble, the transitions between two f64
# ensembles, and none between an f32 and an f64 one.
if py=$(bash "$ROOT/scripts/find-python" 2>/dev/null); then
    export GRIDSWEEP_PYTHON=$py GRIDSWEEP_BIN=$GS
    "$ROOT/scripts/heatmap" e64.csv -o e64.png && is_png e64.png && ok ||
        fail "heatmap of an f64 ensemble map"
    "$ROOT/scripts/plot-diff" e64.csv c64.csv -o d64.png && is_png d64.png && ok ||
        fail "plot-diff of two f64 ensemble maps"
    script_error "plot-diff of an f32 and an f64 ensemble" plot-diff "$tmp/e32.csv" \
        "$tmp/e64.csv" -o d.png
else
    skip "the scripts on f64 ensembles" "no Python 3 with numpy and matplotlib"
fi

finish

#!/usr/bin/env bash
# gridsweep scan: one map per value, each the sweep's own map of that value;
# scan.csv equals gridsweep stats of each map; a rerun skips complete maps
# and resumes a .part; bad input is one line, exit 2, nothing written.
GS=${1:?usage: scan.sh /path/to/gridsweep}
ROOT=${SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1

base=(--res 10,8 --steps 60 --batch 16 --quiet)
"$GS" scan --param lr=0.01:1:3:log "${base[@]}" -o lr
rc=$?
check_all "scan: exit 0 and a map per value" '[ $rc -eq 0 ] && [ -f lr/lr=0.01.csv ] &&
    [ -f lr/lr=0.1.csv ] && [ -f lr/lr=1.csv ] && [ -f lr/scan.csv ]'
"$GS" "${base[@]}" --lr 0.1 -o one.csv
same "a scan's map is the sweep's map of its value" one.csv lr/lr=0.1.csv
check "scan.csv: the log scale" grep -q '^# scale: log$' lr/scan.csv

# scan.csv = stats of each map.
check_table() {
    python3 - "$1" "$GS" <<'PY'
import csv, json, math, os, subprocess, sys
table, gs = sys.argv[1], sys.argv[2]
d = os.path.dirname(table)
rows = list(csv.DictReader(l for l in open(table) if not l.startswith("#")))
assert rows
for r in rows:
    st = json.loads(subprocess.run([gs, "stats", os.path.join(d, r["map"]), "--json"],
                                   capture_output=True, check=True).stdout)
    for o, f in st["fractions"].items():
        assert float(r[o]) == f, (r, o)
    for key, js in (("sb", "sb"), ("sbb", "sbb"), ("dim", "dimension"), ("dim_err", "dimension_err")):
        want = st[js]
        assert (want is None and r[key] == "nan") or float(r[key]) == want, (r, key, want)
PY
}
check_table lr/scan.csv && ok || fail "scan.csv = stats of each map (lr)"

"$GS" scan --param act=relu,selu "${base[@]}" --seeds 2 -o acts
check_table acts/scan.csv && ok || fail "scan.csv = stats of each map (act, ensembles)"
check "an ensemble per value" grep -q '^# seeds: 2$' acts/act=selu.csv
"$GS" scan --param batch=4:64:3:log --res 10,8 --steps 60 --quiet -o batch
check_all "integer values, rounded" '[ -f batch/batch=4.csv ] && [ -f batch/batch=16.csv ] &&
    [ -f batch/batch=64.csv ]'
"$GS" scan --param data=-1:1,-0.5:0.5 "${base[@]}" -o data
check_all "a range setting as a list" '[ -f data/data=-1:1.csv ] && [ -f data/data=-0.5:0.5.csv ]'

# A rerun skips the complete maps and resumes a .part.
cp lr/lr=1.csv keep.csv
head -c 2000 lr/lr=1.csv > lr/lr=1.csv.part && rm lr/lr=1.csv
rm lr/scan.csv
"$GS" scan --param lr=0.01:1:3:log "${base[@]}" -o lr 2> rerun.err
check "rerun: exit 0" [ $? -eq 0 ]
same "rerun: the resumed map" keep.csv lr/lr=1.csv
check "rerun: complete maps skipped" grep -q "lr=0.01.csv' is complete" rerun.err
check_table lr/scan.csv && ok || fail "rerun: scan.csv"

# A rerun with other settings is refused before any map runs, even when only
# a later map was made with them.
cp -r lr lr2 && rm lr2/lr=0.01.csv lr2/scan.csv
expect_error "rerun with other settings" "$GS" scan --param lr=0.01:1:3:log --res 10,8 \
    --steps 61 --batch 16 --quiet -o "$tmp/lr2"
check_all "nothing ran" '[ ! -e lr2/lr=0.01.csv ] && [ ! -e lr2/lr=0.01.csv.part ]'

# The figures (scripts/plot-scan, plot-diff, heatmap of an ensemble), where a
# Python with numpy and matplotlib is found.
if py=$(bash "$ROOT/scripts/find-python" 2>/dev/null); then
    export GRIDSWEEP_PYTHON=$py GRIDSWEEP_BIN=$GS
    "$ROOT/scripts/plot-scan" lr -o lr.png && is_png lr.png && ok || fail "plot-scan of a log scan"
    "$ROOT/scripts/plot-scan" acts/scan.csv -o acts.pdf && [ -s acts.pdf ] && ok ||
        fail "plot-scan of a list of activations, as PDF"
    "$ROOT/scripts/plot-diff" acts/act=relu.csv acts/act=selu.csv -o diff.png && is_png diff.png &&
        ok || fail "plot-diff of two maps"
    script_error "plot-scan of a map" plot-scan "$tmp/one.csv" -o x.png
    script_error "plot-scan into a directory" plot-scan "$tmp/lr" -o "$tmp/lr"
    "$GS" --res 6 --steps 20 --quiet -o other.csv
    script_error "plot-diff of other planes" plot-diff "$tmp/one.csv" "$tmp/other.csv" -o x.png
    script_error "plot-diff of a non-map" plot-diff "$tmp/one.csv" /etc/hostname -o x.png
else
    skip "plot-scan, plot-diff" "no Python 3 with numpy and matplotlib"
fi

expect_error "scan: no --param" "$GS" scan "${base[@]}" -o d
expect_error "scan: no -o" "$GS" scan --param lr=0.1,1 "${base[@]}"
expect_error "scan: unknown setting" "$GS" scan --param nope=1,2 -o d
expect_error "scan: bad value" "$GS" scan --param lr=0.1,x -o d
expect_error "scan: a value out of range" "$GS" scan --param lr=0.1,-1 -o d
expect_error "scan: beta1 = 1" "$GS" scan --param beta1=0.5,1 -o d
expect_error "scan: unknown activation" "$GS" scan --param act=relu,nope -o d
expect_error "scan: a value twice" "$GS" scan --param batch=1,1 -o d
expect_error "scan: rounding makes a value twice" "$GS" scan --param batch=1:2:5 -o d
expect_error "scan: log from 0" "$GS" scan --param lr=0:1:3:log -o d
expect_error "scan: N of 1" "$GS" scan --param lr=0.1:1:1 -o d
expect_error "scan: an enum as a range" "$GS" scan --param loss=1:2:3 -o d
expect_error "scan: --param and its option" "$GS" scan --param lr=0.1,1 --lr 0.1 -o d
expect_error "scan: --param act and --act" "$GS" scan --param act=relu,elu --act relu -o d
expect_error "scan: a bad sweep option" "$GS" scan --param lr=0.1,1 --res 0 -o d
expect_error "scan: an unknown sweep option" "$GS" scan --param lr=0.1,1 --nope -o d
expect_error "scan: --tile" "$GS" scan --param lr=0.1,1 --tile 1/2 -o d
expect_error "scan: --resume" "$GS" scan --param lr=0.1,1 --resume x -o d
expect_error "scan: lr as an axis" "$GS" scan --param lr=0.1,1 --x lr:0.1:1 -o d
expect_error "scan: -o a file" "$GS" scan --param lr=0.1,1 -o "$tmp/one.csv"
expect_error "scan: --eps 0" "$GS" scan --param lr=0.1,1 --eps 0 -o d
finish

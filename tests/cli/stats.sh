#!/usr/bin/env bash
# gridsweep stats and diff on small synthetic maps written here by awk
# (docs/formats.md), and their one-line errors on bad input.
# usage: stats.sh /path/to/gridsweep
set -u
GS=${1:?usage: stats.sh /path/to/gridsweep}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

# map FILE NX NY KIND [ACT] [XAXIS]: a complete map whose outcomes follow KIND:
#   half   converged where ix < NX/2, stuck elsewhere
#   check  converged / dead in a checkerboard
#   one    linear everywhere
#   row0   like half, but row iy = 0 diverged
map() {
    awk -v nx="$2" -v ny="$3" -v kind="$4" -v act="${5:-relu}" -v xaxis="${6:-b:-2:2}" '
    BEGIN {
        split("converged stuck linear dead diverged", name, " ")
        print "# gridsweep-map 1"
        print "# version: 0.1.0"
        printf "# command: gridsweep --act %s --x %s --y d:-2:2 --at a=1,c=1 --res %d,%d\n", act, xaxis, nx, ny
        print "# act: " act
        print "# x: " xaxis
        print "# y: d:-2:2"
        printf "# res: %d,%d\n", nx, ny
        print "# at: a=1,c=1,lr=0.1"
        print "# loss: mae"
        print "# cells: " nx * ny
        print "ix,iy,a0,b0,c0,d0,lr,a,b,c,d,window_loss,final_loss,lin_err,spread,outcome,t_escape,t_enter,t_diverge,score"
        for (iy = 0; iy < ny; iy++) for (ix = 0; ix < nx; ix++) {
            if (kind == "check") o = (ix + iy) % 2 ? 1 : 4
            else if (kind == "one") o = 3
            else if (kind == "row0" && iy == 0) o = 5
            else o = ix < nx / 2 ? 1 : 2
            printf "%d,%d,1,%.9g,1,%.9g,0.100000001,1.5,0.25,0.5,-0.125,0.01,0.02,0.001,0.3,%s,%d,%d,-1,%s\n",
                ix, iy, -2 + (ix + 0.5) * 4 / nx, -2 + (iy + 0.5) * 4 / ny, name[o], o == 1 ? 90 : -1, o == 1 ? 100 : -1, o == 1 ? "-0.5" : "-0.01"
        }
    }' > "$1"
}

# run NAME WANT_RC CMD...: runs, keeps stdout/stderr in $out/$err, checks the exit code.
run() {
    local name=$1 want=$2
    shift 2
    "$@" > "$tmp/out" 2> "$tmp/err"
    rc=$?
    out=$(cat "$tmp/out")
    err=$(cat "$tmp/err")
    if [ "$want" = nonzero ]; then
        [ "$rc" -ne 0 ] || fail "$name: exit 0, expected an error"
    elif [ "$rc" -ne "$want" ]; then
        fail "$name: exit $rc, expected $want (stderr: $err)"
    fi
}

expect_out() { grep -qF -- "$2" <<< "$out" || fail "$1: stdout lacks '$2':
$out"; }

# An error: exit 2 (bad input), nothing on stdout, one line "gridsweep: ..." holding $2.
expect_error() {
    local name=$1 want=$2
    shift 2
    run "$name" 2 "$@"
    [ -z "$out" ] || fail "$name: wrote to stdout: $out"
    [ "$(wc -l < "$tmp/err")" -eq 1 ] || fail "$name: stderr is not one line: $err"
    [[ $err == "gridsweep: "* ]] || fail "$name: stderr does not start with 'gridsweep: ': $err"
    grep -qF -- "$want" <<< "$err" || fail "$name: stderr lacks '$want': $err"
    grep -qiE 'traceback|segmentation|abort|sanitizer' <<< "$err" && fail "$name: crashed: $err"
}

# A JSON number field, by name (the output is one line; good enough for flat keys).
json_field() { grep -oE "\"$1\": [^,}]+" <<< "$out" | head -n1 | sed 's/^[^:]*: //'; }

# near VALUE WANT TOL: |VALUE - WANT| <= TOL
near() { awk -v v="$1" -v w="$2" -v t="$3" 'BEGIN { d = v - w; exit !(d <= t && -d <= t) }'; }

map "$tmp/half.csv" 128 128 half
map "$tmp/check.csv" 64 64 check
map "$tmp/one.csv" 64 64 one
map "$tmp/row0.csv" 128 128 row0 selu
map "$tmp/other.csv" 128 128 half relu b:-1:1

# ---- stats, text ----
run "stats --help" 0 "$GS" stats --help
expect_out "stats --help" "usage: gridsweep stats"

run "stats half" 0 "$GS" stats "$tmp/half.csv"
expect_out "stats half" "converged"
expect_out "stats half" "50.000%"
expect_out "stats half" "Sb  = "
expect_out "stats half" "Sbb = "
expect_out "stats half" "D = "
expect_out "stats half" "alpha = 2 - D"
expect_out "stats half" "fit over box sizes 1..16 cells"
# 128 cells: 127 boundary boxes at the finest scale, which is enough.
grep -q "^warning" <<< "$out" && fail "stats half: unexpected warning: $out"
d=$(sed -n 's/^  D = \([0-9.]*\).*/\1/p' <<< "$out")
near "$d" 1 0.03 || fail "stats half: D = $d, expected 1"

run "stats check --eps 4" 0 "$GS" stats "$tmp/check.csv" --eps 4
expect_out "stats check" "Sb  = 0.693147"
expect_out "stats check" "Sbb = 0.693147"

run "stats one" 0 "$GS" stats "$tmp/one.csv"
expect_out "stats one" "linear             4096  100.000%"
expect_out "stats one" "Sb  = 0.000000"
expect_out "stats one" "D: not estimated"
expect_out "stats one" "warning: no converged cells"

# ---- stats --json ----
run "stats --json half" 0 "$GS" stats --json "$tmp/half.csv" --eps 8
[ "$(wc -l <<< "$out")" -eq 1 ] || fail "stats --json: not one line"
[[ $out == "{"*"}" ]] || fail "stats --json: not an object: $out"
[ "$(json_field eps)" = 8 ] || fail "stats --json: eps $(json_field eps)"
[ "$(json_field converged)" = 8192 ] || fail "stats --json: converged count $(json_field converged)"
near "$(json_field dimension)" 1 0.03 || fail "stats --json: dimension $(json_field dimension)"
[ "$(json_field warning)" = null ] || fail "stats --json: warning $(json_field warning)"
[ "$(json_field sbb_fractal)" = false ] || fail "stats --json: sbb_fractal"
if command -v python3 > /dev/null; then
    python3 -c 'import json, sys; json.loads(sys.stdin.read())' <<< "$out" ||
        fail "stats --json: invalid JSON: $out"
fi

run "stats --json one" 0 "$GS" stats "$tmp/one.csv" --json
[ "$(json_field dimension)" = null ] || fail "stats --json one: dimension $(json_field dimension)"
[ "$(json_field sb)" = 0 ] || fail "stats --json one: sb $(json_field sb)"
grep -qF '"warning": "no converged cells' <<< "$out" || fail "stats --json one: warning: $out"

# ---- diff ----
run "diff --help" 0 "$GS" diff --help
expect_out "diff --help" "usage: gridsweep diff"

run "diff" 0 "$GS" diff "$tmp/half.csv" "$tmp/row0.csv"
expect_out "diff" "changed: 128 of 16384 cells (0.781%)"
expect_out "diff" "A \\ B"
# Row 'converged' of A: 8128 stay, 64 become diverged.
grep -qE '^  converged +8128 +0 +0 +0 +64 +0$' <<< "$out" || fail "diff: converged row: $out"
grep -qE '^  stuck +0 +8128 +0 +0 +64 +0$' <<< "$out" || fail "diff: stuck row: $out"

run "diff --json" 0 "$GS" diff --json "$tmp/half.csv" "$tmp/row0.csv"
[ "$(json_field changed)" = 128 ] || fail "diff --json: changed $(json_field changed)"
near "$(json_field changed_fraction)" 0.0078125 1e-9 || fail "diff --json: changed_fraction"
grep -qF '"counts": [[8128, 0, 0, 0, 64, 0], [0, 8128, 0, 0, 64, 0], [0, 0, 0, 0, 0, 0]' <<< "$out" ||
    fail "diff --json: counts: $out"
if command -v python3 > /dev/null; then
    python3 -c 'import json, sys; json.loads(sys.stdin.read())' <<< "$out" ||
        fail "diff --json: invalid JSON: $out"
fi

run "diff self" 0 "$GS" diff "$tmp/half.csv" "$tmp/half.csv"
expect_out "diff self" "changed: 0 of 16384 cells (0.000%)"

# ---- errors ----
expect_error "diff planes" "x differs: 'b:-2:2' vs 'b:-1:1'" "$GS" diff "$tmp/half.csv" "$tmp/other.csv"
expect_error "diff res" "res differs" "$GS" diff "$tmp/half.csv" "$tmp/check.csv"
expect_error "diff one arg" "expected two map files" "$GS" diff "$tmp/half.csv"
expect_error "diff missing" "nope.csv" "$GS" diff "$tmp/half.csv" "$tmp/nope.csv"

expect_error "stats missing" "$tmp/nope.csv: No such file" "$GS" stats "$tmp/nope.csv"
expect_error "stats no args" "expected one map file" "$GS" stats
expect_error "stats of two, one missing" "$tmp/nope.csv: No such file" "$GS" stats "$tmp/half.csv" "$tmp/nope.csv"
# Several maps (the frames of a zoom): each map's report, then every D and the
# median of those that exist (one.csv has no boundary, so no D).
if "$GS" stats "$tmp/half.csv" "$tmp/check.csv" "$tmp/one.csv" --json > "$tmp/multi.json" &&
    python3 - "$tmp/multi.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
dims = d["dimensions"]
assert [m["file"].rsplit("/", 1)[1] for m in d["maps"]] == ["half.csv", "check.csv", "one.csv"]
assert dims[2] is None and d["dimension_maps"] == 2, d
assert abs(d["dimension_median"] - (dims[0] + dims[1]) / 2) < 1e-8, d   # 9 digits each
assert [m["dimension"] for m in d["maps"]] == dims
PY
then :; else fail "stats of three maps: the dimensions and their median (JSON)"; fi
"$GS" stats "$tmp/half.csv" "$tmp/one.csv" > "$tmp/multi.txt" &&
    grep -q "^  median D = " "$tmp/multi.txt" && grep -q "one.csv  D: not estimated" "$tmp/multi.txt" ||
    fail "stats of two maps: the median in text"
expect_error "stats bad option" "unknown option '--bogus'" "$GS" stats --bogus "$tmp/half.csv"
expect_error "stats eps 0" "--eps must be at least 1" "$GS" stats --eps 0 "$tmp/half.csv"
expect_error "stats eps word" "--eps: 'five' is not an integer" "$GS" stats --eps five "$tmp/half.csv"
expect_error "stats eps big" "larger than the 64x64 map" "$GS" stats --eps 65 "$tmp/one.csv"

: > "$tmp/empty.csv"
expect_error "stats empty" "empty.csv: empty file" "$GS" stats "$tmp/empty.csv"

head -c -1 "$tmp/half.csv" > "$tmp/torn.csv"
expect_error "stats torn" "torn last line" "$GS" stats "$tmp/torn.csv"

head -n 1000 "$tmp/half.csv" > "$tmp/short.csv"
expect_error "stats truncated" "short.csv: truncated: 989 of 16384 rows" "$GS" stats "$tmp/short.csv"

sed '1s/.*/# something else/' "$tmp/half.csv" > "$tmp/magic.csv"
expect_error "stats magic" "not a gridsweep map" "$GS" stats "$tmp/magic.csv"

sed 's/^ix,iy,/iy,ix,/' "$tmp/half.csv" > "$tmp/cols.csv"
expect_error "stats columns" "expected the column line" "$GS" stats "$tmp/cols.csv"

sed '20s/,stuck,/,stock,/; 20s/,converged,/,convergd,/' "$tmp/half.csv" > "$tmp/word.csv"
expect_error "stats outcome" "line 20: bad outcome" "$GS" stats "$tmp/word.csv"

sed '20s/^\([0-9]*\),\([0-9]*\),1,/\1,\2,1x,/' "$tmp/half.csv" > "$tmp/num.csv"
expect_error "stats number" "line 20: bad a0 '1x'" "$GS" stats "$tmp/num.csv"

sed '13{h;d};14{G}' "$tmp/half.csv" > "$tmp/order.csv"
expect_error "stats order" "line 13: cell 2,0 out of order, expected 1,0" "$GS" stats "$tmp/order.csv"

printf '\x89PNG\r\n\x1a\n\0\0\0' > "$tmp/binary.csv"
expect_error "stats binary" "not a gridsweep map" "$GS" stats "$tmp/binary.csv"

expect_error "stats directory" "$tmp" "$GS" stats "$tmp"

# A band of a tiled map is refused: merge it first.
awk 'NR == 11 { print "# tile: 1/2 rows=0:64" } NR <= 11 + 64 * 128' "$tmp/half.csv" > "$tmp/band.csv"
expect_error "stats band" "band 1/2 (rows 0:64) of a tiled map" "$GS" stats "$tmp/band.csv"

# Maps smaller than the default box (5 cells): the default adapts, and a map
# one cell wide gets a note instead of a dimension; an --eps given is checked.
map "$tmp/thin.csv" 1 16 half
map "$tmp/tiny.csv" 2 2 half
run "stats 1x16" 0 "$GS" stats "$tmp/thin.csv"
expect_out "stats 1x16" "boxes of 1x1 cells"
expect_out "stats 1x16" "note: the map is 1x16 cells, so the boxes are 1x1"
expect_out "stats 1x16" "one cell wide or high"
run "stats 2x2" 0 "$GS" stats "$tmp/tiny.csv" --json
expect_out "stats 2x2" '"eps": 2'
expect_error "stats --eps beyond a small map" "--eps 3 is larger than the 2x2 map" "$GS" stats "$tmp/tiny.csv" --eps 3
expect_error "stats of a missing file" "nope.csv" "$GS" stats "$tmp/nope.csv"
expect_error "diff with a missing file" "nope.csv" "$GS" diff "$tmp/half.csv" "$tmp/nope.csv"

if [ "$fails" -ne 0 ]; then
    echo "$fails check(s) failed" >&2
    exit 1
fi
echo "stats.sh: all checks passed"

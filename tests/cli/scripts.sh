#!/usr/bin/env bash
# The plot scripts (scripts/heatmap, compare, plot-trace) on small maps and a
# trace: valid PNGs from good input; for bad input one line on stderr naming the
# script, exit 1 (2 for usage), no traceback, no PNG. Skips (77) without a Python
# that has numpy and matplotlib.
GS=${1:?usage: scripts.sh /path/to/gridsweep}
ROOT=${SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$(dirname "$0")/lib.sh"
S=$ROOT/scripts

if ! py=$(bash "$S/find-python" 2>/dev/null); then
    echo "SKIP: no Python 3 with numpy and matplotlib"
    exit 77
fi
# Found once: the launchers then only check this one (python3 on PATH can be a
# slow pyenv shim).
export GRIDSWEEP_PYTHON=$py

# Maps: from the real sweep when it works, else synthetic ones in the same format.
maps=$tmp/maps
mkdir -p "$maps"
if "$GS" --act relu --res 8 --steps 50 --quiet -o "$maps/relu.csv" > /dev/null 2>&1 &&
   "$GS" --act elu --res 8 --steps 50 --quiet -o "$maps/elu.csv" > /dev/null 2>&1; then
    echo "maps: from gridsweep"
    "$GS" --act relu --res 8,6 --x lr:0.01:1:log --y d:-1:1 --steps 50 --quiet \
        -o "$maps/log.csv" > /dev/null 2>&1 || fail "sweep with a log axis"
    "$GS" --act relu --res 8 --steps 50 --quiet --tile 2/3 -o "$maps/tile.csv" > /dev/null 2>&1 ||
        fail "sweep of a tile"
else
    echo "maps: synthetic (gridsweep cannot sweep yet)"
    synth() { "$py" "$S/py/synthmap.py" "$@" || fail "synthmap $*"; }
    synth "$maps/relu.csv" --act relu --res 8
    synth "$maps/elu.csv" --act elu --res 8
    synth "$maps/log.csv" --act relu --res 8,6 --x lr:0.01:1:log --y d:-1:1 --at a=1,b=0.5,c=1
    synth "$maps/tile.csv" --act relu --res 8 --tile 2/3
fi
"$GS" trace --act selu --init 1,0.5,1,-0.5 --steps 200 -o "$tmp/trace.csv" > /dev/null 2>&1 ||
    fail "gridsweep trace"
"$GS" --act relu --res 4 --x b:-1:1 --steps 50 --quiet -o "$maps/other.csv" > /dev/null 2>&1 ||
    "$py" "$S/py/synthmap.py" "$maps/other.csv" --res 4 --x b:-1:1

# is_png NAME FILE: exists, non-empty, starts with the PNG signature.
is_png() {
    local sig
    sig=$(head -c 8 "$2" 2>/dev/null | od -An -tx1 | tr -d ' \n')
    check "$1: $2 is a PNG" [ "$sig" = 89504e470d0a1a0a ]
}

# expect_ok NAME PNG CMD...: exit 0, a valid PNG, nothing on stderr.
expect_ok() {
    local name=$1 png=$2
    shift 2
    rm -f "$png"
    "$@" > "$tmp/stdout" 2> "$tmp/stderr"
    local rc=$?
    if [ "$rc" -ne 0 ]; then
        fail "$name: exit $rc: $(head -c 300 "$tmp/stderr")"
        return
    fi
    check "$name: quiet stderr ($(head -c 200 "$tmp/stderr"))" [ ! -s "$tmp/stderr" ]
    is_png "$name" "$png"
}

# expect_fail NAME RC SCRIPT ARGS...: exit RC, one line on stderr starting with
# "SCRIPT: ", no traceback, and nothing written into the (empty) output dir.
expect_fail() {
    local name=$1 want=$2 script=$3
    shift 3
    local out=$tmp/out
    rm -rf "$out" && mkdir -p "$out"
    (cd "$out" && "$S/$script" "$@") > "$tmp/stdout" 2> "$tmp/stderr"
    local rc=$?
    local lines
    lines=$(wc -l < "$tmp/stderr")
    if [ "$rc" -ne "$want" ]; then
        fail "$name: exit $rc, want $want ($(head -c 300 "$tmp/stderr"))"
    elif [ "$lines" -ne 1 ] || ! grep -q "^$script: " "$tmp/stderr"; then
        fail "$name: want one '$script:' line on stderr, got: $(head -c 500 "$tmp/stderr")"
    elif grep -q Traceback "$tmp/stderr" "$tmp/stdout"; then
        fail "$name: traceback"
    elif [ -n "$(ls -A "$out")" ]; then
        fail "$name: left files behind: $(ls -A "$out")"
    else
        ok
    fi
}

png=$tmp/png
mkdir -p "$png"

# Good input.
expect_ok "heatmap" "$png/relu.png" "$S/heatmap" "$maps/relu.csv" -o "$png/relu.png"
cp "$maps/elu.csv" "$png/elu.csv"
expect_ok "heatmap default name" "$png/elu.png" "$S/heatmap" "$png/elu.csv"
expect_ok "heatmap log axis" "$png/log.png" "$S/heatmap" "$maps/log.csv" -o "$png/log.png"
expect_ok "heatmap tile" "$png/tile.png" "$S/heatmap" "$maps/tile.csv" -o "$png/tile.png"
expect_ok "compare" "$png/cmp.png" "$S/compare" "$maps/relu.csv" "$maps/elu.csv" -o "$png/cmp.png"
expect_ok "compare one map" "$png/cmp1.png" "$S/compare" "$maps/relu.csv" -o "$png/cmp1.png"
expect_ok "plot-trace" "$png/trace.png" "$S/plot-trace" "$tmp/trace.csv" -o "$png/trace.png"
check "find-python honours GRIDSWEEP_PYTHON" \
    [ "$(GRIDSWEEP_PYTHON="$py" bash "$S/find-python")" = "$(command -v "$py")" ]

# Bad input.
bad=$tmp/bad
mkdir -p "$bad"
: > "$bad/empty.csv"
printf 'x,y\n1,2\n3,4\n' > "$bad/plain.csv"
head -n -3 "$maps/relu.csv" > "$bad/short.csv"                 # whole rows missing
head -c -4 "$maps/relu.csv" > "$bad/torn.csv"                  # a torn last line
grep -v '^# cells:' "$maps/relu.csv" > "$bad/nocells.csv"
sed '$ s/,[a-z]*,\(-\{0,1\}[0-9]*\)$/,bogus,\1/' "$maps/relu.csv" > "$bad/outcome.csv"
sed '$ s/,[^,]*$/,x/' "$maps/relu.csv" > "$bad/tconv.csv"
sed '$ s/^\([^,]*\),/\1,,/' "$maps/relu.csv" > "$bad/fields.csv"
head -c 200 "$maps/relu.csv" > "$bad/header.csv"
head -n -2 "$tmp/trace.csv" > "$bad/trace-short.csv"
head -c -3 "$tmp/trace.csv" > "$bad/trace-torn.csv"
mkdir -p "$bad/dir.csv"

for script in heatmap plot-trace; do
    expect_fail "$script: no arguments" 2 "$script"
    expect_fail "$script: unknown option" 2 "$script" --frobnicate "$maps/relu.csv"
    expect_fail "$script: missing file" 1 "$script" "$bad/nope.csv"
    expect_fail "$script: empty file" 1 "$script" "$bad/empty.csv"
    expect_fail "$script: a directory" 1 "$script" "$bad/dir.csv"
    expect_fail "$script: not gridsweep CSV" 1 "$script" "$bad/plain.csv"
done
expect_fail "compare: no arguments" 2 compare
for script in heatmap compare; do
    expect_fail "$script: missing file" 1 $script "$bad/nope.csv" -o x.png
    expect_fail "$script: truncated map" 1 $script "$bad/short.csv" -o x.png
    grep -q 'truncated' "$tmp/stderr" || fail "$script: truncated map says so"
    expect_fail "$script: torn last line" 1 $script "$bad/torn.csv" -o x.png
    grep -q 'torn' "$tmp/stderr" || fail "$script: torn map says so"
    expect_fail "$script: header only, cut" 1 $script "$bad/header.csv" -o x.png
    expect_fail "$script: no cells line" 1 $script "$bad/nocells.csv" -o x.png
    expect_fail "$script: unknown outcome" 1 $script "$bad/outcome.csv" -o x.png
    expect_fail "$script: bad t_conv" 1 $script "$bad/tconv.csv" -o x.png
    expect_fail "$script: extra field" 1 $script "$bad/fields.csv" -o x.png
    expect_fail "$script: a trace, not a map" 1 $script "$tmp/trace.csv" -o x.png
    expect_fail "$script: output dir missing" 1 $script "$maps/relu.csv" -o nodir/x.png
done
expect_fail "compare: different plane" 1 compare "$maps/relu.csv" "$maps/other.csv" -o x.png
expect_fail "compare: different axes" 1 compare "$maps/relu.csv" "$maps/log.csv" -o x.png
expect_fail "compare: a bad second map" 1 compare "$maps/relu.csv" "$bad/short.csv" -o x.png
expect_fail "plot-trace: a map, not a trace" 1 plot-trace "$maps/relu.csv" -o x.png
expect_fail "plot-trace: truncated trace" 1 plot-trace "$bad/trace-short.csv" -o x.png
expect_fail "plot-trace: torn trace" 1 plot-trace "$bad/trace-torn.csv" -o x.png
GRIDSWEEP_PYTHON=/nonexistent/python3 expect_fail "GRIDSWEEP_PYTHON unusable" 1 heatmap \
    "$maps/relu.csv" -o x.png
grep -q 'python3-numpy python3-matplotlib\|GRIDSWEEP_PYTHON' "$tmp/stderr" ||
    fail "unusable Python: the error names the fix"

finish

#!/usr/bin/env bash
# The plot scripts (scripts/heatmap, compare, plot-trace) on small real maps and
# a trace made by the binary under test: valid PNGs from good input; for bad
# input one line on stderr naming the script, exit 2, no traceback, nothing
# written. Covers what gridsweep's own reader refuses (the scripts must refuse
# it too), outputs that are not regular files or are one of the inputs, and a
# HOME matplotlib cannot write in. Skips (77) without a Python that has numpy
# and matplotlib.
GS=${1:?usage: scripts.sh /path/to/gridsweep}
ROOT=${SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$(dirname "$0")/lib.sh"
S=$ROOT/scripts

if ! py=$(bash "$S/find-python" 2>/dev/null); then
    echo "SKIP: no Python 3 with numpy and matplotlib"
    exit 77
fi
# Found once: the launchers then only check this one (python3 on PATH can be a
# slow pyenv shim). The scripts ask this binary for its vocabularies.
export GRIDSWEEP_PYTHON=$py GRIDSWEEP_BIN=$GS

# Real maps and a trace, small and quick. Without them there is nothing to test.
maps=$tmp/maps
mkdir -p "$maps"
sweep() { "$GS" --steps 50 --quiet "$@" > /dev/null 2>&1 || { fail "gridsweep $*"; finish; exit 1; }; }
sweep --act relu --res 8 -o "$maps/relu.csv"
sweep --act elu --res 8 -o "$maps/elu.csv"
sweep --act relu --res 8,6 --x lr:0.01:1:log --y d:-1:1 -o "$maps/log.csv"
sweep --act relu --res 8 --tile 2/3 -o "$maps/tile.csv"
sweep --act relu --res 4 --x b:-1:1 -o "$maps/other.csv"
sweep --act mish --res 4 --loss mse --opt sgd --lr 100 -o "$maps/diverged.csv"   # nan, inf
"$GS" trace --act selu --init 1,0.5,1,-0.5 --steps 200 -o "$tmp/trace.csv" > /dev/null 2>&1 ||
    { fail "gridsweep trace"; finish; exit 1; }

# is_png NAME FILE: exists, non-empty, starts with the PNG signature.
is_png() {
    local sig
    sig=$(head -c 8 "$2" 2>/dev/null | od -An -tx1 | tr -d ' \n')
    check "$1: $2 is a PNG" [ "$sig" = 89504e470d0a1a0a ]
}

# expect_ok NAME PNG CMD...: exit 0, a valid PNG, nothing on stderr, no
# temporary file left beside it.
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
    check "$name: no temporary left" [ -z "$(find "$(dirname "$png")" -name '.*.tmp')" ]
}

# expect_fail NAME RC SCRIPT ARGS...: exit RC, one line on stderr starting with
# "SCRIPT: ", no traceback, and nothing written into the (empty) working dir.
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
expect_ok "heatmap of diverged cells" "$png/div.png" "$S/heatmap" "$maps/diverged.csv" \
    -o "$png/div.png"
expect_ok "compare" "$png/cmp.png" "$S/compare" "$maps/relu.csv" "$maps/elu.csv" -o "$png/cmp.png"
expect_ok "compare one map" "$png/cmp1.png" "$S/compare" "$maps/relu.csv" -o "$png/cmp1.png"
expect_ok "plot-trace" "$png/trace.png" "$S/plot-trace" "$tmp/trace.csv" -o "$png/trace.png"
: > "$png/old.png"
expect_ok "heatmap replaces a regular file" "$png/old.png" "$S/heatmap" "$maps/relu.csv" \
    -o "$png/old.png"
grep -v '^# at:' "$maps/relu.csv" > "$png/no-at.csv"
expect_ok "heatmap, a header without 'at' (stats reads it too)" "$png/no-at.png" "$S/heatmap" \
    "$png/no-at.csv"
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
sed '$ s/^\([^,]*\),/\1,,/' "$maps/relu.csv" > "$bad/fields.csv"
head -c 200 "$maps/relu.csv" > "$bad/header.csv"
head -n -2 "$tmp/trace.csv" > "$bad/trace-short.csv"
head -c -3 "$tmp/trace.csv" > "$bad/trace-torn.csv"
mkdir -p "$bad/dir.csv"

for script in heatmap plot-trace; do
    expect_fail "$script: no arguments" 2 "$script"
    expect_fail "$script: unknown option" 2 "$script" --frobnicate "$maps/relu.csv"
    expect_fail "$script: missing file" 2 "$script" "$bad/nope.csv"
    expect_fail "$script: empty file" 2 "$script" "$bad/empty.csv"
    expect_fail "$script: a directory" 2 "$script" "$bad/dir.csv"
    expect_fail "$script: not gridsweep CSV" 2 "$script" "$bad/plain.csv"
done
expect_fail "compare: no arguments" 2 compare
for script in heatmap compare; do
    expect_fail "$script: missing file" 2 $script "$bad/nope.csv" -o x.png
    expect_fail "$script: truncated map" 2 $script "$bad/short.csv" -o x.png
    grep -q 'truncated' "$tmp/stderr" || fail "$script: truncated map says so"
    expect_fail "$script: torn last line" 2 $script "$bad/torn.csv" -o x.png
    grep -q 'torn' "$tmp/stderr" || fail "$script: torn map says so"
    expect_fail "$script: header only, cut" 2 $script "$bad/header.csv" -o x.png
    expect_fail "$script: no cells line" 2 $script "$bad/nocells.csv" -o x.png
    expect_fail "$script: extra field" 2 $script "$bad/fields.csv" -o x.png
    expect_fail "$script: a trace, not a map" 2 $script "$tmp/trace.csv" -o x.png
    expect_fail "$script: output dir missing" 2 $script "$maps/relu.csv" -o nodir/x.png
done
expect_fail "compare: different plane" 2 compare "$maps/relu.csv" "$maps/other.csv" -o x.png
expect_fail "compare: different axes" 2 compare "$maps/relu.csv" "$maps/log.csv" -o x.png
expect_fail "compare: a bad second map" 2 compare "$maps/relu.csv" "$bad/short.csv" -o x.png
expect_fail "plot-trace: a map, not a trace" 2 plot-trace "$maps/relu.csv" -o x.png
expect_fail "plot-trace: truncated trace" 2 plot-trace "$bad/trace-short.csv" -o x.png
expect_fail "plot-trace: torn trace" 2 plot-trace "$bad/trace-torn.csv" -o x.png
GRIDSWEEP_PYTHON=/nonexistent/python3 expect_fail "GRIDSWEEP_PYTHON unusable" 1 heatmap \
    "$maps/relu.csv" -o x.png
grep -q 'python3-numpy python3-matplotlib\|GRIDSWEEP_PYTHON' "$tmp/stderr" ||
    fail "unusable Python: the error names the fix"
GRIDSWEEP_BIN=/nonexistent/gridsweep expect_fail "no binary for the vocabularies" 1 heatmap \
    "$maps/relu.csv" -o x.png

# What gridsweep's reader refuses, the scripts refuse (issue 10, point 17):
# each damaged map is refused by `gridsweep stats` and by heatmap and compare,
# and both name the same line.
damage() {   # damage NAME SED-SCRIPT: a copy of relu.csv with its rows edited
    sed "$2" "$maps/relu.csv" > "$bad/$1.csv"
}
damage outcome '$ s/,[a-z]*\(,-\{0,1\}[0-9]*,-\{0,1\}[0-9]*,-\{0,1\}[0-9]*,[^,]*\)$/,bogus\1/'
damage outcome-alike '$ s/,dead,/,deaf,/; $ s/,stuck,/,stick,/; $ s/,linear,/,lineax,/;
    $ s/,converged,/,convergeX,/; $ s/,diverged,/,divergeX,/'
# t_enter, the third field from the end
damage tconv-word '$ s/,[^,]*\(,[^,]*,[^,]*\)$/,x\1/'
damage tconv-below '$ s/,[^,]*\(,[^,]*,[^,]*\)$/,-7\1/'
damage tconv-huge '$ s/,[^,]*\(,[^,]*,[^,]*\)$/,99999999999\1/'
damage tconv-plus '$ s/,[^,]*\(,[^,]*,[^,]*\)$/,+5\1/'
damage loss-range '40 s/\(,[^,]*\)\(,[^,]*,[^,]*,[a-z]*,\)/,1e39\2/'
damage float-junk '40 s/^\([0-9]*\),\([0-9]*\),\([^,]*\),/\1,\2,1x,/'
damage float-space '40 s/^\([0-9]*\),\([0-9]*\),\([^,]*\),/\1,\2, 1,/'
damage float-empty '40 s/^\([0-9]*\),\([0-9]*\),\([^,]*\),/\1,\2,,/'
damage float-dash '40 s/^\([0-9]*\),\([0-9]*\),\([^,]*\),/\1,\2,-,/'
damage float-plus '40 s/^\([0-9]*\),\([0-9]*\),\([^,]*\),/\1,\2,+1,/'
damage row-gone '40d'
damage order '40 s/^\([0-9]*\),\([0-9]*\),/\1,7,/'
damage ix-word '40 s/^\([0-9]*\),/x,/'
damage act 's/^# act: relu$/# act: rely/'
damage at-axis 's/^# at: a=1,c=1,/# at: a=1,b=0,c=1,/'
damage key 's/^# loss: mae$/# loss:mae/'
damage columns 's/^ix,iy,/ix,iy2,/'
(cat "$maps/relu.csv"; tail -n 1 "$maps/relu.csv") > "$bad/extra-row.csv"
for name in outcome outcome-alike tconv-word tconv-below tconv-huge tconv-plus loss-range \
    float-junk float-space float-empty float-dash float-plus row-gone order ix-word act at-axis key \
    columns extra-row; do
    file=$bad/$name.csv
    cmp -s "$file" "$maps/relu.csv" && { fail "damage $name: the edit did nothing"; continue; }
    where=$("$GS" stats "$file" 2>&1 > /dev/null | grep -o 'line [0-9]*' | head -n 1)
    if "$GS" stats "$file" > /dev/null 2>&1; then
        fail "damage $name: gridsweep stats accepts it, so the scripts need not refuse it"
    fi
    for script in heatmap compare; do
        expect_fail "$script: $name" 2 $script "$file" -o x.png
        [ -z "$where" ] || grep -q "$where:" "$tmp/stderr" ||
            fail "$script: $name: stats says '$where', $script says: $(cat "$tmp/stderr")"
    done
done

# Outputs that are not a regular file or a new name, made here (never in
# /dev): refused before anything is read or written, and left as they were.
targets=$tmp/targets
mkdir -p "$targets"
echo target > "$targets/file.txt"
ln -s file.txt "$targets/link.png"
ln -s nowhere.png "$targets/dangling.png"
mkdir "$targets/dir.png"
mkfifo "$targets/fifo.png"
"$py" -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' \
    "$targets/socket.png" || fail "making a socket"
kinds="link dangling dir fifo socket"
if mknod "$targets/device.png" c 1 3 2> /dev/null; then   # a second /dev/null (root only)
    kinds="$kinds device"
else
    skip "output is a device node" "mknod needs root"
fi
for kind in $kinds; do
    t=$targets/$kind.png
    before=$(stat -c '%F %s' "$t")
    for script in heatmap compare plot-trace; do
        input=$maps/relu.csv
        [ $script = plot-trace ] && input=$tmp/trace.csv
        expect_fail "$script -o $kind" 2 $script "$input" -o "$t"
        check "$script -o $kind: left as it was" [ "$(stat -c '%F %s' "$t")" = "$before" ]
    done
done
expect_fail "heatmap -o ''" 2 heatmap "$maps/relu.csv" -o ''
expect_fail "heatmap -o a new name ending in /" 2 heatmap "$maps/relu.csv" -o "$targets/new/"
check "the symlink's target is untouched" [ "$(cat "$targets/file.txt")" = target ]
check "the dangling symlink made nothing" [ ! -e "$targets/nowhere.png" ]
check "no temporary left in the targets' directory" \
    [ -z "$(find "$targets" -name '.*.tmp')" ]

# The output is one of the inputs: by name, by another path, through a
# symlink, as a hard link. The map survives every time.
work=$tmp/same
mkdir -p "$work"
cp "$maps/relu.csv" "$work/m.csv"
cp "$maps/elu.csv" "$work/e.csv"
cp "$tmp/trace.csv" "$work/t.csv"
cp "$maps/relu.csv" "$work/m.png"
ln -s m.csv "$work/sym.csv"
ln "$work/m.csv" "$work/hard.csv"
expect_fail "heatmap -o the map" 2 heatmap "$work/m.csv" -o "$work/m.csv"
expect_fail "heatmap -o the map, another path" 2 heatmap "$work/m.csv" -o "$work/../same/m.csv"
expect_fail "heatmap -o the map, through a symlink input" 2 heatmap "$work/sym.csv" -o "$work/m.csv"
expect_fail "heatmap -o a hard link of the map" 2 heatmap "$work/m.csv" -o "$work/hard.csv"
expect_fail "heatmap default name is the map" 2 heatmap "$work/m.png"
expect_fail "compare -o the second map" 2 compare "$work/e.csv" "$work/m.csv" -o "$work/m.csv"
expect_fail "plot-trace -o the trace" 2 plot-trace "$work/t.csv" -o "$work/t.csv"
same "the map survives" "$work/m.csv" "$maps/relu.csv"
same "the second map survives" "$work/e.csv" "$maps/elu.csv"
same "the trace survives" "$work/t.csv" "$tmp/trace.csv"
same "the map named .png survives" "$work/m.png" "$maps/relu.csv"

# NetCDF maps (-o map.nc): the scripts read them by their first bytes into the
# same map as the CSV of the same command, so the figures are the same bytes;
# a broken .nc is one line. Skipped for a build without libnetcdf or a Python
# without netCDF4-python or scipy.
nc=$tmp/nc
mkdir -p "$nc"
if ! "$GS" --act relu --res 8 --steps 50 --quiet -o "$nc/probe.nc" 2> "$nc/probe.err"; then
    skip "NetCDF maps" "$(cat "$nc/probe.err")"
elif ! "$py" -c 'import netCDF4' 2> /dev/null && ! "$py" -c 'import scipy.io' 2> /dev/null; then
    skip "NetCDF maps" "no python3-netcdf4 or python3-scipy for $py"
else
    for m in "relu --res 8" "relu --res 8,6 --x lr:0.01:1:log --y d:-1:1" \
             "relu --res 8 --tile 2/3"; do
        name=${m// /_}; name=${name//:/_}; name=${name//\//_}
        sweep --act $m -o "$nc/$name.csv"
        sweep --act $m -o "$nc/$name.nc"
        expect_ok "heatmap of .csv, $m" "$nc/$name.csv.png" "$S/heatmap" "$nc/$name.csv" \
            -o "$nc/$name.csv.png"
        expect_ok "heatmap of .nc, $m" "$nc/$name.nc.png" "$S/heatmap" "$nc/$name.nc" \
            -o "$nc/$name.nc.png"
        check "heatmap of .nc draws the .csv's figure, $m" \
            cmp -s "$nc/$name.csv.png" "$nc/$name.nc.png"
    done
    expect_ok "compare a .csv and a .nc" "$nc/cmp.png" "$S/compare" "$maps/relu.csv" \
        "$nc/relu_--res_8.nc" -o "$nc/cmp.png"
    printf 'CDF\002 not a map' > "$bad/garbage.nc"
    head -c 300 "$nc/relu_--res_8.nc" > "$bad/cut.nc"
    head -c -10 "$nc/relu_--res_8.nc" > "$bad/cut-rows.nc"   # libnetcdf would read zeros
    cp "$nc/relu_--res_8.nc" "$bad/renamed.csv"   # read by content, not by name
    expect_ok "heatmap of a .nc named .csv" "$nc/renamed.png" "$S/heatmap" "$bad/renamed.csv" \
        -o "$nc/renamed.png"
    for f in garbage.nc cut.nc cut-rows.nc; do
        expect_fail "heatmap $f" 2 heatmap "$bad/$f" -o x.png
        expect_fail "compare $f" 2 compare "$maps/relu.csv" "$bad/$f" -o x.png
    done
    check "heatmap cut-rows.nc says what gridsweep stats says" \
        grep -q "cut short: .* bytes, its 8 rows of cells need" "$tmp/stderr"
fi

# No writable HOME: matplotlib must not add a warning line, to errors or to a
# quiet success (a HOME that is a file cannot be written in, even by root).
: > "$tmp/home-file"
nohome() { HOME=$tmp/home-file XDG_CONFIG_HOME='' XDG_CACHE_HOME='' MPLCONFIGDIR='' "$@"; }
nohome expect_ok "heatmap, no writable HOME" "$png/nohome.png" "$S/heatmap" "$maps/relu.csv" \
    -o "$png/nohome.png"
nohome expect_ok "plot-trace, no writable HOME" "$png/nohome-trace.png" "$S/plot-trace" \
    "$tmp/trace.csv" -o "$png/nohome-trace.png"
nohome expect_fail "heatmap error, no writable HOME" 2 heatmap "$bad/outcome.csv" -o x.png
nohome expect_fail "compare error, no writable HOME" 2 compare \
    "$maps/relu.csv" "$bad/outcome.csv" -o x.png

finish
